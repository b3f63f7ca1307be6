"""`entrypoint.py train` end to end under the SageMaker training layout, then served for real."""

from __future__ import annotations

import json
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from handler.model.metadata import METADATA_FILE
from handler.wire.media_types import CSV, JSON
from pickle_facts.runtimes import RUNTIMES, installed_scikit_learn, running_runtime
from tests.serving import ROOT, running_server
from training.sample_data import TARGET

SAMPLE_CSV = ROOT / "local-test/test-dir/input/data/training/demand_response.csv"
METRIC_LINE = re.compile(
    r"^validation:(accuracy|f1|roc_auc|log_loss|rmse|mae|r2)=-?[0-9.]+;$", re.M
)


def run_train(base_dir: Path, **hyperparameters: str) -> subprocess.CompletedProcess:
    if hyperparameters:
        config = base_dir / "input/config"
        config.mkdir(parents=True, exist_ok=True)
        (config / "hyperparameters.json").write_text(json.dumps(hyperparameters))
    return subprocess.run(
        [sys.executable, str(ROOT / "entrypoint.py"), "train"],
        env=dict(os.environ, SAGEMAKER_BASE_DIR=str(base_dir)),
        capture_output=True,
        text=True,
        timeout=600,
    )


def channel(base_dir: Path, name: str = "training") -> Path:
    path = base_dir / "input/data" / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def sample_rows(rows: int) -> pd.DataFrame:
    return pd.read_csv(SAMPLE_CSV).head(rows)


EARLIER_MODEL = {"model.pickle": b"an earlier job's pipeline", METADATA_FILE: b"{}"}


def with_earlier_model(base_dir: Path) -> None:
    (base_dir / "model").mkdir(parents=True, exist_ok=True)
    for name, content in EARLIER_MODEL.items():
        (base_dir / "model" / name).write_bytes(content)


def assert_failed(result: subprocess.CompletedProcess, base_dir: Path, *expected: str) -> None:
    """A non-zero exit, the reason in output/failure, and the model dir exactly as it was."""
    assert result.returncode != 0
    failure = (base_dir / "output/failure").read_text()
    for text in expected:
        assert text in failure, failure
    model_dir = base_dir / "model"
    left = {p.name: p.read_bytes() for p in model_dir.iterdir()} if model_dir.exists() else {}
    assert left in ({}, EARLIER_MODEL)


def test_search_on_csv_alone_gives_a_model_serve_scores(tmp_path):
    with_earlier_model(tmp_path)  # replaced as a whole
    sample_rows(600).to_csv(channel(tmp_path) / "customers.csv", index=False)
    result = run_train(tmp_path, target=TARGET, max_evals="3", max_seconds="120")
    assert result.returncode == 0, result.stderr
    assert len(METRIC_LINE.findall(result.stdout)) == 4  # accuracy, f1, log loss, ROC AUC
    assert re.search(r"^train:cv_accuracy=[0-9.]+;$", result.stdout, re.M)
    assert (
        len(
            re.findall(
                r"trial \d+/3: \w+ cv accuracy=[0-9.]+ over 3 folds in [0-9.]+ s", result.stdout
            )
        )
        == 3
    )
    assert sorted(p.name for p in (tmp_path / "model").iterdir()) == [METADATA_FILE, "model.pickle"]
    metadata = json.loads((tmp_path / "model" / METADATA_FILE).read_text())
    assert metadata["target"] == TARGET and metadata["classes"] == ["No", "Yes"]
    assert len(metadata["features"]) == 35 and "validation:accuracy" in metadata["metrics"]
    report = sorted(p.name for p in (tmp_path / "output/data").iterdir())
    assert report == ["confusion_matrix.png", "metrics.json", "roc_curve.png"]
    assert (tmp_path / "checkpoints/search-state.json").is_file()
    holdout = pd.read_csv(SAMPLE_CSV).iloc[600:610].drop(columns=[TARGET])
    body = {"instances": json.loads(holdout.to_json(orient="records"))}
    with running_server(tmp_path, tmp_path / "serve.log") as server:
        response = server.invoke(json.dumps(body), JSON)
    assert response.status_code == 200, response.text
    values = response.json()["predictions"][0]["values"]
    assert len(values) == 10 and {v[0] for v in values} <= {"No", "Yes"}


TRIAL_LINE = re.compile(r"^.*trial (\d+)/(\d+): (.*)$", re.M)


