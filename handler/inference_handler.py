"""The toolkit's four inference functions around an AutoAI pipeline.

`default_model_fn` loads the pipeline; `default_input_fn` decodes a body into a frame using that
pipeline's schema; `default_predict_fn` scores a frame; `default_output_fn` encodes predictions.
One instance serves one model in one MMS worker, so the schema it keeps is that model's.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sagemaker_inference.default_inference_handler import DefaultInferenceHandler

from handler.decoder import decode
from handler.encoder import encode
from handler.frame import Schema
from handler.model import AutoAIModel
from handler.predictions import Predictions
from handler.settings import Settings


class AutoAIInferenceHandler(DefaultInferenceHandler):
    def __init__(self, settings: Settings):
        self._settings = settings
        self._schema = Schema()
        self._fields: tuple[str, ...] = ()

    def default_model_fn(self, model_dir: str) -> AutoAIModel:
        model = AutoAIModel.load(Path(model_dir))
        self._schema = model.schema
        self._fields = model.output_fields(self._settings.output_fields)
        return model

    def default_input_fn(self, input_data: bytes, content_type: str) -> pd.DataFrame:
        return decode(input_data, content_type, self._schema)

    def default_predict_fn(self, data: pd.DataFrame, model: AutoAIModel) -> Predictions:
        return model.predict(data)

    def default_output_fn(self, prediction: Predictions, accept: str) -> bytes:
        return encode(prediction, accept, self._fields)
