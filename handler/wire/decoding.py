"""Request bodies to frames: one public entry, `decode(body, content_type, schema, header)`.

What a body decodes to depends on the body and the model's schema only, never on other requests.
CSV (with or without a header row, RFC 4180 quoting, BOM, `\\r\\n`), the JSON shapes Watson Machine
Learning and SageMaker clients send, and JSON Lines. Each private decoder returns the rows, the
positions of blank lines (line formats only) and, when the body names them, the columns;
`handler.wire.values.to_frame` types the values.

A blank line is not a row, but it keeps its place: SageMaker batch transform pairs output lines
with input lines, so the encoders answer it with an empty line. A line ending the body does not
start another line.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd

from handler.errors import BadRequest, InferenceError
from handler.model.schema import Schema
from handler.wire import media_types
from handler.wire.csv_tokens import missing_tokens
from handler.wire.values import number_or_none, to_frame

Rows = list[list[Any]]
LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class RequestRows:
    """A request's rows as the frame a pipeline scores, and the line positions that were blank."""

    frame: pd.DataFrame
    blank_lines: tuple[int, ...] = ()

    @classmethod
    def concat(cls, requests: Sequence[RequestRows]) -> RequestRows:
        """The rows of several requests (with the same columns) as one, in order."""
        if len(requests) == 1:
            return requests[0]
        return cls(pd.concat([request.frame for request in requests], ignore_index=True))


@dataclass(frozen=True)
class Decoded:
    rows: Rows
    names: list[str] | None = None
    blank_lines: tuple[int, ...] = ()


def decode(
    body: bytes | str, content_type: str, schema: Schema, header: bool | None = None
) -> RequestRows:
    """The rows a body holds, a pure function of the body and the schema.

    `content_type` is a normalised name from `media_types`; `header` is CSV's `header` parameter
    (None: decided by the rule of `_csv_header`). Whatever cannot be read is a BadRequest.
    """
    text = _text(body)
    try:
        if content_type == media_types.CSV:
            decoded = _decode_csv(text, schema, header)
        else:
            decoded = DECODERS[content_type](text, schema)
        frame = to_frame(decoded.rows, schema, decoded.names, content_type == media_types.CSV)
    except (InferenceError, MemoryError):
        raise
    except Exception as error:  # a value no converter foresaw: still the body's, and our bug
        LOGGER.error("decoding a %s body failed unexpectedly", content_type, exc_info=error)
        raise BadRequest(f"cannot read the body: {type(error).__name__}: {error}") from None
    return RequestRows(frame, decoded.blank_lines)


def _text(body: bytes | str) -> str:
    if isinstance(body, str):
        return body.removeprefix("\ufeff")
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadRequest(f"the body is not valid UTF-8 (byte {error.start})") from None


def _decode_csv(text: str, schema: Schema, header: bool | None) -> Decoded:
    records = _csv_records(text)
    first = next((n for n, record in enumerate(records) if not _blank(record)), None)
    order = None
    if first is not None and header is not False:
        is_header, order = _csv_header(records[first], schema, declared=header is True)
        if is_header:
            del records[first]
    blank_lines = tuple(n for n, record in enumerate(records) if _blank(record))
    rows = [record for record in records if not _blank(record)]
    if order is not None:
        for number, row in enumerate(rows, start=1):
            if len(row) != len(order):
                raise BadRequest(
                    f"expected {len(order)} columns as in the header, got {len(row)} (row {number})"
                )
        rows = [[row[p] for p in order] for row in rows]
    return Decoded(rows, None, blank_lines)


def _csv_records(text: str) -> list[list[str]]:
    # A field may be as long as the body, which the server's payload limit bounds.
    if len(text) > csv.field_size_limit():
        csv.field_size_limit(len(text))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        return list(reader)
    except csv.Error as error:
        raise BadRequest(f"malformed CSV (line {reader.line_num}): {error}") from None


