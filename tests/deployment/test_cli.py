"""`python -m deploy` against moto: each subcommand's AWS requests, asserted parameter by parameter."""

from __future__ import annotations

import datetime
import io
import json
import subprocess
import sys
import tarfile

import boto3
import pytest
import requests
from botocore.stub import Stubber

from deploy import hosting
from deploy.aws import Aws, DeployError, connect, wait_for
from tests.deployment.conftest import IMAGE, ROLE
from tests.deployment.moto_server import ACCOUNT, REGION
from tests.serving import ROOT

BUCKET = "autoai-artifacts"


@pytest.fixture
def bucket(aws) -> str:
    boto3.client("s3", region_name=REGION).create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    return BUCKET


def s3_object(uri: str) -> bytes:
    bucket, key = uri[len("s3://") :].split("/", 1)
    return boto3.client("s3", region_name=REGION).get_object(Bucket=bucket, Key=key)["Body"].read()


def s3_keys(prefix: str) -> list[str]:
    listing = boto3.client("s3", region_name=REGION).list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def uploads(aws) -> list[str]:
    """The objects put into S3 (`PUT /bucket/key`; `PUT /bucket` makes a bucket)."""
    return [
        c.operation
        for c in aws.calls()
        if c.operation.startswith("PUT /") and c.operation.count("/") > 1
    ]


def test_default_bucket_is_sagemakers_and_made_once(deploy, aws):
    expected = f"sagemaker-{REGION}-{ACCOUNT}"
    assert deploy("default-bucket") == (0, f"{expected}\n", "")
    assert deploy("default-bucket")[1] == f"{expected}\n"

    create = aws.call(f"PUT /{expected}")
    assert b"<LocationConstraint>eu-west-1</LocationConstraint>" in create.body
    assert len(aws.calls(f"HEAD /{expected}")) == 2


def test_repository_is_made_when_missing_then_found(deploy, aws):
    uri = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/autoai-sagemaker"
    assert deploy("repository", "autoai-sagemaker") == (0, f"{uri}\n", "")
    assert deploy("repository", "autoai-sagemaker") == (0, f"{uri}\n", "")

    assert aws.call("CreateRepository").params == {
        "repositoryName": "autoai-sagemaker",
        "imageScanningConfiguration": {"scanOnPush": True},
    }
    assert len(aws.calls("DescribeRepositories")) == 2


def test_login_password_is_the_tokens_password(deploy, aws):
    status, out, _ = deploy("login-password")
    assert status == 0
    assert out == f"{ACCOUNT}-auth-token\n"  # moto's token is base64("AWS:<account>-auth-token")
    aws.call("GetAuthorizationToken")


def test_package_uploads_the_pickle_and_its_metadata(deploy, aws, bucket, classifier):
    pipeline = classifier.model_dir / "model.pickle"
    status, out, _ = deploy("package", str(pipeline), f"s3://{bucket}/churn/")
    assert (status, out) == (0, f"s3://{bucket}/churn/model.tar.gz\n")

    upload = aws.call(f"PUT /{bucket}/churn/model.tar.gz")
    with tarfile.open(fileobj=io.BytesIO(upload.body), mode="r:gz") as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    assert members == {
        "model.pickle": pipeline.read_bytes(),
        "autoai-metadata.json": (classifier.model_dir / "autoai-metadata.json").read_bytes(),
    }


def test_package_to_a_key_names_the_artifact(deploy, bucket, bare_classifier):
    pipeline = bare_classifier.model_dir / "auto-ai-pipeline.pickle"
    status, out, _ = deploy("package", str(pipeline), f"s3://{bucket}/models/churn.tar.gz")
    assert (status, out) == (0, f"s3://{bucket}/models/churn.tar.gz\n")
    with tarfile.open(fileobj=io.BytesIO(s3_object(out.strip())), mode="r:gz") as tar:
        assert tar.getnames() == ["auto-ai-pipeline.pickle"]


@pytest.mark.parametrize(
    ("name", "content", "destination", "message"),
    [
        ("model.pickle", None, f"s3://{BUCKET}/m/", "no pipeline file at"),
        ("train.csv", b"a,b\n", f"s3://{BUCKET}/m/", "train.csv is not a pipeline pickle"),
        ("model.pickle", b"x", "/tmp/models/", "expected an S3 URI"),
    ],
)
def test_package_refuses_before_uploading(
    deploy, aws, tmp_path, name, content, destination, message
):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    status, out, err = deploy("package", str(path), destination)
    assert (status, out) == (1, "")
    assert message in err and err.count("\n") == 1
    assert aws.calls() == []


