"""The training job's hyperparameters: SageMaker passes every value as a string; parsed here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from training.layout import TrainingError

MODES = ("import", "refit", "search")
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

    @classmethod
    def parse(cls, raw: Mapping[str, str]) -> Hyperparameters:
        known = {f.name: f for f in fields(cls)}
        # SageMaker adds its own (tuning jobs: _tuning_objective_metric; the SDK: sagemaker_*).
        raw = {k: v for k, v in raw.items() if not k.startswith(SAGEMAKER_PREFIXES)}
        unknown = sorted(set(raw) - set(known))
        if unknown:
            raise TrainingError(
                f"unknown hyperparameter {unknown[0]!r}: this container takes {', '.join(known)}"
            )
        values = {}
        for name, text in raw.items():
            kind = OPTIONAL_NUMBERS.get(name) or (
                type(getattr(cls, name)) if getattr(cls, name) is not None else str
            )
            text = text.strip()
            values[name] = _convert(name, text.lower() if name in CHOICES else text, kind)
        parsed = cls(**values)
        parsed._check()
        return parsed

    def _check(self) -> None:
        for name, choices in CHOICES.items():
            _one_of(name, getattr(self, name), choices)
        if self.max_evals < 1 or self.max_seconds < 1 or self.cv_folds < 2:
            raise TrainingError("max_evals and max_seconds must be at least 1, cv_folds at least 2")
        if not 0 < self.validation_fraction < 1:
            raise TrainingError(
                f"validation_fraction must lie between 0 and 1, got {self.validation_fraction}"
            )


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
