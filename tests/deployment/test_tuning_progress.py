"""Following a tuning job (`deploy.tuning_progress`): a progress line per finished trial with the
best so far, then the best training job's model artifact.

moto cannot serve this: it has no ListTrainingJobsForHyperParameterTuningJob, runs no trials and
describes every tuning job with the same made-up best job. So SageMaker's side is played by
botocore's Stubber on a real client: each response below is checked against SageMaker's API
model (a field that does not exist, or a required one left out, fails the test), and each
request the code makes is checked against the one expected, in order.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from deploy.aws import Aws, DeployError
from deploy.tuning_progress import best_model, follow

NAME = "churn-rf"
ARN = "arn:aws:sagemaker:eu-west-1:123456789012:hyper-parameter-tuning-job/churn-rf"
WHEN = datetime(2026, 1, 1, tzinfo=timezone.utc)
ARTIFACT = "s3://autoai-artifacts/tuning/churn-rf-002-1a2b3c4d/output/model.tar.gz"


@dataclass(frozen=True)
class StubbedAws(Aws):
    """An `Aws` whose SageMaker client is the stubbed one."""

    stubbed: Any = None

    def client(self, service: str):
        assert service == "sagemaker"
        return self.stubbed


@pytest.fixture
def sagemaker():
    client = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="eu-west-1"
    ).client("sagemaker")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def tuning_job(status: str, best: dict | None = None, failure: str | None = None) -> dict:
    described = {
        "HyperParameterTuningJobName": NAME,
        "HyperParameterTuningJobArn": ARN,
        "HyperParameterTuningJobConfig": {
            "Strategy": "Bayesian",
            "HyperParameterTuningJobObjective": {
                "Type": "Maximize",
                "MetricName": "train:cv_accuracy",
            },
            "ResourceLimits": {"MaxNumberOfTrainingJobs": 3, "MaxParallelTrainingJobs": 2},
        },
        "HyperParameterTuningJobStatus": status,
        "CreationTime": WHEN,
        "TrainingJobStatusCounters": {},
        "ObjectiveStatusCounters": {},
    }
    if best:
        described["BestTrainingJob"] = best
    if failure:
        described["FailureReason"] = failure
    return described


def trial(number: int, status: str, accuracy: float | None = None, **failure: str) -> dict:
    summary = {
        "TrainingJobName": f"churn-rf-{number:03d}-1a2b3c4d",
        "TrainingJobArn": f"arn:aws:sagemaker:eu-west-1:123456789012:training-job/t{number}",
        "CreationTime": WHEN,
        "TrainingJobStatus": status,
        "TunedHyperParameters": {"max_depth": str(number + 3), "n_estimators": "100"},
        **failure,
    }
    if accuracy is not None:
        summary["FinalHyperParameterTuningJobObjectiveMetric"] = {
            "MetricName": "train:cv_accuracy",
            "Value": accuracy,
        }
    return summary


def listing(*trials: dict) -> tuple[str, dict, dict]:
    request = {
        "HyperParameterTuningJobName": NAME,
        "SortBy": "CreationTime",
        "SortOrder": "Ascending",
    }
    return (
        "list_training_jobs_for_hyper_parameter_tuning_job",
        {"TrainingJobSummaries": list(trials)},
        request,
    )


def describing(described: dict) -> tuple[str, dict, dict]:
    return "describe_hyper_parameter_tuning_job", described, {"HyperParameterTuningJobName": NAME}


def test_each_finished_trial_is_one_line_with_the_best_so_far(sagemaker, caplog):
    client, stubber = sagemaker
    best = trial(2, "Completed", 0.8125)
    for method, response, request in [
        describing(tuning_job("InProgress")),
        listing(trial(1, "Completed", 0.7917), trial(2, "InProgress")),
        describing(tuning_job("InProgress")),
        listing(trial(1, "Completed", 0.7917), best, trial(3, "InProgress")),
        describing(tuning_job("Completed", best)),
        listing(
            trial(1, "Completed", 0.7917),
            best,
            trial(3, "Failed", FailureReason="AlgorithmError: train: no data"),
        ),
    ]:
        stubber.add_response(method, response, request)
    stubber.add_response(
        "describe_training_job",
        {
            "TrainingJobName": best["TrainingJobName"],
            "TrainingJobArn": best["TrainingJobArn"],
            "ModelArtifacts": {"S3ModelArtifacts": ARTIFACT},
            "TrainingJobStatus": "Completed",
            "SecondaryStatus": "Completed",
            "AlgorithmSpecification": {"TrainingInputMode": "File"},
            "ResourceConfig": {"VolumeSizeInGB": 10},
            "StoppingCondition": {},
            "CreationTime": WHEN,
        },
        {"TrainingJobName": best["TrainingJobName"]},
    )
    aws = StubbedAws(boto3.Session(), stubbed=client)
    sleeps = []
    with caplog.at_level(logging.INFO, logger="deploy"):
        described = follow(aws, NAME, limit_seconds=3600, poll_seconds=30, sleep=sleeps.append)
        artifact = best_model(aws, described)
    assert artifact == ARTIFACT
    assert sleeps == [30, 30]  # polled until the tuning job ended
    assert caplog.messages[1:] == [
        "trial 1/3 churn-rf-001-1a2b3c4d: train:cv_accuracy=0.7917 [max_depth=4, "
        "n_estimators=100]; best so far 0.7917 (churn-rf-001-1a2b3c4d)",
        "trial 2/3 churn-rf-002-1a2b3c4d: train:cv_accuracy=0.8125 [max_depth=5, "
        "n_estimators=100]; best so far 0.8125 (churn-rf-002-1a2b3c4d)",
        "trial 3/3 churn-rf-003-1a2b3c4d: failed: AlgorithmError: train: no data [max_depth=6, "
        "n_estimators=100]; best so far 0.8125 (churn-rf-002-1a2b3c4d)",
        "best training job: churn-rf-002-1a2b3c4d, train:cv_accuracy=0.8125 [max_depth=5, "
        "n_estimators=100]",
    ]


def test_a_failed_tuning_job_is_an_error_with_sagemakers_reason(sagemaker):
    client, stubber = sagemaker
    failed = tuning_job("Failed", failure="ClientError: the image cannot be pulled")
    stubber.add_response(*describing(failed))
    stubber.add_response(*listing())
    aws = StubbedAws(boto3.Session(), stubbed=client)
    with pytest.raises(DeployError, match="failed: ClientError: the image cannot be pulled"):
        follow(aws, NAME, limit_seconds=3600, sleep=lambda _: None)


def test_no_trial_with_an_objective_means_no_best_job(sagemaker):
    client, _ = sagemaker
    aws = StubbedAws(boto3.Session(), stubbed=client)
    with pytest.raises(DeployError, match="no trial reported the objective metric"):
        best_model(aws, tuning_job("Completed"))
