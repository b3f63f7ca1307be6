"""What goes to S3: the model artifact (`model.tar.gz` around a pipeline pickle), job inputs, and
the bucket they go to."""

from __future__ import annotations

import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import boto3.exceptions
import botocore.exceptions

from deploy.aws import Aws, DeployError
from pickle_facts.compression import UnreadablePickle, read_pickle_bytes
from pickle_facts.fingerprint import fingerprint_of
from pickle_facts.metadata_pair import pair_problem
from pickle_facts.runtimes import runtime_for_scikit_learn

PIPELINE_SUFFIXES = (".pickle", ".pkl", ".joblib")
METADATA_NAME = "autoai-metadata.json"  # written by `train` beside the pickle; travels with it
ARTIFACT_NAME = "model.tar.gz"


@dataclass(frozen=True)
class S3Uri:
    bucket: str
    key: str

    @classmethod
    def parse(cls, uri: str) -> S3Uri:
        if not uri.startswith("s3://") or not uri[5:].split("/", 1)[0]:
            raise DeployError(f"expected an S3 URI such as s3://bucket/prefix/, got {uri!r}")
        bucket, _, key = uri[5:].partition("/")
        return cls(bucket, key)

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    def join(self, *parts: str) -> S3Uri:
        prefix = self.key if not self.key or self.key.endswith("/") else f"{self.key}/"
        return S3Uri(self.bucket, prefix + "/".join(parts))


def package_model(pipeline: Path) -> Path:
    """`model.tar.gz` in a temp dir, holding the pipeline and, when it lies beside it, its
    metadata file: what SageMaker unpacks into /opt/ml/model (or a multi-model endpoint's dir)."""
    if not pipeline.is_file():
        raise DeployError(f"no pipeline file at {pipeline}")
    if pipeline.suffix not in PIPELINE_SUFFIXES:
        raise DeployError(
            f"{pipeline.name} is not a pipeline pickle: the container serves one "
            f"{', '.join('*' + s for s in PIPELINE_SUFFIXES)} file"
        )
    check_pipeline(pipeline)
    archive = Path(tempfile.mkdtemp(prefix="autoai-model-")) / ARTIFACT_NAME
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(pipeline, arcname=pipeline.name)
        metadata = pipeline.parent / METADATA_NAME
        if metadata.is_file():
            tar.add(metadata, arcname=METADATA_NAME)
    return archive


def check_pipeline(pipeline: Path) -> None:
    """DeployError, before anything is uploaded, when the file is no pickle, was saved with a
    scikit-learn no AutoAI runtime uses, or its metadata file describes another pickle: what
    SageMaker would otherwise refuse only when the endpoint starts."""
    try:
        stored, content = read_pickle_bytes(pipeline)
    except UnreadablePickle as error:
        raise DeployError(str(error)) from None
    fingerprint = fingerprint_of(content)
    saved_with = fingerprint.scikit_learn
    if saved_with and runtime_for_scikit_learn(saved_with) is None:
        raise DeployError(
            f"{pipeline.name} was saved with scikit-learn {saved_with}, which no AutoAI runtime "
            "uses: re-save the pipeline from a current runtime's notebook"
        )
    problem = pair_problem(pipeline, stored, fingerprint)
    if problem:
        raise DeployError(problem)


def upload_model(aws: Aws, pipeline: Path, destination: str) -> str:
    """Package `pipeline` and upload it to `destination` (a key, or a prefix ending in `/` to
    which `model.tar.gz` is added); the artifact's S3 URI."""
    uri = S3Uri.parse(destination)
    if not uri.key or uri.key.endswith("/"):
        uri = uri.join(ARTIFACT_NAME)
    archive = package_model(pipeline)
    try:
        return upload_file(aws, archive, uri)
    finally:
        archive.unlink()
        archive.parent.rmdir()


def upload_file(aws: Aws, path: Path, uri: S3Uri) -> str:
    try:
        aws.client("s3").upload_file(str(path), uri.bucket, uri.key)
    except boto3.exceptions.S3UploadFailedError as error:  # wraps the ClientError, one line
        raise DeployError(f"cannot upload {path.name} to {uri}: {error}") from None
    return str(uri)


def stage(aws: Aws, source: str, prefix: S3Uri) -> str:
    """An S3 URI for a job input: `source` itself when it is one, else the local file or directory
    uploaded under `prefix`."""
    if source.startswith("s3://"):
        return str(S3Uri.parse(source))
    path = Path(source)
    if path.is_file():
        upload_file(aws, path, prefix.join(path.name))
    elif path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file())
        if not files:
            raise DeployError(f"{path} holds no files to upload")
        for file in files:
            upload_file(aws, file, prefix.join(*file.relative_to(path).parts))
    else:
        raise DeployError(f"{source} is neither an S3 URI nor a local file or directory")
    return str(prefix.join(""))


def default_bucket(aws: Aws) -> str:
    """SageMaker's usual bucket for this account and region, `sagemaker-<region>-<account>`,
    created when missing (as the SageMaker Python SDK does)."""
    name = f"sagemaker-{aws.region}-{aws.account}"
    s3 = aws.client("s3")
    try:
        s3.head_bucket(Bucket=name)
    except botocore.exceptions.ClientError as error:
        if error.response["Error"]["Code"] not in ("404", "NoSuchBucket"):
            raise
        if aws.region == "us-east-1":  # the one region that takes no location constraint
            s3.create_bucket(Bucket=name)
        else:
            s3.create_bucket(
                Bucket=name, CreateBucketConfiguration={"LocationConstraint": aws.region}
            )
    return name


def list_objects(aws: Aws, prefix: str) -> list[str]:
    uri = S3Uri.parse(prefix)
    pages = (
        aws.client("s3")
        .get_paginator("list_objects_v2")
        .paginate(Bucket=uri.bucket, Prefix=uri.key)
    )
    keys = [item["Key"] for page in pages for item in page.get("Contents", [])]
    return [f"s3://{uri.bucket}/{key}" for key in keys]


def count_objects(aws: Aws, prefix: str, up_to: int) -> int:
    """How many objects lie under `prefix`, counted up to `up_to` (one request)."""
    uri = S3Uri.parse(prefix)
    listing = aws.client("s3").list_objects_v2(Bucket=uri.bucket, Prefix=uri.key, MaxKeys=up_to)
    return listing["KeyCount"]


def read_object(aws: Aws, uri: str) -> bytes:
    location = S3Uri.parse(uri)
    return aws.client("s3").get_object(Bucket=location.bucket, Key=location.key)["Body"].read()


def delete_objects(aws: Aws, prefix: str) -> int:
    """Deletes every object under the "directory" `prefix` (`s3://b/autoai` is `s3://b/autoai/`,
    never `s3://b/autoai-prod/`, and never a whole bucket); how many there were."""
    folder = S3Uri.parse(prefix).join("")
    if not folder.key:
        raise DeployError(f"{prefix} is a whole bucket: name the prefix to delete")
    uris = [S3Uri.parse(u) for u in list_objects(aws, str(folder))]
    s3 = aws.client("s3")
    for start in range(0, len(uris), 1000):
        chunk = uris[start : start + 1000]
        answer = s3.delete_objects(
            Bucket=folder.bucket, Delete={"Objects": [{"Key": u.key} for u in chunk]}
        )
        if answer.get("Errors"):  # S3 reports each object it kept, with a 200
            first = answer["Errors"][0]
            raise DeployError(
                f"S3 kept {len(answer['Errors'])} objects under {folder}, "
                f"s3://{folder.bucket}/{first['Key']} first: {first['Code']}: {first['Message']}"
            )
    return len(uris)
