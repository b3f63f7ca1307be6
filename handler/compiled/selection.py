"""Which scorer serves a model, by `AUTOAI_SCORER`, with one log line saying which and why.

`auto` (the default) compiles the pipeline and proves the compiled scorer on it; the compiled
scorer serves if both succeed, the pipeline otherwise. `compiled` insists: a pipeline that does
not compile or prove is a load error. `pipeline` never compiles.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Sequence
from typing import Any

from handler.compiled.declined import Declined
from handler.compiled.proof import Scoring, first_difference, proof_rows
from handler.compiled.scorer import CompiledScorer
from handler.compiled.shapes import plan_of
from handler.errors import ModelLoadError

LOGGER = logging.getLogger(__name__)


def chosen_scorer(
    name: str,
    preprocessing: Any,
    width: int | None,
    scoring: Scoring,
    sample_row: Sequence[Any] | None,
    labels: Sequence[str],
    setting: str,
) -> CompiledScorer | None:
    """The compiled scorer that serves model `name`, or None for the pipeline (logged either way).

    `preprocessing` is the pipeline without its estimator; `labels` name the input columns.
    """
    if setting == "pipeline":
        LOGGER.info("model %s: scored by the pipeline (AUTOAI_SCORER=pipeline)", name)
        return None
    started = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scorer, rows = _proved(preprocessing, width, scoring, sample_row, labels)
    except Declined as reason:
        return _declined(name, setting, f"the compiled scorer does not take it: {reason}")
    except Exception as error:  # noqa: BLE001 - a pipeline it misreads must still serve
        problem = f"{type(error).__name__}: {error}"
        return _declined(name, setting, f"the compiled scorer could not read it ({problem})")
    LOGGER.info(
        "model %s: scored by the compiled scorer (%s; identical to the pipeline on %d proof "
        "rows, compiled and proved in %.0f ms)",
        name,
        scorer.describe(),
        rows,
        (time.perf_counter() - started) * 1000,
    )
    return scorer


def _proved(
    preprocessing: Any,
    width: int | None,
    scoring: Scoring,
    sample_row: Sequence[Any] | None,
    labels: Sequence[str],
) -> tuple[CompiledScorer, int]:
    if preprocessing is None or not width:
        raise Declined(
            "no preprocessing over an array of known width (a lone estimator, columns picked "
            "by name, or a width the pipeline does not record)"
        )
    scorer = CompiledScorer(plan_of(preprocessing, width))
    rows = proof_rows(scorer, sample_row)
    difference = first_difference(scorer, scoring, rows, labels)
    if difference is not None:
        raise Declined(f"it differs from the pipeline: {difference}")
    return scorer, len(rows)


def _declined(name: str, setting: str, why: str) -> None:
    if setting == "compiled":
        raise ModelLoadError(f"AUTOAI_SCORER=compiled, but {name}: {why}")
    LOGGER.info("model %s: scored by the pipeline (%s)", name, why)
    return None
