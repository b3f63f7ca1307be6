"""`build_and_push.sh` against moto, with a recording stand-in for the docker client (see the
`docker_log` fixture); the script's AWS side is the real tool."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deployment.conftest import docker_calls
from tests.deployment.moto_server import ACCOUNT, REGION
from tests.serving import ROOT

SCRIPT = ROOT / "build_and_push.sh"
REGISTRY = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"


def run_script(
    docker_log: Path,
    *args: str,
    path: str | None = None,
    python: str = sys.executable,
    cwd: Path = ROOT,
):
    """The script as a user runs it, in the `aws` fixture's environment (moto as AWS)."""
    environment = {
        **os.environ,
        "PATH": path if path is not None else f"{docker_log.parent / 'bin'}:{os.environ['PATH']}",
        "DOCKER_LOG": str(docker_log),
        "PYTHON": python,
    }
    return subprocess.run(
        [str(SCRIPT), *args], env=environment, cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_builds_for_the_runtime_and_pushes_to_a_new_repository(aws, docker_log):
    result = run_script(docker_log, "autoai-sagemaker", "22.1")
    assert result.returncode == 0, result.stderr
    image = f"{REGISTRY}/autoai-sagemaker:22.1"
    assert result.stdout == f"{image}\n"  # only the URI, for IMAGE=$(./build_and_push.sh ...)

    assert aws.call("CreateRepository").params["repositoryName"] == "autoai-sagemaker"
    build, login, tag, push = docker_calls(docker_log)
    assert build["args"] == [
        "build",
        "--platform",
        "linux/amd64",
        "--build-arg",
        "AUTOAI_RUNTIME=22.1",
        "--tag",
        "autoai-sagemaker:22.1",
        str(ROOT),
    ]
    assert login["args"] == ["login", "--username", "AWS", "--password-stdin", REGISTRY]
    assert login["stdin"] == f"{ACCOUNT}-auth-token\n"  # the password never on a command line
    assert tag["args"] == ["tag", "autoai-sagemaker:22.1", image]
    assert push["args"] == ["push", image]
    assert "docker says: build" in result.stderr


def test_default_runtime_and_an_existing_repository(aws, docker_log):
    assert run_script(docker_log, "autoai").returncode == 0
    result = run_script(docker_log, "autoai")
    assert result.stdout == f"{REGISTRY}/autoai:25.1\n"
    assert len(aws.calls("CreateRepository")) == 1


def test_runs_from_anywhere_with_a_relative_python(aws, docker_log, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    python = os.path.relpath(sys.executable, elsewhere)
    result = run_script(docker_log, "autoai", python=python, cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{REGISTRY}/autoai:25.1\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("autoai", "21.0"), "unknown runtime '21.0'"),
        ((), "usage:"),
    ],
)
def test_bad_arguments_stop_before_anything_runs(aws, docker_log, args, message):
    result = run_script(docker_log, *args)
    assert result.returncode != 0 and message in result.stderr
    assert not docker_log.exists() and aws.calls() == []


def test_without_docker_it_says_so(aws, docker_log, tmp_path):
    no_docker = tmp_path / "no-docker-bin"
    no_docker.mkdir()
    for tool in ("bash", "dirname"):
        (no_docker / tool).symlink_to(shutil.which(tool))
    result = run_script(docker_log, "autoai", path=str(no_docker))
    assert result.returncode == 1
    assert "docker is not installed" in result.stderr
    assert aws.calls() == []


def test_missing_credentials_fail_before_building(aws, docker_log, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    result = run_script(docker_log, "autoai")
    assert result.returncode == 1
    assert "no AWS credentials found" in result.stderr
    assert not docker_log.exists()
