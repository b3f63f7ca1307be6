import re

import numpy as np

from training.metrics import classification_metrics, metric_lines, regression_metrics


def test_classification_metrics_and_their_lines():
    probabilities = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
    scores = classification_metrics(
        ["No", "Yes", "Yes", "Yes"], ["No", "Yes", "No", "Yes"], probabilities, ["No", "Yes"]
    )
    assert scores["accuracy"] == 0.75
    assert scores["roc_auc"] == 1.0
    assert set(scores) == {"accuracy", "f1", "log_loss", "roc_auc"}
    lines = metric_lines("validation", scores)
    assert "validation:accuracy=0.750000;" in lines
    assert all(re.fullmatch(r"validation:\w+=[0-9.]+;", line) for line in lines)


def test_regression_metrics():
    scores = regression_metrics([1.0, 2.0, 3.0], [1.0, 2.0, 5.0])
    assert scores["mae"] == 2 / 3
    assert round(scores["rmse"] ** 2, 10) == round(4 / 3, 10)
    assert set(scores) == {"rmse", "mae", "r2"}


def test_a_classifier_without_probabilities_gets_accuracy_and_f1_only():
    scores = classification_metrics(["No", "Yes", "Yes"], ["No", "Yes", "No"], None, ["No", "Yes"])
    assert scores == {"accuracy": 2 / 3, "f1": 2 / 3}
