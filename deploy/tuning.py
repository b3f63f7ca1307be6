"""Hyperparameter tuning jobs (SageMaker AMT) whose trials are `train` runs of this container.

Each trial is a training job with `estimator=<name>` and that estimator's hyperparameters, which
`train` fits as one configuration (`mode=fit`) and reports as metric lines; the tuning job reads
them with the `MetricDefinitions` built here from the same names and format
(`training.metric_names`). One estimator makes a single-definition job; several make AMT's
multi-definition form (`TrainingJobDefinitions`, one per estimator, each with its own ranges).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from deploy.artifacts import S3Uri
from deploy.aws import Aws, DeployError
from deploy.hosting import check_name
from deploy.jobs import Resources, input_channels
from deploy.tuning_ranges import Range, check_ranges, parameter_ranges
from training.estimator_space import ESTIMATORS
from training.hyperparameters import Hyperparameters
from training.layout import TrainingError
from training.metric_names import CV_METRICS, MAXIMIZED, metric_regex

LOGGER = logging.getLogger("deploy")
MAX_TUNING_NAME = 32  # SageMaker's limit: trial job names are made from it
MAX_DEFINITIONS = 10  # AMT's limit on TrainingJobDefinitions
WARM_START_TYPES = ("IdenticalDataAndAlgorithm", "TransferLearning")


@dataclass(frozen=True)
class Search:
    """What the tuning job searches and how: estimators, range overrides, the objective metric
    (None: the cross-validated score for the problem type), trials, early stopping and the
    earlier tuning jobs it starts warm from."""

    estimators: Sequence[str]
    ranges: Sequence[Range] = ()
    objective: str | None = None
    max_jobs: int = 20
    max_parallel_jobs: int = 2
    early_stopping: bool = False
    warm_start_from: Sequence[str] = ()
    warm_start_type: str = "IdenticalDataAndAlgorithm"


@dataclass(frozen=True)
class Trials:
    """How each trial runs: the image, its static hyperparameters and environment, resources."""

    image: str
    hyperparameters: Mapping[str, str] = field(default_factory=dict)
    environment: Mapping[str, str] = field(default_factory=dict)
    resources: Resources = Resources()
    volume_gb: int = 10
    max_runtime_seconds: int = 3600


def metric_definitions() -> list[dict[str, str]]:
    """Every metric `train` prints, with the regex that reads it from the job's log."""
    return [{"Name": name, "Regex": metric_regex(name)} for name in MAXIMIZED]


def objective(metric: str | None, hyperparameters: Mapping[str, str]) -> dict[str, str]:
    """AMT's objective: `metric` (default: the cross-validated score, R2 when the static
    hyperparameters say regression, else accuracy), maximised or minimised as it asks."""
    regression = hyperparameters.get("problem_type", "").strip().lower() == "regression"
    name = metric or CV_METRICS["regression" if regression else "classification"]
    if name not in MAXIMIZED:
        raise DeployError(f"--objective must be one of {', '.join(MAXIMIZED)}, got {name!r}")
    return {"Type": "Maximize" if MAXIMIZED[name] else "Minimize", "MetricName": name}


