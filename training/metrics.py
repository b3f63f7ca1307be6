"""Evaluation metrics, and their log lines in a form SageMaker's `metric_definitions` can capture.

    validation:accuracy=0.873100;

One metric per line, `<split>:<name>=<value>;`, so `validation:accuracy=([0-9.]+);` finds it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn import metrics

from training.metric_names import metric_line


def classification_metrics(
    y_true: Sequence[Any],
    labels: Sequence[Any],
    probabilities: np.ndarray | None,
    classes: Sequence[Any],
) -> dict[str, float]:
    """accuracy, F1 (of the second class when binary, weighted otherwise), and, for a classifier
    with probabilities (a support vector machine has none), ROC AUC and log loss."""
    y_true = np.asarray(y_true)
    binary = len(classes) == 2
    scores = {
        "accuracy": metrics.accuracy_score(y_true, labels),
        "f1": metrics.f1_score(
            y_true,
            labels,
            average="binary" if binary else "weighted",
            pos_label=classes[1] if binary else 1,
        ),
    }
    if probabilities is None:
        return {name: float(value) for name, value in scores.items()}
    scores["log_loss"] = metrics.log_loss(y_true, probabilities, labels=list(classes))
    present = set(np.unique(y_true).tolist())
    if present == set(classes):  # ROC AUC needs every class in the evaluation data
        scores["roc_auc"] = (
            metrics.roc_auc_score(y_true == classes[1], probabilities[:, 1])
            if binary
            else metrics.roc_auc_score(
                y_true, probabilities, multi_class="ovr", labels=list(classes)
            )
        )
    return {name: float(value) for name, value in scores.items()}


def regression_metrics(y_true: Sequence[float], predictions: Sequence[float]) -> dict[str, float]:
    """RMSE, MAE and R2."""
    return {
        "rmse": float(math.sqrt(metrics.mean_squared_error(y_true, predictions))),
        "mae": float(metrics.mean_absolute_error(y_true, predictions)),
        "r2": float(metrics.r2_score(y_true, predictions)),
    }


def metric_lines(split: str, scores: dict[str, float]) -> list[str]:
    return [metric_line(f"{split}:{name}", value) for name, value in scores.items()]
