"""The training job's hyperparameters: SageMaker passes every value as a string; parsed here.

A `fit` job also takes its `estimator`'s own hyperparameters (`training.estimator_space`), typed
and range-checked like the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from training.estimator_space import (
    ESTIMATORS,
    check_problem_type,
    estimator_named,
    estimators_taking,
)
from training.layout import TrainingError

MODES = ("import", "refit", "search", "fit")
PROBLEM_TYPES = ("classification", "regression")
HEADER_CHOICES = ("auto", "true", "false")
CHOICES = {"mode": MODES, "problem_type": PROBLEM_TYPES, "header": HEADER_CHOICES}
SAGEMAKER_PREFIXES = ("_", "sagemaker_")
OPTIONAL_NUMBERS = {"min_score": float}  # None by default, a number when given


@dataclass(frozen=True)
class Hyperparameters:
    """What the job may be told; every field has a default but `target` (required to fit)."""

    target: str | None = None
    mode: str | None = None  # inferred from what the training channel holds
    problem_type: str | None = None  # inferred from the target column
    max_evals: int = 20
    max_seconds: int = 600
    cv_folds: int = 3
    header: str = "auto"
    validation_fraction: float = 0.2
    seed: int = 0
    # The lowest cross-validated score (accuracy; R2 for regression) a search may end with: a
    # job whose best pipeline scores less fails and writes no model. None: no minimum.
    min_score: float | None = None
    # mode=fit: the one estimator to fit (mode fit when it is given), and its own hyperparameters
    estimator: str | None = None
    estimator_parameters: tuple[tuple[str, int | float], ...] = ()

    @classmethod
    def parse(cls, raw: Mapping[str, str]) -> Hyperparameters:
        known = [f.name for f in fields(cls) if f.name != "estimator_parameters"]
        # SageMaker adds its own (tuning jobs: _tuning_objective_metric; the SDK: sagemaker_*).
        raw = {k: v for k, v in raw.items() if not k.startswith(SAGEMAKER_PREFIXES)}
        estimator_name = raw.get("estimator", "").strip().lower() or None
        own = _estimator_parameters(
            estimator_name, {k: v for k, v in raw.items() if k not in known}
        )
        values = {}
        for name, text in raw.items():
            if name not in known:  # the estimator's own, parsed above
                continue
            kind = OPTIONAL_NUMBERS.get(name) or (
                type(getattr(cls, name)) if getattr(cls, name) is not None else str
            )
            text = text.strip()
            values[name] = _convert(name, text.lower() if name in CHOICES else text, kind)
        if estimator_name is not None:
            values["estimator"] = estimator_name
            values["mode"] = values.get("mode") or "fit"
        parsed = cls(**values, estimator_parameters=own)
        parsed._check()
        return parsed

    @property
    def estimator_arguments(self) -> dict[str, int | float]:
        return dict(self.estimator_parameters)

    def _check(self) -> None:
        for name, choices in CHOICES.items():
            _one_of(name, getattr(self, name), choices)
        if self.mode == "fit" and self.estimator is None:
            raise TrainingError(
                f"mode fit needs hyperparameter estimator: one of {', '.join(ESTIMATORS)}"
            )
        if self.estimator is not None and self.mode != "fit":
            raise TrainingError(f"hyperparameter estimator is for mode fit, not {self.mode}")
        if self.estimator and self.problem_type:
            check_problem_type(self.estimator, self.problem_type)
        if self.max_evals < 1 or self.max_seconds < 1 or self.cv_folds < 2:
            raise TrainingError("max_evals and max_seconds must be at least 1, cv_folds at least 2")
        if not 0 < self.validation_fraction < 1:
            raise TrainingError(
                f"validation_fraction must lie between 0 and 1, got {self.validation_fraction}"
            )


def _estimator_parameters(
    estimator_name: str | None, raw: Mapping[str, str]
) -> tuple[tuple[str, int | float], ...]:
    """The estimator's own hyperparameters among `raw` (those not the container's), typed and
    range-checked; any other name is refused."""
    estimator = estimator_named(estimator_name) if estimator_name else None
    parsed = []
    for name, text in sorted(raw.items()):
        if estimator is None or name not in estimator.parameters:
            raise TrainingError(_unknown(name, estimator_name))
        parameter = estimator.parameters[name]
        value = _convert(name, text.strip(), parameter.kind)
        parameter.check(name, value)
        parsed.append((name, value))
    return tuple(parsed)


def _unknown(name: str, estimator_name: str | None) -> str:
    container = ", ".join(
        f.name for f in fields(Hyperparameters) if f.name != "estimator_parameters"
    )
    message = f"unknown hyperparameter {name!r}: this container takes {container}"
    if estimator_name is not None:
        own = ", ".join(estimator_named(estimator_name).parameters)
        return f"{message}; estimator {estimator_name} takes {own}"
    owners = estimators_taking(name)
    if owners:
        return f"{message}; {name} belongs to an estimator ({', '.join(owners)}): set estimator"
    return message


def _convert(name: str, text: str, kind: type) -> object:
    try:
        return kind(text) if kind is not str else text
    except ValueError:
        expected = {int: "a whole number", float: "a number"}[kind]
        raise TrainingError(f"hyperparameter {name} must be {expected}, got {text!r}") from None


def _one_of(name: str, value: str | None, choices: tuple[str, ...]) -> None:
    if value is not None and value not in choices:
        raise TrainingError(
            f"hyperparameter {name} must be one of {', '.join(choices)}, got {value!r}"
        )
