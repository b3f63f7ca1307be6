"""The model of a directory, of the kind its pipeline is: a tabular pipeline or a forecaster."""

from __future__ import annotations

from pathlib import Path
from typing import Union

from handler.model.autoai_model import AutoAIModel
from handler.model.forecast_model import ForecastModel
from handler.model.forecaster import is_forecaster
from handler.model.pipeline_file import read_pipeline

Model = Union[AutoAIModel, ForecastModel]


def load_model(
    model_dir: Path,
    allow_any_pickle: bool = False,
    names_required: bool = True,
    scorer: str = "auto",
) -> Model:
    """A `ForecastModel` for autoai-ts-libs pipelines, else an `AutoAIModel`; ModelLoadError
    says what failed. `names_required` and `scorer`: see `AutoAIModel.load`."""
    read = read_pipeline(model_dir, allow_any_pickle)
    if is_forecaster(read.pipeline):
        return ForecastModel(read.pipeline, read.source, read.metadata)
    return AutoAIModel.from_file(read, names_required=names_required, scorer=scorer)
