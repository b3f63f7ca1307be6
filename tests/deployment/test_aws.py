"""The session (`deploy.aws`): missing credentials, region or role named; the role found;
waiting on what SageMaker reports."""

from __future__ import annotations

import datetime
import json

import boto3
import pytest
from botocore.stub import Stubber

from deploy.aws import Aws, DeployError, connect, wait_for
from tests.deployment.conftest import IMAGE, ROLE
from tests.deployment.moto_server import ACCOUNT, REGION


def test_missing_credentials_are_named(deploy, aws, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    status, _, err = deploy("default-bucket")
    assert status == 1 and err.startswith("deploy: no AWS credentials found: run `aws configure`")
    assert aws.calls() == []


def test_missing_region_is_named(deploy, aws, monkeypatch):
    monkeypatch.delenv("AWS_REGION")
    status, _, err = deploy("default-bucket")
    assert status == 1 and "no AWS region: pass --region or set AWS_REGION" in err
    assert deploy("--region us-east-1 default-bucket")[1] == f"sagemaker-us-east-1-{ACCOUNT}\n"


def test_missing_role_is_named(deploy, aws):
    status, _, err = deploy(f"create-model churn --image {IMAGE} --model-data s3://b/m.tar.gz")
    assert status == 1
    assert "no execution role for SageMaker: pass --role ARN or set SAGEMAKER_ROLE" in err
    assert aws.calls("CreateModel") == []


def test_role_from_the_environment_or_a_name(deploy, aws, monkeypatch):
    iam = boto3.client("iam", region_name=REGION)
    iam.create_role(
        RoleName="SageMakerExecution", Path="/service-role/", AssumeRolePolicyDocument="{}"
    )
    monkeypatch.setenv("SAGEMAKER_ROLE", "SageMakerExecution")
    assert deploy(f"create-model a --image {IMAGE} --model-data s3://b/m.tar.gz")[0] == 0
    assert aws.call("CreateModel").params["ExecutionRoleArn"] == ROLE


def test_a_role_name_that_cannot_be_looked_up_asks_for_the_arn(deploy, aws, monkeypatch):
    monkeypatch.setenv("SAGEMAKER_ROLE", "NoSuchRole")
    status, _, err = deploy(f"create-model a --image {IMAGE} --model-data s3://b/m.tar.gz")
    assert status == 1
    assert (
        "cannot look up the ARN of role NoSuchRole (NoSuchEntity): pass the role's full ARN" in err
    )
    assert aws.calls("CreateModel") == []


def test_role_of_a_notebook_instance_is_the_one_it_runs_as(deploy, aws, monkeypatch):
    iam = boto3.client("iam", region_name=REGION)
    iam.create_role(
        RoleName="SageMakerExecution", Path="/service-role/", AssumeRolePolicyDocument="{}"
    )
    credentials = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn=ROLE, RoleSessionName="notebook"
    )["Credentials"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", credentials["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", credentials["SecretAccessKey"])
    monkeypatch.setenv("AWS_SESSION_TOKEN", credentials["SessionToken"])
    assert deploy(f"create-model a --image {IMAGE} --model-data s3://b/m.tar.gz")[0] == 0
    assert aws.call("CreateModel").params["ExecutionRoleArn"] == ROLE
    assert json.loads(json.dumps(aws.call("GetRole").params)) == {
        "RoleName": "SageMakerExecution",
        "Version": "2010-05-08",
    }


def test_a_failed_endpoint_names_sagemakers_reason(aws, monkeypatch):
    """moto's endpoints never fail, so the failure SageMaker reports comes from the stubber."""
    sagemaker = boto3.client("sagemaker", region_name=REGION)
    monkeypatch.setattr(Aws, "client", lambda self, service: sagemaker)
    reason = "The primary container for production variant AllTraffic did not pass the ping health check."
    now = datetime.datetime.now(datetime.timezone.utc)
    with Stubber(sagemaker) as stub:
        stub.add_response(
            "describe_endpoint",
            {
                "EndpointName": "churn",
                "EndpointArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:endpoint/churn",
                "EndpointStatus": "Failed",
                "FailureReason": reason,
                "CreationTime": now,
                "LastModifiedTime": now,
            },
        )
        with pytest.raises(DeployError) as failed:
            wait_for(connect(), "endpoint_in_service", "in service", EndpointName="churn")
    assert str(failed.value) == f"churn did not succeed: {reason}"