def test_max_evals_trials_run_and_the_same_seed_repeats_them_score_for_score(tmp_path):
    runs = []
    for run in ("first", "second"):
        base_dir = tmp_path / run
        sample_rows(600).to_csv(channel(base_dir) / "customers.csv", index=False)
        result = run_train(base_dir, target=TARGET, max_evals="10", max_seconds="600", seed="5")
        assert result.returncode == 0, result.stderr
        trials = TRIAL_LINE.findall(result.stdout)
        assert [int(number) for number, _, _ in trials] == list(range(1, 11))
        runs.append([re.sub(r" in [0-9.]+ s$", "", line) for _, _, line in trials])
        summary = re.search(
            r"search: 10 trials in \d+ s \(max_evals=10, max_seconds=600\); best \w+ cv "
            r"accuracy=([0-9.]+); baseline \(constant prediction\) accuracy=([0-9.]+)$",
            result.stdout,
            re.M,
        )
        assert summary, result.stdout
        share = pd.read_csv(SAMPLE_CSV).head(600)[TARGET].value_counts(normalize=True).max()
        assert float(summary.group(2)) == pytest.approx(share, abs=0.05)  # of the fitted rows
    assert runs[0] == runs[1]


def test_a_search_no_better_than_a_constant_warns_and_min_score_fails_it(tmp_path):
    rows = sample_rows(300)
    rng = np.random.default_rng(1)
    rows[TARGET] = np.where(rng.random(len(rows)) < 0.9, "No", "Yes")  # no signal, one class rare
    rows.to_csv(channel(tmp_path) / "customers.csv", index=False)
    with_earlier_model(tmp_path)
    result = run_train(tmp_path, target=TARGET, max_evals="2", min_score="0.99")
    assert "no better than always predicting the most frequent class" in result.stdout
    assert_failed(result, tmp_path, "below min_score=0.99: no model written")


def test_the_search_stops_at_max_seconds_and_resumes_from_its_checkpoint(tmp_path):
    sample_rows(300).to_csv(channel(tmp_path) / "customers.csv", index=False)
    first = run_train(tmp_path, target=TARGET, max_evals="50", max_seconds="2")
    assert first.returncode == 0, first.stderr
    trials = len(re.findall(r"trial \d+/50", first.stdout))
    assert 1 <= trials < 50
    state = json.loads((tmp_path / "checkpoints/search-state.json").read_text())
    assert state["trials"] == trials
    second = run_train(tmp_path, target=TARGET, max_evals=str(trials + 1), max_seconds="600")
    assert second.returncode == 0, second.stderr
    assert f"resuming from checkpoint: {trials} trials done" in second.stdout
    assert f"(to start afresh, delete {tmp_path / 'checkpoints'})" in second.stdout
    assert re.findall(r"trial (\d+)/", second.stdout) == [str(trials + 1)]


def test_refit_retrains_a_watson_pipeline_on_new_data(bare_classifier, tmp_path):
    data = channel(tmp_path)
    (data / "auto-ai-pipeline.pickle").write_bytes(pickle.dumps(bare_classifier.pipeline))
    sample_rows(500).to_csv(data / "fresh.csv.gz", index=False, compression="gzip")
    result = run_train(tmp_path, target=TARGET)
    assert result.returncode == 0, result.stderr
    assert "train: refit mode" in result.stdout
    assert len(METRIC_LINE.findall(result.stdout)) == 4
    refitted = pickle.loads((tmp_path / "model/model.pickle").read_bytes())
    assert [type(s).__name__ for _, s in refitted.steps] == [
        type(s).__name__ for _, s in bare_classifier.pipeline.steps
    ]

    # what autoai-libs learned from the old data is learned afresh from the new
    def known_values(pipeline):
        branch = pipeline.steps[0][1].transformer_list[0][1]
        return branch.named_steps["numpyreplaceunknownvalues"].known_values_list

    assert known_values(refitted) != known_values(bare_classifier.pipeline)
    with running_server(tmp_path, tmp_path / "serve.log") as server:
        body = sample_rows(520).tail(20).drop(columns=[TARGET]).to_csv(header=False, index=False)
        assert server.invoke(body, CSV).status_code == 200


