"""Training and batch transform jobs (`deploy.jobs`) against moto: uploads, then each job's
request asserted parameter by parameter."""

from __future__ import annotations

import boto3
import pytest

from tests.deployment.conftest import BUCKET, IMAGE, ROLE, s3_keys, s3_object, uploads
from tests.deployment.moto_server import REGION


@pytest.mark.parametrize(
    ("inputs", "hyperparameters"),
    [
        (["pipeline"], ["mode=import"]),  # import: the pickle alone
        (["pipeline", "data"], ["target=ENROLLED", "mode=refit"]),  # refit: pickle and data
        (["data"], ["target=ENROLLED", "max_evals=5", "max_seconds=120"]),  # search: data only
    ],
)
def test_train_uploads_the_channel_and_runs_the_job(
    deploy, aws, bucket, tmp_path, classifier, inputs, hyperparameters
):
    files = {"pipeline": classifier.model_dir / "model.pickle", "data": tmp_path / "train.csv"}
    files["data"].write_text("AGE,ENROLLED\n30,Yes\n")
    validation = tmp_path / "holdout.csv"
    validation.write_text("AGE,ENROLLED\n40,No\n")
    options = [a for h in hyperparameters for a in ("--hyperparameter", h)]
    status, out, _ = deploy(
        f"train churn-training --image {IMAGE} --role {ROLE} --training",
        *(str(files[i]) for i in inputs),
        "--validation",
        str(validation),
        "--output",
        f"s3://{bucket}/jobs",
        "--instance-type",
        "ml.m5.xlarge",
        *options,
        "--env",
        "AUTOAI_ALLOW_ANY_PICKLE=false",
    )
    assert (status, out) == (0, f"s3://{bucket}/jobs/churn-training/output/model.tar.gz\n")

    prefix = "jobs/churn-training/input"
    assert s3_keys(prefix) == sorted(
        [f"{prefix}/training/{files[i].name}" for i in inputs]
        + [f"{prefix}/validation/holdout.csv"]
    )
    assert (
        s3_object(f"s3://{bucket}/{prefix}/training/{files[inputs[0]].name}")
        == files[inputs[0]].read_bytes()
    )

    def channel(name: str) -> dict:
        uri = f"s3://{bucket}/{prefix}/{name}/"
        source = {
            "S3DataType": "S3Prefix",
            "S3Uri": uri,
            "S3DataDistributionType": "FullyReplicated",
        }
        return {"ChannelName": name, "DataSource": {"S3DataSource": source}}

    assert aws.call("CreateTrainingJob").params == {
        "TrainingJobName": "churn-training",
        "AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        "RoleArn": ROLE,
        "HyperParameters": dict(h.split("=") for h in hyperparameters),
        "InputDataConfig": [channel("training"), channel("validation")],
        "OutputDataConfig": {"S3OutputPath": f"s3://{bucket}/jobs/"},
        "ResourceConfig": {
            "InstanceType": "ml.m5.xlarge",
            "InstanceCount": 1,
            "VolumeSizeInGB": 10,
        },
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "Environment": {"AUTOAI_ALLOW_ANY_PICKLE": "false"},
    }


def test_train_takes_a_channel_already_in_s3(deploy, aws):
    status, out, _ = deploy(
        f"train from-s3 --image {IMAGE} --role {ROLE} --no-wait --training s3://{BUCKET}/data/ "
        f"--output s3://{BUCKET}/jobs/"
    )
    assert (status, out) == (0, "Completed\n")  # moto completes jobs at once
    config = aws.call("CreateTrainingJob").params["InputDataConfig"]
    assert [c["DataSource"]["S3DataSource"]["S3Uri"] for c in config] == [f"s3://{BUCKET}/data/"]
    assert uploads(aws) == []


@pytest.mark.parametrize(
    ("hyperparameter", "message"),
    [
        ("max_eval=5", "unknown hyperparameter 'max_eval'"),
        ("mode=guess", "mode"),
        ("max_evals=many", "max_evals"),
    ],
)
def test_train_checks_hyperparameters_before_any_request(deploy, aws, hyperparameter, message):
    status, _, err = deploy(
        f"train bad --image {IMAGE} --role {ROLE} --training s3://{BUCKET}/data/ --output "
        f"s3://{BUCKET}/jobs/ --hyperparameter {hyperparameter}"
    )
    assert status == 1 and message in err and err.count("\n") == 1
    assert aws.calls() == []