def _csv_header(record: list[str], schema: Schema, declared: bool) -> tuple[bool, list[int] | None]:
    """Whether the first row is a header, and the column order it gives (None: as sent).

    With feature names known, a row holding exactly those names (as written, else in any letter
    case when that tells them apart), in any order, with or without surrounding spaces, is a
    header, and puts the columns in training order; unless it could be data too (a number in
    every numeric column). Without names, a row of distinct names is one when every column the
    pipeline records as numeric holds a word no number could be. `declared` (header=present)
    makes it one; then it must name the features when they are known.
    """
    if schema.names:
        order = _order_by_names(record, schema.names)
        if order is not None and (declared or not _could_be_data(record, schema)):
            return True, order
        if declared:
            _refuse_header(record, schema.names)
        return False, None
    if declared:
        return True, None
    numeric = schema.numeric_columns
    if not numeric or len(record) != schema.width:
        return False, None
    cells = [cell.strip() for cell in record]
    distinct = len(set(cells)) == len(cells) and all(cells)
    return distinct and all(_is_a_word(record[i]) for i in numeric), None


def _order_by_names(record: list[str], names: tuple[str, ...]) -> list[int] | None:
    """Where each feature stands in a header row naming them all, or None."""
    for key in (_name_key, _folded_name_key):
        cells = [key(cell) for cell in record]
        keys = [key(name) for name in names]
        if len(set(keys)) == len(keys) and sorted(cells) == sorted(keys):
            return [cells.index(k) for k in keys]
    return None


def _refuse_header(record: list[str], names: tuple[str, ...]) -> None:
    cells = [_folded_name_key(cell) for cell in record]
    keys = [_folded_name_key(name) for name in names]
    unknown = [cell for cell, key in zip(record, cells) if key not in keys]
    if unknown:
        raise BadRequest(f"header column {unknown[0].strip()!r} is not a feature of this model")
    missing = [name for name, key in zip(names, keys) if key not in cells]
    if missing:
        raise BadRequest(f"the header lacks the feature {missing[0]!r}")
    raise BadRequest("the header does not name each feature once")


def _name_key(cell: str) -> str:
    return cell.strip().strip("\ufeff").strip()


def _folded_name_key(cell: str) -> str:
    return _name_key(cell).casefold()


def _could_be_data(record: list[str], schema: Schema) -> bool:
    numeric = schema.numeric_columns
    return bool(numeric) and all(number_or_none(record[i]) is not None for i in numeric)


def _is_a_word(token: str) -> bool:
    """Text with a letter that no number column holds: not a missing token, not `inf` or `nan`."""
    if token in missing_tokens() or not any(c.isalpha() for c in token):
        return False
    try:
        float(token)
    except ValueError:
        return True
    return False


def _blank(record: list[str]) -> bool:
    return not record or (len(record) == 1 and not record[0].strip())


def _decode_json(text: str, schema: Schema) -> Decoded:
    document = _parse_json(text, "the body")
    if isinstance(document, dict):
        if "input_data" in document:
            return _decode_input_data(document["input_data"], schema)
        for key in ("instances", "Input"):
            if key in document:
                return _decode_row_list(document[key], schema, key)
        raise BadRequest(
            "JSON object needs an 'input_data', 'instances' or 'Input' key; "
            f"got {', '.join(repr(k) for k in list(document)[:5]) or 'no keys'}"
        )
    return _decode_row_list(document, schema, "the body")


def _decode_jsonlines(text: str, schema: Schema) -> Decoded:
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    blank_lines = tuple(n for n, line in enumerate(lines) if not line.strip())
    items = [
        _parse_json(line, f"line {n}") for n, line in enumerate(lines, start=1) if line.strip()
    ]
    # each line is a row: a line holding one value is a row of one value
    items = [item if isinstance(item, (list, dict)) else [item] for item in items]
    decoded = _decode_row_list(items, schema, "JSON Lines", row_noun="line")
    return Decoded(decoded.rows, decoded.names, blank_lines)


def _parse_json(text: str, where: str) -> Any:
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError as error:
        raise BadRequest(f"{where} is not valid JSON: {error}") from None
    except RecursionError:
        raise BadRequest(f"{where} nests arrays or objects too deeply") from None


def _reject_constant(token: str) -> None:
    raise ValueError(f"{token} is not a JSON number")


