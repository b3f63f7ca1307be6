"""Models, endpoints, invocations and their teardown (`deploy.hosting`) against moto, each
request asserted parameter by parameter."""

from __future__ import annotations

import boto3
import pytest
import requests
from botocore.stub import Stubber

from deploy import hosting
from deploy.aws import Aws, DeployError, connect
from tests.deployment.conftest import BUCKET, IMAGE, ROLE, s3_keys
from tests.deployment.moto_server import ACCOUNT, REGION


def test_create_model_passes_image_data_role_and_environment(deploy, aws):
    status, out, _ = deploy(
        f"create-model churn --image {IMAGE} --model-data s3://{BUCKET}/churn/model.tar.gz --role "
        f"{ROLE} --env SAGEMAKER_MODEL_SERVER_WORKERS=2 --env "
        "SAGEMAKER_INFERENCE_OUTPUT=predicted_label,probabilities"
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
        f"create-model many --image {IMAGE} --model-data s3://{BUCKET}/models/ --multi-model "
        f"--role {ROLE}"
    )
    assert status == 0
    container = aws.call("CreateModel").params["PrimaryContainer"]
    assert container["Mode"] == "MultiModel"
    assert container["ModelDataUrl"] == f"s3://{BUCKET}/models/"
    assert container["Environment"] == {"SAGEMAKER_MULTI_MODEL": "true"}


def test_multi_model_data_must_be_a_prefix(deploy, aws):
    status, _, err = deploy(
        f"create-model many --image {IMAGE} --model-data s3://{BUCKET}/m.tar.gz --multi-model "
        f"--role {ROLE}"
    )
    assert status == 1 and "the S3 prefix holding its model.tar.gz files" in err
    assert aws.calls("CreateModel") == []


def test_create_endpoint_configures_and_waits_until_in_service(deploy, aws):
    deploy(f"create-model churn --image {IMAGE} --model-data s3://b/m.tar.gz --role {ROLE}")
    status, out, err = deploy(
        "create-endpoint churn-live --model churn --instance-type ml.c5.xlarge --instance-count 2"
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

    status, out, _ = deploy(f"invoke churn-live {payload} --accept text/csv")
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
        f"invoke many {payload} --content-type text/csv --target-model churn.tar.gz"
    )
    assert status == 0
    call = aws.call("POST /endpoints/many/invocations")
    assert call.headers["x-amzn-sagemaker-target-model"] == "churn.tar.gz"
    assert call.headers["content-type"] == "text/csv"
    assert "accept" not in call.headers


def test_invoke_needs_a_content_type_it_can_tell(deploy, aws, tmp_path):
    payload = tmp_path / "rows.txt"
    payload.write_bytes(b"1,2\n")
    status, _, err = deploy(f"invoke churn-live {payload}")
    assert status == 1 and "cannot tell the content type of rows.txt" in err
    assert aws.calls() == []


def test_teardown_deletes_the_endpoint_its_config_and_models_once(deploy, aws, bucket, classifier):
    deploy(f"package {classifier.model_dir / 'model.pickle'} s3://{bucket}/churn/")
    deploy(f"create-model churn --image {IMAGE} --model-data s3://b/m.tar.gz --role {ROLE}")
    deploy(f"create-model batch-model --image {IMAGE} --model-data s3://b/m.tar.gz --role {ROLE}")
    deploy("create-endpoint churn-live --model churn --no-wait")

    status, out, _ = deploy(
        f"teardown --endpoint churn-live --model batch-model --s3 s3://{bucket}/churn/"
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

    assert deploy("teardown --endpoint churn-live --model batch-model")[:2] == (
        0,
        "nothing to delete\n",
    )


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