def test_transform_splits_by_line_and_leaves_the_payload_to_the_container(
    deploy, aws, bucket, tmp_path
):
    rows = tmp_path / "customers.csv"
    rows.write_text("1,Denver\n2,Boston\n")
    status, out, _ = deploy(
        f"transform churn-batch --model churn --input {rows} --output s3://{bucket}/batch/ "
        "--accept text/csv"
    )
    assert (status, out) == (0, f"s3://{bucket}/batch/churn-batch/output/\n")
    assert s3_object(f"s3://{bucket}/batch/churn-batch/input/customers.csv") == rows.read_bytes()
    assert aws.call("CreateTransformJob").params == {
        "TransformJobName": "churn-batch",
        "ModelName": "churn",
        "BatchStrategy": "MultiRecord",
        "TransformInput": {
            "DataSource": {
                "S3DataSource": {
                    "S3DataType": "S3Prefix",
                    "S3Uri": f"s3://{bucket}/batch/churn-batch/input/",
                }
            },
            "ContentType": "text/csv",
            "SplitType": "Line",
        },
        "TransformOutput": {
            "S3OutputPath": f"s3://{bucket}/batch/churn-batch/output/",
            "AssembleWith": "Line",
            "Accept": "text/csv",
        },
        "TransformResources": {"InstanceType": "ml.m5.large", "InstanceCount": 1},
    }  # no MaxPayloadInMB, no MaxConcurrentTransforms: SageMaker asks /execution-parameters


def test_transform_with_a_payload_limit_raises_the_containers_and_joins(deploy, aws):
    status, _, _ = deploy(
        f"transform joined --model churn --input s3://{BUCKET}/in/ --output s3://{BUCKET}/out "
        "--content-type application/jsonlines --join --max-payload-mb 20 --max-concurrent 4 "
        "--no-wait"
    )
    assert status == 0
    params = aws.call("CreateTransformJob").params
    assert params["TransformInput"]["ContentType"] == "application/jsonlines"
    assert params["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"] == f"s3://{BUCKET}/in/"
    assert params["MaxPayloadInMB"] == 20
    assert params["Environment"] == {"SAGEMAKER_MAX_PAYLOAD_IN_MB": "20"}
    assert params["MaxConcurrentTransforms"] == 4
    assert params["DataProcessing"] == {"JoinSource": "Input"}


def test_transform_on_several_instances_spreads_the_input_objects(deploy, aws, bucket):
    s3 = boto3.client("s3", region_name=REGION)
    for part in range(4):
        s3.put_object(Bucket=bucket, Key=f"in/part-{part}.csv", Body=b"1,Denver\n")
    status, _, err = deploy(
        f"transform wide --model churn --input s3://{bucket}/in/ --output s3://{bucket}/out "
        "--instance-type ml.c5.xlarge --instance-count 4 --no-wait"
    )
    assert (status, err) == (0, "")
    params = aws.call("CreateTransformJob").params
    assert params["TransformResources"] == {"InstanceType": "ml.c5.xlarge", "InstanceCount": 4}
    # A transform's S3 source has no S3DataDistributionType: SageMaker spreads objects itself.
    assert params["TransformInput"]["DataSource"]["S3DataSource"] == {
        "S3DataType": "S3Prefix",
        "S3Uri": f"s3://{bucket}/in/",
    }
    assert (params["TransformInput"]["SplitType"], params["BatchStrategy"]) == (
        "Line",
        "MultiRecord",
    )
    assert params["TransformOutput"]["AssembleWith"] == "Line"
    listed = aws.call(f"GET /{bucket}")  # the objects counted, in one request
    assert (listed.params["prefix"], listed.params["max-keys"]) == ("in/", "4")


def test_transform_warns_when_instances_outnumber_the_input_files(deploy, aws, bucket, tmp_path):
    rows = tmp_path / "rows"
    rows.mkdir()
    for part in range(2):
        (rows / f"part-{part}.csv").write_text("1,Denver\n")
    status, _, err = deploy(
        f"transform wide --model churn --input {rows} --output s3://{bucket}/out "
        "--instance-count 3 --no-wait"
    )
    assert status == 0
    assert err == (
        f"s3://{bucket}/out/wide/input/ holds 2 object(s) for 3 instances: each object goes "
        "whole to one instance, so 1 will be idle; split the input into at least 3 files\n"
    )
    assert aws.call("CreateTransformJob").params["TransformResources"]["InstanceCount"] == 3


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        (["--max-payload-mb", "101"], "the payload limit must be 1 to 100 MB"),
        (
            ["--max-payload-mb", "20", "--max-concurrent", "6"],
            "at most 100 MB in flight per instance",
        ),
        (["--max-concurrent", "0"], "at least 1"),
        (["--instance-count", "0"], "a transform job needs at least 1 instance"),
    ],
)
def test_transform_limits_are_checked_before_uploading(
    deploy, aws, bucket, tmp_path, limits, message
):
    rows = tmp_path / "customers.csv"
    rows.write_text("1,Denver\n")
    status, _, err = deploy(
        f"transform too-much --model churn --input {rows} --output s3://{bucket}/batch/",
        *limits,
    )
    assert status == 1 and message in err and err.count("\n") == 1
    assert uploads(aws) == []
    assert aws.calls("CreateTransformJob") == []


def test_missing_role_stops_a_training_job_before_uploading(deploy, aws, bucket, tmp_path):
    data = tmp_path / "train.csv"
    data.write_text("AGE,ENROLLED\n30,Yes\n")
    status, _, err = deploy(
        f"train no-role --image {IMAGE} --training {data} --output s3://{bucket}/jobs/"
    )
    assert status == 1 and "no execution role for SageMaker" in err
    assert uploads(aws) == []
