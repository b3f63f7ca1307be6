"""Request bodies to forecast requests: one public entry, `decode_forecast(body, content_type)`.

Watson Machine Learning's forecasting payload is
`{"input_data": [{"id": "observations", "fields": [...], "values": [[...], ...]},
{"id": "supporting_features", "fields": [...], "values": [[...], ...]}]}`: new observations, rows
of the columns the pipeline was fitted on, and the supporting features' future values, one row per
future step. Both are optional (an entry without `id` is the observations); an empty body, or no
values, forecasts from the training history. CSV and JSON Lines bodies hold observations only,
one row per line. Values are numbers; an empty CSV field, a `read_csv` missing token or a JSON
`null` is missing (the pipeline's imputer fills it).
"""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any, Callable

import numpy as np

from handler.errors import BadRequest
from handler.model.forecasts import ForecastRequest
from handler.wire import media_types
from handler.wire.csv_tokens import missing_tokens

OBSERVATIONS = "observations"
SUPPORTING_FEATURES = "supporting_features"
UTF8_BOM = "\ufeff"


def decode_forecast(body: bytes | str, content_type: str) -> ForecastRequest:
    """The forecast a body asks for; BadRequest names the entry, row and column at fault."""
    text = body.decode("utf-8", "replace") if isinstance(body, (bytes, bytearray)) else body
    text = text.removeprefix(UTF8_BOM)
    if not text.strip():
        return ForecastRequest()
    return DECODERS[content_type](text)


def _decode_json(text: str) -> ForecastRequest:
    document = _parse_json(text)
    if not isinstance(document, dict) or not isinstance(document.get("input_data"), list):
        raise BadRequest(
            'a forecast takes the WML payload {"input_data": [{"fields": [...], "values": '
            "[[...]]}]} (observations, optionally supporting_features), or an empty body"
        )
    entries: dict[str, Any] = {}
    for position, entry in enumerate(document["input_data"], start=1):
        if not isinstance(entry, dict):
            raise BadRequest(f"input_data entry {position} is not an object")
        name = entry.get("id", OBSERVATIONS)
        if name not in (OBSERVATIONS, SUPPORTING_FEATURES):
            raise BadRequest(
                f"input_data entry {position} has id {name!r}: use {OBSERVATIONS!r} or "
                f"{SUPPORTING_FEATURES!r}"
            )
        if name in entries:
            raise BadRequest(f"input_data holds {name} twice")
        entries[name] = entry
    return ForecastRequest(
        observations=_entry_rows(entries.get(OBSERVATIONS), OBSERVATIONS),
        supporting_features=_entry_rows(entries.get(SUPPORTING_FEATURES), SUPPORTING_FEATURES),
    )


def _entry_rows(entry: dict | None, name: str) -> np.ndarray | None:
    """The entry's values as a float array (None when it has no rows), checked against its
    `fields` when it names them."""
    if entry is None:
        return None
    values = entry.get("values", [])
    if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
        raise BadRequest(f"{name}: values must be a list of rows, each a list of values")
    fields = entry.get("fields")
    if fields is not None:
        if not isinstance(fields, list):
            raise BadRequest(f"{name}: fields must be a list of column names")
        for number, row in enumerate(values, start=1):
            if len(row) != len(fields):
                raise BadRequest(
                    f"{name} row {number} has {len(row)} values for {len(fields)} fields"
                )
    rows = [_json_row(row, name, number) for number, row in enumerate(values, start=1)]
    return _as_array(rows, name)


def _json_row(row: list, name: str, number: int) -> list[float]:
    return [_json_number(value, name, number, column) for column, value in enumerate(row, 1)]


def _json_number(value: Any, name: str, row: int, column: int) -> float:
    if value is None:
        return math.nan
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise BadRequest(f"{name} row {row}, column {column}: {value!r} is not a number")


def _decode_csv(text: str) -> ForecastRequest:
    rows = [row for row in csv.reader(io.StringIO(text)) if row]
    if rows and not any(_is_number(token) for token in rows[0]):
        rows = rows[1:]  # a header row: names, not values
    values = [
        [_csv_number(token, number, column) for column, token in enumerate(row, 1)]
        for number, row in enumerate(rows, 1)
    ]
    return ForecastRequest(observations=_as_array(values, OBSERVATIONS))


def _decode_jsonlines(text: str) -> ForecastRequest:
    rows = []
    for number, line in enumerate((line for line in text.splitlines() if line.strip()), 1):
        row = _parse_json(line)
        if not isinstance(row, list):
            raise BadRequest(f"{OBSERVATIONS} line {number} is not an array of values")
        rows.append(_json_row(row, OBSERVATIONS, number))
    return ForecastRequest(observations=_as_array(rows, OBSERVATIONS))


def _csv_number(token: str, row: int, column: int) -> float:
    stripped = token.strip()
    if stripped in missing_tokens():
        return math.nan
    try:
        return float(stripped)
    except ValueError:
        raise BadRequest(
            f"{OBSERVATIONS} row {row}, column {column}: {token!r} is not a number"
        ) from None


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return token.strip() in missing_tokens()
    return True


def _as_array(rows: list[list[float]], name: str) -> np.ndarray | None:
    """The rows as a float array, None when there are none; all rows must have one width."""
    if not rows:
        return None
    widths = {len(row) for row in rows}
    if len(widths) > 1:
        first = len(rows[0])
        number = next(n for n, row in enumerate(rows, 1) if len(row) != first)
        raise BadRequest(
            f"{name} row {number} has {len(rows[number - 1])} values; row 1 has {first}"
        )
    if 0 in widths:
        raise BadRequest(f"{name} rows hold no values")
    return np.asarray(rows, dtype=float)


def _parse_json(text: str) -> Any:
    def refuse_constant(name: str) -> Any:
        raise BadRequest(f"{name} is not valid JSON: send null for a missing value")

    try:
        return json.loads(text, parse_constant=refuse_constant)
    except json.JSONDecodeError as error:
        raise BadRequest(f"the body is not valid JSON: {error}") from None


DECODERS: dict[str, Callable[[str], ForecastRequest]] = {
    media_types.JSON: _decode_json,
    media_types.CSV: _decode_csv,
    media_types.JSONLINES: _decode_jsonlines,
}
