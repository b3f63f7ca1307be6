"""Time-series pipelines load through the allowlist, gzip pickles as AutoAI saves them, and are
recognised as forecasters, from the object and from the pickle's bytes alike."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from handler.errors import ModelLoadError
from handler.model.autoai_model import AutoAIModel
from handler.model.forecast_model import ForecastModel
from handler.model.forecaster import pickle_names_forecaster
from handler.model.loading import load_model
from tests.serving import ROOT

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("autoai_ts_libs") is None,
    reason="autoai-ts-libs is not installed in this runtime: forecasters are served in runtime "
    "25.1 only (docs/forecasting.md)",
)


def built(kind: str, directory: Path) -> Path:
    """The model dir of a forecaster of `kind`, built in a process of its own."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.forecast_kinds", kind, str(directory)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return directory / "model"


@pytest.fixture(scope="module", params=("mt2r", "supporting-features"))
def forecaster_dir(request, tmp_path_factory):
    return request.param, built(request.param, tmp_path_factory.mktemp(request.param))


def test_the_gzip_pickle_loads_through_the_allowlist_as_a_forecaster(forecaster_dir):
    kind, model_dir = forecaster_dir
    assert (model_dir / f"{kind}.pickle").read_bytes()[:2] == b"\x1f\x8b"
    model = load_model(model_dir)
    assert isinstance(model, ForecastModel)
    assert type(model.pipeline).__name__ == "TSPipeline"
    expected = (1,) if kind == "supporting-features" else ()
    assert model.supporting_columns == expected


def test_serve_tells_a_forecaster_from_its_pickle_bytes(forecaster_dir):
    kind, model_dir = forecaster_dir
    assert pickle_names_forecaster(model_dir / f"{kind}.pickle")


def test_a_forecaster_is_not_taken_for_a_tabular_pipeline(forecaster_dir):
    _kind, model_dir = forecaster_dir
    with pytest.raises(ModelLoadError, match="is a time-series forecaster"):
        AutoAIModel.load(model_dir)


def test_a_watfore_pickle_is_refused_before_its_java_model_is_deserialised(tmp_path):
    """WatFore forecasters hold tspy's ForecastingModel, whose state the JVM deserialises."""
    with pytest.raises(ModelLoadError, match=r"deps\.tspy\..*ForecastingModel.*not among"):
        load_model(built("watfore", tmp_path))
