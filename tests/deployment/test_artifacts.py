"""`python -m deploy` and S3 and ECR (`deploy.artifacts`, `deploy.registry`) against moto:
buckets, repositories, the model artifact, uploads and their deletion."""

from __future__ import annotations

import io
import json
import pickle
import tarfile
from pathlib import Path

import boto3
import pytest

from pickle_facts.runtimes import installed_scikit_learn
from tests.deployment.conftest import BUCKET, s3_keys, s3_object
from tests.deployment.moto_server import ACCOUNT, REGION


def test_default_bucket_is_sagemakers_and_made_once(deploy, aws):
    expected = f"sagemaker-{REGION}-{ACCOUNT}"
    assert deploy("default-bucket") == (0, f"{expected}\n", "")
    assert deploy("default-bucket")[1] == f"{expected}\n"

    create = aws.call(f"PUT /{expected}")
    assert b"<LocationConstraint>eu-west-1</LocationConstraint>" in create.body
    assert len(aws.calls(f"HEAD /{expected}")) == 2


def test_repository_is_made_when_missing_then_found(deploy, aws):
    uri = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/autoai-sagemaker"
    assert deploy("repository autoai-sagemaker") == (0, f"{uri}\n", "")
    assert deploy("repository autoai-sagemaker") == (0, f"{uri}\n", "")

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
    status, out, _ = deploy(f"package {pipeline} s3://{bucket}/churn/")
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
    status, out, _ = deploy(f"package {pipeline} s3://{bucket}/models/churn.tar.gz")
    assert (status, out) == (0, f"s3://{bucket}/models/churn.tar.gz\n")
    with tarfile.open(fileobj=io.BytesIO(s3_object(out.strip())), mode="r:gz") as tar:
        assert tar.getnames() == ["auto-ai-pipeline.pickle"]


@pytest.mark.parametrize(
    ("name", "content", "destination", "message"),
    [
        ("model.pickle", None, f"s3://{BUCKET}/m/", "no pipeline file at"),
        ("train.csv", b"a,b\n", f"s3://{BUCKET}/m/", "train.csv is not a pipeline pickle"),
        ("model.pickle", b"x", "/tmp/models/", "expected an S3 URI"),
        ("model.pickle", b"<!DOCTYPE html><html>", f"s3://{BUCKET}/m/", "a web page"),
        ("model.pickle", b"name,age\n", f"s3://{BUCKET}/m/", "starts with 'name,age'"),
    ],
)
def test_package_refuses_before_uploading(
    deploy, aws, tmp_path, name, content, destination, message
):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    status, out, err = deploy(f"package {path} {destination}")
    assert (status, out) == (1, "")
    assert message in err and err.count("\n") == 1
    assert aws.calls() == []


def stale_copy(model_dir, tmp_path, pickle_bytes: bytes, **recorded) -> Path:
    """The model dir's metadata beside `pickle_bytes`, with `recorded` entries replaced."""
    document = json.loads((model_dir / "autoai-metadata.json").read_text())
    document.update(recorded)
    (tmp_path / "autoai-metadata.json").write_text(json.dumps(document))
    pipeline = tmp_path / "model.pickle"
    pipeline.write_bytes(pickle_bytes)
    return pipeline


def test_package_refuses_a_pickle_its_metadata_does_not_describe(deploy, aws, classifier, tmp_path):
    other = pickle.dumps(classifier.pipeline, protocol=2)
    pipeline = stale_copy(classifier.model_dir, tmp_path, other)
    status, out, err = deploy(f"package {pipeline} s3://{BUCKET}/m/")
    assert (status, out) == (1, "")
    assert "autoai-metadata.json beside model.pickle is stale" in err
    assert f"`python entrypoint.py describe {tmp_path} --training-data FILE" in err
    assert err.count("\n") == 1
    assert aws.calls() == []


def test_package_refuses_metadata_of_another_scikit_learn(deploy, aws, classifier, tmp_path):
    stored = (classifier.model_dir / "model.pickle").read_bytes()
    # another AutoAI runtime's scikit-learn than the one the pickle was saved with, here
    other = "1.1.3" if installed_scikit_learn().startswith("1.0.") else "1.0.2"
    pipeline = stale_copy(classifier.model_dir, tmp_path, stored, libraries={"scikit-learn": other})
    status, _, err = deploy(f"package {pipeline} s3://{BUCKET}/m/")
    assert status == 1
    assert f"records scikit-learn {other}, the pickle was saved with" in err
    assert aws.calls() == []


def test_package_refuses_a_scikit_learn_no_runtime_uses(deploy, aws, classifier, tmp_path):
    stored = (classifier.model_dir / "model.pickle").read_bytes()
    installed = installed_scikit_learn()
    retired = "0.2" + "3" * (len(installed) - 3)  # same length: the string stays valid
    pipeline = tmp_path / "model.pickle"
    pipeline.write_bytes(stored.replace(installed.encode(), retired.encode()))
    status, _, err = deploy(f"package {pipeline} s3://{BUCKET}/m/")
    assert status == 1
    assert f"saved with scikit-learn {retired}, which no AutoAI runtime uses" in err
    assert aws.calls() == []


def test_an_upload_that_fails_is_one_line(deploy, aws, classifier):
    pipeline = classifier.model_dir / "model.pickle"
    status, out, err = deploy(f"package {pipeline} s3://no-such-bucket/churn/")
    assert (status, out) == (1, "")
    assert err.startswith(
        "deploy: cannot upload model.tar.gz to s3://no-such-bucket/churn/model.tar.gz: "
    )
    assert "NoSuchBucket" in err and err.count("\n") == 1


def test_teardown_deletes_the_repository_with_its_images(deploy, aws):
    deploy("repository autoai-sagemaker")
    assert deploy("teardown --repository autoai-sagemaker")[:2] == (
        0,
        "repository autoai-sagemaker with its images\n",
    )
    assert aws.call("DeleteRepository").params == {
        "repositoryName": "autoai-sagemaker",
        "force": True,
    }
    assert deploy("teardown --repository autoai-sagemaker")[1] == "nothing to delete\n"


def test_teardown_of_a_prefix_spares_its_neighbours(deploy, aws, bucket):
    s3 = boto3.client("s3", region_name=REGION)
    for key in (
        "autoai/model.tar.gz",
        "autoai/jobs/in.csv",
        "autoai-prod/model.tar.gz",
        "autoai2/x",
    ):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    status, out, _ = deploy(f"teardown --s3 s3://{bucket}/autoai")
    assert (status, out) == (0, f"2 objects under s3://{bucket}/autoai\n")
    assert s3_keys("") == ["autoai-prod/model.tar.gz", "autoai2/x"]


def test_teardown_never_empties_a_whole_bucket(deploy, aws, bucket):
    status, _, err = deploy(f"teardown --s3 s3://{bucket}")
    assert status == 1 and "is a whole bucket" in err
    assert aws.calls(f"POST /{bucket}") == []
