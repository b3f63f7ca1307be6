"""Searching for a pipeline: AutoAI-shaped preprocessing, then the estimator and its
hyperparameters chosen by lale's `auto_configure` with Hyperopt, scored by cross-validation.
The best trial's pipeline is exported to scikit-learn (autoai-libs transformers and the estimator,
the shape Watson Studio exports) and fitted on all the training rows.

Each finished trial is logged on one line with its score and time. The best trial so far is kept
in the checkpoints directory, so a job SageMaker restarts after a spot interruption goes on with
the evaluations and time it has left instead of starting over.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone

from handler.errors import ModelLoadError
from handler.model.library_imports import loggers_kept_enabled
from handler.model.safe_pickle import load_pipeline
from training.autoai_pipeline import autoai_pipeline
from training.layout import TrainingError

LOGGER = logging.getLogger("training.search")
CHECKPOINT_PIPELINE = "search-best.pickle"
CHECKPOINT_STATE = "search-state.json"


@dataclass
class Budget:
    max_evals: int
    max_seconds: float
    cv_folds: int
    seed: int


@dataclass
class Best:
    score: float
    pipeline: Any  # a lale pipeline fitted on one fold; its configuration is what counts
    trials: int
    seconds: float


def search(
    features: pd.DataFrame,
    target: pd.Series,
    types: dict[str, str],
    problem_type: str,
    budget: Budget,
    checkpoints: Path,
) -> tuple[Any, float]:
    """The best pipeline found, refitted on all of `features`, and its cross-validated score."""
    started = time.monotonic()
    job = _job_key(features, target, problem_type)
    best = _resume(checkpoints, job)
    seconds_before = best.seconds if best else 0.0
    evals_left = budget.max_evals - (best.trials if best else 0)
    seconds_left = budget.max_seconds - (best.seconds if best else 0)
    if best:
        LOGGER.info(
            "resuming from checkpoint: %d trials done, best %.4f; %d evaluations and %.0f s left "
            "(to start afresh, delete %s)",
            best.trials, best.score, max(evals_left, 0), max(seconds_left, 0), checkpoints,
        )  # fmt: skip
    if evals_left > 0 and seconds_left > 0:
        planned = autoai_pipeline(
            types, _estimators(problem_type, target, budget.seed), flavour="lale"
        )
        tracker = _TrialTracker(problem_type, checkpoints, best, budget, job)
        failure, trials_run = _run_hyperopt(
            planned, features, target, tracker, evals_left, seconds_left, budget
        )
        best = tracker.finish(trials_run)
        if best is None and failure:
            raise TrainingError(
                f"every trial of the search failed ({failure}): check the data, for example a "
                "target with one class or too few rows for the cross-validation folds"
            )
    if best is None:
        raise TrainingError(
            f"the search finished no trial within {budget.max_seconds} s: raise max_seconds"
        )
    seconds = seconds_before + time.monotonic() - started
    summarise(best, problem_type, baseline_score(target, problem_type), budget, seconds)
    with warnings.catch_warnings(), loggers_kept_enabled():
        warnings.simplefilter("ignore")
        structure = clone(best.pipeline.export_to_sklearn_pipeline())
        fitted = structure.fit(features.values, target.values)
    return fitted, best.score


def baseline_score(target: pd.Series, problem_type: str) -> float:
    """The cross-validated score of a constant prediction: the most frequent class's share of
    the rows (accuracy), or the mean's R2, 0."""
    if problem_type == "regression":
        return 0.0
    return float(target.value_counts(normalize=True).iloc[0])


def summarise(best: Best, problem_type: str, baseline: float, budget: Budget, seconds: float):
    """The search's last log line, and a warning when the best is no better than a constant."""
    metric = "accuracy" if problem_type == "classification" else "r2"
    LOGGER.info(
        "search: %d trials in %.0f s (max_evals=%d, max_seconds=%d); best %s cv %s=%.4f; "
        "baseline (constant prediction) %s=%.4f",
        best.trials, seconds, budget.max_evals, budget.max_seconds, _estimator_name(best.pipeline),
        metric, best.score, metric, baseline,
    )  # fmt: skip
    if best.score <= baseline:
        constant = "the most frequent class" if problem_type == "classification" else "the mean"
        LOGGER.warning(
            "the best pipeline scores no better than always predicting %s: the data may not "
            "predict the target, or the search was too short (raise max_evals or max_seconds); "
            "set min_score to make such a job fail",
            constant,
        )


