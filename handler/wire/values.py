"""Rows of request values to the typed frame a pipeline scores: a pure function of rows and schema.

How a value becomes the pipeline's value is fixed per column by the schema, decided at load, and
nothing is inferred from the other rows of a request, so a row reads the same alone, in a batch,
or in any split of a batch transform. Values keep their kinds as `pandas.read_csv` gave them to
Watson Studio at training time: strings stay strings, booleans booleans, numbers numbers, and a
missing value is NaN. Nothing is cast to float.

CSV tokens (`from_text`) follow `read_csv`: the installed pandas' missing-value tokens are missing,
then each column's type reads the rest. A column of unknown type reads each token on its own: an
integer (within int64 or uint64, as `read_csv` keeps integers) is an int, a decimal number a
float, a boolean spelling a bool, anything else text. JSON values come typed already: a column of
unknown type keeps them as sent.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any, Callable

import numpy as np
import pandas as pd

from handler.errors import BadRequest
from handler.model.schema import Schema
from handler.wire.csv_tokens import boolean_of, missing_tokens

MISSING = float("nan")
INTEGER = re.compile(r"[+-]?[0-9]+")
DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Whole columns of plain tokens, one per line, converted in one pass (anything else is checked
# value by value): integers of at most 18 digits always fit int64.
INTEGER_LINES = re.compile(r"(?:[+-]?[0-9]{1,18}(?:\n|$))*")
PLAIN_DECIMAL_LINES = re.compile(r"(?:[+-]?(?:[0-9]{1,300}(?:\.[0-9]*)?|\.[0-9]+)(?:\n|$))*")
# The integers `read_csv` keeps as integers (int64 or uint64); longer ones it leaves as text.
SMALLEST_INTEGER = -(2**63)
LARGEST_INTEGER = 2**64 - 1
MOST_INTEGER_DIGITS = 20
# What read_csv skips around a number (not every Unicode space: a no-break space makes text).
SPACES = " \t"


def to_frame(
    rows: Sequence[Sequence[Any]],
    schema: Schema,
    names: Sequence[str] | None = None,
    from_text: bool = False,
) -> pd.DataFrame:
    """A frame of `rows` in the schema's column order, each value converted by its column's type.

    `names` label the columns when the schema has none. `from_text` says the values are CSV tokens.
    """
    if not rows:
        raise BadRequest("the request holds no rows")
    width = schema.width or len(rows[0])
    for number, row in enumerate(rows, start=1):
        if len(row) != width:
            raise BadRequest(f"expected {width} columns, got {len(row)} (row {number})")
    values = np.empty((len(rows), width), dtype=object)
    missing = missing_tokens() if from_text else frozenset()
    for index, column in enumerate(zip(*rows)):
        kind = schema.type_of(index)
        if from_text:
            column = [None if token in missing else token for token in column]
            converted = _plain_text_column(column, kind)
            converter = TEXT_CONVERTERS[kind]
        else:
            converted = None
            converter = VALUE_CONVERTERS[kind]
        if converted is None:
            converted = _converted(column, converter, schema.column_label(index))
        values[:, index] = converted
    labels = schema.names or (tuple(names) if names else tuple(range(width)))
    return pd.DataFrame(values, columns=list(labels), copy=False)


def _plain_text_column(tokens: list[str | None], kind: str | None) -> list[Any] | None:
    """A column of CSV tokens converted in one pass, or None to convert (and check) one by one.

    Gives the same values as the per-value converters, for the common case only: a column whose
    tokens all have the plain form of its type.
    """
    if kind == "str":
        return [MISSING if token is None else token for token in tokens]
    if kind not in ("int", "float"):
        return None
    present = [token for token in tokens if token is not None]
    lines = "\n".join(present)
    if lines.count("\n") != max(len(present) - 1, 0):  # a quoted line end inside a token
        return None
    if kind == "int" and INTEGER_LINES.fullmatch(lines):
        return [MISSING if token is None else int(token) for token in tokens]
    if kind == "float" and PLAIN_DECIMAL_LINES.fullmatch(lines):
        return [MISSING if token is None else float(token) for token in tokens]
    return None


def _converted(column: Sequence[Any], converter: Callable[[Any], Any], label: str) -> list[Any]:
    converted = []
    for row, value in enumerate(column, start=1):
        try:
            converted.append(converter(value))
        except _BadValue as error:
            raise BadRequest(f"{label} (row {row}): {error}") from None
    return converted


class _BadValue(ValueError):
    def __init__(self, value: Any, expected: str):
        super().__init__(f"expected {expected}, got {_shown(value)}")


def _shown(value: Any, limit: int = 40) -> str:
    if isinstance(value, int) and abs(value) >= 10**limit:
        return f"an integer of {value.bit_length()} bits"
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}... ({len(str(value))} characters)"


# Text tokens (CSV); None is a missing token.


def _text_or_number(token: str | None) -> Any:
    """A token of a column of unknown type, read on its own."""
    if token is None:
        return MISSING
    number = number_or_none(token)
    if number is not None:
        return number
    boolean = boolean_of(token)
    return token if boolean is None else boolean


def number_or_none(token: str) -> int | float | None:
    """The number `read_csv` reads in a column of numbers, or None for other text (integers
    beyond 64 bits and non-finite numbers included)."""
    try:
        return _text_to_number(token)
    except _BadValue:
        return None


def _text_to_str(token: str | None) -> Any:
    return MISSING if token is None else token


def _text_to_int(token: str | None) -> Any:
    return MISSING if token is None else _text_to_number(token)


def _text_to_float(token: str | None) -> Any:
    if token is None:
        return MISSING
    text = token.strip(SPACES)
    if not INTEGER.fullmatch(text):
        return _text_to_number(token)
    number = float(text)  # from its text, as read_csv reads it: "-0" is -0.0
    if not math.isfinite(number):
        raise _BadValue(token, "a finite number")
    return number


def _text_to_number(token: str) -> int | float:
    """An integer within 64 bits or a finite decimal, as read_csv reads numbers; else _BadValue."""
    text = token.strip(SPACES)
    if INTEGER.fullmatch(text):
        return _integer(text, token)
    if text.lower().lstrip("+-") in ("inf", "infinity"):
        raise _BadValue(token, "a finite number")
    if not DECIMAL.fullmatch(text):
        raise _BadValue(token, "a number")
    number = float(text)
    if not math.isfinite(number):
        raise _BadValue(token, "a finite number")
    return number


def _text_to_bool(token: str | None) -> Any:
    if token is None:
        return MISSING
    boolean = boolean_of(token)
    if boolean is None:
        raise _BadValue(token, "TRUE or FALSE")
    return boolean


def _integer(text: str, shown: Any) -> int:
    if len(text.lstrip("+-")) > MOST_INTEGER_DIGITS:
        raise _BadValue(shown, "an integer within 64 bits")
    value = int(text)
    if not SMALLEST_INTEGER <= value <= LARGEST_INTEGER:
        raise _BadValue(shown, "an integer within 64 bits")
    return value


# JSON values: null, booleans, numbers, strings; "" is missing too.


def _as_given(value: Any) -> Any:
    if value is None or value == "":
        return MISSING
    if isinstance(value, (list, dict)):
        raise _BadValue(value, "a single value")
    return _finite(value)


def _finite(value: Any) -> Any:
    """A number the pipeline can take: finite, integers within 64 bits."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and not SMALLEST_INTEGER <= value <= LARGEST_INTEGER:
        raise _BadValue(value, "an integer within 64 bits")
    if isinstance(value, float) and math.isinf(value):
        raise _BadValue(value, "a finite number")
    return value