def test_import_evaluates_on_the_validation_channel(bare_classifier, tmp_path):
    (channel(tmp_path) / "model.pickle").write_bytes(pickle.dumps(bare_classifier.pipeline))
    sample_rows(200).to_csv(channel(tmp_path, "validation") / "holdout.csv", index=False)
    result = run_train(tmp_path, target=TARGET)
    assert result.returncode == 0, result.stderr
    assert "train: import mode" in result.stdout
    assert len(METRIC_LINE.findall(result.stdout)) == 4
    metadata = json.loads((tmp_path / "model" / METADATA_FILE).read_text())
    assert "validation:accuracy" in metadata["metrics"]
    # the validation data's header names the features, so JSON requests can use field names
    assert [f["name"] for f in metadata["features"]][:2] == ["CUSTOMER_ID", "CSTFNM"]
    assert len(metadata["features"]) == 35


def test_an_imported_pickle_is_served_exactly(bare_classifier, tmp_path):
    (channel(tmp_path) / "auto-ai-pipeline.pickle").write_bytes(
        pickle.dumps(bare_classifier.pipeline)
    )
    assert run_train(tmp_path).returncode == 0
    with running_server(tmp_path, tmp_path / "serve.log") as server:
        response = server.invoke(bare_classifier.holdout.to_csv(header=False, index=False), CSV)
    lines = response.text.splitlines()
    assert [
        [float(p) for p in line.split(",")[1:]] for line in lines
    ] == bare_classifier.expected_proba()


def test_a_pickle_of_another_runtime_fails_naming_it(classifier, tmp_path):
    original = (classifier.model_dir / "model.pickle").read_bytes()
    installed = installed_scikit_learn()
    other = next(r for r in RUNTIMES if r != running_runtime())
    faked = other.scikit_learn + "." + "9" * (len(installed) - len(other.scikit_learn) - 1)
    (channel(tmp_path) / "model.pickle").write_bytes(
        original.replace(installed.encode(), faked.encode())
    )
    result = run_train(tmp_path)
    assert_failed(
        result, tmp_path, f"(AutoAI runtime {other.name})", f"AUTOAI_RUNTIME={other.name}"
    )


@pytest.mark.parametrize(
    ("files", "hyperparameters", "expected"),
    [
        ({}, {}, "no 'training' channel"),
        ({"notes.xlsx": b"PK"}, {"mode": "search", "target": "x"}, "notes.xlsx: not a CSV"),
        ({"schema.json": b"{}"}, {"mode": "search", "target": "x"}, "search needs data in channel training: found no data files"),
        ({"data.csv": b"a,b\n1,2\n"}, {"target": "ENROLLED"}, "target column 'ENROLLED' is not in the data; its columns are a, b"),
        ({"data.csv": b"a,b\n1,2\n"}, {}, "hyperparameter target is required: name one of the columns a, b"),
        ({"data.csv": b"\x00\xff\xfe\x00" * 50}, {"target": "a"}, "is not readable CSV"),
        ({"model.pickle": b"\x80\x04garbage"}, {}, "cannot load"),
        ({"data.csv": b"a,b\n1,x\n2,x\n3,x\n4,x\n5,x\n6,x\n"}, {"target": "b", "max_evals": "2"}, "every trial of the search failed"),
        ({"data.csv": b"a,b\n1,x\n2,y\n3,x\n4,y\n5,x\n6,y\n"}, {"target": "b", "max_evals": "1", "validation_fraction": "0.99"}, "cannot hold out validation_fraction=0.99 of 6 rows"),
        ({"data.csv": b"a,b\n1,2\n"}, {"max_evals": "many"}, "hyperparameter max_evals must be a whole number, got 'many'"),
        ({"data.csv": b"a,b\n1,2\n"}, {"learning_rate": "0.1"}, "unknown hyperparameter 'learning_rate'"),
    ],
)  # fmt: skip
def test_failures_leave_a_reason_and_the_model_dir_alone(
    files, hyperparameters, expected, tmp_path
):
    with_earlier_model(tmp_path)
    if files:
        data = channel(tmp_path)
        for name, content in files.items():
            (data / name).write_bytes(content)
    else:
        (tmp_path / "input/data").mkdir(parents=True)
    assert_failed(run_train(tmp_path, **hyperparameters), tmp_path, expected)


