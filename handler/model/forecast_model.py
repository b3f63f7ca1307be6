"""A time-series forecaster (autoai-ts-libs) ready to forecast, as Watson Machine Learning does.

WML hands a forecasting deployment's new observations to `pipeline.predict(X)` (None when there
are none, so the forecast follows the training history) and the supporting features' future
values as `supporting_features`; the answer is the forecast window, one row per future step and
one value per target column. What the pipeline forecasts from, and how many steps, is its own:
a request is exactly one `predict` call, never batched with another request nor split.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np

from handler.errors import BadRequest
from handler.model.forecasts import Forecast, ForecastRequest
from handler.model.metadata import ModelMetadata


class ForecastModel:
    """A loaded forecaster: its target and supporting-feature columns, known at load."""

    # Each request is its own forecast: the transformer never scores two in one call.
    one_request_per_call = True

    def __init__(self, pipeline: Any, source: Path, metadata: ModelMetadata | None = None):
        self.pipeline = pipeline
        self.source = source
        self.metadata = metadata
        self.target_columns = tuple(getattr(pipeline, "target_columns", None) or ())
        self.supporting_columns = _supporting_columns(pipeline, self.target_columns)

    def describe(self) -> str:
        """One line for the log: what this forecaster forecasts from."""
        supporting = (
            f"supporting features in columns {list(self.supporting_columns)}"
            if self.supporting_columns
            else "no supporting features"
        )
        targets = list(self.target_columns) if self.target_columns else "its target"
        return f"forecaster {type(self.pipeline).__name__} of columns {targets}, {supporting}"

    def forecast(self, request: ForecastRequest) -> Forecast:
        """The pipeline's forecast window after the request's observations, one row per step."""
        if request.supporting_features is not None:
            self._check_supporting_features(request.supporting_features)
        extra = {}
        if request.supporting_features is not None:
            extra["supporting_features"] = request.supporting_features
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            values = np.asarray(self.pipeline.predict(request.observations, **extra))
        if values.ndim == 1:  # a univariate forecaster answers one value per step
            values = values.reshape(-1, 1)
        return Forecast(steps=values.tolist())

    def _check_supporting_features(self, supporting: np.ndarray) -> None:
        if not self.supporting_columns:
            raise BadRequest(
                f"{self.source.name} has no supporting features: send observations only"
            )
        if supporting.shape[1] != len(self.supporting_columns):
            raise BadRequest(
                f"supporting_features rows have {supporting.shape[1]} values; this forecaster "
                f"takes {len(self.supporting_columns)} (training columns "
                f"{list(self.supporting_columns)})"
            )


def _supporting_columns(pipeline: Any, targets: tuple[int, ...]) -> tuple[int, ...]:
    """The feature columns that are not targets, for a pipeline fitted with supporting features."""
    if not getattr(pipeline, "is_exogenous_pipeline_", False):
        return ()
    features = getattr(pipeline, "feature_columns", None) or ()
    return tuple(column for column in features if column not in targets)