def _to_str(value: Any) -> Any:
    if value is None or value == "":
        return MISSING
    if isinstance(value, str):
        return value
    if isinstance(value, float) and math.isnan(value):
        return MISSING
    if isinstance(value, (bool, int, float)):
        return str(_finite(value))
    raise _BadValue(value, "a string")


def _to_number(value: Any) -> Any:
    if value is None or value == "":
        return MISSING
    if isinstance(value, str):
        return _text_to_int(_token(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _finite(value)
    raise _BadValue(value, "a number")


def _to_float(value: Any) -> Any:
    if isinstance(value, str):
        return _text_to_float(_token(value))
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            raise _BadValue(value, "a finite number") from None
    return _to_number(value)


def _to_bool(value: Any) -> Any:
    if value is None or value == "":
        return MISSING
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _text_to_bool(_token(value))
    raise _BadValue(value, "TRUE or FALSE")


def _token(text: str) -> str | None:
    """A JSON string in a number or boolean column, read as a CSV token: maybe a missing one."""
    return None if text in missing_tokens() else text


TEXT_CONVERTERS: dict[str | None, Callable[[Any], Any]] = {
    None: _text_or_number,
    "str": _text_to_str,
    "int": _text_to_int,
    "float": _text_to_float,
    "bool": _text_to_bool,
}
VALUE_CONVERTERS: dict[str | None, Callable[[Any], Any]] = {
    None: _as_given,
    "str": _to_str,
    "int": _to_number,
    "float": _to_float,
    "bool": _to_bool,
}
