"""Autoscaled endpoints (`deploy.scaling` through `create-endpoint` and `teardown`) against moto:
the Application Auto Scaling requests asserted parameter by parameter, and the options checked
before any request."""

from __future__ import annotations

import pytest

from tests.deployment.conftest import IMAGE, ROLE

RESOURCE = "endpoint/churn-live/variant/AllTraffic"
TARGET = {
    "ServiceNamespace": "sagemaker",
    "ResourceId": RESOURCE,
    "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
}
AUTOSCALED = "--min-instances 2 --max-instances 6 --target-invocations 600"


@pytest.fixture
def autoscaled(deploy, aws):
    """Endpoint churn-live of model churn, autoscaled from 2 to 6 instances at 600 a minute each."""
    deploy(f"create-model churn --image {IMAGE} --model-data s3://b/m.tar.gz --role {ROLE}")
    status, out, err = deploy(f"create-endpoint churn-live --model churn {AUTOSCALED}")
    assert (status, out) == (0, "InService\n"), err
    return "churn-live"


def operations(aws) -> list[str]:
    return [c.operation for c in aws.calls() if not c.operation.startswith("Describe")]


def test_an_autoscaled_endpoint_starts_at_its_minimum_then_registers_target_and_policy(
    autoscaled, aws
):
    variant = aws.call("CreateEndpointConfig").params["ProductionVariants"][0]
    assert variant["InitialInstanceCount"] == 2
    assert aws.call("RegisterScalableTarget").params == {
        **TARGET,
        "MinCapacity": 2,
        "MaxCapacity": 6,
    }
    assert aws.call("PutScalingPolicy").params == {
        "PolicyName": "churn-live-invocations-per-instance",
        "PolicyType": "TargetTrackingScaling",
        "TargetTrackingScalingPolicyConfiguration": {
            "TargetValue": 600.0,
            "PredefinedMetricSpecification": {
                "PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"
            },
            "ScaleOutCooldown": 60,
            "ScaleInCooldown": 300,
        },
        **TARGET,
    }
    # Registered once the endpoint is in service (the waiter's DescribeEndpoint comes first).
    names = [c.operation for c in aws.calls()]
    assert names.index("RegisterScalableTarget") > names.index("DescribeEndpoint")
    assert operations(aws)[-3:] == ["CreateEndpoint", "RegisterScalableTarget", "PutScalingPolicy"]


def test_an_endpoint_without_the_options_is_not_registered(deploy, aws):
    deploy(f"create-model churn --image {IMAGE} --model-data s3://b/m.tar.gz --role {ROLE}")
    assert deploy("create-endpoint churn-live --model churn --instance-count 3")[0] == 0
    assert aws.calls("RegisterScalableTarget") == [] and aws.calls("PutScalingPolicy") == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            "--min-instances 2 --max-instances 6",
            "autoscaling takes --min-instances, --max-instances and --target-invocations together",
        ),
        ("--target-invocations 600", "together"),
        (
            "--min-instances 3 --max-instances 2 --target-invocations 600",
            "--max-instances (2) must be at least --min-instances (3)",
        ),
        (
            "--min-instances 0 --max-instances 2 --target-invocations 600",
            "--min-instances must be at least 1",
        ),
        (
            "--min-instances 1 --max-instances 2 --target-invocations 0",
            "--target-invocations (requests per instance per minute) must be > 0",
        ),
        ("--min-instances 1 --max-instances 2 --target-invocations -5", "must be > 0"),
        (f"{AUTOSCALED} --no-wait", "registered once the endpoint is in service: drop --no-wait"),
        (
            f"{AUTOSCALED} --instance-count 4",
            "starts with --min-instances (2) instances: drop --instance-count 4",
        ),
        ("--instance-count 0", "an endpoint needs at least 1 instance"),
    ],
)
def test_scaling_options_are_checked_before_any_request(deploy, aws, options, message):
    status, out, err = deploy(f"create-endpoint churn-live --model churn {options}")
    assert (status, out) == (1, "")
    assert err.startswith("deploy: ") and message in err and err.count("\n") == 1
    assert aws.calls() == []


def test_teardown_deletes_the_policy_and_deregisters_before_the_endpoint(deploy, autoscaled, aws):
    status, out, _ = deploy(f"teardown --endpoint {autoscaled}")
    assert status == 0
    assert out.splitlines() == [
        "scaling policy churn-live-invocations-per-instance",
        f"scalable target {RESOURCE}",
        "endpoint churn-live",
        "endpoint config churn-live",
        "model churn",
    ]
    assert aws.call("DeleteScalingPolicy").params == {
        "PolicyName": "churn-live-invocations-per-instance",
        **TARGET,
    }
    assert aws.call("DeregisterScalableTarget").params == TARGET
    deletes = [o for o in operations(aws) if o.startswith(("Delete", "Deregister"))]
    assert deletes == [
        "DeleteScalingPolicy",
        "DeregisterScalableTarget",
        "DeleteEndpoint",
        "DeleteEndpointConfig",
        "DeleteModel",
    ]

    before = len(aws.calls())  # a repeated teardown finds nothing and deletes nothing
    assert deploy(f"teardown --endpoint {autoscaled}")[:2] == (0, "nothing to delete\n")
    again = aws.calls()[before:]
    asked = [c.params for c in again if c.operation == "DescribeScalableTargets"]
    assert asked == [
        {
            "ServiceNamespace": "sagemaker",
            "ResourceIds": [RESOURCE],
            "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
        }
    ]
    assert [c for c in again if c.operation.startswith(("Delete", "Deregister"))] == []


def test_teardown_of_a_fixed_endpoint_touches_no_scaling(deploy, aws):
    deploy(f"create-model churn --image {IMAGE} --model-data s3://b/m.tar.gz --role {ROLE}")
    deploy("create-endpoint churn-live --model churn --no-wait")
    status, out, _ = deploy("teardown --endpoint churn-live")
    assert (status, out.splitlines()[0]) == (0, "endpoint churn-live")
    assert aws.calls("DescribeScalableTargets")  # asked, found nothing
    assert aws.calls("DeleteScalingPolicy") == [] and aws.calls("DeregisterScalableTarget") == []
