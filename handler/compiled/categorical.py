"""The categorical chain of an AutoAI pipeline as one lookup per column.

AutoAI's categorical branch is `CompressStrings`, `NumpyReplaceMissingValues`,
`NumpyReplaceUnknownValues`, `boolean2float`, `CatImputer`, `CatEncoder`, `float32_transform`.
Each step acts on one cell at a time, so the chain is, per column, a fixed mapping from a value to
its final code. The codes are not re-derived here: at load, the pipeline's own fitted steps
(everything after `CompressStrings`) transform every value each column knows, and the results are
kept. The one rule taken from experiment is how `CompressStrings` hashes a text column's values
(`hashed_value`); the proof at load (`handler.compiled.proof`) guards it.

- A hashed (`char_str`) column knows hashes (`NumpyReplaceUnknownValues.known_values_list`); any
  other hash is unknown and gets the code the chain gives an unknown value.
- Any other column (booleans, integers as categories) passes `CompressStrings` unchanged; it gets
  codes for its known values and for the usual spellings of booleans and missing values. An int,
  float or text equal to no known value gets the code the chain gives an unknown value of its
  type. Any other value it has no code for is not guessed: the pipeline scores that request.
"""

from __future__ import annotations

import hashlib
import math
import uuid
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from handler.compiled.chain_runs import transformed, transformed_rows
from handler.compiled.steps import params, require, step_name

CHAIN = (
    "CompressStrings",
    "NumpyReplaceMissingValues",
    "NumpyReplaceUnknownValues",
    "boolean2float",
    "CatImputer",
    "CatEncoder",
    "float32_transform",
)
HASHED_TYPE = "char_str"
# Values a non-hashed column is given codes for besides the ones it knows: booleans in every
# spelling, missing values in every spelling, small numbers.
SPELLINGS = (
    True, False, np.True_, np.False_, None, float("nan"), "", "-", "?", "NA", "N/A", "NaN",
    "nan", "null", "None", "True", "False", "true", "false", "TRUE", "FALSE", 0, 1, 0.0, 1.0,
)  # fmt: skip
HASHABLE_TYPES = (str, int, float, type(None), np.bool_, np.number)
UNKNOWN_TYPES = (int, float, str)  # the types whose unknown values a non-hashed column codes
CACHE_LIMIT = 4096  # cached text values per hashed column (ID-like columns never repeat)


def hashed_value(value: Any) -> int | None:
    """What `CompressStrings(compress_type='hash')` makes of a cell of a `char_str` column: the
    md5 of its text as an integer. None for a value of another kind (not compiled)."""
    if not isinstance(value, HASHABLE_TYPES):
        return None
    try:
        text = str(value).encode("utf-8")
    except UnicodeEncodeError:
        return None
    return int(hashlib.md5(text).hexdigest(), 16)


def value_key(value: Any) -> Hashable | None:
    """A dictionary key that tells apart what `==` confuses: `True`, `1`, `1.0`, `np.int64(1)`
    and `-0.0` and `0.0` are different keys; every NaN of one type is one key."""
    kind = type(value)
    if isinstance(value, float):
        return kind, float.hex(value)
    if isinstance(value, (str, int, type(None), np.bool_, np.integer)):
        return kind, value
    return None


