"""The deploy notebook, executed top to bottom in a real Jupyter kernel against moto (and the
stand-in docker client), as a user runs it; then what it asked of AWS, call by call."""

from __future__ import annotations

import os

import boto3
import nbformat
import pytest
from nbclient import NotebookClient

from tests.deployment.conftest import ROLE, docker_calls
from tests.deployment.moto_server import ACCOUNT, REGION
from tests.serving import ROOT

NOTEBOOK = ROOT / "deploy-to-sagemaker.ipynb"
BUCKET = f"sagemaker-{REGION}-{ACCOUNT}"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/autoai-sagemaker:25.1"
KERNEL_DEADLINE_SECONDS = 300


@pytest.fixture
def notebook():
    return nbformat.read(NOTEBOOK, as_version=4)


def test_the_committed_notebook_carries_no_outputs(notebook):
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_the_notebook_runs_top_to_bottom(notebook, aws, docker_log, monkeypatch):
    monkeypatch.setenv("PATH", f"{docker_log.parent / 'bin'}:{os.environ['PATH']}")
    monkeypatch.setenv("DOCKER_LOG", str(docker_log))
    monkeypatch.setenv("SAGEMAKER_ROLE", ROLE)
    client = NotebookClient(
        notebook,
        timeout=KERNEL_DEADLINE_SECONDS,
        kernel_name="python3",
        resources={"metadata": {"path": str(ROOT)}},
    )
    client.execute()  # raises, naming the cell, if any cell fails

    build = docker_calls(docker_log)[0]["args"]
    assert build[:5] == ["build", "--platform", "linux/amd64", "--build-arg", "AUTOAI_RUNTIME=25.1"]
    printed = "".join(
        o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs
    )
    assert "docker says: build\n" in printed  # the build's output is shown as it runs
    assert f"{IMAGE}\n" in printed

    single, multi = (c.params for c in aws.calls("CreateModel"))
    assert single["PrimaryContainer"] == {
        "Image": IMAGE,
        "ModelDataUrl": f"s3://{BUCKET}/autoai/churn/model.tar.gz",
        "Mode": "SingleModel",
        "Environment": {"SAGEMAKER_INFERENCE_OUTPUT": "predicted_label,probabilities"},
    }
    assert single["ExecutionRoleArn"] == ROLE
    assert multi["PrimaryContainer"]["Mode"] == "MultiModel"
    assert multi["PrimaryContainer"]["ModelDataUrl"] == f"s3://{BUCKET}/autoai/models/"
    assert [c.params["EndpointName"] for c in aws.calls("CreateEndpoint")] == [
        "autoai-churn",
        "autoai-many",
    ]

    resource = "endpoint/autoai-churn/variant/AllTraffic"
    target = aws.call("RegisterScalableTarget").params
    assert (target["ResourceId"], target["MinCapacity"], target["MaxCapacity"]) == (resource, 1, 2)
    policy = aws.call("PutScalingPolicy").params["TargetTrackingScalingPolicyConfiguration"]
    assert policy["TargetValue"] == 20000
    assert aws.call("DeregisterScalableTarget").params["ResourceId"] == resource

    payload = (ROOT / "local-test" / "payload.csv").read_bytes()
    first = aws.call("POST /endpoints/autoai-churn/invocations")
    assert (first.body, first.headers["content-type"]) == (payload, "text/csv")
    many = aws.call("POST /endpoints/autoai-many/invocations")
    assert many.headers["x-amzn-sagemaker-target-model"] == "churn.tar.gz"

    training = aws.call("CreateTrainingJob").params
    assert training["HyperParameters"] == {
        "target": "ENROLLED",
        "max_evals": "10",
        "max_seconds": "120",
    }
    assert training["AlgorithmSpecification"]["TrainingImage"] == IMAGE
    tune = aws.call("CreateHyperParameterTuningJob").params
    assert tune["HyperParameterTuningJobConfig"] == {
        "Strategy": "Bayesian",
        "ResourceLimits": {"MaxNumberOfTrainingJobs": 10, "MaxParallelTrainingJobs": 2},
        "TrainingJobEarlyStoppingType": "Auto",
    }
    definitions = tune["TrainingJobDefinitions"]
    assert [d["DefinitionName"] for d in definitions] == ["random-forest", "lightgbm"]
    assert [d["StaticHyperParameters"] for d in definitions] == [
        {"target": "ENROLLED", "estimator": "random_forest"},
        {"target": "ENROLLED", "estimator": "lightgbm"},
    ]
    goal = {"Type": "Maximize", "MetricName": "train:cv_accuracy"}
    assert all(d["TuningObjective"] == goal for d in definitions)
    assert all(d["AlgorithmSpecification"]["TrainingImage"] == IMAGE for d in definitions)
    assert f"{tune['HyperParameterTuningJobName']} Completed\n" in printed  # moto: at once
    transform = aws.call("CreateTransformJob").params
    assert transform["ModelName"] == "autoai-churn"
    assert transform["TransformInput"]["SplitType"] == "Line"
    assert transform["TransformOutput"]["AssembleWith"] == "Line"
    assert transform["BatchStrategy"] == "MultiRecord"

    assert [c.params["EndpointName"] for c in aws.calls("DeleteEndpoint")] == [
        "autoai-churn",
        "autoai-many",
    ]
    assert len(aws.calls("DeleteModel")) == 2
    left = boto3.client("s3", region_name=REGION).list_objects_v2(Bucket=BUCKET, Prefix="autoai/")
    assert aws.calls(f"PUT /{BUCKET}/autoai/churn/model.tar.gz") and left["KeyCount"] == 0
