"""Jobs: a training job (`train` in the container: import, refit or search) and a batch transform.

Local inputs are uploaded under the job's own S3 prefix first. Hyperparameters are checked here
with the container's own parser, so a typo fails in a second rather than on a training instance.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from deploy.artifacts import S3Uri, count_objects, stage
from deploy.aws import WAIT_LIMIT_SECONDS, Aws, DeployError, wait_for
from deploy.hosting import check_name
from training.hyperparameters import Hyperparameters
from training.layout import TrainingError

MAX_PAYLOAD_VARIABLE = "SAGEMAKER_MAX_PAYLOAD_IN_MB"
LARGEST_PAYLOAD_MB = 100  # SageMaker's limit for MaxPayloadInMB
LOGGER = logging.getLogger("deploy")


@dataclass(frozen=True)
class Resources:
    instance_type: str = "ml.m5.large"
    instance_count: int = 1


def train(
    aws: Aws,
    name: str,
    image: str,
    training: Sequence[str],
    output: str,
    hyperparameters: Mapping[str, str] | None = None,
    validation: Sequence[str] = (),
    role: str | None = None,
    environment: Mapping[str, str] | None = None,
    resources: Resources | None = None,
    volume_gb: int = 10,
    max_runtime_seconds: int = 3600,
    wait: bool = True,
) -> str:
    """Runs training job `name`. `training` holds what decides the mode: a pipeline pickle
    (import), a pickle and data (refit) or data only (search); each entry is an S3 URI or a local
    file or directory. Returns the model artifact's S3 URI (once the job completes) or, when not
    waiting, the job's status."""
    check_name(name, "training job")
    resources = resources or Resources()
    hyperparameters = {k: str(v) for k, v in (hyperparameters or {}).items()}
    try:
        Hyperparameters.parse(hyperparameters)
    except TrainingError as error:
        raise DeployError(str(error)) from None
    if not training:
        raise DeployError("the training channel is empty: give a pipeline pickle, data, or both")
    role_arn = aws.role_arn(role)  # before uploading anything
    input_config = input_channels(aws, S3Uri.parse(output).join(name), training, validation)
    sagemaker = aws.client("sagemaker")
    sagemaker.create_training_job(
        TrainingJobName=name,
        AlgorithmSpecification={"TrainingImage": image, "TrainingInputMode": "File"},
        RoleArn=role_arn,
        HyperParameters=hyperparameters,
        InputDataConfig=input_config,
        OutputDataConfig={"S3OutputPath": str(S3Uri.parse(output).join(""))},
        ResourceConfig={
            "InstanceType": resources.instance_type,
            "InstanceCount": resources.instance_count,
            "VolumeSizeInGB": volume_gb,
        },
        StoppingCondition={"MaxRuntimeInSeconds": max_runtime_seconds},
        Environment=dict(environment or {}),
    )
    if not wait:
        return sagemaker.describe_training_job(TrainingJobName=name)["TrainingJobStatus"]
    # The job may run for max_runtime_seconds, after it has started an instance and downloaded.
    limit = max_runtime_seconds + WAIT_LIMIT_SECONDS
    wait_for(aws, "training_job_completed_or_stopped", "done", limit, TrainingJobName=name)
    job = finished(sagemaker.describe_training_job(TrainingJobName=name), "TrainingJobStatus")
    return job["ModelArtifacts"]["S3ModelArtifacts"]


