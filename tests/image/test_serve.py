"""`IMAGE serve` as SageMaker runs it: its embedded model, a mounted Watson pickle, SIGTERM."""

from __future__ import annotations

import json
import pickle
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest
import requests

from tests.image.containers import Engine, run_to_exit, serving
from tests.pipelines import TrainedModel
from tests.serving import ROOT
from training.sample_data import TARGET, demand_response_customers

PAYLOAD = ROOT / "local-test/payload.csv"
CSV = {"Content-Type": "text/csv", "Accept": "text/csv"}


def invoke_csv(url: str, body: bytes | str, path: str = "/invocations") -> requests.Response:
    data = body.encode() if isinstance(body, str) else body
    return requests.post(f"{url}{path}", data=data, headers=CSV, timeout=60)


def probabilities(csv_answer: str) -> list[list[float]]:
    return [[float(p) for p in line.split(",")[1:]] for line in csv_answer.splitlines()]


def in_process_proba(model_dir: Path, payload: Path) -> list[list[float]]:
    """The pickle in `model_dir` on `payload` as Watson runs it: pandas.read_csv, then .values."""
    metadata = json.loads((model_dir / "autoai-metadata.json").read_text())
    names = [feature["name"] for feature in metadata["features"]]
    frame = pd.read_csv(payload, header=None, names=names)
    pipeline = pickle.loads((model_dir / "model.pickle").read_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pipeline.predict_proba(frame.values).tolist()


def test_the_image_is_configured_as_sagemaker_expects(engine: Engine):
    config = json.loads(engine("image", "inspect", "--format", "{{json .Config}}", engine.image))
    assert config["Entrypoint"] == ["python", "/opt/program/entrypoint.py"]
    assert config["Cmd"] == ["serve"]
    assert "8080/tcp" in config["ExposedPorts"]
    assert config["Labels"]["com.amazonaws.sagemaker.capabilities.accept-bind-to-port"] == "true"
    assert config["Labels"]["com.amazonaws.sagemaker.capabilities.multi-models"] == "true"


@pytest.fixture(scope="module")
def default_model(engine: Engine):
    """`IMAGE serve`, the embedded default model."""
    with serving(engine, "serve") as served:
        yield served


def test_the_embedded_model_scores_as_in_process(engine: Engine, default_model, tmp_path):
    response = invoke_csv(default_model.url, PAYLOAD.read_bytes())
    assert response.status_code == 200, response.text
    engine("cp", f"{default_model.container}:/opt/ml/model", str(tmp_path))
    assert probabilities(response.text) == in_process_proba(tmp_path / "model", PAYLOAD)


def test_execution_parameters_answer(default_model):
    response = requests.get(f"{default_model.url}/execution-parameters", timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()["BatchStrategy"] == "MULTI_RECORD"
    assert response.json()["MaxPayloadInMB"] == 6


def test_a_mounted_watson_pickle_without_metadata_scores_as_in_process(
    engine: Engine, bare_classifier: TrainedModel
):
    assert [p.name for p in bare_classifier.model_dir.iterdir()] == ["auto-ai-pipeline.pickle"]
    body = bare_classifier.holdout.to_csv(header=False, index=False)
    with serving(engine, "serve", ml=bare_classifier.model_dir.parent) as served:
        response = invoke_csv(served.url, body)
    assert response.status_code == 200, response.text
    assert probabilities(response.text) == bare_classifier.expected_proba()


def test_with_no_arguments_it_serves_and_sigterm_stops_it_within_10_seconds(engine: Engine):
    # serving() leaves by SIGTERM and fails unless the container stops within 10 s, exit code 0
    with serving(engine) as served:  # no arguments: the image's CMD
        assert requests.get(f"{served.url}/ping", timeout=10).status_code == 200


def test_describe_in_the_image_names_a_bare_pickles_columns(
    engine: Engine, bare_classifier: TrainedModel, tmp_path
):
    """`IMAGE describe` writes the metadata from the training file; the image then takes JSON
    records by name for the bare Watson pickle."""

    ml = tmp_path / "ml"
    shutil.copytree(bare_classifier.model_dir, ml / "model")
    demand_response_customers(340, seed=11).to_csv(ml / "training.csv", index=False)
    finished = run_to_exit(
        engine, "describe", "/opt/ml/model", "--training-data", "/opt/ml/training.csv",
        "--target", TARGET, ml=ml,
    )  # fmt: skip
    assert finished.exit_code == 0, finished.logs
    assert (ml / "model" / "autoai-metadata.json").is_file()
    records = json.loads(bare_classifier.holdout.to_json(orient="records"))
    with serving(engine, "serve", ml=ml) as served:
        response = requests.post(
            f"{served.url}/invocations",
            data=json.dumps({"instances": records}),
            headers={"Content-Type": "application/json", "Accept": "text/csv"},
            timeout=60,
        )
    assert response.status_code == 200, response.text
    assert probabilities(response.text) == bare_classifier.expected_proba()
