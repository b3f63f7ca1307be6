"""Endpoint autoscaling: a variant registered with Application Auto Scaling, with one
target-tracking policy on SageMaker's invocations per instance, and its removal.

`SageMakerVariantInvocationsPerInstance` counts requests per instance per minute: the target is
how many a minute one instance should take before another one starts.
"""

from __future__ import annotations

from dataclasses import dataclass

from deploy.aws import Aws, DeployError

NAMESPACE = "sagemaker"
DIMENSION = "sagemaker:variant:DesiredInstanceCount"
METRIC = "SageMakerVariantInvocationsPerInstance"
SCALE_OUT_COOLDOWN_SECONDS = 60  # add instances soon after a rise
SCALE_IN_COOLDOWN_SECONDS = 300  # remove them only once the load has stayed low


@dataclass(frozen=True)
class Scaling:
    """An autoscaled variant: between `min_instances` and `max_instances`, aiming at
    `target_invocations` requests per instance per minute."""

    min_instances: int
    max_instances: int
    target_invocations: float

    def __post_init__(self) -> None:
        if self.min_instances < 1:
            raise DeployError("--min-instances must be at least 1")
        if self.max_instances < self.min_instances:
            raise DeployError(
                f"--max-instances ({self.max_instances}) must be at least --min-instances "
                f"({self.min_instances})"
            )
        if not self.target_invocations > 0:
            raise DeployError("--target-invocations (requests per instance per minute) must be > 0")


def from_options(
    min_instances: int | None, max_instances: int | None, target_invocations: float | None
) -> Scaling | None:
    """The scaling the three options ask for, or None when none is given; some without the
    others is a `DeployError`."""
    given = (min_instances, max_instances, target_invocations)
    if all(option is None for option in given):
        return None
    if any(option is None for option in given):
        raise DeployError(
            "autoscaling takes --min-instances, --max-instances and --target-invocations together"
        )
    return Scaling(min_instances, max_instances, target_invocations)


def resource_id(endpoint: str, variant: str) -> str:
    return f"endpoint/{endpoint}/variant/{variant}"


def policy_name(endpoint: str) -> str:
    return f"{endpoint}-invocations-per-instance"


def register(aws: Aws, endpoint: str, variant: str, scaling: Scaling) -> None:
    """Registers the variant (its endpoint in service) as a scalable target, and its policy."""
    target = _target(endpoint, variant)
    autoscaling = aws.client("application-autoscaling")
    autoscaling.register_scalable_target(
        **target, MinCapacity=scaling.min_instances, MaxCapacity=scaling.max_instances
    )
    autoscaling.put_scaling_policy(
        PolicyName=policy_name(endpoint),
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": scaling.target_invocations,
            "PredefinedMetricSpecification": {"PredefinedMetricType": METRIC},
            "ScaleOutCooldown": SCALE_OUT_COOLDOWN_SECONDS,
            "ScaleInCooldown": SCALE_IN_COOLDOWN_SECONDS,
        },
        **target,
    )


def remove(aws: Aws, endpoint: str, variant: str) -> list[str]:
    """Deletes the variant's scaling policies and deregisters it; what was deleted (nothing when
    it was never registered, so a teardown can be repeated)."""
    target = _target(endpoint, variant)
    autoscaling = aws.client("application-autoscaling")
    registered = autoscaling.describe_scalable_targets(
        ServiceNamespace=NAMESPACE, ResourceIds=[target["ResourceId"]], ScalableDimension=DIMENSION
    )["ScalableTargets"]
    if not registered:
        return []
    deleted = []
    policies = autoscaling.describe_scaling_policies(**target)["ScalingPolicies"]
    for policy in policies:
        autoscaling.delete_scaling_policy(PolicyName=policy["PolicyName"], **target)
        deleted.append(f"scaling policy {policy['PolicyName']}")
    autoscaling.deregister_scalable_target(**target)
    deleted.append(f"scalable target {target['ResourceId']}")
    return deleted


def _target(endpoint: str, variant: str) -> dict:
    """The parameters that name the variant's scalable target in each call."""
    return {
        "ServiceNamespace": NAMESPACE,
        "ResourceId": resource_id(endpoint, variant),
        "ScalableDimension": DIMENSION,
    }
