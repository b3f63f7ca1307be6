"""`IMAGE serve` as a SageMaker multi-model endpoint: models under /opt/ml/models/<name>/model,
loaded, invoked and unloaded through the management API on the inference port."""

from __future__ import annotations

import shutil

import requests

from tests.image.containers import Engine, serving
from tests.image.test_serve import invoke_csv, probabilities
from tests.pipelines import TrainedModel


def test_a_model_loads_scores_as_in_process_and_unloads(
    engine: Engine, bare_classifier: TrainedModel, tmp_path
):
    shutil.copytree(bare_classifier.model_dir, tmp_path / "models/churn/model")
    body = bare_classifier.holdout.to_csv(header=False, index=False)
    with serving(engine, "serve", ml=tmp_path, SAGEMAKER_MULTI_MODEL="true") as served:
        assert requests.get(f"{served.url}/models", timeout=10).json()["models"] == []
        load = {"model_name": "churn", "url": "/opt/ml/models/churn/model"}
        loaded = requests.post(f"{served.url}/models", json=load, timeout=120)
        assert loaded.status_code == 200, loaded.text
        response = invoke_csv(served.url, body, path="/models/churn/invoke")
        assert response.status_code == 200, response.text
        assert probabilities(response.text) == bare_classifier.expected_proba()
        assert requests.get(f"{served.url}/execution-parameters", timeout=10).status_code == 200
        assert requests.delete(f"{served.url}/models/churn", timeout=60).status_code == 200
        assert invoke_csv(served.url, body, path="/models/churn/invoke").status_code == 404