def test_create_model_passes_image_data_role_and_environment(deploy, aws):
    status, out, _ = deploy(
        "create-model",
        "churn",
        "--image",
        IMAGE,
        "--model-data",
        f"s3://{BUCKET}/churn/model.tar.gz",
        "--role",
        ROLE,
        "--env",
        "SAGEMAKER_MODEL_SERVER_WORKERS=2",
        "--env",
        "SAGEMAKER_INFERENCE_OUTPUT=predicted_label,probabilities",
    )
    assert (status, out) == (0, f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model/churn\n")
    assert aws.call("CreateModel").params == {
        "ModelName": "churn",
        "PrimaryContainer": {
            "Image": IMAGE,
            "ModelDataUrl": f"s3://{BUCKET}/churn/model.tar.gz",
            "Mode": "SingleModel",
            "Environment": {
                "SAGEMAKER_MODEL_SERVER_WORKERS": "2",
                "SAGEMAKER_INFERENCE_OUTPUT": "predicted_label,probabilities",
            },
        },
        "ExecutionRoleArn": ROLE,
    }


def test_create_model_multi_model_serves_a_prefix(deploy, aws):
    status, _, _ = deploy(
        "create-model",
        "many",
        "--image",
        IMAGE,
        "--model-data",
        f"s3://{BUCKET}/models/",
        "--multi-model",
        "--role",
        ROLE,
    )
    assert status == 0
    container = aws.call("CreateModel").params["PrimaryContainer"]
    assert container["Mode"] == "MultiModel"
    assert container["ModelDataUrl"] == f"s3://{BUCKET}/models/"
    assert container["Environment"] == {"SAGEMAKER_MULTI_MODEL": "true"}


def test_multi_model_data_must_be_a_prefix(deploy, aws):
    status, _, err = deploy(
        "create-model",
        "many",
        "--image",
        IMAGE,
        "--model-data",
        f"s3://{BUCKET}/m.tar.gz",
        "--multi-model",
        "--role",
        ROLE,
    )
    assert status == 1 and "the S3 prefix holding its model.tar.gz files" in err
    assert aws.calls("CreateModel") == []


def test_create_endpoint_configures_and_waits_until_in_service(deploy, aws):
    deploy(
        "create-model", "churn", "--image", IMAGE, "--model-data", "s3://b/m.tar.gz", "--role", ROLE
    )
    status, out, err = deploy(
        "create-endpoint",
        "churn-live",
        "--model",
        "churn",
        "--instance-type",
        "ml.c5.xlarge",
        "--instance-count",
        "2",
    )
    assert (status, out) == (0, "InService\n")
    assert err == "churn-live created; waiting until it is in service (checks every 30 s)\n"
    assert aws.call("CreateEndpointConfig").params == {
        "EndpointConfigName": "churn-live",
        "ProductionVariants": [
            {
                "VariantName": "AllTraffic",
                "ModelName": "churn",
                "InstanceType": "ml.c5.xlarge",
                "InitialInstanceCount": 2,
            }
        ],
    }
    assert aws.call("CreateEndpoint").params == {
        "EndpointName": "churn-live",
        "EndpointConfigName": "churn-live",
    }
    assert len(aws.calls("DescribeEndpoint")) == 2  # the waiter's poll, then the status printed


@pytest.mark.parametrize(
    ("file_name", "content_type"),
    [
        ("rows.csv", "text/csv"),
        ("rows.json", "application/json"),
        ("rows.jsonl", "application/jsonlines"),
    ],
)
def test_invoke_sends_the_file_and_prints_the_answer(
    deploy, aws, tmp_path, file_name, content_type
):
    payload = tmp_path / file_name
    payload.write_bytes(b'[1, "Denver", true]\n')
    answer = {"Body": "Yes,0.12,0.88\n", "ContentType": "text/csv"}
    requests.post(
        f"{aws.url}/moto-api/static/sagemaker/endpoint-results",
        json={"account_id": ACCOUNT, "region": REGION, "results": [answer]},
        timeout=10,
    ).raise_for_status()

    status, out, _ = deploy("invoke", "churn-live", str(payload), "--accept", "text/csv")
    assert (status, out) == (0, "Yes,0.12,0.88\n")
    call = aws.call("POST /endpoints/churn-live/invocations")
    assert call.body == payload.read_bytes()
    assert call.headers["content-type"] == content_type
    assert call.headers["accept"] == "text/csv"
    assert "x-amzn-sagemaker-target-model" not in call.headers


def test_invoke_a_model_of_a_multi_model_endpoint(deploy, aws, tmp_path):
    payload = tmp_path / "rows.txt"
    payload.write_bytes(b"1,Denver,TRUE\n")
    status, _, _ = deploy(
        "invoke",
        "many",
        str(payload),
        "--content-type",
        "text/csv",
        "--target-model",
        "churn.tar.gz",
    )
    assert status == 0
    call = aws.call("POST /endpoints/many/invocations")
    assert call.headers["x-amzn-sagemaker-target-model"] == "churn.tar.gz"
    assert call.headers["content-type"] == "text/csv"
    assert "accept" not in call.headers


def test_invoke_needs_a_content_type_it_can_tell(deploy, aws, tmp_path):
    payload = tmp_path / "rows.txt"
    payload.write_bytes(b"1,2\n")
    status, _, err = deploy("invoke", "churn-live", str(payload))
    assert status == 1 and "cannot tell the content type of rows.txt" in err
    assert aws.calls() == []


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
        "train",
        "churn-training",
        "--image",
        IMAGE,
        "--role",
        ROLE,
        "--training",
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
        "train",
        "from-s3",
        "--image",
        IMAGE,
        "--role",
        ROLE,
        "--no-wait",
        "--training",
        f"s3://{BUCKET}/data/",
        "--output",
        f"s3://{BUCKET}/jobs/",
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
        "train",
        "bad",
        "--image",
        IMAGE,
        "--role",
        ROLE,
        "--training",
        f"s3://{BUCKET}/data/",
        "--output",
        f"s3://{BUCKET}/jobs/",
        "--hyperparameter",
        hyperparameter,
    )
    assert status == 1 and message in err and err.count("\n") == 1
    assert aws.calls() == []


