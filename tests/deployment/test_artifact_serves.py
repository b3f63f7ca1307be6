"""The artifact `python -m deploy package` uploads is what SageMaker unpacks into /opt/ml/model:
unpacked so from moto's S3, it serves on the real server exactly as the pipeline scores."""

from __future__ import annotations

import tarfile

import boto3

from handler.wire.media_types import CSV, JSON
from tests.deployment.moto_server import REGION
from tests.serving import running_server


def test_the_uploaded_artifact_serves(deploy, aws, classifier, tmp_path):
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="artifacts", CreateBucketConfiguration={"LocationConstraint": REGION})
    status, out, _ = deploy(f"package {classifier.model_dir / 'model.pickle'} s3://artifacts/")
    assert (status, out) == (0, "s3://artifacts/model.tar.gz\n")

    archive = tmp_path / "model.tar.gz"
    s3.download_file("artifacts", "model.tar.gz", str(archive))
    model_dir = tmp_path / "ml" / "model"
    model_dir.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        tar.extractall(model_dir)  # as SageMaker does before `serve`

    with running_server(model_dir.parent, tmp_path / "serve.log") as server:
        response = server.invoke(classifier.holdout.to_csv(header=False, index=False), CSV, JSON)
    assert response.status_code == 200, response.text
    values = response.json()["predictions"][0]["values"]
    assert [v[1] for v in values] == classifier.expected_proba()
    assert [v[0] for v in values] == classifier.expected_labels()
