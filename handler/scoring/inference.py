"""The toolkit's four inference functions around an AutoAI pipeline or forecaster.

`default_model_fn` loads the model; `default_input_fn` decodes a body (into a frame using a
pipeline's schema, or into a forecast request); `default_predict_fn` scores it;
`default_output_fn` encodes the answer. Which codecs serve is decided once, when the model loads:
one instance serves one model in one MMS worker.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Union

from sagemaker_inference.default_inference_handler import DefaultInferenceHandler

from handler.errors import BadRequest
from handler.model.forecast_model import ForecastModel
from handler.model.forecasts import Forecast, ForecastRequest
from handler.model.loading import Model, load_model
from handler.model.predictions import Predictions
from handler.model.schema import Schema
from handler.process.model_check import forecast_once, score_sample_row
from handler.process.settings import Settings
from handler.wire.decoding import RequestRows, decode
from handler.wire.encoding import encode
from handler.wire.forecast_decoding import decode_forecast
from handler.wire.forecast_encoding import encode_forecast
from handler.wire.media_types import ContentType

# What scikit-learn, lale, autoai-libs and autoai-ts-libs raise for input they cannot use.
INPUT_ERRORS = (ValueError, TypeError, KeyError, IndexError)
Decoded = Union[RequestRows, ForecastRequest]
Answer = Union[Predictions, Forecast]


class AutoAIInferenceHandler(DefaultInferenceHandler):
    def __init__(self, settings: Settings):
        self._settings = settings
        self._schema = Schema()
        self._fields: tuple[str, ...] = ()
        self._forecasts = False

    def default_model_fn(self, model_dir: str) -> Model:
        """The model, loaded and its sample row scored: only then is the worker ready."""
        started = time.perf_counter()
        model = load_model(
            Path(model_dir), self._settings.allow_any_pickle, scorer=self._settings.scorer
        )
        self._forecasts = isinstance(model, ForecastModel)
        if self._forecasts:
            forecast_once(model, (time.perf_counter() - started) * 1000, quiet=True)
        else:
            self._schema = model.schema
            self._fields = model.output_fields(self._settings.output_fields)
            score_sample_row(model, time.perf_counter() - started, quiet=True)
        return model

    def default_input_fn(self, input_data: bytes, content_type: ContentType) -> Decoded:
        if self._forecasts:
            return decode_forecast(input_data, content_type.name)
        return decode(input_data, content_type.name, self._schema, content_type.header)

    def default_predict_fn(self, data: Decoded, model: Model) -> Answer:
        try:
            if isinstance(data, ForecastRequest):
                return model.forecast(data)
            return model.predict(data.frame)
        except INPUT_ERRORS as error:
            # A single model scored its sample row at start-up, so these come from this input.
            raise BadRequest(f"the pipeline cannot score this input: {error}") from None

    def default_output_fn(self, prediction: Answer, accept: str) -> bytes:
        if isinstance(prediction, Forecast):
            return encode_forecast(prediction, accept)
        return encode(prediction, accept, self._fields)
