"""Real-time hosting: the SageMaker model, its endpoint config and endpoint, invocations, teardown.

An endpoint and its endpoint config share one name, and a teardown finds the models through the
config, so the endpoint's name is all a teardown needs. A multi-model endpoint is the same calls
with `Mode=MultiModel` and an S3 prefix of `model.tar.gz` files as model data. An autoscaled
endpoint starts at its minimum instance count; its scaling (`deploy.scaling`) is registered once it
is in service and removed before it is deleted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import botocore.exceptions

from deploy import scaling as autoscaling
from deploy.aws import Aws, DeployError, wait_for

NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
MULTI_MODEL_VARIABLE = "SAGEMAKER_MULTI_MODEL"
VARIANT = "AllTraffic"


def check_name(name: str, what: str) -> None:
    if not NAME.match(name):
        raise DeployError(
            f"{what} name {name!r} is not valid for SageMaker: letters, digits and hyphens, "
            "starting with a letter or digit, at most 63 characters"
        )


def create_model(
    aws: Aws,
    name: str,
    image: str,
    model_data: str,
    role: str | None = None,
    environment: Mapping[str, str] | None = None,
    multi_model: bool = False,
) -> str:
    """A SageMaker model of this image serving `model_data` (a `model.tar.gz`, or for a
    multi-model endpoint the S3 prefix holding them); its ARN."""
    check_name(name, "model")
    if multi_model and not model_data.endswith("/"):
        raise DeployError(
            f"a multi-model endpoint's model data is the S3 prefix holding its model.tar.gz "
            f"files, ending in '/': got {model_data}"
        )
    environment = dict(environment or {})
    if multi_model:
        environment[MULTI_MODEL_VARIABLE] = "true"
    container = {
        "Image": image,
        "ModelDataUrl": model_data,
        "Mode": "MultiModel" if multi_model else "SingleModel",
        "Environment": environment,
    }
    return aws.client("sagemaker").create_model(
        ModelName=name, PrimaryContainer=container, ExecutionRoleArn=aws.role_arn(role)
    )["ModelArn"]


def create_endpoint(
    aws: Aws,
    name: str,
    model: str,
    instance_type: str = "ml.m5.large",
    instance_count: int = 1,
    wait: bool = True,
    scaling: autoscaling.Scaling | None = None,
) -> str:
    """Endpoint config and endpoint `name` for model `model`; waits until it is in service
    (unless told not to) and returns its status. With `scaling`, it starts with the minimum
    instance count and, once in service, scales between the minimum and the maximum."""
    check_name(name, "endpoint")
    if instance_count < 1:
        raise DeployError("an endpoint needs at least 1 instance")
    if scaling is not None:
        if not wait:
            raise DeployError(
                "autoscaling is registered once the endpoint is in service: drop --no-wait"
            )
        if instance_count not in (1, scaling.min_instances):
            raise DeployError(
                f"an autoscaled endpoint starts with --min-instances ({scaling.min_instances}) "
                f"instances: drop --instance-count {instance_count}"
            )
        instance_count = scaling.min_instances
    sagemaker = aws.client("sagemaker")
    sagemaker.create_endpoint_config(
        EndpointConfigName=name,
        ProductionVariants=[
            {
                "VariantName": VARIANT,
                "ModelName": model,
                "InstanceType": instance_type,
                "InitialInstanceCount": instance_count,
            }
        ],
    )
    sagemaker.create_endpoint(EndpointName=name, EndpointConfigName=name)
    if wait:
        wait_for(aws, "endpoint_in_service", "in service", EndpointName=name)
    if scaling is not None:
        autoscaling.register(aws, name, VARIANT, scaling)
    return sagemaker.describe_endpoint(EndpointName=name)["EndpointStatus"]


def invoke(
    aws: Aws,
    endpoint: str,
    body: bytes,
    content_type: str,
    accept: str | None = None,
    target_model: str | None = None,
) -> bytes:
    """What the endpoint answers to `body`; a 4xx from the container is a `DeployError` quoting
    the container's one-line reason."""
    request = {"EndpointName": endpoint, "Body": body, "ContentType": content_type}
    if accept:
        request["Accept"] = accept
    if target_model:
        request["TargetModel"] = target_model
    runtime = aws.client("sagemaker-runtime")
    try:
        return runtime.invoke_endpoint(**request)["Body"].read()
    except runtime.exceptions.ModelError as error:
        status = error.response.get("OriginalStatusCode", "an error")
        reason = error.response.get("OriginalMessage") or error.response["Error"]["Message"]
        raise DeployError(f"the model answered {status}: {reason}") from None


def teardown(aws: Aws, endpoint: str | None = None, model: str | None = None) -> list[str]:
    """Deletes endpoint `endpoint` with its variants' autoscaling, its endpoint config and the
    config's models, and model `model`; what was deleted. Missing ones are skipped, so a teardown
    can be repeated."""
    sagemaker = aws.client("sagemaker")
    deleted = []
    models = [model] if model else []
    if endpoint:
        described = _quietly(sagemaker.describe_endpoint, EndpointName=endpoint)
        config_name = described["EndpointConfigName"] if described else endpoint
        found = _quietly(sagemaker.describe_endpoint_config, EndpointConfigName=config_name)
        variants = [v["VariantName"] for v in found["ProductionVariants"]] if found else [VARIANT]
        for variant in variants:
            deleted += autoscaling.remove(aws, endpoint, variant)
        if described is not None:
            sagemaker.delete_endpoint(EndpointName=endpoint)
            deleted.append(f"endpoint {endpoint}")
        if found is not None:
            models += [v["ModelName"] for v in found["ProductionVariants"]]
            sagemaker.delete_endpoint_config(EndpointConfigName=config_name)
            deleted.append(f"endpoint config {config_name}")
    for name in dict.fromkeys(models):
        if _quietly(sagemaker.describe_model, ModelName=name) is not None:
            sagemaker.delete_model(ModelName=name)
            deleted.append(f"model {name}")
    return deleted


def _quietly(describe, **resource: str) -> dict | None:
    """`describe(**resource)`, or None when SageMaker says it does not exist."""
    try:
        return describe(**resource)
    except botocore.exceptions.ClientError as error:
        if error.response["Error"]["Code"] == "ValidationException":
            return None
        raise
