"""The metrics `train` prints, by name, and the regex that captures each from its log line.

Standard library only: the deploy tool builds a tuning job's `MetricDefinitions` from these, so
the names and the line format live in one place (`training.metrics` prints the lines).

    train:cv_accuracy=0.873100;
"""

from __future__ import annotations

# The cross-validated score of a search or a fit, per problem type: a tuning job's objective.
CV_METRICS = {"classification": "train:cv_accuracy", "regression": "train:cv_r2"}
# Every metric and whether more is better (AMT's objective Type).
MAXIMIZED = {
    "train:cv_accuracy": True,
    "train:cv_r2": True,
    "validation:accuracy": True,
    "validation:f1": True,
    "validation:roc_auc": True,
    "validation:log_loss": False,
    "validation:rmse": False,
    "validation:mae": False,
    "validation:r2": True,
}


def metric_line(name: str, value: float) -> str:
    """The log line of one metric: `<split>:<name>=<value>;`, six decimals, never an exponent."""
    return f"{name}={value:.6f};"


def metric_regex(name: str) -> str:
    """The regex whose one group captures `name`'s value from its line (R2 can be negative)."""
    return f"{name}=(-?[0-9.]+);"
