"""The toolkit's four inference functions around an AutoAI pipeline.

`default_model_fn` loads the pipeline; `default_input_fn` decodes a body into a frame using that
pipeline's schema; `default_predict_fn` scores a frame; `default_output_fn` encodes predictions.
One instance serves one model in one MMS worker, so the schema it keeps is that model's.
"""

from __future__ import annotations

from pathlib import Path

from sagemaker_inference.default_inference_handler import DefaultInferenceHandler

from handler.errors import BadRequest
from handler.model.autoai_model import AutoAIModel
from handler.model.predictions import Predictions
from handler.model.schema import Schema
from handler.process.settings import Settings
from handler.wire.decoding import RequestRows, decode
from handler.wire.encoding import encode
from handler.wire.media_types import ContentType

# What scikit-learn, lale and autoai-libs raise for input they cannot transform or predict on.
INPUT_ERRORS = (ValueError, TypeError, KeyError, IndexError)


class AutoAIInferenceHandler(DefaultInferenceHandler):
    def __init__(self, settings: Settings):
        self._settings = settings
        self._schema = Schema()
        self._fields: tuple[str, ...] = ()

    def default_model_fn(self, model_dir: str) -> AutoAIModel:
        model = AutoAIModel.load(
            Path(model_dir), self._settings.allow_any_pickle, scorer=self._settings.scorer
        )
        self._schema = model.schema
        self._fields = model.output_fields(self._settings.output_fields)
        return model

    def default_input_fn(self, input_data: bytes, content_type: ContentType) -> RequestRows:
        return decode(input_data, content_type.name, self._schema, content_type.header)

    def default_predict_fn(self, data: RequestRows, model: AutoAIModel) -> Predictions:
        try:
            return model.predict(data.frame)
        except INPUT_ERRORS as error:
            # A single model scored its sample row at start-up, so these come from this input.
            raise BadRequest(f"the pipeline cannot score this input: {error}") from None

    def default_output_fn(self, prediction: Predictions, accept: str) -> bytes:
        return encode(prediction, accept, self._fields)
