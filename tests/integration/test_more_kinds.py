"""More kinds of AutoAI pipeline, each built in a process of its own as Watson exports it (a lone
pickle fitted on a numpy array), served by the real server, answering as the pipeline did."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from handler.wire.media_types import CSV
from tests.pipeline_kinds import KINDS
from tests.serving import ROOT, running_server


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_kind_serves_exactly(kind, tmp_path):
    built = subprocess.run(
        [sys.executable, "-m", "tests.pipeline_kinds", kind, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    expected = json.loads((tmp_path / "expected.json").read_text())
    with running_server(tmp_path, tmp_path / "serve.log") as server:
        response = server.invoke(expected["csv"], CSV, CSV)
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.text)))
    assert [row[0] for row in rows] == [str(label) for label in expected["labels"]]
    if expected["probabilities"] is not None:
        assert [[float(p) for p in row[1:]] for row in rows] == expected["probabilities"]
    else:
        assert all(len(row) == 1 for row in rows)  # a classifier without probabilities: labels