def create(
    aws: Aws,
    name: str,
    search: Search,
    trials: Trials,
    training: Sequence[str],
    output: str,
    validation: Sequence[str] = (),
    role: str | None = None,
) -> None:
    """Creates tuning job `name`; every input is checked before anything is uploaded."""
    check_name(name, "tuning job")
    if len(name) > MAX_TUNING_NAME:
        raise DeployError(f"tuning job name {name!r} is too long: at most {MAX_TUNING_NAME}")
    static = _checked_static(search.estimators, trials.hyperparameters)
    check_ranges(search.ranges, search.estimators)
    ranges = {e: parameter_ranges(e, search.ranges, static) for e in search.estimators}
    goal = objective(search.objective, trials.hyperparameters)
    config = _tuning_config(search)
    warm_start = _warm_start(search)
    if not training:
        raise DeployError("the training channel is empty: give data files or an S3 URI")
    role_arn = aws.role_arn(role)  # before uploading anything
    channels = input_channels(aws, S3Uri.parse(output).join(name), training, validation)
    definitions = [
        _definition(estimator, ranges[estimator], trials, static, role_arn, channels, output)
        for estimator in search.estimators
    ]
    request: dict = {"HyperParameterTuningJobName": name}
    if len(definitions) == 1:
        config["HyperParameterTuningJobObjective"] = goal
        config["ParameterRanges"] = definitions[0].pop("HyperParameterRanges")
        request["TrainingJobDefinition"] = definitions[0]
    else:
        for estimator, definition in zip(search.estimators, definitions):
            definition["DefinitionName"] = estimator.replace("_", "-")
            definition["TuningObjective"] = goal
        request["TrainingJobDefinitions"] = definitions
    request["HyperParameterTuningJobConfig"] = config
    if warm_start:
        request["WarmStartConfig"] = warm_start
    aws.client("sagemaker").create_hyper_parameter_tuning_job(**request)


def _checked_static(estimators: Sequence[str], hyperparameters: Mapping[str, str]) -> dict:
    """The static hyperparameters, checked by the container's own parser with each estimator."""
    if not estimators:
        raise DeployError(f"name an estimator to tune: {', '.join(ESTIMATORS)}")
    if len(estimators) > MAX_DEFINITIONS or len(set(estimators)) != len(estimators):
        raise DeployError(f"tune 1 to {MAX_DEFINITIONS} different estimators")
    static = {k: str(v) for k, v in hyperparameters.items()}
    for reserved in ("estimator", "mode"):
        if reserved in static:
            raise DeployError(f"{reserved} is set by `tune` itself: use --estimator")
    for estimator in estimators:
        try:
            Hyperparameters.parse({**static, "estimator": estimator})
        except TrainingError as error:
            raise DeployError(f"{estimator}: {error}") from None
    return static


def _tuning_config(search: Search) -> dict:
    if not 1 <= search.max_parallel_jobs <= search.max_jobs:
        raise DeployError("--max-parallel-jobs must be at least 1 and at most --max-jobs")
    return {
        "Strategy": "Bayesian",
        "ResourceLimits": {
            "MaxNumberOfTrainingJobs": search.max_jobs,
            "MaxParallelTrainingJobs": search.max_parallel_jobs,
        },
        "TrainingJobEarlyStoppingType": "Auto" if search.early_stopping else "Off",
    }


def _warm_start(search: Search) -> dict | None:
    if not search.warm_start_from:
        return None
    if search.warm_start_type not in WARM_START_TYPES:
        raise DeployError(f"--warm-start-type must be one of {', '.join(WARM_START_TYPES)}")
    for parent in search.warm_start_from:
        check_name(parent, "tuning job")
    return {
        "ParentHyperParameterTuningJobs": [
            {"HyperParameterTuningJobName": parent} for parent in search.warm_start_from
        ],
        "WarmStartType": search.warm_start_type,
    }


def _definition(
    estimator: str,
    ranges: dict,
    trials: Trials,
    static: dict,
    role_arn: str,
    channels: list[dict],
    output: str,
) -> dict:
    definition = {
        "HyperParameterRanges": ranges,
        "StaticHyperParameters": {**static, "estimator": estimator},
        "AlgorithmSpecification": {
            "TrainingImage": trials.image,
            "TrainingInputMode": "File",
            "MetricDefinitions": metric_definitions(),
        },
        "RoleArn": role_arn,
        "InputDataConfig": channels,
        "OutputDataConfig": {"S3OutputPath": str(S3Uri.parse(output).join(""))},
        "ResourceConfig": {
            "InstanceType": trials.resources.instance_type,
            "InstanceCount": 1,
            "VolumeSizeInGB": trials.volume_gb,
        },
        "StoppingCondition": {"MaxRuntimeInSeconds": trials.max_runtime_seconds},
    }
    if trials.environment:
        definition["Environment"] = dict(trials.environment)
    return definition
