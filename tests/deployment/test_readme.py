"""The README's "Deploy to SageMaker" commands, then docs/deploy.md's, which go on in the same
shell, run as written (one bash script, stopping at the first failure) against moto and the
stand-in docker client: the copy-paste path works."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.deployment.conftest import docker_calls
from tests.serving import ROOT

SECTION = "## Deploy to SageMaker"


def deploy_section_commands() -> str:
    section = (ROOT / "README.md").read_text().split(SECTION, 1)[1].split("\n## ", 1)[0]
    page = (ROOT / "docs" / "deploy.md").read_text()
    return "\n".join(re.findall(r"```sh\n(.*?)```", section + page, re.S))


def test_the_readme_deploy_commands_run_as_written(aws, docker_log):
    commands = deploy_section_commands()
    assert "build_and_push.sh" in commands and "teardown" in commands
    for name in ("python", "python3"):  # the user's Python, with boto3: this one
        wrapper = docker_log.parent / "bin" / name
        wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
        wrapper.chmod(0o755)
    script = 'pip() { echo "pip $*: skipped, boto3 is installed"; }\n' + commands
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        env={
            **os.environ,
            "PATH": f"{docker_log.parent / 'bin'}:{os.environ['PATH']}",
            "DOCKER_LOG": str(docker_log),
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr

    # The README sets AWS_REGION=us-east-1, the one region whose bucket takes no location.
    bucket = "sagemaker-us-east-1-123456789012"
    assert aws.call(f"PUT /{bucket}").body == b""
    assert docker_calls(docker_log)[-1]["args"][0] == "push"
    single, multi = (c.params["PrimaryContainer"] for c in aws.calls("CreateModel"))
    assert single["ModelDataUrl"] == f"s3://{bucket}/autoai/churn/model.tar.gz"
    assert single["Environment"] == {"SAGEMAKER_MODEL_SERVER_WORKERS": "2"}
    assert (multi["Mode"], multi["ModelDataUrl"]) == ("MultiModel", f"s3://{bucket}/autoai/models/")
    target = aws.call("POST /endpoints/many/invocations").headers["x-amzn-sagemaker-target-model"]
    assert target == "churn-v2.tar.gz"
    assert aws.call("CreateTransformJob").params["TransformInput"]["SplitType"] == "Line"
    assert aws.call("CreateTrainingJob").params["HyperParameters"] == {"target": "ENROLLED"}
    deleted = [c.params["EndpointName"] for c in aws.calls("DeleteEndpoint")]
    assert deleted == ["churn", "many"]
    assert result.stdout.splitlines()[-1].endswith(
        "/autoai/training/churn-refit-1/output/model.tar.gz"
    )
