"""Predictions to response bodies: one public entry, `encode(predictions, accept, fields)`.

One result per input row, in input order, never a header line, so SageMaker batch transform can
assemble responses line by line; in the line formats (CSV, JSON Lines) a blank input line is
answered with an empty line. Floats are written in full (shortest round-trip) precision.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Callable

from handler.model.predictions import Predictions
from handler.wire import media_types

# WML's names for our output fields in its `{"predictions": [{"fields": [...]}]}` shape.
WML_FIELD_NAMES = {
    "predicted_label": "prediction",
    "probabilities": "probability",
    "labels": "labels",
}


def encode(predictions: Predictions, accept: str, fields: Sequence[str]) -> bytes:
    """The body for `accept` (a normalised name from `handler.wire.media_types`)."""
    columns = [predictions.field_values(field) for field in fields]
    if accept == media_types.JSON:
        return _encode_json(columns, fields).encode("utf-8")
    lines = _in_line_order(list(zip(*columns)), predictions.blank_lines)
    return LINE_ENCODERS[accept](lines, fields).encode("utf-8")


def _in_line_order(rows: list[tuple], blank_lines: Sequence[int]) -> Iterator[tuple | None]:
    """The rows with None at the positions of blank input lines."""
    blanks = set(blank_lines)
    remaining = iter(rows)
    for position in range(len(rows) + len(blanks)):
        yield None if position in blanks else next(remaining)


def _encode_csv(lines: Iterable[tuple | None], fields: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for values in lines:
        if values is None:
            writer.writerow(())
            continue
        cells: list[Any] = []
        for value in values:
            if isinstance(value, list):
                cells.extend(value)
            else:
                cells.append(value)
        writer.writerow(cells)
    return buffer.getvalue()


def _encode_json(columns: list[list[Any]], fields: Sequence[str]) -> str:
    names = [WML_FIELD_NAMES[field] for field in fields]
    values = [list(row) for row in zip(*columns)]
    return _dumps({"predictions": [{"fields": names, "values": values}]})


def _encode_jsonlines(lines: Iterable[tuple | None], fields: Sequence[str]) -> str:
    return "".join(
        "\n" if values is None else _dumps(dict(zip(fields, values))) + "\n" for values in lines
    )


def _dumps(document: Any) -> str:
    """JSON text; a NaN or infinite prediction is written as null (JSON has no such numbers)."""
    try:
        return json.dumps(document, allow_nan=False)
    except ValueError:
        return json.dumps(finite_or_none(document), allow_nan=False)


def finite_or_none(value: Any) -> Any:
    """`value` with each NaN or infinite float in it as None (JSON has no such numbers)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite_or_none(item) for key, item in value.items()}
    if isinstance(value, list):
        return [finite_or_none(item) for item in value]
    return value


LINE_ENCODERS: dict[str, Callable[[Iterable[tuple | None], Sequence[str]], str]] = {
    media_types.CSV: _encode_csv,
    media_types.JSONLINES: _encode_jsonlines,
}
