"""`mode=fit`: one configuration, as one trial of a SageMaker tuning job runs it.

The AutoAI-shaped preprocessing (`training.autoai_pipeline`, the scikit-learn flavour Watson
exports) in front of one estimator with the hyperparameters the job was given, scored by
stratified k-fold cross-validation, then fitted on all the training rows.

After each fold the mean score so far is printed as the objective's metric line
(`train:cv_accuracy=...;`), so AMT's early stopping sees it grow fold by fold; the last line is
the cross-validated score, the value AMT keeps (it takes the latest a job emits).
"""

from __future__ import annotations

import importlib
import logging
import time
import warnings
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone

from handler.model.library_imports import loggers_kept_enabled
from training.autoai_pipeline import autoai_pipeline
from training.estimator_space import check_problem_type, estimator_named
from training.hyperparameters import Hyperparameters
from training.layout import TrainingError
from training.metric_names import CV_METRICS, metric_line

LOGGER = logging.getLogger("training.fit")
FIT_ERRORS = (ValueError, TypeError, IndexError, KeyError)


def fit_one(
    features: pd.DataFrame,
    target: pd.Series,
    types: dict[str, str],
    problem_type: str,
    hyperparameters: Hyperparameters,
) -> tuple[Any, float]:
    """The configured pipeline fitted on all of `features`, and its cross-validated score."""
    estimator = build_estimator(
        hyperparameters.estimator,
        problem_type,
        hyperparameters.estimator_arguments,
        hyperparameters.seed,
        target,
    )
    pipeline = autoai_pipeline(types, estimator)
    LOGGER.info(
        "fit: %s with %s",
        type(estimator).__name__,
        _listing(hyperparameters.estimator_arguments) or "its defaults",
    )
    score = cross_validated(pipeline, features, target, problem_type, hyperparameters)
    with warnings.catch_warnings(), loggers_kept_enabled():
        warnings.simplefilter("ignore")
        try:
            fitted = clone(pipeline).fit(features.values, target.values)
        except FIT_ERRORS as error:
            raise TrainingError(_failed(estimator, error)) from None
    return fitted, score


def build_estimator(
    name: str, problem_type: str, arguments: dict[str, Any], seed: int, target: pd.Series
) -> Any:
    """The estimator `name` for this problem, with `arguments` and the job's seed."""
    check_problem_type(name, problem_type)
    family = estimator_named(name)
    module_name, class_name = family.class_path(problem_type).split(":")
    try:
        with loggers_kept_enabled():
            module = importlib.import_module(module_name)
    except ImportError:
        raise TrainingError(
            f"estimator {name} needs {module_name}, which this image's runtime lacks"
        ) from None
    if problem_type == "classification" and family.needs_label_indices:
        labels = pd.unique(target).tolist()
        if not (
            all(isinstance(v, (int, np.integer)) for v in labels)
            and sorted(labels) == list(range(len(labels)))
        ):
            raise TrainingError(
                f"estimator {name} takes class labels 0..{len(labels) - 1} only; this target's "
                f"are {', '.join(map(str, labels[:5]))}: encode the target, or "
                "choose another estimator"
            )
    return getattr(module, class_name)(**arguments, random_state=seed)


def cross_validated(
    pipeline: Any,
    features: pd.DataFrame,
    target: pd.Series,
    problem_type: str,
    hyperparameters: Hyperparameters,
) -> float:
    """The mean fold score (accuracy, or R2), printing the mean so far after each fold."""
    from sklearn.metrics import accuracy_score, r2_score

    folds = _folds(target, problem_type, hyperparameters.cv_folds, hyperparameters.seed)
    score = accuracy_score if problem_type == "classification" else r2_score
    metric = CV_METRICS[problem_type]
    x, y = features.values, target.values
    scores = []
    for number, (fit_rows, score_rows) in enumerate(folds.split(x, y), start=1):
        started = time.monotonic()
        with warnings.catch_warnings(), loggers_kept_enabled():
            warnings.simplefilter("ignore")
            try:
                fitted = clone(pipeline).fit(x[fit_rows], y[fit_rows])
                scores.append(float(score(y[score_rows], fitted.predict(x[score_rows]))))
            except FIT_ERRORS as error:
                raise TrainingError(_failed(pipeline.steps[-1][1], error)) from None
        LOGGER.info(
            "fold %d/%d: %s=%.4f in %.1f s",
            number, hyperparameters.cv_folds, metric, scores[-1], time.monotonic() - started,
        )  # fmt: skip
        print(metric_line(metric, float(np.mean(scores))), flush=True)
    return float(np.mean(scores))


def _folds(target: pd.Series, problem_type: str, count: int, seed: int):
    """Stratified folds for a classifier (when every class has a row per fold), else plain ones;
    shuffled with the job's seed."""
    from sklearn.model_selection import KFold, StratifiedKFold

    if len(target) < count:
        raise TrainingError(f"{len(target)} training rows cannot make cv_folds={count} folds")
    if problem_type == "classification" and target.value_counts().min() >= count:
        return StratifiedKFold(n_splits=count, shuffle=True, random_state=seed)
    return KFold(n_splits=count, shuffle=True, random_state=seed)


def _failed(estimator: Any, error: Exception) -> str:
    return f"{type(estimator).__name__} failed to fit this data: {type(error).__name__}: {error}"


def _listing(arguments: dict[str, Any]) -> str:
    return ", ".join(f"{name}={value}" for name, value in arguments.items())
