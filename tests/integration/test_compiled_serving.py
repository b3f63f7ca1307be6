"""The real server with each scorer: the log says which serves, and the answers are the same."""

from __future__ import annotations

import pytest

from handler.wire.media_types import CSV
from tests.serving import running_server


@pytest.mark.parametrize(
    ("setting", "logged"),
    [
        ("auto", "model model.pickle: scored by the compiled scorer ("),
        ("pipeline", "model model.pickle: scored by the pipeline (AUTOAI_SCORER=pipeline)"),
    ],
)
def test_either_scorer_serves_the_pipelines_answers(classifier, tmp_path, setting, logged):
    body = classifier.holdout.head(20).to_csv(header=False, index=False)
    with running_server(
        classifier.model_dir.parent, tmp_path / "serve.log", AUTOAI_SCORER=setting
    ) as server:
        response = server.invoke(body, CSV)
        log = server.log()
    assert response.status_code == 200
    rows = [line.split(",") for line in response.text.splitlines()]
    assert [row[0] for row in rows] == classifier.expected_labels(classifier.holdout.head(20))
    assert [[float(p) for p in row[1:]] for row in rows] == classifier.expected_proba(
        classifier.holdout.head(20)
    )
    assert logged in log
