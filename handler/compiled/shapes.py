"""Which pipelines compile: a walk over a fitted scikit-learn pipeline that plans its features.

From the raw input, `NumpyColumnSelector`s pick columns (no-op steps pass them on), each
categorical or numeric chain becomes a block of features, `FeatureUnion` concatenates blocks,
`NumpyPermuteArray` reorders them, and the last step is the estimator. All of it is resolved
once, into which input columns each block reads and where each feature lands. Any other step,
anywhere, and the whole pipeline is declined (`Declined`): it is never half compiled. A lale
pipeline is read through lale's own `export_to_sklearn_pipeline` (the proof still compares with
lale's pipeline).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from handler.compiled.categorical import CHAIN as CATEGORICAL_CHAIN
from handler.compiled.categorical import CategoricalColumn, categorical_columns, encoded
from handler.compiled.declined import Declined
from handler.compiled.numeric import CHAIN as NUMERIC_CHAIN
from handler.compiled.numeric import NumericColumns, numeric_columns
from handler.compiled.steps import params, require, step_name
from handler.model.pickle_schema import is_lale

CHAINS = {CATEGORICAL_CHAIN[0]: CATEGORICAL_CHAIN, NUMERIC_CHAIN[0]: NUMERIC_CHAIN}
PASS_THROUGH = ("TNoOp", "NoOp")  # steps that pass their input on unchanged


@dataclass(frozen=True)
class Block:
    """Features computed together: one chain over some input columns."""

    columns: tuple[int, ...]
    categorical: tuple[CategoricalColumn, ...] = ()
    numeric: NumericColumns | None = None

    def encoded(self, values: np.ndarray) -> np.ndarray | None:
        selected = values[:, list(self.columns)]
        if self.numeric is not None:
            return self.numeric.encoded(selected)
        return encoded(self.categorical, selected)


@dataclass(frozen=True)
class Plan:
    """The blocks, where each of their features goes, and the input column it comes from."""

    width: int
    blocks: tuple[Block, ...]
    order: tuple[int, ...]  # feature i of the estimator's input is concatenated feature order[i]
    sources: tuple[int, ...]  # the input column feature i of the estimator's input comes from


@dataclass
class _Raw:
    columns: list[int]  # the input column each current column is


@dataclass
class _Features:
    ids: list[int]  # the concatenated feature each current column is


def plan_of(preprocessing: Any, width: int) -> Plan:
    """The plan of a fitted pipeline's preprocessing over `width` input columns."""
    if is_lale(preprocessing):
        try:
            preprocessing = preprocessing.export_to_sklearn_pipeline()
        except Exception as error:  # noqa: BLE001 - lale raises what its operators raise
            raise Declined(f"lale cannot export it to scikit-learn ({error})") from None
    require(_is_pipeline(preprocessing), f"{step_name(preprocessing)} is not a Pipeline")
    blocks: list[Block] = []
    state = _walk(preprocessing, _Raw(list(range(width))), blocks)
    require(isinstance(state, _Features), "the pipeline passes raw columns to its estimator")
    sources = [column for block in blocks for column in block.columns]
    return Plan(width, tuple(blocks), tuple(state.ids), tuple(sources[i] for i in state.ids))


def _walk(step: Any, state: _Raw | _Features, blocks: list[Block]) -> _Raw | _Features:
    if _is_pipeline(step):
        return _walk_pipeline([inner for _name, inner in step.steps], state, blocks)
    name = step_name(step)
    if name in PASS_THROUGH:
        return state
    if name == "FeatureUnion":
        return _walk_union(step, state, blocks)
    if name == "NumpyColumnSelector":
        chosen = params(step).get("columns")
        current = state.columns if isinstance(state, _Raw) else state.ids
        picked = list(current) if chosen is None else [current[i] for i in list(chosen)]
        return _Raw(picked) if isinstance(state, _Raw) else _Features(picked)
    if name == "NumpyPermuteArray":
        require(isinstance(state, _Features), "NumpyPermuteArray before any chain")
        permutation = [int(i) for i in params(step).get("permutation_indices") or []]
        require(params(step).get("axis") == 0, "NumpyPermuteArray on another axis")
        require(sorted(permutation) == list(range(len(state.ids))), "not a permutation")
        permuted = [0] * len(permutation)
        for position, target in enumerate(permutation):
            permuted[target] = state.ids[position]
        return _Features(permuted)
    raise Declined(f"{name} is not compiled")


def _walk_pipeline(steps: list[Any], state: _Raw | _Features, blocks: list[Block]):
    position = 0
    while position < len(steps):
        chain = CHAINS.get(step_name(steps[position]))
        if chain is None:
            state = _walk(steps[position], state, blocks)
            position += 1
            continue
        require(isinstance(state, _Raw), f"{chain[0]} after another transformer")
        fitted = steps[position : position + len(chain)]
        block = _block(chain, fitted, state.columns)
        first = sum(len(b.columns) for b in blocks)
        blocks.append(block)
        state = _Features(list(range(first, first + len(block.columns))))
        position += len(chain)
    return state


def _walk_union(union: Any, state: _Raw | _Features, blocks: list[Block]) -> _Features:
    require(params(union).get("transformer_weights") is None, "FeatureUnion weighs features")
    ids: list[int] = []
    for _name, branch in union.transformer_list:
        require(not isinstance(branch, str), f"FeatureUnion branch {branch!r}")
        result = _walk(branch, state, blocks)
        require(isinstance(result, _Features), "a FeatureUnion branch passes raw columns")
        ids += result.ids
    return _Features(ids)


def _block(chain: tuple[str, ...], fitted: list[Any], columns: list[int]) -> Block:
    if chain == CATEGORICAL_CHAIN:
        return Block(tuple(columns), categorical=tuple(categorical_columns(fitted, len(columns))))
    return Block(tuple(columns), numeric=numeric_columns(fitted, len(columns)))


def _is_pipeline(step: Any) -> bool:
    from sklearn.pipeline import Pipeline

    return isinstance(step, Pipeline)
