"""The server in a real memory cgroup. On a multi-model endpoint, a model that would not fit in
what the limit leaves is refused with 507 before it is read (SageMaker then unloads other models
and retries), leaves no worker behind, and loads once there is room; the models already loaded
keep scoring. A single model whose workers would not all fit stops `serve` at once, saying how
many would.

The server runs in a child cgroup of this process's own, made for the test, as a container's
processes run in the container's cgroup."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import joblib
import numpy as np
import pytest
import requests
from sklearn.dummy import DummyClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from handler.process.cgroups import cgroup_directories
from tests.integration.test_multi_model import eventually, invoke_csv, load, workers_of
from tests.serving import ROOT, Server, free_port, stop, wait_until_healthy

MB = 1024 * 1024
BIG_PICKLE_FEATURES = 4_000_000  # three float64 arrays of this width: a pickle of about 96 MB
ROOM_LEFT = 220 * MB  # a worker's own start fits; a 96 MB pickle (about 350 MB to load) does not


@pytest.fixture
def memory_cgroup(tmp_path):
    """A child of this process's memory cgroup, removed after the test."""
    parent = cgroup_directories("memory")[0]
    v1 = (parent / "memory.limit_in_bytes").exists()
    child = parent / f"autoai-test-{os.getpid()}-{tmp_path.name}"
    try:
        child.mkdir()
    except OSError as error:
        pytest.skip(f"no memory cgroup this test can create here ({parent}): {error}")
    yield MemoryCgroup(child, v1)
    for _ in range(50):
        try:
            child.rmdir()
            return
        except OSError:
            time.sleep(0.1)  # the server's last processes are still leaving it


class MemoryCgroup:
    def __init__(self, directory: Path, v1: bool):
        self.directory = directory
        self.v1 = v1

    def usage(self) -> int:
        name = "memory.usage_in_bytes" if self.v1 else "memory.current"
        return int((self.directory / name).read_text())

    def serve_command(self) -> list[str]:
        """`entrypoint.py serve`, run in this cgroup (the shell joins it, then becomes serve)."""
        procs = self.directory / "cgroup.procs"
        script = f'echo $$ > "{procs}" && exec "$0" "$1" serve'
        return ["sh", "-c", script, sys.executable, str(ROOT / "entrypoint.py")]

    def limit_to(self, limit: int | None) -> None:
        name = "memory.limit_in_bytes" if self.v1 else "memory.max"
        value = str(limit) if limit is not None else ("-1" if self.v1 else "max")
        (self.directory / name).write_text(value)


def test_a_model_that_would_not_fit_is_a_507_and_loads_once_there_is_room(
    memory_cgroup, classifier, tmp_path
):
    models = tmp_path / "models"
    shutil.copytree(classifier.model_dir, models / "small" / "model")
    big = models / "big" / "model"
    big.mkdir(parents=True)
    wide = np.zeros((2, BIG_PICKLE_FEATURES))
    joblib.dump(
        Pipeline([("scale", StandardScaler()), ("classify", DummyClassifier())]).fit(wide, [0, 1]),
        big / "model.pickle",
    )
    del wide
    port, log = free_port(), tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            memory_cgroup.serve_command(),
            env={
                **os.environ,
                "SAGEMAKER_BASE_DIR": str(tmp_path),
                "SAGEMAKER_BIND_TO_PORT": str(port),
                "SAGEMAKER_MULTI_MODEL": "true",
            },
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_until_healthy(server)
        assert load(server, "small", tmp_path).status_code == 200
        memory_cgroup.limit_to(memory_cgroup.usage() + ROOM_LEFT)

        refused = load(server, "big", tmp_path)
        assert refused.status_code == 507, refused.text
        assert "model big cannot load" in server.log() and "MB are free" in server.log()
        assert eventually(lambda: workers_of(server, "big") == [])
        assert invoke_csv(server, "small", classifier).status_code == 200
        # MMS 1.1.11 leaves a model whose load answered 507 registered, with no worker (docs/
        # multi-model.md says why): unloading it, as SageMaker unloads models, clears it.
        unload = requests.delete(f"{server.url}/models/big", timeout=60)
        assert unload.status_code == 200, unload.text

        memory_cgroup.limit_to(None)  # as after SageMaker unloaded other models
        assert load(server, "big", tmp_path).status_code == 200
        assert len(workers_of(server, "big")) >= 1
    finally:
        leftovers = stop(process)
    assert not leftovers


def test_workers_that_would_not_fit_stop_serve_saying_how_many_would(
    memory_cgroup, classifier, tmp_path
):
    shutil.copytree(classifier.model_dir, tmp_path / "model")
    memory_cgroup.limit_to(1024 * MB)  # 8 workers of about 160 MB each do not fit
    result = subprocess.run(
        memory_cgroup.serve_command(),
        env={
            **os.environ,
            "SAGEMAKER_BASE_DIR": str(tmp_path),
            "SAGEMAKER_BIND_TO_PORT": str(free_port()),
            "SAGEMAKER_MODEL_SERVER_WORKERS": "8",
        },
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode != 0
    assert "8 workers would each load model.pickle" in result.stderr
    assert "set SAGEMAKER_MODEL_SERVER_WORKERS=" in result.stderr
