"""What the inference port exposes in single-model mode: /ping and /invocations, nothing else."""

from __future__ import annotations

import pytest
import requests

from handler.wire.media_types import CSV
from tests.serving import running_server


@pytest.fixture(scope="module")
def small_server(classifier, tmp_path_factory):
    log = tmp_path_factory.mktemp("exposure") / "serve.log"
    with running_server(classifier.model_dir.parent, log, SAGEMAKER_MAX_PAYLOAD_IN_MB="1") as s:
        yield s


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/models"),
        ("GET", "/models/model"),
        ("POST", "/models?url=/etc&model_name=evil"),
        ("PUT", "/models/model?min_worker=8"),
        ("DELETE", "/models/model"),
    ],
)
def test_the_management_api_is_not_on_the_inference_port(method, path, small_server):
    response = requests.request(method, small_server.url + path, timeout=10)
    assert response.status_code == 404
    assert requests.get(small_server.url + "/ping", timeout=10).status_code == 200


def test_a_payload_over_the_limit_is_a_413_and_the_server_goes_on(small_server, classifier):
    too_big = b"1," * (600 * 1024)  # 1.2 MB against SAGEMAKER_MAX_PAYLOAD_IN_MB=1
    assert small_server.invoke(too_big, CSV).status_code == 413
    body = classifier.holdout.head(2).to_csv(header=False, index=False)
    assert small_server.invoke(body, CSV).status_code == 200
