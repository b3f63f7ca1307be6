"""`train` in import mode: a pipeline pickle in the training channel becomes the served model."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

from handler.media_types import CSV
from tests.serving import ROOT, running_server


def run_train(base_dir: Path) -> subprocess.CompletedProcess:
    environment = dict(os.environ, SAGEMAKER_BASE_DIR=str(base_dir))
    return subprocess.run(
        [sys.executable, str(ROOT / "entrypoint.py"), "train"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_an_imported_pickle_is_served(bare_classifier, tmp_path):
    channel = tmp_path / "input/data/training"
    channel.mkdir(parents=True)
    (channel / "auto-ai-pipeline.pickle").write_bytes(pickle.dumps(bare_classifier.pipeline))
    result = run_train(tmp_path)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in (tmp_path / "model").iterdir()] == ["auto-ai-pipeline.pickle"]
    assert not (tmp_path / "output/failure").exists()
    with running_server(tmp_path, tmp_path / "serve.log") as server:
        response = server.invoke(bare_classifier.holdout.to_csv(header=False, index=False), CSV)
    lines = response.text.splitlines()
    assert [
        [float(p) for p in line.split(",")[1:]] for line in lines
    ] == bare_classifier.expected_proba()


def test_metadata_travels_with_the_pickle(classifier, tmp_path):
    channel = tmp_path / "input/data/training"
    channel.mkdir(parents=True)
    for path in classifier.model_dir.iterdir():
        (channel / path.name).write_bytes(path.read_bytes())
    assert run_train(tmp_path).returncode == 0
    assert sorted(p.name for p in (tmp_path / "model").iterdir()) == [
        "autoai-metadata.json",
        "model.pickle",
    ]


def test_an_unloadable_pickle_fails_the_job_and_leaves_the_model_dir_alone(tmp_path):
    channel = tmp_path / "input/data/training"
    channel.mkdir(parents=True)
    (channel / "model.pickle").write_bytes(b"\x80\x04garbage")
    result = run_train(tmp_path)
    assert result.returncode != 0
    failure = (tmp_path / "output/failure").read_text()
    assert "cannot load" in failure and "model.pickle" in failure
    assert not (tmp_path / "model").exists() or not any((tmp_path / "model").iterdir())


def test_no_channel_fails_the_job_naming_what_was_found(tmp_path):
    (tmp_path / "input/data/validation").mkdir(parents=True)
    (tmp_path / "input/data/extra").mkdir(parents=True)
    result = run_train(tmp_path)
    assert result.returncode != 0
    assert "no 'training' channel" in (tmp_path / "output/failure").read_text()
    assert "extra, validation" in result.stderr
