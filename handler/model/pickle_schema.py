"""What a fitted pipeline records about its input: width, names, and autoai-libs' column types.

AutoAI types every column of its training data (`autoai_libs.utils.exportable_utils.numpy_whatis`
on the array `pandas.read_csv` gave it) and stores the types in the first step that reads raw
values: `CompressStrings` in the categorical branch and `FloatStr2Float` in the numeric one, each
behind a `NumpyColumnSelector` that names the input columns it reads. Following the selectors from
the input to those steps maps each input column to the type `read_csv` gave it. This works on
scikit-learn pipelines (`Pipeline`, `FeatureUnion`) and on lale pipelines (a graph of operators
whose `impl` is the autoai-libs transformer).
"""

from __future__ import annotations

from typing import Any

# autoai-libs' type names (`dtypes_list`) to ours: `*_str` columns held text as read_csv read
# them, `*_num` numbers; `Unknown` and `missing` columns held no value at all.
AUTOAI_TYPES = {
    "char_str": "str",
    "int_str": "str",
    "float_str": "str",
    "int_num": "int",
    "float_num": "float",
    "float_int_num": "float",
    "boolean": "bool",
}
SELECTORS = {"NumpyColumnSelector": "columns", "ColumnSelector": "columns_indices_list"}
TYPED_STEPS = ("CompressStrings", "FloatStr2Float")
# Steps that turn some input columns (text, dates) into features appended after the others:
# the parameter naming those columns, and the one saying whether they are dropped.
DERIVING_STEPS = {
    "DateTransformer": ("date_column_indices", "delete_source_columns"),
    "TextTransformer": ("text_columns", "drop_columns"),
}
# A column mapping that no longer holds raw input columns (any step other than a selector).
OPAQUE = "opaque"


def recorded_width(pipeline: Any) -> int | None:
    """The number of columns the pipeline was fitted on, when it records it."""
    width = getattr(pipeline, "n_features_in_", None)
    if width is None and is_lale(pipeline):
        first = pipeline.steps_list()[0]
        width = getattr(_transformer(first), "n_features_in_", None)
    return int(width) if width is not None else None


def recorded_names(pipeline: Any) -> tuple[str, ...] | None:
    """The names of a pipeline fitted on a DataFrame (scikit-learn's `feature_names_in_`)."""
    names = getattr(pipeline, "feature_names_in_", None)
    if names is None and is_lale(pipeline):
        names = getattr(_transformer(pipeline.steps_list()[0]), "feature_names_in_", None)
    return tuple(str(n) for n in names) if names is not None else None


def recorded_types(pipeline: Any, width: int) -> tuple[str | None, ...] | None:
    """Each input column's type as the autoai-libs steps record it (None where none does), or
    None when no step records any. A column two steps type differently is None."""
    found: dict[int, str | None] = {}
    for column, autoai_type in _typed_columns(pipeline):
        kind = AUTOAI_TYPES.get(autoai_type)
        if column is None or not 0 <= column < width:
            continue
        found[column] = kind if found.get(column, kind) == kind else None
    if not any(found.values()):
        return None
    return tuple(found.get(column) for column in range(width))


def takes_named_columns(pipeline: Any) -> bool:
    """Whether the pipeline must be given a DataFrame: it was fitted on one (scikit-learn records
    `feature_names_in_`), or it holds lale operators that pick columns by name or dtype
    (`lale.lib.aif360`'s fairness operators name their protected attributes, `Project` selects
    columns by type)."""
    if recorded_names(pipeline) is not None:
        return True
    if not is_lale(pipeline):
        return False
    return any(_picks_columns(operator) for operator in _all_operators(pipeline))


def _all_operators(pipeline: Any) -> list[Any]:
    """A lale pipeline's operators, with those nested in operators' hyperparameters (a fairness
    operator's `preparation` pipeline)."""
    found = []
    for operator in pipeline.steps_list():
        found.append(operator)
        for value in (operator.hyperparams() or {}).values():
            if is_lale(value):
                found += _all_operators(value)
            elif hasattr(value, "class_name"):  # a lone lale operator
                found.append(value)
    return found


def _picks_columns(operator: Any) -> bool:
    module = type(_transformer(operator)).__module__
    return module.startswith(("lale.lib.aif360", "lale.lib.rasl.project", "lale.lib.lale.project"))


