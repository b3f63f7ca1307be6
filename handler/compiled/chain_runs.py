"""Running a fitted chain of steps on candidate rows, row failures isolated by bisection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def transformed(steps: Sequence[Any], matrix: np.ndarray) -> np.ndarray:
    """`matrix` through each step's own `transform`, in order."""
    for step in steps:
        matrix = step.transform(matrix)
    return np.asarray(matrix)


def transformed_rows(steps: Sequence[Any], matrix: np.ndarray) -> list[np.ndarray | None]:
    """Each row of `matrix` through the steps, None for the rows the steps raise on."""
    try:
        return list(transformed(steps, matrix))
    except Exception:  # noqa: BLE001 - the steps raise what they raise; such a row has no value
        if len(matrix) == 1:
            return [None]
        middle = len(matrix) // 2
        return transformed_rows(steps, matrix[:middle]) + transformed_rows(steps, matrix[middle:])
