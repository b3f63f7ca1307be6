"""Property-based: whatever the body, every decoder either decodes it or refuses it with a 4xx."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from handler.errors import InferenceError
from handler.model.autoai_model import AutoAIModel
from handler.model.schema import Schema
from handler.wire import media_types
from handler.wire.csv_tokens import DOCUMENTED_MISSING
from handler.wire.decoding import decode
from handler.wire.encoding import encode

TYPED = Schema(
    width=4, names=("AGE", "CITY", "OWNS_HOME", "CLTV"), types=("int", "str", "bool", "float")
)
SCHEMAS = (
    TYPED,
    Schema(width=4),
    Schema(),
    Schema(width=4, types=("int", None, "float", "str")),
    Schema(width=4, types=("bool", "float", None, None)),
)
CONTENT_TYPES = (media_types.CSV, media_types.JSON, media_types.JSONLINES)
EXAMPLES = 300

# The nasty values: long digit strings, huge and tiny floats, long fields, every missing token
# and every boolean spelling some pandas reads.
MISSING_TOKENS = list(DOCUMENTED_MISSING)
BOOLEAN_TOKENS = ["TRUE", "True", "true", "tRuE", "FALSE", "False", "false", "T", "F", "yes"]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**63 - 2, max_value=2**64 + 2),
    st.integers(min_value=-(2**63) - 2, max_value=-(2**63) + 2),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1.7976931348623157e308, 5e-324, -5e-324, 2.2250738585072014e-308, -0.0]),
    st.text(alphabet="0123456789", min_size=15, max_size=5000),
    st.text(alphabet="0123456789.e-", min_size=1, max_size=400),
    st.sampled_from(MISSING_TOKENS + BOOLEAN_TOKENS),
    st.text(max_size=12),
    st.text(min_size=1000, max_size=3000),
)
rows = st.lists(scalars, min_size=0, max_size=6)


def decodes_or_refuses(body: bytes, content_type: str, schema: Schema) -> None:
    try:
        batch = decode(body, content_type, schema)
    except InferenceError as error:
        assert 400 <= error.status_code < 500
        assert "\n" not in error.message  # one line a client can act on
        return
    assert len(batch.frame) > 0
    if schema.width:
        assert batch.frame.shape[1] == schema.width


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
@settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(body=st.binary(max_size=300), schema=st.sampled_from(SCHEMAS))
def test_arbitrary_bytes(content_type, body, schema):
    decodes_or_refuses(body, content_type, schema)


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
@settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(
    body=st.text(alphabet=st.sampled_from(',"\n\r []{}:0123456789.eE+-aNnTtrue '), max_size=200),
    schema=st.sampled_from(SCHEMAS),
)
def test_arbitrary_text_made_of_the_formats_own_characters(content_type, body, schema):
    decodes_or_refuses(body.encode(), content_type, schema)


@pytest.fixture(scope="module", autouse=True)
def hypothesis_home(tmp_path_factory):
    """Hypothesis keeps its caches in a temp dir, not in the repository (and, with
    `database=None`, no examples anywhere)."""
    set_hypothesis_home_dir(tmp_path_factory.mktemp("hypothesis"))


@settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(values=st.lists(rows, min_size=0, max_size=5), schema=st.sampled_from(SCHEMAS))
def test_valid_looking_json_rows(values, schema):
    for document in (values, {"instances": values}, {"input_data": [{"values": values}]}):
        decodes_or_refuses(json.dumps(document).encode(), media_types.JSON, schema)
    lines = "\n".join(json.dumps(row) for row in values)
    decodes_or_refuses(lines.encode(), media_types.JSONLINES, schema)


@settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(values=st.lists(rows, min_size=0, max_size=5), schema=st.sampled_from(SCHEMAS))
def test_valid_looking_csv_rows(values, schema):
    decodes_or_refuses(csv_body(values).encode(), media_types.CSV, schema)


@settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(
    values=st.lists(st.lists(scalars, min_size=4, max_size=4), min_size=2, max_size=6),
    schema=st.sampled_from(SCHEMAS[:2] + SCHEMAS[3:]),
)
def test_a_row_decodes_alike_alone_and_among_others(values, schema):
    """No value depends on its neighbours: each row alone gives what it gives in the batch."""
    try:
        together = decode(csv_body(values).encode(), media_types.CSV, schema, header=False)
    except InferenceError:
        return
    for number, row in enumerate(values):
        alone = decode(csv_body([row]).encode(), media_types.CSV, schema, header=False)
        assert repr(alone.frame.iloc[0].tolist()) == repr(together.frame.iloc[number].tolist())


def csv_body(values) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in values:
        # csv before Python 3.11 cannot write a NUL (bytes with NULs are fuzzed above)
        writer.writerow("" if v is None else str(v).replace("\0", "") for v in row)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def model(classifier):
    return AutoAIModel.load(classifier.model_dir)


@settings(
    max_examples=100,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(values=st.lists(st.lists(scalars, min_size=35, max_size=35), min_size=1, max_size=3))
def test_rows_of_the_right_width_score_or_are_refused(model, values):
    """The whole path on a real pipeline: decode, predict, encode; never anything but a 4xx."""
    from handler.scoring.inference import INPUT_ERRORS

    body = json.dumps(values).encode()
    try:
        batch = decode(body, media_types.JSON, model.schema)
    except InferenceError as error:
        assert 400 <= error.status_code < 500
        return
    try:
        predictions = model.predict(batch.frame)
    except INPUT_ERRORS:
        return  # answered as a 400 by the inference handler
    answer = encode(predictions, media_types.CSV, model.output_fields(None)).decode()
    assert answer.count("\n") == len(values)