def test_transform_splits_by_line_and_leaves_the_payload_to_the_container(
    deploy, aws, bucket, tmp_path
):
    rows = tmp_path / "customers.csv"
    rows.write_text("1,Denver\n2,Boston\n")
    status, out, _ = deploy(
        "transform",
        "churn-batch",
        "--model",
        "churn",
        "--input",
        str(rows),
        "--output",
        f"s3://{bucket}/batch/",
        "--accept",
        "text/csv",
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
        "transform",
        "joined",
        "--model",
        "churn",
        "--input",
        f"s3://{BUCKET}/in/",
        "--output",
        f"s3://{BUCKET}/out",
        "--content-type",
        "application/jsonlines",
        "--join",
        "--max-payload-mb",
        "20",
        "--max-concurrent",
        "4",
        "--no-wait",
    )
    assert status == 0
    params = aws.call("CreateTransformJob").params
    assert params["TransformInput"]["ContentType"] == "application/jsonlines"
    assert params["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"] == f"s3://{BUCKET}/in/"
    assert params["MaxPayloadInMB"] == 20
    assert params["Environment"] == {"SAGEMAKER_MAX_PAYLOAD_IN_MB": "20"}
    assert params["MaxConcurrentTransforms"] == 4
    assert params["DataProcessing"] == {"JoinSource": "Input"}


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        (["--max-payload-mb", "101"], "the payload limit must be 1 to 100 MB"),
        (
            ["--max-payload-mb", "20", "--max-concurrent", "6"],
            "at most 100 MB in flight per instance",
        ),
        (["--max-concurrent", "0"], "at least 1"),
    ],
)
def test_transform_limits_are_checked_before_uploading(
    deploy, aws, bucket, tmp_path, limits, message
):
    rows = tmp_path / "customers.csv"
    rows.write_text("1,Denver\n")
    status, _, err = deploy(
        "transform",
        "too-much",
        "--model",
        "churn",
        "--input",
        str(rows),
        "--output",
        f"s3://{bucket}/batch/",
        *limits,
    )
    assert status == 1 and message in err
    assert uploads(aws) == []
    assert aws.calls("CreateTransformJob") == []


