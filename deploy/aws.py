"""The AWS session the tool works in, checked up front: credentials, region and role.

The session follows boto3's usual chain (environment, `~/.aws`, instance roles), and
`AWS_ENDPOINT_URL` where set, so the same calls reach moto in the tests. What is missing is named
in one line.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from functools import cached_property

import boto3
import botocore.exceptions

LOGGER = logging.getLogger("deploy")
ROLE_VARIABLE = "SAGEMAKER_ROLE"
WAIT_SECONDS = 30
WAIT_LIMIT_SECONDS = 2 * 3600
ASSUMED_ROLE = re.compile(r"^arn:[^:]+:sts::\d+:assumed-role/(?P<name>[^/]+)/")


class DeployError(Exception):
    """What stops a deploy step; the message says what to do about it."""


@dataclass(frozen=True)
class Aws:
    """One boto3 session and the clients made from it."""

    session: boto3.Session

    @property
    def region(self) -> str:
        return self.session.region_name

    def client(self, service: str):
        return self.session.client(service)

    @cached_property
    def account(self) -> str:
        return self._caller["Account"]

    @cached_property
    def _caller(self) -> dict:
        return self.client("sts").get_caller_identity()

    def role_arn(self, role: str | None) -> str:
        """The execution role SageMaker assumes: `role` (an ARN or a role name), `$SAGEMAKER_ROLE`,
        or the role these credentials run as (as on a SageMaker notebook instance)."""
        role = role or os.environ.get(ROLE_VARIABLE, "").strip() or None
        if role is None:
            role = self._own_role()
        if role.startswith("arn:"):
            return role
        try:
            return self.client("iam").get_role(RoleName=role)["Role"]["Arn"]
        except botocore.exceptions.ClientError as error:
            raise DeployError(
                f"cannot look up the ARN of role {role} ({error.response['Error']['Code']}): "
                "pass the role's full ARN with --role or SAGEMAKER_ROLE"
            ) from None

    def _own_role(self) -> str:
        assumed = ASSUMED_ROLE.match(self._caller["Arn"])
        if assumed is None:
            raise DeployError(
                f"no execution role for SageMaker: pass --role ARN or set {ROLE_VARIABLE} "
                f"(these credentials are {self._caller['Arn']}, not a role)"
            )
        return assumed["name"]


def connect(region: str | None = None, profile: str | None = None) -> Aws:
    """A session with credentials and a region, or a `DeployError` naming which is missing."""
    # boto3 reads AWS_DEFAULT_REGION and the config file; the AWS CLI v2 and SageMaker notebook
    # instances set AWS_REGION, which boto3 ignores.
    region = region or os.environ.get("AWS_REGION") or None
    try:
        session = boto3.Session(region_name=region, profile_name=profile)
    except botocore.exceptions.ProfileNotFound as error:
        raise DeployError(f"{error}: check --profile or AWS_PROFILE") from None
    if session.get_credentials() is None:
        raise DeployError(
            "no AWS credentials found: run `aws configure`, set AWS_PROFILE, or set "
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        )
    if not session.region_name:
        raise DeployError("no AWS region: pass --region or set AWS_REGION (e.g. us-east-1)")
    return Aws(session)


def wait_for(
    aws: Aws, waiter: str, until: str, limit_seconds: int = WAIT_LIMIT_SECONDS, **resource: str
) -> None:
    """Waits with boto3's waiter until the resource is `until` (said in the log), for at most
    `limit_seconds`; a resource that fails is a `DeployError` with SageMaker's reason."""
    name = next(iter(resource.values()))
    LOGGER.info("%s created; waiting until it is %s (checks every %d s)", name, until, WAIT_SECONDS)
    attempts = max(1, limit_seconds // WAIT_SECONDS)
    try:
        aws.client("sagemaker").get_waiter(waiter).wait(
            **resource, WaiterConfig={"Delay": WAIT_SECONDS, "MaxAttempts": attempts}
        )
    except botocore.exceptions.WaiterError as error:
        if "Max attempts exceeded" in str(error):
            raise DeployError(
                f"{name} is still not {until} after {limit_seconds // 60} minutes; it goes on "
                "(see the SageMaker console, or tear it down)"
            ) from None
        last = error.last_response or {}
        reason = last.get("FailureReason") or last.get("Error", {}).get("Message") or str(error)
        raise DeployError(f"{name} did not succeed: {reason}") from None
