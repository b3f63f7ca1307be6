"""Rows of request values to the typed frame a pipeline scores.

Values keep their kinds: strings stay strings, booleans booleans, numbers numbers, and a missing
value is NaN, as `pandas.read_csv` gives Watson Studio at training time. Nothing is cast to float.
When the schema knows the feature types each value is checked against its column's type. Text
tokens (CSV) follow `pandas.read_csv`: its missing-value tokens (`NA`, `NaN`, `null`, ...) are
missing, and without types each column is typed as `read_csv` would type it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd

from handler.errors import BadRequest

MISSING = float("nan")
TRUE_TOKENS = frozenset(("TRUE", "True", "true"))
FALSE_TOKENS = frozenset(("FALSE", "False", "false"))
# pandas.read_csv's default missing-value tokens (pandas._libs.parsers.STR_NA_VALUES).
NA_TOKENS = frozenset(
    ("", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
     "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null")
)  # fmt: skip
INTEGER = re.compile(r"[+-]?[0-9]+")
DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Whole columns of plain tokens, one per line (no exponent: those are checked one by one).
INTEGER_LINES = re.compile(r"(?:[+-]?[0-9]+(?:\n|$))*")
PLAIN_DECIMAL_LINES = re.compile(r"(?:[+-]?(?:[0-9]{1,300}(?:\.[0-9]*)?|\.[0-9]+)(?:\n|$))*")
BOOLEAN_TOKENS = {
    None: MISSING,
    **{token: True for token in TRUE_TOKENS},
    **{token: False for token in FALSE_TOKENS},
}


@dataclass(frozen=True)
class Schema:
    """What is known of a pipeline's input: its width, and maybe names and types, in order."""

    width: int | None = None
    names: tuple[str, ...] | None = None
    types: tuple[str, ...] | None = None

    def column_label(self, index: int) -> str:
        if self.names:
            return f"column {self.names[index]!r}"
        return f"column {index + 1}"


def to_frame(
    rows: Sequence[Sequence[Any]],
    schema: Schema,
    names: Sequence[str] | None = None,
    from_text: bool = False,
) -> pd.DataFrame:
    """A frame of `rows` in the schema's column order, each value converted to its column's type.

    `names` label the columns when the schema has none. `from_text` says the values are text
    tokens (CSV), read like `pandas.read_csv`; otherwise untyped values are kept as given (JSON).
    """
    if not rows:
        raise BadRequest("the request holds no rows")
    width = schema.width or len(rows[0])
    for number, row in enumerate(rows, start=1):
        if len(row) != width:
            raise BadRequest(f"expected {width} columns, got {len(row)} (row {number})")
    values = np.empty((len(rows), width), dtype=object)
    for index, column in enumerate(zip(*rows)):
        if from_text:
            column = [None if token in NA_TOKENS else token for token in column]
        kind = schema.types[index] if schema.types else None
        converted = None
        if kind is None and from_text:
            kind, converted = _inferred_column(column)
        if converted is None and from_text:
            converted = _text_column(column, kind)
        if converted is None:
            converter = CONVERTERS[kind] if kind else _as_given
            converted = _converted(column, converter, schema.column_label(index))
        values[:, index] = converted
    labels = schema.names or (tuple(names) if names else tuple(range(width)))
    return pd.DataFrame(values, columns=list(labels), copy=False)


def _text_column(tokens: list[str | None], kind: str) -> list[Any] | None:
    """A column of CSV tokens converted in one pass, or None to convert (and check) one by one.

    Gives the same values as the per-value converters, for the common case only: a column whose
    tokens all have the plain form of its type. Anything else takes the per-value path, which
    also names the row of a bad value.
    """
    if kind == "str":
        return [MISSING if token is None else token for token in tokens]
    if kind == "bool":
        try:
            return [BOOLEAN_TOKENS[token] for token in tokens]
        except KeyError:
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
        super().__init__(f"expected {expected}, got {value!r}")
        self.value = value


def _as_given(value: Any) -> Any:
    if value is None or value == "":
        return MISSING
    if isinstance(value, (list, dict)):
        raise _BadValue(value, "a single value")
    if isinstance(value, float) and math.isinf(value):
        raise _BadValue(value, "a finite number")
    return value


def _to_str(value: Any) -> Any:
    if value is None or value == "":
        return MISSING
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return MISSING if isinstance(value, float) and math.isnan(value) else str(value)
    raise _BadValue(value, "a string")


def _to_number(value: Any) -> Any:
    if value is None or value == "":
        return MISSING
    if isinstance(value, bool):
        raise _BadValue(value, "a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isinf(value):
            raise _BadValue(value, "a finite number")
        return value
    if isinstance(value, str):
        return _parse_number(value)
    raise _BadValue(value, "a number")


def _parse_number(token: str) -> int | float:
    """A number written the way `pandas.read_csv` reads one (ASCII digits, no `_` separators)."""
    text = token.strip()
    if INTEGER.fullmatch(text):
        return int(text)
    if text.lower().lstrip("+-") in ("inf", "infinity"):
        raise _BadValue(token, "a finite number")
    if not DECIMAL.fullmatch(text):
        raise _BadValue(token, "a number")
    number = float(text)
    if not math.isfinite(number):
        raise _BadValue(token, "a finite number")
    return number


def _to_float(value: Any) -> Any:
    number = _to_number(value)
    if not isinstance(number, int):
        return number  # a float already, or missing
    try:
        # An integer token in a float column is read from its text, as `pandas.read_csv` reads
        # it: "-0" is -0.0.
        result = float(value.strip() if isinstance(value, str) else number)
    except OverflowError:
        result = math.inf
    if not math.isfinite(result):
        raise _BadValue(value, "a finite number")
    return result


def _to_bool(value: Any) -> Any:
    if value is None or value == "":
        return MISSING
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        if value in TRUE_TOKENS:
            return True
        if value in FALSE_TOKENS:
            return False
    raise _BadValue(value, "TRUE or FALSE")


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "str": _to_str,
    "int": _to_number,
    "float": _to_float,
    "bool": _to_bool,
}


def _inferred_column(tokens: Sequence[Any]) -> tuple[str, list[Any] | None]:
    """int, float, bool or str, as `pandas.read_csv` would type a column of these tokens, and the
    column's values where typing it already converted them (else None: convert them after)."""
    present = [t for t in tokens if t is not None]
    if not present:
        return "float", None
    if all(t in TRUE_TOKENS or t in FALSE_TOKENS for t in present):
        return "bool", None
    for kind in ("int", "float"):  # plain numbers: typed and converted in one pass
        values = _text_column(tokens, kind)
        if values is not None:
            return kind, values
    try:
        numbers = [_parse_number(t) for t in present]
    except _BadValue:
        return "str", None
    if all(isinstance(n, int) for n in numbers):
        parsed = iter(numbers)
        return "int", [MISSING if t is None else next(parsed) for t in tokens]
    return "float", None  # converted by the checked path, which reads integer tokens as floats


def object_array(frame: pd.DataFrame) -> np.ndarray:
    """The frame as the object array AutoAI pipelines are fitted on (`DataFrame.values`)."""
    return frame.to_numpy(dtype=object)
