"""AutoAI-shaped pipelines: the structure Watson Studio AutoAI exports, built with autoai-libs.

A categorical branch (strings and booleans) and a numeric branch (integers and floats), joined by a
`FeatureUnion`, permuted back to the input's column order and fed to an estimator. The same steps
exist as scikit-learn transformers (`autoai_libs.transformers.exportable`) and as lale operators
(`autoai_libs.lale`); `flavour` picks which, as Watson exports either.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from handler.model.library_imports import loggers_kept_enabled

Flavour = Literal["sklearn", "lale"]
MISSING_REFERENCES = ["", "-", "?", float("nan")]
# The dtype names CompressStrings and FloatStr2Float know, per feature type of ours.
AUTOAI_DTYPES = {"str": "char_str", "bool": "boolean", "int": "int_num", "float": "float_num"}
CATEGORICAL_TYPES = ("str", "bool")


def feature_types(frame: pd.DataFrame) -> dict[str, str]:
    """Each column's feature type (int, float, bool or str), as read by `pandas.read_csv`.

    A float column whose values are all whole numbers is an integer column with missing values,
    and an object column of booleans a boolean column with missing values.
    """
    types = {}
    for name, column in frame.items():
        present = column.dropna()
        # read_csv reads a boolean column with missing values as objects: True, False and NaN
        if pd.api.types.is_bool_dtype(column) or (
            len(present) and all(isinstance(v, (bool, np.bool_)) for v in present)
        ):
            types[name] = "bool"
        elif pd.api.types.is_integer_dtype(column):
            types[name] = "int"
        elif pd.api.types.is_float_dtype(column):
            present = column.dropna()
            types[name] = "int" if len(present) and (present % 1 == 0).all() else "float"
        else:
            types[name] = "str"
    return types


def autoai_pipeline(
    types: Mapping[str, str],
    estimator,
    flavour: Flavour = "sklearn",
    selected: Sequence[str] | None = None,
    categorical_columns: Collection[str] = (),
    missing_values: Sequence[object] = (),
):
    """An unfitted AutoAI-shaped pipeline over columns of these types, in this order.

    As AutoAI also exports them: `selected` puts a `NumpyColumnSelector` of those columns in
    front; `categorical_columns` names number columns treated as categories; `missing_values`
    are the categorical branch's `NumpyReplaceMissingValues` markers (AutoAI's `['']`).
    """
    steps = _steps(flavour)
    names = list(types) if selected is None else list(selected)
    kinds = [types[name] for name in names]
    categorical = [
        i
        for i, (name, kind) in enumerate(zip(names, kinds))
        if kind in CATEGORICAL_TYPES or name in categorical_columns
    ]
    numeric = [i for i in range(len(names)) if i not in categorical]
    branches = []
    if categorical:
        branches.append(
            _categorical_branch(
                steps, categorical, [kinds[i] for i in categorical], list(missing_values)
            )
        )
    if numeric:
        branches.append(_numeric_branch(steps, numeric, [kinds[i] for i in numeric]))
    if not branches:
        raise ValueError("an AutoAI pipeline needs at least one feature column")
    features = steps.make_union(*branches) if len(branches) > 1 else branches[0]
    front = []
    if selected is not None:
        front = [steps.NumpyColumnSelector(columns=[list(types).index(n) for n in selected])]
    return steps.make_pipeline(
        *front,
        features,
        steps.NumpyPermuteArray(axis=0, permutation_indices=categorical + numeric),
        estimator,
    )


def _categorical_branch(steps, columns: list[int], kinds: list[str], missing_values: list):
    return steps.make_pipeline(
        steps.NumpyColumnSelector(columns=columns),
        steps.CompressStrings(
            compress_type="hash",
            dtypes_list=[AUTOAI_DTYPES[kind] for kind in kinds],
            missing_values_reference_list=MISSING_REFERENCES,
            misslist_list=[[] for _ in columns],
        ),
        steps.NumpyReplaceMissingValues(missing_values=missing_values, filling_values=float("nan")),
        steps.NumpyReplaceUnknownValues(
            filling_values=float("nan"),
            filling_values_list=[float("nan")] * len(columns),
            missing_values_reference_list=MISSING_REFERENCES,
        ),
        steps.boolean2float(),
        steps.CatImputer(
            strategy="most_frequent", missing_values=float("nan"), sklearn_version_family="1"
        ),
        steps.CatEncoder(
            encoding="ordinal",
            categories="auto",
            dtype=np.float64,
            handle_unknown="error",
            sklearn_version_family="1",
        ),
        steps.float32_transform(),
    )


def _numeric_branch(steps, columns: list[int], kinds: list[str]):
    return steps.make_pipeline(
        steps.NumpyColumnSelector(columns=columns),
        steps.FloatStr2Float(
            dtypes_list=[AUTOAI_DTYPES[kind] for kind in kinds],
            missing_values_reference_list=[],
        ),
        steps.NumpyReplaceMissingValues(missing_values=[], filling_values=float("nan")),
        steps.NumImputer(strategy="median", missing_values=float("nan")),
        steps.OptStandardScaler(use_scaler_flag=False),
        steps.float32_transform(),
    )


def _steps(flavour: Flavour):
    """The module-like namespace holding the transformers and combinators of one flavour."""
    from types import SimpleNamespace

    with loggers_kept_enabled():
        if flavour == "lale":
            from lale.operators import make_pipeline, make_union

            transformers = lale_autoai_operators()
        else:
            import autoai_libs.transformers.exportable as transformers
            from sklearn.pipeline import make_pipeline, make_union
    names = [
        "NumpyColumnSelector",
        "CompressStrings",
        "NumpyReplaceMissingValues",
        "NumpyReplaceUnknownValues",
        "boolean2float",
        "CatImputer",
        "CatEncoder",
        "float32_transform",
        "FloatStr2Float",
        "NumImputer",
        "OptStandardScaler",
        "NumpyPermuteArray",
    ]
    found = {name: getattr(transformers, name) for name in names}
    return SimpleNamespace(make_pipeline=make_pipeline, make_union=make_union, **found)


def lale_autoai_operators():
    """The module of autoai-libs' transformers as lale operators."""
    with loggers_kept_enabled():
        try:  # autoai-libs 2 and later carry the lale operators
            import autoai_libs.lale as operators
        except ImportError:  # before, lale did (AutoAI runtimes 22.1 and 23.1)
            import lale.lib.autoai_libs as operators
    return operators