def test_teardown_deletes_the_endpoint_its_config_and_models_once(deploy, aws, bucket, classifier):
    deploy("package", str(classifier.model_dir / "model.pickle"), f"s3://{bucket}/churn/")
    deploy(
        "create-model", "churn", "--image", IMAGE, "--model-data", "s3://b/m.tar.gz", "--role", ROLE
    )
    deploy(
        "create-model",
        "batch-model",
        "--image",
        IMAGE,
        "--model-data",
        "s3://b/m.tar.gz",
        "--role",
        ROLE,
    )
    deploy("create-endpoint", "churn-live", "--model", "churn", "--no-wait")

    status, out, _ = deploy(
        "teardown",
        "--endpoint",
        "churn-live",
        "--model",
        "batch-model",
        "--s3",
        f"s3://{bucket}/churn/",
    )
    assert status == 0
    assert out.splitlines() == [
        "endpoint churn-live",
        "endpoint config churn-live",
        "model batch-model",
        "model churn",
        f"1 objects under s3://{bucket}/churn/",
    ]
    assert aws.call("DeleteEndpoint").params == {"EndpointName": "churn-live"}
    assert aws.call("DeleteEndpointConfig").params == {"EndpointConfigName": "churn-live"}
    assert [c.params for c in aws.calls("DeleteModel")] == [
        {"ModelName": "batch-model"},
        {"ModelName": "churn"},
    ]
    assert s3_keys("churn/") == []

    assert deploy("teardown", "--endpoint", "churn-live", "--model", "batch-model")[:2] == (
        0,
        "nothing to delete\n",
    )


def test_teardown_deletes_the_repository_with_its_images(deploy, aws):
    deploy("repository", "autoai-sagemaker")
    assert deploy("teardown", "--repository", "autoai-sagemaker")[:2] == (
        0,
        "repository autoai-sagemaker with its images\n",
    )
    assert aws.call("DeleteRepository").params == {
        "repositoryName": "autoai-sagemaker",
        "force": True,
    }
    assert deploy("teardown", "--repository", "autoai-sagemaker")[1] == "nothing to delete\n"


def test_teardown_of_a_prefix_spares_its_neighbours(deploy, aws, bucket):
    s3 = boto3.client("s3", region_name=REGION)
    for key in (
        "autoai/model.tar.gz",
        "autoai/jobs/in.csv",
        "autoai-prod/model.tar.gz",
        "autoai2/x",
    ):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    status, out, _ = deploy("teardown", "--s3", f"s3://{bucket}/autoai")
    assert (status, out) == (0, f"2 objects under s3://{bucket}/autoai\n")
    assert s3_keys("") == ["autoai-prod/model.tar.gz", "autoai2/x"]


def test_teardown_never_empties_a_whole_bucket(deploy, aws, bucket):
    status, _, err = deploy("teardown", "--s3", f"s3://{bucket}")
    assert status == 1 and "is a whole bucket" in err
    assert aws.calls(f"POST /{bucket}") == []


def test_an_upload_that_fails_is_one_line(deploy, aws, classifier):
    pipeline = classifier.model_dir / "model.pickle"
    status, out, err = deploy("package", str(pipeline), "s3://no-such-bucket/churn/")
    assert (status, out) == (1, "")
    assert err.startswith(
        "deploy: cannot upload model.tar.gz to s3://no-such-bucket/churn/model.tar.gz: "
    )
    assert "NoSuchBucket" in err and err.count("\n") == 1


def test_a_refused_call_is_one_line_naming_the_operation(deploy, aws):
    status, out, err = deploy("create-endpoint", "churn-live", "--model", "missing")
    assert (status, out) == (1, "")
    assert err.startswith("deploy: AWS refused CreateEndpointConfig: ValidationException: ")
    assert "missing" in err and err.count("\n") == 1
    assert aws.calls("CreateEndpoint") == []


def test_invalid_names_are_refused_before_any_request(deploy, aws):
    status, _, err = deploy("create-endpoint", "churn_live", "--model", "churn")
    assert status == 1 and "endpoint name 'churn_live' is not valid" in err
    assert aws.calls() == []


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
    assert (
        deploy("--region", "us-east-1", "default-bucket")[1] == f"sagemaker-us-east-1-{ACCOUNT}\n"
    )