def _typed_columns(pipeline: Any) -> list[tuple[int, str]]:
    """(input column, autoai-libs type) pairs, from every step that records types."""
    if is_lale(pipeline):
        return _lale_typed_columns(pipeline)
    return _sklearn_typed_columns(pipeline, None)[1]


def _sklearn_typed_columns(step: Any, columns: Any) -> tuple[Any, list[tuple[int, str]]]:
    """What `step` passes on when it reads `columns` of the input (None: all, in order), and the
    types recorded below it."""
    steps = getattr(step, "steps", None)
    if isinstance(steps, list):  # Pipeline: each step reads what the one before passed on
        typed = []
        for _name, inner in steps:
            columns, found = _sklearn_typed_columns(inner, columns)
            typed += found
        return columns, typed
    branches = getattr(step, "transformer_list", None)
    if isinstance(branches, list):  # FeatureUnion: every branch reads the same columns
        typed = [pair for _name, b in branches for pair in _sklearn_typed_columns(b, columns)[1]]
        return OPAQUE, typed
    return _step_effect(step, columns)


def _lale_typed_columns(pipeline: Any) -> list[tuple[int, str]]:
    """The same over a lale graph: an operator reads what its one predecessor passed on."""
    typed = []
    predecessors: dict[int, list[Any]] = {}
    for source, target in pipeline.edges():
        predecessors.setdefault(id(target), []).append(source)
    passed: dict[int, Any] = {}
    for operator in pipeline.steps_list():  # in topological order
        before = predecessors.get(id(operator), [])
        columns = None if not before else passed[id(before[0])] if len(before) == 1 else OPAQUE
        passed[id(operator)], found = _step_effect(_transformer(operator), columns)
        typed += found
    return typed


def _step_effect(step: Any, columns: Any) -> tuple[Any, list[tuple[int, str]]]:
    """What one transformer passes on (a column list, None for all, or OPAQUE) and the column
    types it records for the raw input columns it reads."""
    if columns == OPAQUE or not _is_autoai_libs(step):
        return OPAQUE, []
    name = type(step).__name__
    params = step.get_params(deep=False)
    if name in SELECTORS:
        selected = list(params.get(SELECTORS[name]) or [])
        return [_input_column(columns, i) for i in selected], []
    if name in DERIVING_STEPS:
        return _derived_effect(step, *DERIVING_STEPS[name], columns)
    if name in TYPED_STEPS and params.get("dtypes_list"):
        dtypes = list(params["dtypes_list"])
        inputs = range(len(dtypes)) if columns is None else columns
        return OPAQUE, list(zip(inputs, dtypes))
    return OPAQUE, []


def _input_column(columns: list[int | None] | None, position: int) -> int | None:
    """The input column at `position` of what a step passed on (None: a derived feature)."""
    if columns is None:
        return position
    return columns[position] if position < len(columns) else None


def _derived_effect(
    step: Any, sources_attribute: str, drop_attribute: str, columns: Any
) -> tuple[Any, list[tuple[int, str]]]:
    """A text or date transformer passes on its other columns (and its source columns unless it
    drops them), then the features it derives, which are no input column (positions past the
    list). Its source columns held text, as `read_csv` reads dates and free text. (Before
    autoai-libs 2.0, `DateTransformer` finds its date columns when fitted and records them in
    the same attribute.)"""
    sources = list(getattr(step, sources_attribute, None) or [])
    if not sources or columns == OPAQUE:
        return OPAQUE, []
    width = max(sources) + 1 if columns is None else len(columns)
    dropped = set(sources) if getattr(step, drop_attribute, False) else set()
    passed = [_input_column(columns, i) for i in range(width) if i not in dropped]
    if columns is None:  # the step reads the raw input, wider than its highest source column
        return OPAQUE, [(i, "char_str") for i in sources]
    typed = [(columns[i], "char_str") for i in sources if columns[i] is not None]
    return passed, typed


def _transformer(operator: Any) -> Any:
    """A lale operator's underlying transformer (its public `impl`)."""
    return getattr(operator, "impl", operator)


def is_lale(pipeline: Any) -> bool:
    """A lale trained pipeline: a graph of operators (a scikit-learn Pipeline has no edges)."""
    return hasattr(pipeline, "steps_list") and hasattr(pipeline, "edges")


def _is_autoai_libs(step: Any) -> bool:
    return type(step).__module__.startswith("autoai_libs") and hasattr(step, "get_params")
