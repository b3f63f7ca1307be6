"""local-test/serve-local.sh and predict.sh, natively, on a copy of test-dir."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from tests.serving import ROOT, Server, free_port, stop, wait_until_healthy

LOCAL_TEST = ROOT / "local-test"


def serve_local(environment: dict[str, str], log: Path) -> subprocess.Popen:
    """`local-test/serve-local.sh` started with `environment`, its output in `log`."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(LOCAL_TEST / "serve-local.sh")],
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def test_serve_local_then_predict(tmp_path):
    test_dir = tmp_path / "test-dir"
    shutil.copytree(
        LOCAL_TEST / "test-dir", test_dir, ignore=shutil.ignore_patterns("model", "output")
    )
    port = free_port()
    environment = dict(os.environ, TEST_DIR=str(test_dir), SAGEMAKER_BIND_TO_PORT=str(port))
    environment["PYTHON"] = os.sys.executable
    log = tmp_path / "serve.log"
    process = serve_local(environment, log)
    try:
        wait_until_healthy(Server(f"http://127.0.0.1:{port}", process, log))
        result = subprocess.run(
            [str(LOCAL_TEST / "predict.sh")], env=environment, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        payload_rows = (LOCAL_TEST / "payload.csv").read_text().splitlines()
        assert len(result.stdout.splitlines()) == len(payload_rows)
        result = subprocess.run(
            [
                str(LOCAL_TEST / "predict.sh"),
                str(LOCAL_TEST / "payload.csv"),
                "text/csv",
                "application/json",
            ],
            env=environment,
            capture_output=True,
            text=True,
        )
        assert result.stdout.startswith('{"predictions"')
    finally:
        assert stop(process) == []
    assert sorted(p.name for p in (test_dir / "model").iterdir()) == [
        "autoai-metadata.json",
        "model.pickle",
    ]


def test_train_local_then_serve_local(tmp_path):
    test_dir = tmp_path / "test-dir"
    shutil.copytree(
        LOCAL_TEST / "test-dir",
        test_dir,
        ignore=shutil.ignore_patterns("model", "output", "checkpoints"),
    )
    (test_dir / "input/config/hyperparameters.json").write_text(
        json.dumps({"target": "ENROLLED", "max_evals": "2", "max_seconds": "60"})
    )
    environment = dict(os.environ, TEST_DIR=str(test_dir), PYTHON=os.sys.executable)
    result = subprocess.run(
        [str(LOCAL_TEST / "train-local.sh")], env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "resuming" not in result.stderr
    assert "validation:accuracy=" in result.stdout
    trained = _sha256(test_dir / "model/model.pickle")
    assert (test_dir / "output/data/metrics.json").is_file()

    port = free_port()
    environment["SAGEMAKER_BIND_TO_PORT"] = str(port)
    log = tmp_path / "serve.log"
    process = serve_local(environment, log)
    try:
        wait_until_healthy(Server(f"http://127.0.0.1:{port}", process, log))
    finally:
        assert stop(process) == []
    assert "fitting the default model" not in log.read_text()
    assert _sha256(test_dir / "model/model.pickle") == trained

    again = subprocess.run(
        [str(LOCAL_TEST / "train-local.sh")], env=environment, capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr
    assert (
        f"resuming from the checkpoints of an earlier run in {test_dir}/checkpoints; "
        f"to start fresh: rm -rf {test_dir}/checkpoints"
    ) in again.stderr


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
