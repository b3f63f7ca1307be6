"""Property: on any rows, the compiled scorer answers exactly as the pipeline, bit for bit.

For each covered shape, hypothesis makes rows of training-like values (drawn from the holdout
frame) mixed with edge values: unseen text, every missing-value token, booleans in every
spelling, numpy scalars, huge and non-finite numbers, values of the wrong type. The model (which
serves the compiled scorer) must give the pipeline's labels and probabilities, bit for bit, or
refuse the rows the pipeline refuses.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from handler.model.autoai_model import AutoAIModel

EXAMPLES = 60
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
TOKENS = ["", " ", "-", "?", "NA", "N/A", "NaN", "nan", "null", "None", "True", "False",
          "true", "false", "TRUE", "FALSE", "0", "1", "1.5", "é", "a never seen value"]  # fmt: skip
EDGE_VALUES = st.one_of(
    st.sampled_from(TOKENS),
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    st.sampled_from(
        [
            np.True_,
            np.False_,
            np.int64(3),
            np.float64(2.5),
            np.float32(0.5),
            np.float64("nan"),
            float("nan"),
        ]
    ),  # fmt: skip
)


@pytest.fixture(scope="module", autouse=True)
def hypothesis_home(tmp_path_factory):
    set_hypothesis_home_dir(tmp_path_factory.mktemp("hypothesis"))


@pytest.fixture(scope="module")
def served(compiled_shape):
    model = AutoAIModel.load(compiled_shape.model_dir, scorer="compiled")
    columns = [compiled_shape.holdout[c].tolist() for c in compiled_shape.holdout.columns]
    return compiled_shape, model, columns


def rows_of(data, columns, edge: bool) -> np.ndarray:
    """1 to 5 rows of values seen in the holdout; with `edge`, up to 3 cells a row are edge
    values (more, and nearly every row would hold a value left to the pipeline)."""
    count = data.draw(st.integers(min_value=1, max_value=5), label="rows")
    values = np.empty((count, len(columns)), dtype=object)
    for row in range(count):
        edged = set()
        if edge:
            column = st.integers(min_value=0, max_value=len(columns) - 1)
            edged = data.draw(st.sets(column, min_size=1, max_size=3), label="edge columns")
        for index, seen in enumerate(columns):
            cell = EDGE_VALUES if index in edged else st.sampled_from(seen)
            values[row, index] = data.draw(cell)
    return values


def answers(score):
    """(labels, probability bits) or the type of error raised."""
    try:
        labels, probabilities = score()
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as error:
        return type(error).__name__
    bits = np.ascontiguousarray(np.asarray(probabilities, dtype=np.float64)).view(np.uint64)
    return [(type(label), label) for label in labels], bits.tolist()


def by_pipeline(trained, values):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return trained.pipeline.predict(values).tolist(), trained.pipeline.predict_proba(values)


def by_model(model, values):
    predictions = model.predict(pd.DataFrame(values))
    return predictions.labels, predictions.probabilities


@SETTINGS
@given(data=st.data())
def test_training_like_rows_are_compiled_and_exact(served, data):
    trained, model, columns = served
    values = rows_of(data, columns, edge=False)
    assert model.compiled.features(values) is not None
    assert answers(lambda: by_model(model, values)) == answers(lambda: by_pipeline(trained, values))


@SETTINGS
@given(data=st.data())
def test_rows_with_edge_values_score_exactly_as_the_pipeline(served, data):
    trained, model, columns = served
    values = rows_of(data, columns, edge=True)
    expected = answers(lambda: by_pipeline(trained, values))
    assert answers(lambda: by_model(model, values)) == expected


@SETTINGS
@given(data=st.data())
def test_edge_values_the_scorer_compiles_score_exactly_as_the_pipeline(served, data):
    trained, model, columns = served
    values = rows_of(data, columns, edge=True)
    assume(model.compiled.features(values) is not None)
    expected = answers(lambda: by_pipeline(trained, values))
    assert answers(lambda: model.compiled and by_model(model, values)) == expected
