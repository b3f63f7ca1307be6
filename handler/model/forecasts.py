"""What a forecaster is asked and what it answers, independent of how either is encoded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class ForecastRequest:
    """One forecast: the new observations (rows of the columns the pipeline was fitted on) to
    append to its history, and the supporting features' future values; None when not sent."""

    observations: np.ndarray | None = None
    supporting_features: np.ndarray | None = None


@dataclass(frozen=True)
class Forecast:
    """One row per future step, one value per target column."""

    steps: list[list[Any]]

    def __len__(self) -> int:
        return len(self.steps)
