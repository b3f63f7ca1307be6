"""More kinds of AutoAI pipeline, each built in a process of its own as Watson exports it (a lone
pickle fitted on a numpy array), served by the real server, answering as the pipeline did; then
refitted by `train` on the rows it was fitted on, answering as the same pipeline fitted afresh."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from handler.wire.media_types import CSV
from tests.integration.test_train import channel, run_train
from tests.pipeline_kinds import KINDS, NOT_IN_THIS_RUNTIME
from tests.serving import ROOT, running_server
from training.sample_data import TARGET


def in_child(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tests.pipeline_kinds", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def built(kind: str, directory: Path) -> dict:
    """The kind built into `directory`, and what it answers for its holdout rows."""
    result = in_child(kind, str(directory))
    if result.returncode == NOT_IN_THIS_RUNTIME:
        pytest.skip(result.stderr.strip())
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads((directory / "expected.json").read_text())


def assert_same_answers(csv_answer: str, expected: dict) -> None:
    rows = list(csv.reader(io.StringIO(csv_answer)))
    assert [row[0] for row in rows] == [str(label) for label in expected["labels"]]
    if expected["probabilities"] is not None:
        assert [[float(p) for p in row[1:]] for row in rows] == expected["probabilities"]
    else:
        assert all(len(row) == 1 for row in rows)  # a classifier without probabilities: labels


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_kind_serves_exactly_and_refits(kind, tmp_path):
    expected = built(kind, tmp_path)
    with running_server(tmp_path, tmp_path / "serve.log") as server:
        response = server.invoke(expected["csv"], CSV, CSV)
    assert response.status_code == 200, response.text
    assert_same_answers(response.text, expected)

    base_dir = tmp_path / "job"
    shutil.copytree(tmp_path / "model", channel(base_dir), dirs_exist_ok=True)
    shutil.copy(tmp_path / "training.csv", channel(base_dir))
    shutil.copy(tmp_path / "validation.csv", channel(base_dir, "validation"))
    trained = run_train(base_dir, target=TARGET, mode="refit")
    assert trained.returncode == 0, trained.stderr[-3000:]
    rows = tmp_path / "holdout.csv"
    rows.write_text(expected["csv"])
    scored = in_child("score", str(base_dir / "model"), str(rows))
    assert scored.returncode == 0, scored.stderr[-3000:]
    refit = json.loads(scored.stdout.splitlines()[-1])
    assert refit["labels"] == expected["refitted"]["labels"]
    assert refit["probabilities"] == expected["refitted"]["probabilities"]