def test_missing_role_is_named(deploy, aws):
    status, _, err = deploy(
        "create-model", "churn", "--image", IMAGE, "--model-data", "s3://b/m.tar.gz"
    )
    assert status == 1
    assert "no execution role for SageMaker: pass --role ARN or set SAGEMAKER_ROLE" in err
    assert aws.calls("CreateModel") == []


def test_missing_role_stops_a_training_job_before_uploading(deploy, aws, bucket, tmp_path):
    data = tmp_path / "train.csv"
    data.write_text("AGE,ENROLLED\n30,Yes\n")
    status, _, err = deploy(
        "train",
        "no-role",
        "--image",
        IMAGE,
        "--training",
        str(data),
        "--output",
        f"s3://{bucket}/jobs/",
    )
    assert status == 1 and "no execution role for SageMaker" in err
    assert uploads(aws) == []


def test_role_from_the_environment_or_a_name(deploy, aws, monkeypatch):
    iam = boto3.client("iam", region_name=REGION)
    iam.create_role(
        RoleName="SageMakerExecution", Path="/service-role/", AssumeRolePolicyDocument="{}"
    )
    monkeypatch.setenv("SAGEMAKER_ROLE", "SageMakerExecution")
    assert deploy("create-model", "a", "--image", IMAGE, "--model-data", "s3://b/m.tar.gz")[0] == 0
    assert aws.call("CreateModel").params["ExecutionRoleArn"] == ROLE


def test_a_role_name_that_cannot_be_looked_up_asks_for_the_arn(deploy, aws, monkeypatch):
    monkeypatch.setenv("SAGEMAKER_ROLE", "NoSuchRole")
    status, _, err = deploy(
        "create-model", "a", "--image", IMAGE, "--model-data", "s3://b/m.tar.gz"
    )
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
    assert deploy("create-model", "a", "--image", IMAGE, "--model-data", "s3://b/m.tar.gz")[0] == 0
    assert aws.call("CreateModel").params["ExecutionRoleArn"] == ROLE
    assert json.loads(json.dumps(aws.call("GetRole").params)) == {
        "RoleName": "SageMakerExecution",
        "Version": "2010-05-08",
    }


def test_a_4xx_from_the_container_quotes_its_reason(aws, monkeypatch):
    """moto's endpoints always answer, so SageMaker's ModelError (the container said 4xx) comes
    from botocore's own stubber, with the fields SageMaker sends."""
    runtime = boto3.client("sagemaker-runtime", region_name=REGION)
    monkeypatch.setattr(Aws, "client", lambda self, service: runtime)
    reason = "column 'AGE' (row 3): expected a number, got 'old'"
    with Stubber(runtime) as stub:
        stub.add_client_error(
            "invoke_endpoint",
            service_error_code="ModelError",
            service_message="Received client error (400) from primary with message ...",
            http_status_code=424,
            modeled_fields={"OriginalStatusCode": 400, "OriginalMessage": reason},
        )
        with pytest.raises(DeployError) as refused:
            hosting.invoke(connect(), "churn", b"1,old\n", "text/csv")
    assert str(refused.value) == f"the model answered 400: {reason}"


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


def test_the_tool_needs_boto3_only():
    """It runs on the user's machine: importing it loads none of the serving stack."""
    heavy = ["pandas", "numpy", "sklearn", "lale", "autoai_libs", "sagemaker_inference", "handler"]
    script = f"import sys, deploy.cli; print([m for m in {heavy!r} if m in sys.modules])"
    loaded = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert loaded.stdout == "[]\n"


def test_names_the_tool_shares_with_the_container_agree():
    """The tool imports boto3 only, so it keeps its own copies of these; they must not drift."""
    from deploy import artifacts, hosting, jobs
    from handler import metadata, model_files, settings

    assert artifacts.METADATA_NAME == metadata.METADATA_FILE
    assert artifacts.ARTIFACT_NAME == model_files.ARCHIVE_NAME
    assert [f"*{s}" for s in artifacts.PIPELINE_SUFFIXES] == list(model_files.MODEL_PATTERNS)
    assert jobs.MAX_PAYLOAD_VARIABLE == settings.MAX_PAYLOAD_IN_MB
    assert hosting.MULTI_MODEL_VARIABLE == settings.MULTI_MODEL
