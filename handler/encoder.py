"""Predictions to response bodies: one public entry, `encode(predictions, accept, fields)`.

One result per input row, in input order, never a header line, so SageMaker batch transform can
assemble responses line by line. Floats are written in full (shortest round-trip) precision.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from typing import Any, Callable

from handler import media_types
from handler.predictions import Predictions

# WML's names for our output fields in its `{"predictions": [{"fields": [...]}]}` shape.
WML_FIELD_NAMES = {
    "predicted_label": "prediction",
    "probabilities": "probability",
    "labels": "labels",
}


def encode(predictions: Predictions, accept: str, fields: Sequence[str]) -> bytes:
    """The body for `accept` (a normalised name from `handler.media_types`)."""
    columns = [predictions.field_values(field) for field in fields]
    return ENCODERS[accept](columns, fields).encode("utf-8")


def _encode_csv(columns: list[list[Any]], fields: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    flat_fields = [isinstance(column[0], list) if column else False for column in columns]
    for values in zip(*columns):
        line: list[Any] = []
        for value, is_list in zip(values, flat_fields):
            if is_list:
                line.extend(value)
            else:
                line.append(value)
        writer.writerow(line)
    return buffer.getvalue()


def _encode_json(columns: list[list[Any]], fields: Sequence[str]) -> str:
    names = [WML_FIELD_NAMES[field] for field in fields]
    values = [list(row) for row in zip(*columns)]
    return _dumps({"predictions": [{"fields": names, "values": values}]})


def _encode_jsonlines(columns: list[list[Any]], fields: Sequence[str]) -> str:
    lines = [_dumps(dict(zip(fields, row))) for row in zip(*columns)]
    return "\n".join(lines) + "\n"


def _dumps(document: Any) -> str:
    """JSON text; a NaN or infinite prediction is written as null (JSON has no such numbers)."""
    try:
        return json.dumps(document, allow_nan=False)
    except ValueError:
        return json.dumps(_finite_or_none(document), allow_nan=False)


def _finite_or_none(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite_or_none(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite_or_none(item) for item in value]
    return value


ENCODERS: dict[str, Callable[[list[list[Any]], Sequence[str]], str]] = {
    media_types.CSV: _encode_csv,
    media_types.JSON: _encode_json,
    media_types.JSONLINES: _encode_jsonlines,
}
