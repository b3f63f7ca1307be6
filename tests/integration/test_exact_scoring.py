"""A Watson pickle scores every row as it does in process, however the rows arrive.

The pickles are the shape Watson Studio exports: fitted on the numpy array of a `pandas.read_csv`
frame, saved alone (no metadata), and also with our metadata. The rows are 500 new customers as
pandas writes them; the expected answers are the pipeline's own `predict_proba` on
`pandas.read_csv` of the same file. Each body arrangement goes to the real server.
"""

from __future__ import annotations

import csv
import io
import json
import random

import pandas as pd
import pytest

from handler.model.autoai_model import AutoAIModel
from handler.wire.media_types import CSV, JSON
from tests.pipelines import customers_as_read
from tests.serving import running_server
from training.sample_data import TARGET

ROWS = 500
FIXTURES = ("bare_classifier", "lale_classifier", "classifier")


@pytest.fixture(scope="module")
def new_customers(tmp_path_factory) -> pd.DataFrame:
    """500 customers the pipelines never saw, as read_csv reads them."""
    return customers_as_read(ROWS, seed=2024, directory=tmp_path_factory.mktemp("rows"))


@pytest.fixture(scope="module", params=FIXTURES)
def served(request, tmp_path_factory):
    trained = request.getfixturevalue(request.param)
    log = tmp_path_factory.mktemp("logs") / "serve.log"
    with running_server(
        trained.model_dir.parent, log, SAGEMAKER_MODEL_SERVER_WORKERS="2"
    ) as server:
        yield trained, server


def features(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=[TARGET])


def csv_lines(frame: pd.DataFrame) -> list[str]:
    return features(frame).to_csv(header=False, index=False).splitlines(keepends=True)


def probabilities(response) -> list[list[float]]:
    assert response.status_code == 200, response.text
    return [[float(p) for p in row[1:]] for row in csv.reader(io.StringIO(response.text))]


def test_one_body_one_per_line_and_random_splits_score_alike(served, new_customers):
    trained, server = served
    expected = trained.expected_proba(features(new_customers))
    lines = csv_lines(new_customers)
    whole = probabilities(server.invoke("".join(lines), CSV, CSV))
    assert whole == expected
    one_by_one = [probabilities(server.invoke(line, CSV, CSV))[0] for line in lines]
    assert one_by_one == expected
    for seed in range(3):
        cuts = sorted(random.Random(seed).sample(range(1, ROWS), 7))
        parts = [lines[a:b] for a, b in zip([0, *cuts], [*cuts, ROWS])]
        split = [p for part in parts for p in probabilities(server.invoke("".join(part), CSV, CSV))]
        assert split == expected, f"split at {cuts}"


def test_a_csv_as_pandas_writes_it_with_header_and_bom(served, new_customers):
    trained, server = served
    body = features(new_customers).to_csv(index=False, encoding="utf-8-sig")
    body = "\ufeff" + body if not body.startswith("\ufeff") else body
    response = server.invoke(body.encode("utf-8"), "text/csv; charset=utf-8", CSV)
    assert probabilities(response) == trained.expected_proba(features(new_customers))


def test_the_wml_payload_with_fields_in_training_order(served, new_customers):
    trained, server = served
    frame = features(new_customers).iloc[:50]
    payload = {
        "input_data": [
            {"fields": list(frame.columns), "values": json.loads(frame.to_json(orient="values"))}
        ]
    }
    response = server.invoke(json.dumps(payload), JSON, JSON)
    assert response.status_code == 200, response.text
    values = response.json()["predictions"][0]["values"]
    assert [v[1] for v in values] == trained.expected_proba(frame)


def test_the_start_up_log_says_where_the_schema_came_from(served):
    trained, server = served
    schema = AutoAIModel.load(trained.model_dir).schema
    assert f"input: {schema.describe()}" in server.log()
