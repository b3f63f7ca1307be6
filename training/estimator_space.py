"""The estimators a `fit` job (one tuning trial) can fit, and each one's own hyperparameters.

Standard library only: the deploy tool reads the same table to check a tuning job's static
hyperparameters and ranges before it calls AWS. Each hyperparameter has the estimator's own
keyword, a type, the bounds a value must lie within, and, when it is worth tuning, the range a
tuning job searches unless told otherwise (with AMT's scaling for it).

The estimators are those the search knows (scikit-learn's and xgboost), plus LightGBM and Snap ML,
which the AutoAI runtimes carry too. Each names its classifier and regressor as `module:Class`,
imported only when a job fits it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from training.layout import TrainingError

LINEAR = "Linear"
LOGARITHMIC = "Logarithmic"


@dataclass(frozen=True)
class Parameter:
    """One hyperparameter: `kind` int or float, valid within [low, high]; `tuned` the range a
    tuning job searches by default (None: fixed unless a range is given)."""

    kind: type
    low: float
    high: float
    tuned: tuple[float, float] | None = None
    scaling: str = LINEAR

    def check(self, name: str, value: float) -> None:
        if not self.low <= value <= self.high:
            raise TrainingError(
                f"hyperparameter {name} must lie between {_number(self.low)} and "
                f"{_number(self.high)}, got {_number(value)}"
            )


@dataclass(frozen=True)
class Estimator:
    """An estimator family: its classifier and regressor (None where it has none)."""

    classifier: str | None
    regressor: str | None
    parameters: Mapping[str, Parameter] = field(default_factory=dict)
    # Takes class labels 0..k-1 only (xgboost, as the search also finds).
    needs_label_indices: bool = False

    def problem_types(self) -> tuple[str, ...]:
        kinds = (("classification", self.classifier), ("regression", self.regressor))
        return tuple(kind for kind, name in kinds if name)

    def class_path(self, problem_type: str) -> str | None:
        return self.classifier if problem_type == "classification" else self.regressor


def _trees(count: str = "n_estimators") -> dict[str, Parameter]:
    return {
        count: Parameter(int, 1, 5000, (20, 300)),
        "max_depth": Parameter(int, 1, 100, (2, 20)),
        "min_samples_leaf": Parameter(int, 1, 10000, (1, 20)),
    }


def _boosting(count: str = "n_estimators") -> dict[str, Parameter]:
    return {
        count: Parameter(int, 1, 5000, (20, 300)),
        "learning_rate": Parameter(float, 1e-4, 1.0, (0.01, 0.3), LOGARITHMIC),
        "max_depth": Parameter(int, 1, 32, (2, 10)),
        "subsample": Parameter(float, 0.05, 1.0, (0.5, 1.0)),
    }


ESTIMATORS: dict[str, Estimator] = {
    "logistic_regression": Estimator(
        "sklearn.linear_model:LogisticRegression",
        None,
        {
            "C": Parameter(float, 1e-6, 1e6, (1e-3, 100.0), LOGARITHMIC),
            "max_iter": Parameter(int, 10, 100000),
        },
    ),
    "ridge": Estimator(
        None,
        "sklearn.linear_model:Ridge",
        {"alpha": Parameter(float, 0.0, 1e6, (1e-3, 1000.0), LOGARITHMIC)},
    ),
    "random_forest": Estimator(
        "sklearn.ensemble:RandomForestClassifier",
        "sklearn.ensemble:RandomForestRegressor",
        {**_trees(), "max_features": Parameter(float, 0.01, 1.0, (0.1, 1.0))},
    ),
    "extra_trees": Estimator(
        "sklearn.ensemble:ExtraTreesClassifier",
        "sklearn.ensemble:ExtraTreesRegressor",
        {**_trees(), "max_features": Parameter(float, 0.01, 1.0, (0.1, 1.0))},
    ),
    "gradient_boosting": Estimator(
        "sklearn.ensemble:GradientBoostingClassifier",
        "sklearn.ensemble:GradientBoostingRegressor",
        {**_boosting(), "min_samples_leaf": Parameter(int, 1, 10000, (1, 20))},
    ),
    "xgboost": Estimator(
        "xgboost:XGBClassifier",
        "xgboost:XGBRegressor",
        {
            **_boosting(),
            "colsample_bytree": Parameter(float, 0.05, 1.0, (0.5, 1.0)),
            "min_child_weight": Parameter(float, 0.0, 1000.0, (1.0, 10.0)),
            "reg_lambda": Parameter(float, 0.0, 1000.0, (0.01, 10.0), LOGARITHMIC),
            "reg_alpha": Parameter(float, 0.0, 1000.0),
        },
        needs_label_indices=True,
    ),
    "lightgbm": Estimator(
        "lightgbm:LGBMClassifier",
        "lightgbm:LGBMRegressor",
        {
            "n_estimators": Parameter(int, 1, 5000, (20, 300)),
            "learning_rate": Parameter(float, 1e-4, 1.0, (0.01, 0.3), LOGARITHMIC),
            "num_leaves": Parameter(int, 2, 4096, (8, 128)),
            "max_depth": Parameter(int, -1, 64),  # -1: no limit (num_leaves bounds the trees)
            "min_child_samples": Parameter(int, 1, 10000, (5, 50)),
            "colsample_bytree": Parameter(float, 0.05, 1.0, (0.5, 1.0)),
            "reg_lambda": Parameter(float, 0.0, 1000.0, (0.01, 10.0), LOGARITHMIC),
        },
    ),
    "snap_random_forest": Estimator(
        "snapml:SnapRandomForestClassifier",
        "snapml:SnapRandomForestRegressor",
        _trees(),
    ),
    "snap_boosting": Estimator(
        "snapml:SnapBoostingMachineClassifier",
        "snapml:SnapBoostingMachineRegressor",
        {
            **_boosting("num_round"),
            "colsample_bytree": Parameter(float, 0.05, 1.0, (0.5, 1.0)),
            "lambda_l2": Parameter(float, 0.0, 1000.0, (0.01, 10.0), LOGARITHMIC),
        },
    ),
}


def estimator_named(name: str) -> Estimator:
    if name not in ESTIMATORS:
        raise TrainingError(
            f"hyperparameter estimator must be one of {', '.join(ESTIMATORS)}, got {name!r}"
        )
    return ESTIMATORS[name]


def check_problem_type(name: str, problem_type: str) -> None:
    """A `TrainingError` when estimator `name` has no estimator for this problem type."""
    if problem_type not in estimator_named(name).problem_types():
        fitting = [n for n, e in ESTIMATORS.items() if problem_type in e.problem_types()]
        raise TrainingError(
            f"estimator {name} is not for {problem_type}: for {problem_type}, choose one of "
            f"{', '.join(fitting)}"
        )


def estimators_taking(parameter: str) -> list[str]:
    """The estimators that have a hyperparameter of this name."""
    return [name for name, estimator in ESTIMATORS.items() if parameter in estimator.parameters]


def _number(value: float) -> str:
    return f"{value:g}"
