"""The proof at load: the compiled scorer serves only if it gives the pipeline's very answers.

Rows are the metadata sample row, rows made from the fitted vocabularies (each value a
non-hashed categorical column knows, each numeric column's imputed value) and edge rows: each
input column in turn set to an unknown category, every missing-value token, booleans in every
spelling, numpy scalars, huge and non-finite numbers and values of the wrong type. Rows the
compiled scorer leaves to the pipeline need no proof; on every other row, compiled and pipeline
must agree bit for bit (features, labels and probabilities), and the pipeline must not raise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from handler.compiled.scorer import CompiledScorer
from handler.model.predictions import Predictions

UNKNOWN_TEXT = "a category never seen in training"
EDGE_VALUES = (
    UNKNOWN_TEXT, "", " ", "-", "?", "NA", "N/A", "NaN", "nan", "null", "None", None,
    float("nan"), np.float64("nan"), True, False, "True", "False", "true", "false", "TRUE",
    "FALSE", np.True_, np.False_, np.int64(3), np.int32(-2), np.float64(2.5), np.float32(1.5),
    0, 1, -1, 0.0, -0.0, 1.5, 7, 2**53 + 1, 2**63, 10**30, -(10**30), 10**400, 1e308, -1e308,
    float("inf"), float("-inf"), 5e-324, "12", "1.5", "1e3", "é", "\ud800", b"bytes", (1,),
)  # fmt: skip
NUMBERS = (0, 1, -1, 0.5, 100, 12345.678)


@dataclass(frozen=True)
class ProofRow:
    values: list[Any]
    column: int | None  # the column set to `value` (None: a whole row as recorded)
    value: Any = None


@dataclass(frozen=True)
class Scoring:
    """What the proof compares: the pipeline's preprocessing and the estimator on features."""

    preprocessed: Callable[[np.ndarray], np.ndarray]
    by_pipeline: Callable[[np.ndarray], Predictions]
    from_features: Callable[[np.ndarray, np.ndarray], Predictions]


def proof_rows(scorer: CompiledScorer, sample_row: Sequence[Any] | None) -> list[ProofRow]:
    """The rows to prove the scorer on."""
    base = _base_row(scorer)
    rows = [ProofRow(list(base), None)]
    if sample_row is not None:
        rows.append(ProofRow(list(sample_row), None))
    for column, values in _vocabulary(scorer).items():
        rows += [_varied(base, column, v) for v in values]
    for column in range(scorer.plan.width):
        rows += [_varied(base, column, v) for v in EDGE_VALUES]
    return rows


def first_difference(
    scorer: CompiledScorer, scoring: Scoring, rows: Sequence[ProofRow], labels: Sequence[str]
) -> str | None:
    """None when the compiled scorer agrees with the pipeline on every row it scores, else one
    sentence naming the first column and value where they differ."""
    taken = [row for row in rows if scorer.features(_matrix([row])) is not None]
    if not taken:
        return "it scores none of the proof rows"
    values = _matrix(taken)
    refused = _refused_rows(scoring, values)
    if refused:
        row = taken[refused[0]]
        return f"the pipeline refuses {_where(row, labels)}, which the compiled scorer scores"
    compiled = scorer.features(values)
    expected = np.asarray(scoring.preprocessed(values))
    if compiled is None or compiled.shape != expected.shape or compiled.dtype != expected.dtype:
        return "its features have another shape or type than the pipeline's"
    differing = np.argwhere(compiled.view(np.uint32) != expected.view(np.uint32))
    if len(differing):
        row, feature = differing[0]
        column = scorer.plan.sources[feature]
        return (
            f"{labels[column]} = {taken[row].values[column]!r} gives feature {feature} "
            f"{compiled[row, feature]!r}, the pipeline {expected[row, feature]!r}"
        )
    ours, theirs = scoring.from_features(values, compiled), scoring.by_pipeline(values)
    for row in range(len(taken)):
        if not _same(ours, theirs, row):
            return f"{_where(taken[row], labels)} gives another prediction than the pipeline"
    return None


def _same(ours: Predictions, theirs: Predictions, row: int) -> bool:
    if not _bits_equal(ours.labels[row], theirs.labels[row]):
        return False
    if theirs.probabilities is None:
        return ours.probabilities is None
    return _bits_equal(ours.probabilities[row], theirs.probabilities[row])


def _bits_equal(a: Any, b: Any) -> bool:
    left, right = np.asarray(a), np.asarray(b)
    if left.dtype.kind == "f" and right.dtype.kind == "f":
        ours = left.astype(np.float64).view(np.uint64)
        theirs = right.astype(np.float64).view(np.uint64)
        return ours.shape == theirs.shape and bool((ours == theirs).all())
    return type(a) is type(b) and bool(np.array_equal(left, right))


def _refused_rows(scoring: Scoring, values: np.ndarray, offset: int = 0) -> list[int]:
    """The rows the pipeline raises on (found by bisection)."""
    try:
        scoring.by_pipeline(values)
        return []
    except Exception:  # noqa: BLE001 - any error of the pipeline's is the difference we look for
        if len(values) == 1:
            return [offset]
        middle = len(values) // 2
        return _refused_rows(scoring, values[:middle], offset) + _refused_rows(
            scoring, values[middle:], offset + middle
        )


def _base_row(scorer: CompiledScorer) -> list[Any]:
    """A row every column of which the chains know: a known category, the imputed number."""
    row: list[Any] = [None] * scorer.plan.width
    for block in scorer.plan.blocks:
        if block.numeric is not None:
            for column, fill in zip(block.columns, block.numeric.fill):
                row[column] = float(fill)
        for column, lookup in zip(block.columns, block.categorical):
            row[column] = lookup.values[0] if lookup.values else "x"
    return row


def _vocabulary(scorer: CompiledScorer) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = {}
    for block in scorer.plan.blocks:
        if block.numeric is not None:
            for column, fill in zip(block.columns, block.numeric.fill):
                found.setdefault(column, []).extend([float(fill), *NUMBERS])
        for column, lookup in zip(block.columns, block.categorical):
            found.setdefault(column, []).extend(lookup.values)
    return found


def _varied(base: list[Any], column: int, value: Any) -> ProofRow:
    row = list(base)
    row[column] = value
    return ProofRow(row, column, value)


def _matrix(rows: Sequence[ProofRow]) -> np.ndarray:
    values = np.empty((len(rows), len(rows[0].values)), dtype=object)
    for index, row in enumerate(rows):
        for column, value in enumerate(row.values):  # one by one: a tuple stays one cell
            values[index, column] = value
    return values


def _where(row: ProofRow, labels: Sequence[str]) -> str:
    if row.column is None:
        return "a recorded row"
    return f"{labels[row.column]} = {row.value!r}"
