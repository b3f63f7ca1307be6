"""Forecasts to response bodies: one public entry, `encode_forecast(forecast, accept)`.

Watson Machine Learning's shape for a forecast: `{"predictions": [{"fields": ["prediction"],
"values": [[...], ...]}]}`, one row per future step holding one value per target column. CSV
gives one line per future step, JSON Lines one `{"prediction": [...]}` object per step.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Callable

from handler.model.forecasts import Forecast
from handler.wire import media_types
from handler.wire.encoding import finite_or_none

WML_FIELD = "prediction"


def encode_forecast(forecast: Forecast, accept: str) -> bytes:
    """The body for `accept` (a normalised name from `handler.wire.media_types`)."""
    return ENCODERS[accept](forecast).encode("utf-8")


def _encode_json(forecast: Forecast) -> str:
    document = {"predictions": [{"fields": [WML_FIELD], "values": forecast.steps}]}
    return json.dumps(finite_or_none(document), allow_nan=False)


def _encode_csv(forecast: Forecast) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(forecast.steps)
    return buffer.getvalue()


def _encode_jsonlines(forecast: Forecast) -> str:
    return "".join(
        json.dumps({WML_FIELD: finite_or_none(step)}, allow_nan=False) + "\n"
        for step in forecast.steps
    )


ENCODERS: dict[str, Callable[[Forecast], str]] = {
    media_types.JSON: _encode_json,
    media_types.CSV: _encode_csv,
    media_types.JSONLINES: _encode_jsonlines,
}
