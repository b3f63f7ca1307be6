"""The numeric chain of an AutoAI pipeline as float64 array operations.

AutoAI's numeric branch is `FloatStr2Float`, `NumpyReplaceMissingValues`, `NumImputer`,
`OptStandardScaler`, `float32_transform`. On columns typed as numbers, with numbers in them, it
reads each value as float64, replaces missing values with the imputer's fitted statistic
(`SimpleImputer.statistics_`) and casts to float32; without its scaler, that is all. Text,
booleans, infinities and numbers beyond float32 in a cell are not compiled: the pipeline scores
that request, and raises or reads them as it does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from handler.compiled.steps import is_missing_marker, params, require, step_name

CHAIN = (
    "FloatStr2Float",
    "NumpyReplaceMissingValues",
    "NumImputer",
    "OptStandardScaler",
    "float32_transform",
)
NUMERIC_TYPES = ("int_num", "float_num", "float_int_num")
NUMBER_TYPES = frozenset(
    {int, float, type(None), np.float64, np.float32, np.int64, np.int32, np.uint64}
)


@dataclass(frozen=True)
class NumericColumns:
    """The fitted statistics that replace missing values, one per column."""

    fill: np.ndarray

    def encoded(self, values: np.ndarray) -> np.ndarray | None:
        """The chain's float32 output for the object matrix `values`, or None when some cell is
        not a finite number or a missing value."""
        if not all(type(v) in NUMBER_TYPES for v in values.flat):
            return None
        try:
            numbers = values.astype(np.float64)
        except (OverflowError, ValueError, TypeError):
            return None
        if np.isinf(numbers).any():
            return None
        missing = np.isnan(numbers)
        if missing.any():
            numbers = np.where(missing, self.fill, numbers)
        with np.errstate(over="ignore"):
            narrowed = numbers.astype(np.float32)
        if np.isinf(narrowed).any():  # beyond float32: the estimator refuses it
            return None
        return narrowed


def numeric_columns(chain: Sequence[Any], width: int) -> NumericColumns:
    """The operations of a fitted numeric chain over `width` columns; Declined if it is not the
    chain this module knows."""
    require(
        tuple(step_name(step) for step in chain) == CHAIN,
        f"numeric steps {[step_name(s) for s in chain]} are not AutoAI's chain",
    )
    to_float, replace, imputer, scaler, to_float32 = chain
    dtypes = list(params(to_float).get("dtypes_list") or [])
    require(len(dtypes) == width, "FloatStr2Float types another number of columns")
    require(all(kind in NUMERIC_TYPES for kind in dtypes), "a numeric column holds text")
    markers = list(params(to_float).get("missing_values_reference_list") or [])
    markers += list(params(replace).get("missing_values") or [])
    require(all(is_missing_marker(m) for m in markers), "a number is read as missing")
    filling = params(replace).get("filling_values")
    require(isinstance(filling, float) and filling != filling, "missing values are filled")
    imputer_params = params(imputer)
    missing = imputer_params.get("missing_values")
    require(isinstance(missing, float) and missing != missing, "NumImputer imputes non-NaN")
    require(imputer_params.get("activate_flag", True) is True, "NumImputer is switched off")
    require(not list(getattr(imputer, "bad_columns", None) or []), "NumImputer drops columns")
    fill = np.asarray(imputer.imputer.statistics_, dtype=np.float64)
    require(fill.shape == (width,) and np.isfinite(fill).all(), "a column imputes no number")
    require(params(scaler).get("use_scaler_flag") is False, "OptStandardScaler scales")
    require(params(to_float32).get("activate_flag", True) is True, "float32_transform is off")
    return NumericColumns(fill)
