"""`IMAGE train` on a mounted /opt/ml tree, in each mode, and the trained model served by the image.

The refit test's pipeline ends in LightGBM, which needs the OpenMP runtime (libgomp) in the image:
without it, every training job failed at once."""

from __future__ import annotations

import json
import pickle
import warnings
from pathlib import Path

import pandas as pd
import pytest
from lightgbm import LGBMClassifier

from tests.image.containers import Engine, run_to_exit, serving
from tests.image.test_serve import invoke_csv, probabilities
from tests.pipelines import TrainedModel, customers_as_read
from tests.serving import ROOT
from training.autoai_pipeline import autoai_pipeline, feature_types
from training.sample_data import TARGET

SAMPLE_CSV = ROOT / "local-test/test-dir/input/data/training/demand_response.csv"
MODEL_FILES = ["autoai-metadata.json", "model.pickle"]


def training_tree(base: Path, hyperparameters: dict[str, str], **files: bytes) -> Path:
    """An /opt/ml tree: `files` in the training channel, the hyperparameters in their file."""
    channel = base / "input/data/training"
    channel.mkdir(parents=True)
    for name, content in files.items():
        (channel / name).write_bytes(content)
    config = base / "input/config"
    config.mkdir(parents=True)
    (config / "hyperparameters.json").write_text(json.dumps(hyperparameters))
    return base


def sample_csv(rows: slice) -> bytes:
    return pd.read_csv(SAMPLE_CSV).iloc[rows].to_csv(index=False).encode()


def holdout_features() -> pd.DataFrame:
    return pd.read_csv(SAMPLE_CSV).iloc[1900:1920].drop(columns=[TARGET])


def served_probabilities(engine: Engine, ml: Path, features: pd.DataFrame) -> list[list[float]]:
    with serving(engine, "serve", ml=ml) as served:
        response = invoke_csv(served.url, features.to_csv(header=False, index=False))
    assert response.status_code == 200, response.text
    return probabilities(response.text)


def in_process_proba(model_dir: Path, features: pd.DataFrame) -> list[list[float]]:
    pipeline = pickle.loads((model_dir / "model.pickle").read_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pipeline.predict_proba(features.values).tolist()


@pytest.fixture(scope="module")
def lightgbm_pipeline(tmp_path_factory) -> bytes:
    """A Watson-shaped pipeline ending in LightGBM, fitted on an object array, pickled bare."""
    features = customers_as_read(300, seed=5, directory=tmp_path_factory.mktemp("lightgbm"))
    target = features.pop(TARGET)
    estimator = LGBMClassifier(n_estimators=20, random_state=0, verbose=-1)
    pipeline = autoai_pipeline(feature_types(features), estimator)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pickle.dumps(pipeline.fit(features.values, target.values))


def test_search_writes_a_model_the_image_serves(engine: Engine, tmp_path):
    hyperparameters = {"target": TARGET, "max_evals": "2", "max_seconds": "60", "cv_folds": "2"}
    ml = training_tree(tmp_path, hyperparameters, **{"customers.csv": sample_csv(slice(0, 400))})
    finished = run_to_exit(engine, "train", ml=ml)
    assert finished.exit_code == 0, finished.logs
    assert "validation:accuracy=" in finished.logs
    assert sorted(p.name for p in (ml / "model").iterdir()) == MODEL_FILES
    assert (ml / "output/data/metrics.json").is_file()
    expected = in_process_proba(ml / "model", holdout_features())
    assert served_probabilities(engine, ml, holdout_features()) == expected


def test_refit_of_a_lightgbm_pipeline_writes_a_model_the_image_serves(
    engine: Engine, lightgbm_pipeline: bytes, tmp_path
):
    files = {"auto-ai-pipeline.pickle": lightgbm_pipeline, "fresh.csv": sample_csv(slice(0, 500))}
    ml = training_tree(tmp_path, {"target": TARGET}, **files)
    finished = run_to_exit(engine, "train", ml=ml)
    assert finished.exit_code == 0, finished.logs
    assert "train: refit mode" in finished.logs
    assert sorted(p.name for p in (ml / "model").iterdir()) == MODEL_FILES
    expected = in_process_proba(ml / "model", holdout_features())
    assert served_probabilities(engine, ml, holdout_features()) == expected


def test_import_of_a_watson_pickle_writes_it_with_metadata(
    engine: Engine, bare_classifier: TrainedModel, tmp_path
):
    pickled = (bare_classifier.model_dir / "auto-ai-pipeline.pickle").read_bytes()
    ml = training_tree(tmp_path, {}, **{"auto-ai-pipeline.pickle": pickled})
    finished = run_to_exit(engine, "train", ml=ml)
    assert finished.exit_code == 0, finished.logs
    assert "train: import mode" in finished.logs
    written = sorted(p.name for p in (ml / "model").iterdir())
    assert written == ["auto-ai-pipeline.pickle", "autoai-metadata.json"]


@pytest.mark.parametrize(
    ("files", "hyperparameters", "expected"),
    [
        ({"data.csv": b"a,b\n1,2\n"}, {"target": TARGET}, f"target column '{TARGET}' is not in the data"),
        ({"model.pickle": b"\x80\x04garbage"}, {}, "cannot load"),
        ({"data.csv": b"a,b\n1,2\n"}, {"learning_rate": "0.1"}, "unknown hyperparameter 'learning_rate'"),
    ],
)  # fmt: skip
def test_bad_input_fails_with_a_reason_and_no_model(
    engine: Engine, files, hyperparameters, expected, tmp_path
):
    ml = training_tree(tmp_path, hyperparameters, **files)
    finished = run_to_exit(engine, "train", ml=ml)
    assert finished.exit_code != 0
    assert expected in (ml / "output/failure").read_text()
    assert list((ml / "model").glob("*")) == []