@dataclass
class CategoricalColumn:
    """One column's codes: by hash for a hashed column, by value (`value_key`) otherwise."""

    hashed: bool
    codes: dict[Any, float]
    unknown: float | None = None
    values: tuple[Any, ...] = ()  # a non-hashed column's values with codes (for the proof)
    known: frozenset[Any] = frozenset()  # a non-hashed column's known values
    unknown_by_type: dict[type, float] = field(default_factory=dict)
    cache: dict[str, float] = field(default_factory=dict)  # text values' codes
    boolean_codes: dict[bool, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.hashed:
            for value, kind in ((True, bool), (False, bool)):
                code = self.codes.get((kind, value))
                if code is not None:
                    self.boolean_codes[value] = code
            for (kind, value), code in self.codes.items():
                if kind is str:
                    self.cache[value] = code
        else:
            for value in (True, False):
                self.boolean_codes[value] = self.code(value)

    def codes_of(self, cells: Sequence[Any]) -> list[float] | None:
        """The codes of a column of cells, or None when one has none. Text and booleans are
        looked up by value first (a text key never equals a value of another type, and only
        booleans are looked up among booleans); the rest by `code`."""
        texts, booleans = self.cache.get, self.boolean_codes.get
        found = [
            texts(v) if kind is str else booleans(v) if kind is bool else None
            for v, kind in zip(cells, map(type, cells))
        ]
        if None in found:
            found = [self.code(v) if f is None else f for f, v in zip(found, cells)]
            if None in found:
                return None
        return found

    def code(self, value: Any) -> float | None:
        """The chain's output for `value`, or None when this column has no code for it."""
        if not self.hashed:
            key = value_key(value)
            found = None if key is None else self.codes.get(key)
            if found is None and self._unknown(value):
                return self.unknown_by_type.get(type(value))
            return found
        digest = hashed_value(value)
        if digest is None:
            return None
        found = self.codes.get(digest, self.unknown)
        if type(value) is str and len(self.cache) < CACHE_LIMIT:
            self.cache[value] = found
        return found

    def _unknown(self, value: Any) -> bool:
        """Whether `value` is an int, float or text equal (==) to no value the column knows."""
        if type(value) not in UNKNOWN_TYPES:
            return False
        if isinstance(value, float) and not math.isfinite(value):
            return False
        return value not in self.known


def categorical_columns(chain: Sequence[Any], width: int) -> list[CategoricalColumn]:
    """The lookups of a fitted categorical chain over `width` columns; Declined if it is not the
    chain this module knows."""
    require(
        tuple(step_name(step) for step in chain) == CHAIN,
        f"categorical steps {[step_name(s) for s in chain]} are not AutoAI's chain",
    )
    compress = params(chain[0])
    require(compress.get("compress_type") == "hash", "CompressStrings does not hash")
    require(compress.get("activate_flag", True) is True, "CompressStrings is switched off")
    dtypes = list(compress.get("dtypes_list") or [])
    require(len(dtypes) == width, "CompressStrings types another number of columns")
    known_lists = params(chain[2]).get("known_values_list")
    require(
        known_lists is not None and len(known_lists) == width,
        "NumpyReplaceUnknownValues knows another number of columns",
    )
    hashed = [kind == HASHED_TYPE for kind in dtypes]
    markers = [
        *(params(chain[1]).get("missing_values") or []),
        *(params(chain[2]).get("missing_values_reference_list") or []),
    ]
    candidates = [
        _hash_candidates(known) if is_hashed else _value_candidates(known, markers)
        for is_hashed, known in zip(hashed, known_lists)
    ]
    codes = _codes(chain, hashed, candidates, width)
    columns = []
    for j, is_hashed in enumerate(hashed):
        sentinels = candidates[j][-1:] if is_hashed else candidates[j][-len(UNKNOWN_TYPES) :]
        coded = {id(value): code for value, code in codes[j]}
        unknown = {type(v): coded.pop(id(v)) for v in sentinels if id(v) in coded}
        pairs = [(value, code) for value, code in codes[j] if id(value) in coded]
        if is_hashed:
            require(bool(unknown), f"column {j}: the chain refuses an unknown value")
            columns.append(CategoricalColumn(True, dict(pairs), unknown[int]))
        else:
            columns.append(_value_column(pairs, unknown, known_lists[j]))
    return columns


def _value_column(
    pairs: list[tuple[Any, float]], unknown: dict[type, float], known: Sequence[Any]
) -> CategoricalColumn:
    """A non-hashed column's lookup, by `value_key`."""
    by_key = {value_key(value): code for value, code in pairs}
    known_set = frozenset(v for v in known if _hashable(v))
    return CategoricalColumn(
        False,
        by_key,
        values=tuple(value for value, _code in pairs),
        known=known_set,
        unknown_by_type=unknown,
    )


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _hash_candidates(known: Sequence[Any]) -> list[Any]:
    """The hashes a column knows, then one it does not (last)."""
    values = [int(v) for v in known if isinstance(v, (int, np.integer))]
    require(len(values) == len(known), "a hashed column knows values that are no hashes")
    unknown = hashed_value(uuid.uuid4().hex)
    while unknown in set(values):
        unknown = hashed_value(uuid.uuid4().hex)
    return [*values, unknown]


def _value_candidates(known: Sequence[Any], markers: Sequence[Any]) -> list[Any]:
    """A non-hashed column's known values (as stored and as Python values), the spellings and
    the steps' missing-value markers, then one unknown value of each of `UNKNOWN_TYPES` (last)."""
    found: dict[Hashable, Any] = {}
    native = [v.item() if isinstance(v, np.generic) else v for v in known]
    widened = [float(v) for v in native if isinstance(v, int) and not isinstance(v, bool)]
    for value in [*known, *native, *widened, *SPELLINGS, *markers]:
        key = value_key(value)
        if key is not None:
            found.setdefault(key, value)
    known_set = {v for v in [*known, *markers] if _hashable(v)}
    sentinels = [987_654_321, 0.123456789, uuid.uuid4().hex]
    require(not known_set & set(sentinels), "a column knows an unknown-value sentinel")
    for sentinel in sentinels:
        found.pop(value_key(sentinel), None)
    return [*found.values(), *sentinels]


def _codes(
    chain: Sequence[Any], hashed: list[bool], candidates: list[list[Any]], width: int
) -> list[list[tuple[Any, float]]]:
    """Each column's code per candidate, from the pipeline's own steps.

    Codes are kept as Python floats: float32 values, exactly, and quicker to gather.

    Hashed columns' candidates are already what `CompressStrings` makes: they go in rows of their
    own, all hashed columns side by side. Each other candidate is one row of raw values that
    `CompressStrings` itself transforms, the other columns held at a value that scores.
    """
    compress, rest = chain[0], list(chain[1:])
    base = np.array(
        [["x" if h else (c[0] if c else True) for h, c in zip(hashed, candidates)]],
        dtype=object,
    )
    hashed_rows = max([len(c) for c, h in zip(candidates, hashed) if h], default=0)
    block = np.repeat(transformed([compress], base), hashed_rows, axis=0)
    for j in (j for j in range(width) if hashed[j]):
        column = candidates[j]
        block[:, j] = column + [column[-1]] * (hashed_rows - len(column))
    raw_rows, owners = [], []
    for j in (j for j in range(width) if not hashed[j]):
        for value in candidates[j]:
            row = base[0].copy()
            row[j] = value
            raw_rows.append(row)
            owners.append((j, value))
    if raw_rows:
        compressed = transformed([compress], np.array(raw_rows, dtype=object))
        block = np.concatenate([block, compressed]) if hashed_rows else compressed
    outputs = transformed_rows(rest, block)
    require(
        all(o is None or (o.shape == (width,) and o.dtype == np.float32) for o in outputs),
        "the categorical chain gives other than one float32 feature per column",
    )
    codes: list[list[tuple[Any, float]]] = [[] for _ in range(width)]
    for j in (j for j in range(width) if hashed[j]):
        for row, value in enumerate(candidates[j]):
            if outputs[row] is not None:
                codes[j].append((value, float(outputs[row][j])))
    for (j, value), output in zip(owners, outputs[hashed_rows:]):
        if output is not None:
            codes[j].append((value, float(output[j])))
    return codes


def encoded(columns: Sequence[CategoricalColumn], values: np.ndarray) -> np.ndarray | None:
    """The chain's float32 output for the object matrix `values` (one column per lookup), or
    None when some cell has no code."""
    out = np.empty((len(values), len(columns)), dtype=np.float32)
    for j, column in enumerate(columns):
        codes = column.codes_of(values[:, j])
        if codes is None:
            return None
        out[:, j] = codes
    return out
