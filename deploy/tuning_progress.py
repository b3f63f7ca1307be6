"""Following a tuning job: one progress line per finished trial (with the best so far), then
its best training job and that job's model artifact.

SageMaker's waiters cover training jobs, not tuning jobs, so this polls
`DescribeHyperParameterTuningJob` and `ListTrainingJobsForHyperParameterTuningJob` itself.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from deploy.aws import WAIT_SECONDS, Aws, DeployError
from deploy.jobs import finished

LOGGER = logging.getLogger("deploy")
DONE = ("Completed", "Failed", "Stopped")  # a tuning job's end, and a trial's
TRIAL_DONE = DONE


@dataclass
class Progress:
    """The trials reported so far, and the best of them by the objective."""

    maximize: bool
    max_jobs: int
    reported: set[str] = field(default_factory=set)
    best: tuple[float, str] | None = None

    def report(self, trial: dict) -> str:
        """The progress line of one finished trial (a `TrainingJobSummary`)."""
        self.reported.add(trial["TrainingJobName"])
        metric = trial.get("FinalHyperParameterTuningJobObjectiveMetric")
        if trial["TrainingJobStatus"] == "Completed" and metric is not None:
            value = float(metric["Value"])
            if self.best is None or (
                value > self.best[0] if self.maximize else value < self.best[0]
            ):
                self.best = (value, trial["TrainingJobName"])
            outcome = f"{metric['MetricName']}={value:.4f}"
        else:
            reason = trial.get("FailureReason") or "no objective metric reported"
            outcome = f"{trial['TrainingJobStatus'].lower()}: {reason}"
        tuned = ", ".join(
            f"{k}={v}" for k, v in sorted(trial.get("TunedHyperParameters", {}).items())
        )
        best = f"{self.best[0]:.4f} ({self.best[1]})" if self.best else "none yet"
        return (
            f"trial {len(self.reported)}/{self.max_jobs} {trial['TrainingJobName']}: {outcome} "
            f"[{tuned}]; best so far {best}"
        )


def follow(
    aws: Aws,
    name: str,
    limit_seconds: int,
    poll_seconds: float = WAIT_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> dict:
    """Polls tuning job `name` until it ends, logging each trial as it finishes; its last
    description. A `DeployError` when it fails or outlasts `limit_seconds`."""
    sagemaker = aws.client("sagemaker")
    description = sagemaker.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)
    progress = Progress(_maximize(description), _max_jobs(description))
    LOGGER.info("%s created; following its trials (checks every %d s)", name, poll_seconds)
    deadline = time.monotonic() + limit_seconds
    while True:
        status = description["HyperParameterTuningJobStatus"]
        for trial in _trials(sagemaker, name):
            done = trial["TrainingJobStatus"] in TRIAL_DONE
            if done and trial["TrainingJobName"] not in progress.reported:
                LOGGER.info("%s", progress.report(trial))
        if status in DONE:
            return finished(description, "HyperParameterTuningJobStatus")
        if time.monotonic() > deadline:
            raise DeployError(
                f"{name} is still {status.lower()} after {limit_seconds // 60} minutes; it goes "
                "on (see the SageMaker console)"
            )
        sleep(poll_seconds)
        description = sagemaker.describe_hyper_parameter_tuning_job(
            HyperParameterTuningJobName=name
        )


def best_model(aws: Aws, description: dict) -> str:
    """Logs the tuning job's best training job and returns its model artifact's S3 URI."""
    best = description.get("OverallBestTrainingJob") or description.get("BestTrainingJob")
    if not best:
        raise DeployError(
            f"{description['HyperParameterTuningJobName']} has no best training job: no trial "
            "reported the objective metric (see each trial's log in CloudWatch)"
        )
    metric = best["FinalHyperParameterTuningJobObjectiveMetric"]
    tuned = ", ".join(f"{k}={v}" for k, v in sorted(best.get("TunedHyperParameters", {}).items()))
    LOGGER.info(
        "best training job: %s, %s=%s [%s]",
        best["TrainingJobName"], metric["MetricName"], metric["Value"], tuned,
    )  # fmt: skip
    job = aws.client("sagemaker").describe_training_job(TrainingJobName=best["TrainingJobName"])
    return job["ModelArtifacts"]["S3ModelArtifacts"]


def _trials(sagemaker, name: str) -> list[dict]:
    """Every trial of the tuning job so far, oldest first."""
    pages = sagemaker.get_paginator("list_training_jobs_for_hyper_parameter_tuning_job").paginate(
        HyperParameterTuningJobName=name, SortBy="CreationTime", SortOrder="Ascending"
    )
    return [trial for page in pages for trial in page["TrainingJobSummaries"]]


def _maximize(description: dict) -> bool:
    config = description["HyperParameterTuningJobConfig"]
    goal = (
        config.get("HyperParameterTuningJobObjective")
        or (description["TrainingJobDefinitions"][0]["TuningObjective"])
    )
    return goal["Type"] == "Maximize"


def _max_jobs(description: dict) -> int:
    return description["HyperParameterTuningJobConfig"]["ResourceLimits"]["MaxNumberOfTrainingJobs"]
