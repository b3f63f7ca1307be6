"""A tuning job's hyperparameter ranges: each estimator's built-in ones, and a user's overrides.

`--range max_depth=2:12` sets the range of `max_depth` for every estimator being tuned that has
it; `--range xgboost.max_depth=2:12` for xgboost only; a third field picks AMT's scaling
(`learning_rate=0.001:0.3:log`). A range is checked against the estimator's table
(`training.estimator_space`), so a typo or an impossible bound fails before any AWS call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from deploy.aws import DeployError
from training.estimator_space import (
    ESTIMATORS,
    LINEAR,
    LOGARITHMIC,
    Parameter,
    estimators_taking,
)
from training.layout import TrainingError

SCALINGS = {"linear": LINEAR, "log": LOGARITHMIC, "auto": "Auto"}
RANGE_KEYS = {int: "IntegerParameterRanges", float: "ContinuousParameterRanges"}


@dataclass(frozen=True)
class Range:
    """`name` searched within [low, high]; for `estimator` only, or (None) every one having it."""

    name: str
    low: float
    high: float
    scaling: str | None = None  # None: the estimator's own for this hyperparameter
    estimator: str | None = None


def parse_range(text: str) -> Range:
    """`[ESTIMATOR.]NAME=LOW:HIGH[:linear|log|auto]`, e.g. `xgboost.max_depth=2:12`."""
    target, equals, bounds = text.partition("=")
    fields = bounds.split(":")
    if not equals or len(fields) not in (2, 3):
        raise DeployError(f"--range {text!r}: expected NAME=LOW:HIGH, e.g. max_depth=2:12")
    estimator, _, name = target.strip().rpartition(".")
    try:
        low, high = float(fields[0]), float(fields[1])
    except ValueError:
        raise DeployError(f"--range {text!r}: LOW and HIGH must be numbers") from None
    scaling = None
    if len(fields) == 3:
        if fields[2].lower() not in SCALINGS:
            raise DeployError(f"--range {text!r}: scaling must be one of {', '.join(SCALINGS)}")
        scaling = SCALINGS[fields[2].lower()]
    return Range(name, low, high, scaling, estimator or None)


def check_ranges(ranges: Sequence[Range], estimators: Sequence[str]) -> None:
    """A `DeployError` for a range no estimator being tuned has."""
    for given in ranges:
        if given.estimator is not None and given.estimator not in estimators:
            raise DeployError(
                f"--range {given.estimator}.{given.name}: {given.estimator} is not being tuned "
                f"(--estimator {' '.join(estimators)})"
            )
        scope = [given.estimator] if given.estimator else estimators
        if not any(given.name in ESTIMATORS[e].parameters for e in scope):
            owners = estimators_taking(given.name)
            raise DeployError(
                f"--range {given.name}: no hyperparameter of {', '.join(scope)}"
                + (f" (it is one of {', '.join(owners)})" if owners else "")
            )


def parameter_ranges(
    estimator: str, overrides: Sequence[Range], static: Mapping[str, str]
) -> dict[str, list[dict]]:
    """AMT's `ParameterRanges` for one estimator: its built-in ranges, overridden; hyperparameters
    given a fixed value in `static` are not searched."""
    table = ESTIMATORS[estimator].parameters
    chosen = {name: _built_in(p) for name, p in table.items() if p.tuned is not None}
    for given in overrides:
        if given.name in table and given.estimator in (None, estimator):
            chosen[given.name] = _checked(estimator, given, table[given.name])
    ranges: dict[str, list[dict]] = {key: [] for key in RANGE_KEYS.values()}
    for name, (low, high, scaling) in chosen.items():
        if name in static:
            continue
        kind = table[name].kind
        ranges[RANGE_KEYS[kind]].append(
            {
                "Name": name,
                "MinValue": _value(kind, low),
                "MaxValue": _value(kind, high),
                "ScalingType": scaling,
            }
        )
    return {key: entries for key, entries in ranges.items() if entries}


def _built_in(parameter: Parameter) -> tuple[float, float, str]:
    low, high = parameter.tuned
    return low, high, parameter.scaling


def _checked(estimator: str, given: Range, parameter: Parameter) -> tuple[float, float, str]:
    label = f"--range {estimator}.{given.name}"
    if parameter.kind is int and not (given.low.is_integer() and given.high.is_integer()):
        raise DeployError(f"{label}: {given.name} takes whole numbers")
    if not given.low < given.high:
        raise DeployError(f"{label}: LOW must be below HIGH")
    for bound in (given.low, given.high):
        try:
            parameter.check(given.name, parameter.kind(bound))
        except TrainingError as error:
            raise DeployError(f"{label}: {error}") from None
    scaling = given.scaling or parameter.scaling
    if scaling == LOGARITHMIC and given.low <= 0:
        raise DeployError(f"{label}: a logarithmic range needs LOW above 0")
    return given.low, given.high, scaling


def _value(kind: type, number: float) -> str:
    return str(int(number)) if kind is int else f"{number:g}"
