"""A moto server for the deployment tests, and the tool run against it as a user runs it."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import boto3
import pytest

from tests.deployment.moto_server import ACCOUNT, REGION, moto_server

ROLE = f"arn:aws:iam::{ACCOUNT}:role/service-role/SageMakerExecution"
IMAGE = f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/autoai-sagemaker:25.1"
BUCKET = "autoai-artifacts"


@pytest.fixture
def bucket(aws) -> str:
    """An empty bucket in moto's S3, for artifacts and job inputs."""
    boto3.client("s3", region_name=REGION).create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    return BUCKET


def s3_object(uri: str) -> bytes:
    bucket, key = uri[len("s3://") :].split("/", 1)
    return boto3.client("s3", region_name=REGION).get_object(Bucket=bucket, Key=key)["Body"].read()


def s3_keys(prefix: str) -> list[str]:
    listing = boto3.client("s3", region_name=REGION).list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def uploads(aws) -> list[str]:
    """The objects put into S3 (`PUT /bucket/key`; `PUT /bucket` makes a bucket)."""
    return [
        c.operation
        for c in aws.calls()
        if c.operation.startswith("PUT /") and c.operation.count("/") > 1
    ]


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
    """Runs `python -m deploy COMMAND_LINE [MORE ARGS]` in this process, the command line split as
    a shell splits it: (exit status, stdout, stderr)."""
    from deploy.cli import main

    def run(command_line: str, *more: str) -> tuple[int, str, str]:
        status = main([*shlex.split(command_line), *more])
        out, err = capsysbinary.readouterr()
        return status, out.decode(), err.decode()

    return run


DOCKER = """#!{python}
import json, os, sys
args = sys.argv[1:]
stdin = sys.stdin.read() if "--password-stdin" in args else None
with open(os.environ["DOCKER_LOG"], "a") as log:
    log.write(json.dumps({{"args": args, "stdin": stdin}}) + "\\n")
print("docker says: " + " ".join(args[:1]))  # docker's own output must not reach stdout
"""


@pytest.fixture
def docker_log(tmp_path) -> Path:
    """Where a stand-in `docker` in `tmp_path/bin` records each call (arguments, and stdin for a
    login): no Docker engine runs on the machines this is tested on. Put that dir first on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    docker = bin_dir / "docker"
    docker.write_text(DOCKER.format(python=sys.executable))
    docker.chmod(0o755)
    return tmp_path / "docker.jsonl"


def docker_calls(docker_log: Path) -> list[dict]:
    return [json.loads(line) for line in docker_log.read_text().splitlines()]
