"""Time-series forecasters, built in a process of their own as AutoAI builds them, served by the
real server with Watson Machine Learning's semantics: each answer is exactly the forecast the
pipeline gives in process for the same observations and supporting features."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from handler.wire.media_types import CSV, JSON, JSONLINES
from tests.serving import ROOT, running_server

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("autoai_ts_libs") is None,
    reason="autoai-ts-libs is not installed in this runtime: forecasters are served in runtime "
    "25.1 only (docs/forecasting.md)",
)
KINDS = ("mt2r", "supporting-features")


@pytest.fixture(scope="module", params=KINDS)
def forecaster(request, tmp_path_factory):
    """(kind, expected answers, server) for one kind of forecaster, served with 2 workers."""
    directory = tmp_path_factory.mktemp(request.param)
    built = subprocess.run(
        [sys.executable, "-m", "tests.forecast_kinds", request.param, str(directory)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    expected = json.loads((directory / "expected.json").read_text())
    log = directory / "serve.log"
    with running_server(directory, log, SAGEMAKER_MODEL_SERVER_WORKERS="2") as server:
        yield request.param, expected, server


def wml(values: list) -> dict:
    return {"predictions": [{"fields": ["prediction"], "values": values}]}


def test_wml_payloads_get_the_in_process_forecast_in_wml_shape(forecaster):
    _kind, expected, server = forecaster
    for name, case in expected.items():
        response = server.invoke(json.dumps(case["json"]), JSON, JSON)
        assert response.status_code == 200, f"{name}: {response.text}"
        assert response.json() == wml(case["forecast"]), name


def test_csv_observations_get_one_line_per_future_step(forecaster):
    _kind, expected, server = forecaster
    for name, case in expected.items():
        if case["csv"] is None:
            continue
        response = server.invoke(case["csv"], CSV, CSV)
        assert response.status_code == 200, f"{name}: {response.text}"
        lines = list(csv.reader(io.StringIO(response.text)))
        assert [[float(v) for v in line] for line in lines] == case["forecast"], name


def test_an_empty_body_forecasts_from_the_training_history(forecaster):
    _kind, expected, server = forecaster
    history = expected["history"]["forecast"]
    for content_type in (JSON, CSV):
        response = server.invoke(b"", content_type, JSON)
        assert response.status_code == 200, response.text
        assert response.json() == wml(history)
    no_values = {"input_data": [{"fields": ["demand", "temperature"], "values": []}]}
    assert server.invoke(json.dumps(no_values), JSON, JSON).json() == wml(history)


def test_json_lines_answers_one_object_per_step(forecaster):
    _kind, expected, server = forecaster
    response = server.invoke(b"", JSON, JSONLINES)
    assert response.status_code == 200, response.text
    steps = [json.loads(line)["prediction"] for line in response.text.splitlines()]
    assert steps == expected["history"]["forecast"]


def test_input_that_does_not_fit_is_a_one_line_400(forecaster):
    kind, expected, server = forecaster
    observations = expected["new-observations"]["json"]["input_data"][0]
    too_wide = {"input_data": [{"values": [row + [1.0] for row in observations["values"]]}]}
    refusals = {
        "Expected 2": json.dumps(too_wide),
        "row 2 has 1 values; row 1 has 2": json.dumps({"input_data": [{"values": [[1, 2], [1]]}]}),
        "row 1, column 2: 'warm' is not a number": json.dumps(
            {"input_data": [{"values": [[1.0, "warm"]]}]}
        ),
        "row 1 has 2 values for 1 fields": json.dumps(
            {"input_data": [{"fields": ["demand"], "values": [[1.0, 2.0]]}]}
        ),
        "has id 'future'": json.dumps({"input_data": [{"id": "future", "values": [[1.0]]}]}),
    }
    supporting = {"input_data": [{"id": "supporting_features", "values": [[1.0, 2.0]]}]}
    if kind == "supporting-features":
        refusals["supporting_features rows have 2 values; this forecaster takes 1"] = json.dumps(
            supporting
        )
    else:
        refusals["has no supporting features"] = json.dumps(supporting)
    for reason, body in refusals.items():
        response = server.invoke(body, JSON, JSON)
        assert response.status_code == 400, f"{reason}: {response.status_code} {response.text}"
        assert reason in response.text
        assert response.text.count("\n") == 1, response.text
    csv_refused = server.invoke("1.0,warm\n", CSV, CSV)
    assert csv_refused.status_code == 400
    assert "observations row 1, column 2: 'warm' is not a number" in csv_refused.text


def test_batch_transform_gets_one_forecast_per_request(forecaster):
    """/execution-parameters asks for one record per request, and requests that arrive together
    (as batch transform's concurrent ones do) are each their own forecast, never batched."""
    _kind, expected, server = forecaster
    parameters = requests.get(f"{server.url}/execution-parameters", timeout=10).json()
    assert parameters["BatchStrategy"] == "SINGLE_RECORD"
    cases = [case for case in expected.values()] * 6

    def answer(case: dict) -> dict:
        return server.invoke(json.dumps(case["json"]), JSON, JSON).json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(answer, cases))
    assert answers == [wml(case["forecast"]) for case in cases]