def _run_hyperopt(
    planned, features, target, tracker, evals, seconds, budget: Budget
) -> tuple[str | None, int | None]:
    """Run lale's search: the reason when no trial succeeded (else None), and the number of
    trials Hyperopt ran (None when it failed as a whole), failed ones included."""
    from lale.lib.lale import Hyperopt

    optimizer = Hyperopt(
        estimator=planned,
        cv=budget.cv_folds,
        max_evals=evals,
        max_opt_time=seconds,
        scoring=tracker,
        show_progressbar=False,
    )
    with warnings.catch_warnings(), loggers_kept_enabled():
        warnings.simplefilter("ignore")
        try:
            trained = optimizer.fit(features.values, target.values)
        except ValueError as error:  # lale: "none of the trials succeeded"
            return str(error), None
    return None, int((trained.summary()["status"] != "new").sum())


def _estimators(problem_type: str, target: pd.Series, seed: int):
    """A lale choice of estimators, each seeded. xgboost needs its class labels to be 0, 1, ...,
    k-1."""
    from lale.lib.sklearn import (
        ExtraTreesClassifier,
        ExtraTreesRegressor,
        GradientBoostingClassifier,
        GradientBoostingRegressor,
        LogisticRegression,
        RandomForestClassifier,
        RandomForestRegressor,
        Ridge,
    )
    from lale.lib.xgboost import XGBClassifier, XGBRegressor

    # random_state bound to the seed (the search tunes the other hyperparameters): the forests'
    # and boosting's sampling is then the same on every run with this seed.
    if problem_type == "regression":
        return (
            Ridge(random_state=seed)
            | RandomForestRegressor(random_state=seed)
            | ExtraTreesRegressor(random_state=seed)
            | GradientBoostingRegressor(random_state=seed)
            | XGBRegressor(random_state=seed)
        )
    choice = (
        LogisticRegression(random_state=seed)
        | RandomForestClassifier(random_state=seed)
        | ExtraTreesClassifier(random_state=seed)
        | GradientBoostingClassifier(random_state=seed)
    )
    labels = pd.unique(target).tolist()
    if all(isinstance(label, int) for label in labels) and sorted(labels) == list(
        range(len(labels))
    ):
        return choice | XGBClassifier(random_state=seed)
    LOGGER.info("class labels are not 0..%d: xgboost left out of the search", len(labels) - 1)
    return choice


