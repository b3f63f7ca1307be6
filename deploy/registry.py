"""The image's home: an ECR repository in the account, and the password `docker login` needs."""

from __future__ import annotations

import base64

from deploy.aws import Aws


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
