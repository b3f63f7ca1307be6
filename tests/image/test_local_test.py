"""local-test/serve-local.sh IMAGE and train-local.sh IMAGE against the image, on a copy of
test-dir, with the engine the image tests use."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time

from tests.image.containers import Engine, answers_ping, terminate
from tests.serving import ROOT, free_port

LOCAL_TEST = ROOT / "local-test"


def copy_of_test_dir(tmp_path):
    test_dir = tmp_path / "test-dir"
    ignored = shutil.ignore_patterns("model", "output", "checkpoints")
    shutil.copytree(LOCAL_TEST / "test-dir", test_dir, ignore=ignored)
    return test_dir


def container_publishing(engine: Engine, port: int) -> str | None:
    """The ID of the running container that publishes `port` (the script's: the port is free)."""
    listing = engine("ps", "--format", "{{.ID}} {{.Ports}}")
    return next((line.split()[0] for line in listing.splitlines() if f":{port}->" in line), None)


def test_serve_local_then_predict(engine: Engine, tmp_path):
    test_dir = copy_of_test_dir(tmp_path)
    port = free_port()
    environment = dict(
        os.environ, TEST_DIR=str(test_dir), SAGEMAKER_BIND_TO_PORT=str(port),
        CONTAINER_ENGINE=engine.command,
    )  # fmt: skip
    log = tmp_path / "serve-local.log"
    with log.open("wb") as out:
        script = subprocess.Popen(
            [str(LOCAL_TEST / "serve-local.sh"), engine.image],
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    container = None
    try:
        deadline = time.monotonic() + 180  # it fits the default model in the image first
        while container is None or not answers_ping(f"http://127.0.0.1:{port}"):
            assert script.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            container = container or container_publishing(engine, port)
            time.sleep(0.2)
        predicted = subprocess.run(
            [str(LOCAL_TEST / "predict.sh")], env=environment, capture_output=True, text=True
        )
        assert predicted.returncode == 0, predicted.stderr
        payload_rows = (LOCAL_TEST / "payload.csv").read_text().splitlines()
        assert len(predicted.stdout.splitlines()) == len(payload_rows)
        assert terminate(engine, container) < 10
        assert script.wait(timeout=30) == 0
    finally:
        if script.poll() is None:
            script.kill()
        if container is not None:
            engine.remove(container)
    assert sorted(p.name for p in (test_dir / "model").iterdir()) == [
        "autoai-metadata.json",
        "model.pickle",
    ]


def test_train_local(engine: Engine, tmp_path):
    test_dir = copy_of_test_dir(tmp_path)
    (test_dir / "input/config/hyperparameters.json").write_text(
        json.dumps({"target": "ENROLLED", "max_evals": "2", "max_seconds": "60"})
    )
    environment = dict(os.environ, TEST_DIR=str(test_dir), CONTAINER_ENGINE=engine.command)
    result = subprocess.run(
        [str(LOCAL_TEST / "train-local.sh"), engine.image],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "validation:accuracy=" in result.stdout
    assert (test_dir / "model/model.pickle").is_file()
    assert (test_dir / "output/data/metrics.json").is_file()
