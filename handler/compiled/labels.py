"""Labels from the probabilities, exactly as the estimator's own `predict` gives them.

For the estimators listed, `predict` picks the class of the largest score (a tree ensemble's mean
probability, a boosted model's or a linear model's decision), and `predict_proba` maps the scores
to probabilities in the same order (the mean itself, the logistic or softmax function; a binary
model's positive class wins at a decision of 0 or at a probability above 0.5). Where one
probability in a row is strictly the largest, its class is the label, whatever the rule at a tie;
a row with a tie is left to `predict`. So the estimator is called once per request, and twice only
for tied rows. Any other estimator is asked for its labels (`predict`) as the pipeline asks it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# (package, class name): the class must come from a module of that package.
ARGMAX_ESTIMATORS = (
    ("sklearn.ensemble", "GradientBoostingClassifier"),
    ("sklearn.ensemble", "RandomForestClassifier"),
    ("sklearn.ensemble", "ExtraTreesClassifier"),
    ("sklearn.linear_model", "LogisticRegression"),
    ("xgboost", "XGBClassifier"),
    ("lightgbm", "LGBMClassifier"),
)


def labels_by_argmax(estimator: Any) -> bool:
    """Whether `estimator` is one whose labels `labels_from` may take from its probabilities."""
    kind = type(estimator)
    return hasattr(estimator, "classes_") and any(
        kind.__name__ == name and f"{kind.__module__}.".startswith(f"{package}.")
        for package, name in ARGMAX_ESTIMATORS
    )


def labels_from(estimator: Any, probabilities: np.ndarray, features: np.ndarray) -> np.ndarray:
    """The estimator's labels for `features`, whose probabilities are `probabilities`."""
    best = np.argmax(probabilities, axis=1)
    top = probabilities[np.arange(len(best)), best]
    tied = ((probabilities == top[:, None]).sum(axis=1) > 1) | np.isnan(top)
    labels = np.asarray(estimator.classes_)[best]
    if tied.any():
        labels = labels.astype(object) if labels.dtype.kind in "US" else labels
        labels[tied] = np.asarray(estimator.predict(features[tied]))
    return labels
