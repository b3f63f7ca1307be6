"""`entrypoint.py train` with `mode=fit`, as a tuning job's trial runs it: the hyperparameters AMT
passes, and its log read with the very `MetricDefinitions` `deploy tune` sends."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from deploy.tuning import metric_definitions, objective
from handler.model.metadata import METADATA_FILE
from handler.process.model_check import load_and_score
from tests.integration.test_train import (
    assert_failed,
    channel,
    run_train,
    sample_rows,
    with_earlier_model,
)
from training.sample_data import TARGET


def captured(stdout: str) -> dict[str, list[float]]:
    """Each metric's values as AMT reads them from the log: every match of its regex, in order."""
    found = {}
    for definition in metric_definitions():
        values = [float(v) for v in re.findall(definition["Regex"], stdout)]
        if values:
            found[definition["Name"]] = values
    return found


def test_a_trial_prints_the_metrics_its_tuning_job_reads(tmp_path):
    sample_rows(300).to_csv(channel(tmp_path) / "customers.csv", index=False)
    result = run_train(
        tmp_path,
        target=TARGET,
        estimator="random_forest",
        n_estimators="25",
        max_depth="5",
        max_features="0.5",
        # what AMT adds to a trial's hyperparameters
        _tuning_objective_metric="train:cv_accuracy",
        sagemaker_job_name="churn-rf-001-1a2b3c4d",
    )
    assert result.returncode == 0, result.stderr
    assert "train: fit mode" in result.stdout
    assert "fit: RandomForestClassifier with max_depth=5, max_features=0.5, n_estimators=25" in (
        result.stdout
    )
    metrics = json.loads((tmp_path / "model" / METADATA_FILE).read_text())["metrics"]
    values = captured(result.stdout)
    goal = objective(None, {"target": TARGET})["MetricName"]
    assert goal == "train:cv_accuracy"
    # The mean so far after each of the 3 folds; AMT keeps the last, the cross-validated score.
    assert len(values[goal]) == 3
    assert values[goal][-1] == pytest.approx(metrics[goal], abs=5e-7)
    assert (
        set(values)
        == set(metrics)
        == {
            "train:cv_accuracy",
            "validation:accuracy",
            "validation:f1",
            "validation:log_loss",
            "validation:roc_auc",
        }
    )
    for name, value in metrics.items():
        assert values[name][-1] == pytest.approx(value, abs=5e-7), name
    fitted = load_and_score(tmp_path / "model")  # as serve loads it
    assert type(fitted.pipeline.steps[-1][1]).__name__ == "RandomForestClassifier"
    assert fitted.pipeline.steps[-1][1].get_params()["max_depth"] == 5


def test_a_negative_cross_validated_r2_is_read_with_its_sign(tmp_path):
    rows = sample_rows(200)
    rows["NOISE"] = np.random.default_rng(3).normal(size=len(rows))  # nothing predicts it
    rows.drop(columns=[TARGET]).to_csv(channel(tmp_path) / "noise.csv", index=False)
    result = run_train(
        tmp_path, target="NOISE", problem_type="regression", estimator="ridge", alpha="0.001"
    )
    assert result.returncode == 0, result.stderr
    metrics = json.loads((tmp_path / "model" / METADATA_FILE).read_text())["metrics"]
    values = captured(result.stdout)
    goal = objective(None, {"problem_type": "regression"})["MetricName"]
    assert metrics[goal] < 0
    assert values[goal][-1] == pytest.approx(metrics[goal], abs=5e-7)
    assert set(values) == {goal, "validation:rmse", "validation:mae", "validation:r2"}


def test_snap_ml_and_lightgbm_fit_with_their_own_hyperparameters(tmp_path):
    """In `train`'s own process, as always here: snapml never enters the test process."""
    for estimator, own in (("snap_boosting", "num_round"), ("lightgbm", "n_estimators")):
        base_dir = tmp_path / estimator
        sample_rows(300).to_csv(channel(base_dir) / "customers.csv", index=False)
        result = run_train(
            base_dir, target=TARGET, estimator=estimator, learning_rate="0.1", **{own: "20"}
        )
        assert result.returncode == 0, result.stderr
        assert len(captured(result.stdout)["train:cv_accuracy"]) == 3


def test_xgboost_refuses_labels_other_than_indices_and_writes_no_model(tmp_path):
    sample_rows(100).to_csv(channel(tmp_path) / "customers.csv", index=False)
    with_earlier_model(tmp_path)
    result = run_train(tmp_path, target=TARGET, estimator="xgboost", max_depth="3")
    assert_failed(result, tmp_path, "estimator xgboost takes class labels 0..1 only")


def test_a_hyperparameter_out_of_range_fails_the_trial(tmp_path):
    sample_rows(100).to_csv(channel(tmp_path) / "customers.csv", index=False)
    result = run_train(tmp_path, target=TARGET, estimator="gradient_boosting", subsample="1.5")
    assert_failed(result, tmp_path, "subsample must lie between 0.05 and 1, got 1.5")
