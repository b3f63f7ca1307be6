"""A moto server for the deployment tests, and the tool run against it as a user runs it."""

from __future__ import annotations

import pytest

from tests.deployment.moto_server import ACCOUNT, moto_server

ROLE = f"arn:aws:iam::{ACCOUNT}:role/service-role/SageMakerExecution"
IMAGE = f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/autoai-sagemaker:25.1"


@pytest.fixture(scope="session")
def moto(tmp_path_factory):
    with moto_server(tmp_path_factory.mktemp("moto")) as server:
        yield server


@pytest.fixture
def aws(moto, monkeypatch):
    """moto as this test's AWS: empty, recording, and the only AWS this process can reach."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_REGION", "AWS_SESSION_TOKEN", "SAGEMAKER_ROLE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in moto.environment().items():
        monkeypatch.setenv(name, value)
    moto.reset()
    return moto


@pytest.fixture
def deploy(aws, capsysbinary):
    """Runs `python -m deploy ARGS` in this process: (exit status, stdout, stderr)."""
    from deploy.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        status = main(list(args))
        out, err = capsysbinary.readouterr()
        return status, out.decode(), err.decode()

    return run