def _decode_input_data(input_data: Any, schema: Schema) -> Decoded:
    """Watson Machine Learning's `{"input_data": [{"fields": [...], "values": [[...]]}]}`."""
    if isinstance(input_data, dict):
        input_data = [input_data]
    if not isinstance(input_data, list) or not input_data:
        raise BadRequest("'input_data' must be a list of {'fields': [...], 'values': [[...]]}")
    rows: Rows = []
    names = None
    for entry in input_data:
        if not isinstance(entry, dict) or not isinstance(entry.get("values"), list):
            raise BadRequest("each 'input_data' entry needs a 'values' list of rows")
        values = _rows_of(entry["values"], "'values'")
        fields = entry.get("fields")
        if fields is None:
            rows.extend(values)
            continue
        if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
            raise BadRequest("'fields' must be a list of column names")
        reordered, names = _in_schema_order(fields, values, schema, names)
        rows.extend(reordered)
    return Decoded(rows, names)


def _decode_row_list(items: Any, schema: Schema, where: str, row_noun: str = "row") -> Decoded:
    """A list of rows (arrays) or records (objects); a flat list of values is a single row."""
    if not isinstance(items, list) or not items:
        raise BadRequest(f"{where} must be a non-empty list of rows")
    if all(isinstance(item, dict) for item in items):
        return _records_to_rows(items, schema, row_noun)
    if all(isinstance(item, list) for item in items):
        return Decoded(items)
    if not any(isinstance(item, (list, dict)) for item in items):
        return Decoded([items])
    raise BadRequest(f"{where} mixes rows of different shapes: send all arrays or all objects")


def _records_to_rows(records: list[dict], schema: Schema, row_noun: str) -> Decoded:
    if not schema.names:
        # A JSON object's keys have no order a client must keep: never guess the columns from it.
        raise BadRequest(
            "this model records no feature names (no metadata or WML schema file): "
            "send each row as an array of values in training column order"
        )
    fields = schema.names
    rows = []
    for number, record in enumerate(records, start=1):
        missing = [f for f in fields if f not in record]
        unknown = [k for k in record if k not in fields]
        if unknown:
            raise BadRequest(f"unknown field {unknown[0]!r} ({row_noun} {number})")
        if missing:
            raise BadRequest(f"missing field {missing[0]!r} ({row_noun} {number})")
        rows.append([record[f] for f in fields])
    return Decoded(rows, list(fields))


def _in_schema_order(
    fields: list[str], rows: Rows, schema: Schema, names: list[str] | None
) -> tuple[Rows, list[str]]:
    """Rows given in `fields` order, reordered to the schema's order when the schema has names."""
    if len(set(fields)) != len(fields):
        duplicate = next(f for f in fields if fields.count(f) > 1)
        raise BadRequest(f"field {duplicate!r} is given twice in 'fields'")
    for number, row in enumerate(rows, start=1):
        if len(row) != len(fields):
            raise BadRequest(
                f"expected {len(fields)} values as in 'fields', got {len(row)} (row {number})"
            )
    if not schema.names:
        # Unchecked: taken by position (the start-up log says so, and how to add names).
        if schema.width is not None and len(fields) != schema.width:
            raise BadRequest(
                f"'fields' names {len(fields)} columns; the model takes {schema.width}"
            )
        if names is not None and names != fields:
            raise BadRequest("'input_data' entries name different fields")
        return rows, fields
    unknown = [f for f in fields if f not in schema.names]
    if unknown:
        raise BadRequest(f"unknown field {unknown[0]!r}: the model takes {_listing(schema.names)}")
    missing = [f for f in schema.names if f not in fields]
    if missing:
        raise BadRequest(f"missing field {missing[0]!r} in 'fields'")
    positions = [fields.index(name) for name in schema.names]
    return [[row[p] for p in positions] for row in rows], list(schema.names)


def _rows_of(values: list, where: str) -> Rows:
    if not values or not all(isinstance(row, list) for row in values):
        raise BadRequest(f"{where} must be a non-empty list of rows (lists of values)")
    return values


def _listing(names: tuple[str, ...], limit: int = 6) -> str:
    shown = ", ".join(names[:limit])
    return f"{shown}, ... ({len(names)} fields)" if len(names) > limit else shown


DECODERS: dict[str, Callable[[str, Schema], Decoded]] = {
    media_types.JSON: _decode_json,
    media_types.JSONLINES: _decode_jsonlines,
}