def test_a_validation_channel_without_the_target_is_a_clear_failure(bare_classifier, tmp_path):
    (channel(tmp_path) / "model.pickle").write_bytes(pickle.dumps(bare_classifier.pipeline))
    sample_rows(50).drop(columns=[TARGET]).to_csv(
        channel(tmp_path, "validation") / "v.csv", index=False
    )
    assert_failed(
        run_train(tmp_path, target=TARGET), tmp_path, f"target column '{TARGET}' is not in the data"
    )


def test_a_model_tar_gz_in_the_channel_is_imported(bare_classifier, tmp_path):
    import tarfile

    source = tmp_path / "auto-ai-pipeline.pickle"
    source.write_bytes(pickle.dumps(bare_classifier.pipeline))
    with tarfile.open(channel(tmp_path) / "model.tar.gz", "w:gz") as archive:
        archive.add(source, arcname=source.name)
    result = run_train(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "model/auto-ai-pipeline.pickle").read_bytes() == source.read_bytes()
    assert sorted(p.name for p in channel(tmp_path).iterdir()) == ["model.tar.gz"]


def test_all_categorical_data_can_be_searched(tmp_path):
    frame = pd.DataFrame(
        {"colour": ["red", "blue", "green"] * 40, "size": ["S", "M", "L", "XL"] * 30}
    )
    frame["bought"] = (frame["colour"] == "red").map({True: "yes", False: "no"})
    frame.to_csv(channel(tmp_path) / "shop.csv", index=False)
    result = run_train(tmp_path, target="bought", max_evals="2")
    assert result.returncode == 0, result.stderr
    assert "validation:accuracy=1.000000;" in result.stdout


def test_regression_search_reports_regression_metrics(tmp_path):
    sample_rows(300).drop(columns=[TARGET]).to_csv(channel(tmp_path) / "usage.csv", index=False)
    result = run_train(tmp_path, target="YEARLY_USAGE_PREDICTED", max_evals="2")
    assert result.returncode == 0, result.stderr
    assert {m for m in METRIC_LINE.findall(result.stdout)} == {"rmse", "mae", "r2"}
    assert re.search(r"^train:cv_r2=-?[0-9.]+;$", result.stdout, re.M)
    report = sorted(p.name for p in (tmp_path / "output/data").iterdir())
    assert report == ["metrics.json", "predicted_vs_actual.png"]
    metadata = json.loads((tmp_path / "model" / METADATA_FILE).read_text())
    assert metadata["problem_type"] == "regression" and metadata["classes"] is None


def test_import_with_the_training_csv_in_the_channel_names_the_features(bare_classifier, tmp_path):
    (channel(tmp_path) / "auto-ai-pipeline.pickle").write_bytes(
        pickle.dumps(bare_classifier.pipeline)
    )
    sample_rows(100).to_csv(channel(tmp_path) / "training-data.csv", index=False)
    result = run_train(tmp_path, mode="import", target=TARGET)
    assert result.returncode == 0, result.stderr
    metadata = json.loads((tmp_path / "model" / METADATA_FILE).read_text())
    names = [f["name"] for f in metadata["features"]]
    assert names == [c for c in sample_rows(1).columns if c != TARGET]
    records = json.loads(bare_classifier.holdout.iloc[:5].to_json(orient="records"))
    with running_server(tmp_path, tmp_path / "serve.log") as server:
        response = server.invoke(json.dumps({"instances": records}), JSON, CSV)
    assert response.status_code == 200, response.text
    lines = response.text.splitlines()
    assert [[float(p) for p in line.split(",")[1:]] for line in lines] == (
        bare_classifier.expected_proba(bare_classifier.holdout.iloc[:5])
    )


def test_import_keeps_a_wml_schema_file_beside_the_pickle(bare_classifier, tmp_path):
    names = [c for c in sample_rows(1).columns if c != TARGET]
    (channel(tmp_path) / "auto-ai-pipeline.pickle").write_bytes(
        pickle.dumps(bare_classifier.pipeline)
    )
    schema = {"fields": [{"name": name, "type": "string"} for name in names]}
    (channel(tmp_path) / "input-schema.json").write_text(json.dumps(schema))
    result = run_train(tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "model" / "input-schema.json").read_text()) == schema
    records = json.loads(bare_classifier.holdout.iloc[:3].to_json(orient="records"))
    with running_server(tmp_path, tmp_path / "serve.log") as server:
        response = server.invoke(json.dumps(records), JSON, CSV)
    assert response.status_code == 200, response.text
