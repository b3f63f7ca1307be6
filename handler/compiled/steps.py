"""Reading a fitted pipeline's steps: names, parameters and the fitted transformer objects."""

from __future__ import annotations

from typing import Any

from handler.compiled.declined import Declined


def step_name(step: Any) -> str:
    return type(step).__name__


def is_autoai_libs(step: Any) -> bool:
    return type(step).__module__.startswith("autoai_libs.")


def params(step: Any) -> dict[str, Any]:
    """The step's own parameters (`get_params(deep=False)`)."""
    return step.get_params(deep=False)


def require(condition: bool, reason: str) -> None:
    if not condition:
        raise Declined(reason)


def is_missing_marker(value: Any) -> bool:
    """A missing-value marker that can only match text or NaN (never a number)."""
    return isinstance(value, str) or (isinstance(value, float) and value != value)
