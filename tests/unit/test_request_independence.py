"""No answer depends on its neighbours: a Watson pickle's rows, split anywhere, score alike.

In process, through the decoder and the model as a worker runs them; the real server gets the same
check in tests/integration/test_exact_scoring.py.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from handler.model.autoai_model import AutoAIModel
from handler.wire.decoding import decode
from handler.wire.media_types import CSV
from tests.pipelines import customers_as_read
from training.sample_data import TARGET

ROWS = 500


@pytest.fixture(scope="module", autouse=True)
def hypothesis_home(tmp_path_factory):
    set_hypothesis_home_dir(tmp_path_factory.mktemp("hypothesis"))


@pytest.fixture(scope="module")
def new_rows(tmp_path_factory):
    frame = customers_as_read(ROWS, seed=77, directory=tmp_path_factory.mktemp("rows"))
    return frame.drop(columns=[TARGET])


@pytest.fixture(scope="module", params=["bare_classifier", "lale_classifier", "classifier"])
def scored(request, new_rows):
    trained = request.getfixturevalue(request.param)
    model = AutoAIModel.load(trained.model_dir)
    lines = new_rows.to_csv(header=False, index=False).splitlines(keepends=True)
    return model, lines, trained.expected_proba(new_rows)


@settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(cuts=st.lists(st.integers(min_value=1, max_value=ROWS - 1), max_size=12, unique=True))
def test_any_split_of_500_rows_scores_as_the_pipeline_does(scored, cuts):
    model, lines, expected = scored
    bounds = [0, *sorted(cuts), ROWS]
    answers = []
    for start, end in zip(bounds, bounds[1:]):
        rows = decode("".join(lines[start:end]).encode(), CSV, model.schema)
        answers += model.predict(rows.frame).probabilities
    assert answers == expected
