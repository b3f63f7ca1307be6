"""The image's home: an ECR repository in the account, the password `docker login` needs, and
`build_and_push.sh` run from Python (for the notebook)."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

from deploy.aws import Aws, DeployError

BUILD_AND_PUSH = Path(__file__).resolve().parent.parent / "build_and_push.sh"


def repository_uri(aws: Aws, name: str) -> str:
    """The URI of ECR repository `name` (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`),
    created when missing."""
    ecr = aws.client("ecr")
    try:
        found = ecr.describe_repositories(repositoryNames=[name])["repositories"][0]
    except ecr.exceptions.RepositoryNotFoundException:
        found = ecr.create_repository(
            repositoryName=name, imageScanningConfiguration={"scanOnPush": True}
        )["repository"]
    return found["repositoryUri"]


def login_password(aws: Aws) -> str:
    """The registry password for `docker login --username AWS --password-stdin`."""
    token = aws.client("ecr").get_authorization_token()["authorizationData"][0]
    _user, _, password = base64.b64decode(token["authorizationToken"]).decode().partition(":")
    return password


def delete_repository(aws: Aws, name: str) -> bool:
    """Deletes ECR repository `name` with its images; whether there was one."""
    ecr = aws.client("ecr")
    try:
        ecr.delete_repository(repositoryName=name, force=True)
    except ecr.exceptions.RepositoryNotFoundException:
        return False
    return True


def build_and_push(image_name: str, runtime: str) -> str:
    """Runs `build_and_push.sh IMAGE_NAME RUNTIME` with this Python, its progress shown as it
    goes; the pushed image's URI, or a `DeployError` when the script fails."""
    script = subprocess.Popen(
        [str(BUILD_AND_PUSH), image_name, runtime],
        env={**os.environ, "PYTHON": sys.executable},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in script.stderr:  # docker's output and the script's progress
        print(line, end="", flush=True)
    image = script.stdout.read().strip()  # one line: read after stderr, nothing can block
    if script.wait() != 0:
        raise DeployError(f"build_and_push.sh failed with status {script.returncode}: see above")
    return image
