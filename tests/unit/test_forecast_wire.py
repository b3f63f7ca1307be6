"""Forecast requests and answers on the wire: WML payloads, CSV and JSON Lines bodies decoded
into observations and supporting features; forecasts encoded in WML's shape, one step a line."""

from __future__ import annotations

import json
import math

import pytest

from handler.errors import BadRequest
from handler.model.forecasts import Forecast
from handler.wire.forecast_decoding import decode_forecast
from handler.wire.forecast_encoding import encode_forecast
from handler.wire.media_types import CSV, JSON, JSONLINES

NAN = math.nan


def rows(array) -> list | None:
    """The array's rows, a missing value (NaN) as None."""
    if array is None:
        return None
    return [[None if math.isnan(v) else v for v in row] for row in array.tolist()]


@pytest.mark.parametrize(
    "body, content_type, observations, supporting",
    [
        (b"", JSON, None, None),
        (b"  \n", CSV, None, None),
        (b'{"input_data": []}', JSON, None, None),
        (b'{"input_data": [{"fields": ["a", "b"], "values": []}]}', JSON, None, None),
        (b'{"input_data": [{"values": [[1, 2.5], [3, null]]}]}', JSON, [[1, 2.5], [3, None]], None),
        (
            b'{"input_data": [{"id": "observations", "values": [[1, 2]]},'
            b' {"id": "supporting_features", "fields": ["b"], "values": [[4], [5]]}]}',
            JSON,
            [[1, 2]],
            [[4], [5]],
        ),
        (b'{"input_data": [{"id": "supporting_features", "values": [[4]]}]}', JSON, None, [[4]]),
        (b"1,2\n3,\n", CSV, [[1, 2], [3, None]], None),
        (b"\xef\xbb\xbfdemand,temperature\r\n1,2\r\n\r\n3,NA\r\n", CSV, [[1, 2], [3, None]], None),
        (b"[1, 2]\n\n[3, null]\n", JSONLINES, [[1, 2], [3, None]], None),
    ],
)
def test_bodies_decode_to_observations_and_supporting_features(
    body, content_type, observations, supporting
):
    request = decode_forecast(body, content_type)
    assert rows(request.observations) == observations
    assert rows(request.supporting_features) == supporting


@pytest.mark.parametrize(
    "body, content_type, reason",
    [
        (b'{"instances": [[1, 2]]}', JSON, "takes the WML payload"),
        (b'{"input_data": [{"id": "future", "values": [[1]]}]}', JSON, "has id 'future'"),
        (b'{"input_data": [{"values": [[1]]}, {"values": [[2]]}]}', JSON, "observations twice"),
        (b'{"input_data": [{"values": [[1, 2], [3]]}]}', JSON, "row 2 has 1 values; row 1 has 2"),
        (b'{"input_data": [{"values": [[1, true]]}]}', JSON, "row 1, column 2: True is not"),
        (b'{"input_data": [{"fields": ["a"], "values": [[1, 2]]}]}', JSON, "2 values for 1 fields"),
        (b'{"input_data": [{"values": [[NaN]]}]}', JSON, "NaN is not valid JSON"),
        (b'{"input_data": [{"values": [[]]}]}', JSON, "rows hold no values"),
        (b"1,2\n3,warm\n", CSV, "observations row 2, column 2: 'warm' is not a number"),
        (b'{"a": 1}\n', JSONLINES, "line 1 is not an array"),
    ],
)
def test_bodies_that_do_not_fit_are_refused_naming_what(body, content_type, reason):
    with pytest.raises(BadRequest, match=reason.replace("(", r"\(").replace("[", r"\[")):
        decode_forecast(body, content_type)


FORECAST = Forecast(steps=[[1.5, 20.0], [2.25, NAN]])


def test_json_answers_in_wml_shape_one_row_per_step():
    document = json.loads(encode_forecast(FORECAST, JSON))
    assert document == {
        "predictions": [{"fields": ["prediction"], "values": [[1.5, 20.0], [2.25, None]]}]
    }


def test_csv_answers_one_line_per_step():
    assert encode_forecast(FORECAST, CSV) == b"1.5,20.0\n2.25,nan\n"


def test_json_lines_answers_one_object_per_step():
    lines = encode_forecast(FORECAST, JSONLINES).decode().splitlines()
    assert [json.loads(line) for line in lines] == [
        {"prediction": [1.5, 20.0]},
        {"prediction": [2.25, None]},
    ]
