"""`entrypoint.py describe`: metadata for a bare Watson pickle from its training CSV."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from handler.model.autoai_model import AutoAIModel
from handler.model.metadata import METADATA_FILE
from handler.wire.decoding import decode
from handler.wire.media_types import JSON
from tests.serving import ROOT
from training.sample_data import TARGET, demand_response_customers


def describe(*arguments) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "entrypoint.py"), "describe", *map(str, arguments)],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def bare_copy(bare_classifier, tmp_path):
    model_dir = tmp_path / "model"
    shutil.copytree(bare_classifier.model_dir, model_dir)
    return model_dir


@pytest.fixture
def training_csv(tmp_path):
    """The file the fixtures' pipelines were fitted on (tests.pipelines.train), as pandas wrote it."""
    path = tmp_path / "training.csv"
    demand_response_customers(340, seed=11).to_csv(path, index=False)
    return path


def test_round_trip_bare_pickle_to_json_records_by_name(bare_classifier, bare_copy, training_csv):
    result = describe(bare_copy, "--training-data", training_csv, "--target", TARGET)
    assert result.returncode == 0, result.stderr
    assert "35 features from training.csv, classes ['No', 'Yes']" in result.stdout
    metadata = json.loads((bare_copy / METADATA_FILE).read_text())
    assert metadata["pickle_file"] == "auto-ai-pipeline.pickle"
    assert metadata["classes"] == ["No", "Yes"]
    model = AutoAIModel.load(bare_copy)
    records = json.loads(bare_classifier.holdout.to_json(orient="records"))
    shuffled = [dict(reversed(list(record.items()))) for record in records]
    rows = decode(json.dumps(shuffled).encode(), JSON, model.schema)
    assert model.predict(rows.frame).probabilities == bare_classifier.expected_proba()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda frame: frame, "has 36 feature columns; the pipeline takes 35 (name the target column)"),
        (lambda frame: frame.drop(columns=["CITY"]), "has 34 feature columns; the pipeline takes 35"),
        (lambda frame: frame[[frame.columns[1], frame.columns[0], *frame.columns[2:]]],
         "holds text, but the pipeline read a number there"),
    ],
)  # fmt: skip
def test_a_file_that_does_not_fit_the_pickle_is_refused(bare_copy, tmp_path, change, message):
    path = tmp_path / "other.csv"
    change(demand_response_customers(60, seed=3)).to_csv(path, index=False)
    target = [] if "name the target" in message else ["--target", TARGET]
    result = describe(bare_copy, "--training-data", path, *target)
    assert result.returncode == 1
    assert message in result.stderr
    assert not (bare_copy / METADATA_FILE).exists()


def test_the_readme_command_runs_as_written(bare_classifier, tmp_path):
    """The README's describe block, with /tmp/ml (the README's model root) put in a temp dir."""
    readme = (ROOT / "README.md").read_text()
    block = next(b for b in readme.split("```sh\n")[1:] if "entrypoint.py describe" in b)
    script = block.split("```")[0].replace("/tmp/ml", str(tmp_path))
    shutil.copytree(bare_classifier.model_dir, tmp_path / "model")
    training = demand_response_customers(340, seed=11).rename(columns={TARGET: "CHURN"})
    training.to_csv(tmp_path / "training.csv", index=False)
    bin_dir = Path(sys.executable).parent  # this venv's python first on PATH
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=ROOT,
        env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "model" / METADATA_FILE).read_text())["target"] == "CHURN"


def test_a_boolean_column_with_a_missing_value_still_fits(bare_copy, tmp_path):
    """read_csv reads such a column as objects; autoai-libs recorded it as boolean all the same."""
    data = demand_response_customers(340, seed=11)
    data.loc[3, "OWNS_HOME"] = None
    path = tmp_path / "with-gaps.csv"
    data.to_csv(path, index=False)
    result = describe(bare_copy, "--training-data", path, "--target", TARGET)
    assert result.returncode == 0, result.stderr
    types = {
        f["name"]: f["type"]
        for f in json.loads((bare_copy / METADATA_FILE).read_text())["features"]
    }
    assert types["OWNS_HOME"] == "bool"


def test_a_refused_file_leaves_the_earlier_metadata_as_it_was(bare_copy, training_csv, tmp_path):
    assert describe(bare_copy, "--training-data", training_csv, "--target", TARGET).returncode == 0
    earlier = (bare_copy / METADATA_FILE).read_bytes()
    other = tmp_path / "other.csv"
    demand_response_customers(60, seed=3).drop(columns=["CITY"]).to_csv(other, index=False)
    assert describe(bare_copy, "--training-data", other, "--target", TARGET).returncode == 1
    assert (bare_copy / METADATA_FILE).read_bytes() == earlier