def transform(
    aws: Aws,
    name: str,
    model: str,
    source: str,
    output: str,
    content_type: str = "text/csv",
    accept: str | None = None,
    join_input: bool = False,
    max_payload_mb: int | None = None,
    max_concurrent: int | None = None,
    resources: Resources | None = None,
    wait: bool = True,
) -> str:
    """Batch transform job `name`: every line of `source` (an S3 URI, or a local file or
    directory, uploaded to `<output>/<name>/input/`) scored by `model`, one output line per input
    line, in `<output>/<name>/output/`. Returns that prefix (once the job completes) or, when not
    waiting, the job's status.

    On several instances, SageMaker gives each S3 object under the input whole to one instance
    (a transform's data source has no distribution setting: objects are always spread), so an
    input of fewer objects than instances leaves some idle, which the log says.

    Left unset, the payload limit and the concurrent requests per instance are what the
    container's `/execution-parameters` answers (its workers and `SAGEMAKER_MAX_PAYLOAD_IN_MB`).
    """
    check_name(name, "transform job")
    resources = resources or Resources()
    if resources.instance_count < 1:
        raise DeployError("a transform job needs at least 1 instance")
    limits = _transform_limits(max_payload_mb, max_concurrent)  # checked before any upload
    job_prefix = S3Uri.parse(output).join(name)
    job_output = job_prefix.join("output", "")
    job_input = stage(aws, source, job_prefix.join("input"))
    if resources.instance_count > 1:
        _warn_of_idle_instances(aws, job_input, resources.instance_count)
    request = {
        "TransformJobName": name,
        "ModelName": model,
        "BatchStrategy": "MultiRecord",
        "TransformInput": {
            "DataSource": {
                "S3DataSource": {
                    "S3DataType": "S3Prefix",
                    "S3Uri": job_input,
                }
            },
            "ContentType": content_type,
            "SplitType": "Line",
        },
        "TransformOutput": {"S3OutputPath": str(job_output), "AssembleWith": "Line"},
        "TransformResources": {
            "InstanceType": resources.instance_type,
            "InstanceCount": resources.instance_count,
        },
        **limits,
    }
    if accept:
        request["TransformOutput"]["Accept"] = accept
    if join_input:
        request["DataProcessing"] = {"JoinSource": "Input"}
    sagemaker = aws.client("sagemaker")
    sagemaker.create_transform_job(**request)
    if not wait:
        return sagemaker.describe_transform_job(TransformJobName=name)["TransformJobStatus"]
    wait_for(aws, "transform_job_completed_or_stopped", "done", TransformJobName=name)
    finished(sagemaker.describe_transform_job(TransformJobName=name), "TransformJobStatus")
    return str(job_output)


def _transform_limits(max_payload_mb: int | None, max_concurrent: int | None) -> dict:
    """The transform request's limits: none unless given (the container's
    `/execution-parameters` decides), and within SageMaker's bounds."""
    limits = {}
    if max_payload_mb is not None:
        if not 1 <= max_payload_mb <= LARGEST_PAYLOAD_MB:
            raise DeployError(f"the payload limit must be 1 to {LARGEST_PAYLOAD_MB} MB")
        limits["MaxPayloadInMB"] = max_payload_mb
        # The container refuses a body over its own limit: raise it to match.
        limits["Environment"] = {MAX_PAYLOAD_VARIABLE: str(max_payload_mb)}
    if max_concurrent is not None:
        if max_concurrent < 1:
            raise DeployError("the concurrent requests per instance must be at least 1")
        if max_concurrent * (max_payload_mb or 0) > LARGEST_PAYLOAD_MB:
            raise DeployError(
                f"SageMaker takes at most {LARGEST_PAYLOAD_MB} MB in flight per instance: "
                f"{max_concurrent} requests of {max_payload_mb} MB is more"
            )
        limits["MaxConcurrentTransforms"] = max_concurrent
    return limits


def _warn_of_idle_instances(aws: Aws, job_input: str, instance_count: int) -> None:
    """Logs when the input holds fewer S3 objects than there are instances: an object is never
    split across instances, so the others would start, bill and have nothing to do."""
    objects = count_objects(aws, job_input, instance_count)
    if objects < instance_count:
        LOGGER.warning(
            "%s holds %d object(s) for %d instances: each object goes whole to one instance, so "
            "%d will be idle; split the input into at least %d files",
            job_input,
            objects,
            instance_count,
            instance_count - objects,
            instance_count,
        )


def input_channels(
    aws: Aws, job_prefix: S3Uri, training: Sequence[str], validation: Sequence[str] = ()
) -> list[dict]:
    """A training job's `InputDataConfig`: the `training` and (when given) `validation`
    channels, local files uploaded under `<job_prefix>/input/<channel>/` first."""
    channels = {"training": training, "validation": validation}
    return [
        _channel(channel, _stage_all(aws, sources, job_prefix.join("input", channel)))
        for channel, sources in channels.items()
        if sources
    ]


def finished(description: dict, status_key: str) -> dict:
    """The description of a job that completed, else a `DeployError` with SageMaker's reason."""
    if description[status_key] != "Completed":
        reason = description.get("FailureReason") or "stopped before it completed"
        raise DeployError(f"{description[status_key].lower()}: {reason}")
    return description


def _stage_all(aws: Aws, sources: Sequence[str], prefix: S3Uri) -> str:
    """One channel's S3 prefix: a single S3 URI as it is, else the files uploaded under `prefix`."""
    if len(sources) == 1 and sources[0].startswith("s3://"):
        return sources[0]
    if any(s.startswith("s3://") for s in sources):
        raise DeployError("a channel is either one S3 URI or local files, not both")
    for source in sources:
        stage(aws, source, prefix)
    return str(prefix.join(""))


def _channel(name: str, uri: str) -> dict:
    return {
        "ChannelName": name,
        "DataSource": {
            "S3DataSource": {
                "S3DataType": "S3Prefix",
                "S3Uri": uri,
                "S3DataDistributionType": "FullyReplicated",
            }
        },
    }