class _TrialTracker:
    """The scorer lale calls once per fold: scores folds, logs each trial, keeps the best.

    A trial is the run of folds with one configuration; it closes when all its folds are scored.
    A configuration that stops scoring before its last fold failed, and is logged as such.
    """

    def __init__(
        self, problem_type: str, checkpoints: Path, best: Best | None, budget: Budget, job: str
    ):
        self._job = job
        self._classifier = problem_type == "classification"
        self._checkpoints = checkpoints
        self._budget = budget
        self._best = best
        self._trials = best.trials if best else 0
        self._trials_before = self._trials
        self._previous_seconds = best.seconds if best else 0.0
        self._started = time.monotonic()
        self._trial_started = self._started
        self._key: str | None = None
        self._pipeline: Any = None
        self._fold_scores: list[float] = []

    def __deepcopy__(self, memo: dict) -> _TrialTracker:
        # lale clones its optimizer, deep-copying the scorer: every copy must report here.
        return self

    def __call__(self, estimator: Any, X: Any, y: Any) -> float:
        key = estimator.pretty_print() if hasattr(estimator, "pretty_print") else repr(estimator)
        if key != self._key:
            self._abandon_trial()
            self._key, self._pipeline = key, estimator
        predictions = estimator.predict(X)
        if self._classifier:
            score = float(np.mean(np.asarray(predictions) == np.asarray(y)))
        else:
            from sklearn.metrics import r2_score

            score = float(r2_score(y, predictions))
        self._fold_scores.append(score)
        if len(self._fold_scores) == self._budget.cv_folds:
            self._close_trial()
        return score

    def finish(self, trials_run: int | None = None) -> Best | None:
        """The best trial; `trials_run`, Hyperopt's count for this run, shows the trials that
        failed before scoring any fold (this scorer never saw them) and counts them."""
        self._abandon_trial()
        unseen = (trials_run or 0) - (self._trials - self._trials_before)
        if unseen > 0:
            for number in range(self._trials + 1, self._trials + unseen + 1):
                LOGGER.info(
                    "trial %d/%d: failed before scoring a fold (lale logged its error above)",
                    number, self._budget.max_evals,
                )  # fmt: skip
            self._trials += unseen
            if self._best is not None:
                self._best.trials = self._trials
                _checkpoint(self._checkpoints, self._best, self._job)
        return self._best

    def _close_trial(self) -> None:
        self._trials += 1
        score = float(np.mean(self._fold_scores))
        metric = "accuracy" if self._classifier else "r2"
        LOGGER.info(
            "trial %d/%d: %s cv %s=%.4f over %d folds in %.1f s",
            self._trials, self._budget.max_evals, _estimator_name(self._pipeline), metric, score,
            len(self._fold_scores), time.monotonic() - self._trial_started,
        )  # fmt: skip
        if self._best is None or score > self._best.score:
            self._best = Best(score, self._pipeline, self._trials, 0.0)
        self._best.trials = self._trials
        self._best.seconds = self._previous_seconds + time.monotonic() - self._started
        _checkpoint(self._checkpoints, self._best, self._job)
        self._reset()

    def _abandon_trial(self) -> None:
        """A configuration that scored only some folds: lale gave up on it after an error."""
        if self._fold_scores:
            self._trials += 1
            LOGGER.info(
                "trial %d/%d: %s failed after %d of %d folds",
                self._trials, self._budget.max_evals, _estimator_name(self._pipeline),
                len(self._fold_scores), self._budget.cv_folds,
            )  # fmt: skip
        self._reset()

    def _reset(self) -> None:
        self._key, self._pipeline, self._fold_scores = None, None, []
        self._trial_started = time.monotonic()


def _estimator_name(pipeline: Any) -> str:
    last = pipeline.get_last() if hasattr(pipeline, "get_last") else pipeline
    return type(getattr(last, "impl", last)).__name__


def _job_key(features: pd.DataFrame, target: pd.Series, problem_type: str) -> str:
    """What a checkpoint belongs to: this data, target and problem, nothing else."""
    digest = hashlib.sha256()
    digest.update(repr((list(features.columns), target.name, problem_type, len(features))).encode())
    digest.update(pd.util.hash_pandas_object(features, index=False).values.tobytes())
    digest.update(pd.util.hash_pandas_object(target, index=False).values.tobytes())
    return digest.hexdigest()


def _checkpoint(checkpoints: Path, best: Best, job: str) -> None:
    """Write the best trial so far, atomically, where SageMaker keeps checkpoints."""
    checkpoints.mkdir(parents=True, exist_ok=True)
    pipeline_file = checkpoints / CHECKPOINT_PIPELINE
    state_file = checkpoints / CHECKPOINT_STATE
    partial = pipeline_file.with_suffix(".partial")
    partial.write_bytes(pickle.dumps(best.pipeline))
    partial.replace(pipeline_file)
    state = {"job": job, "score": best.score, "trials": best.trials, "seconds": best.seconds}
    partial.write_text(json.dumps(state))
    partial.replace(state_file)


def _resume(checkpoints: Path, job: str) -> Best | None:
    state_file = checkpoints / CHECKPOINT_STATE
    pipeline_file = checkpoints / CHECKPOINT_PIPELINE
    if not (state_file.is_file() and pipeline_file.is_file()):
        return None
    try:
        state = json.loads(state_file.read_text())
        if state.get("job") != job:
            LOGGER.info(
                "the checkpoint in %s is of another job's data: starting afresh", checkpoints
            )
            return None
        with warnings.catch_warnings(), loggers_kept_enabled():
            warnings.simplefilter("ignore")
            pipeline = load_pipeline(pipeline_file)
        return Best(float(state["score"]), pipeline, int(state["trials"]), float(state["seconds"]))
    except (
        OSError,
        ValueError,
        KeyError,
        pickle.UnpicklingError,
        AttributeError,
        ImportError,
        ModelLoadError,
    ) as error:
        LOGGER.warning("ignoring unreadable checkpoint in %s: %s", checkpoints, error)
        return None
