"""Objects of every kind AutoAI pipelines (and their libraries) pickle, built in the running runtime.

Each builder fits or makes a small object of one kind; the allowlist tests load its pickle
through the allowlist, and `python -m tests.pickled_kinds DIR` writes them all to DIR so that
`python -m tools.pickle_globals DIR/*` lists the globals they name (how the allowlist was drawn
up). A builder needs one library (`requires`); where that library is missing, it is skipped.
"""

from __future__ import annotations

import collections
import datetime
import decimal
import functools
import importlib
import importlib.util
import re
import sys
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Kind:
    name: str
    requires: str  # what the builder imports: "module" or "module:name"
    build: Callable[[], Any]
    # snapml turns subnormal floats off for the whole process when imported (hypothesis then
    # refuses to run): kinds that touch process-wide state are built in a child process
    isolated: bool = False

    def missing(self) -> str | None:
        """Why this runtime cannot build the kind (its library lacks what it needs), or None."""
        if self.isolated:
            module = self.requires.partition(":")[0]
            found = importlib.util.find_spec(module)
            return None if found else f"{module} is not installed"
        return missing_requirement(self.requires)


def missing_requirement(requires: str) -> str | None:
    """Why this runtime lacks `requires` ("module" or "module:name", imported to tell), or None."""
    module, _, name = requires.partition(":")
    try:
        imported = importlib.import_module(module)
    except ImportError:
        return f"{module} is not installed"
    if name and not hasattr(imported, name):
        return f"{module} has no {name}"
    return None


def _xy(rows: int = 60) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.RandomState(0)
    features = rng.normal(size=(rows, 4))
    return features, (features[:, 0] + features[:, 1] > 0).astype(int)


def _fitted(estimator: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return estimator.fit(*_xy())


def lightgbm_classifier() -> Any:
    from lightgbm import LGBMClassifier

    return _fitted(LGBMClassifier(n_estimators=5, min_child_samples=5, verbose=-1))


def xgboost_classifier() -> Any:
    from xgboost import XGBClassifier

    return _fitted(XGBClassifier(n_estimators=5, max_depth=2, n_jobs=1))


def sklearn_estimators() -> list[Any]:
    """Estimators AutoAI picks, several of them Cython-backed (trees, their splitters, losses)."""
    from sklearn.ensemble import (
        ExtraTreesClassifier,
        GradientBoostingClassifier,
        HistGradientBoostingClassifier,
        RandomForestClassifier,
    )
    from sklearn.linear_model import LogisticRegression, SGDClassifier
    from sklearn.tree import DecisionTreeClassifier

    return [
        _fitted(estimator)
        for estimator in (
            DecisionTreeClassifier(max_depth=3),
            RandomForestClassifier(n_estimators=3, max_depth=3),
            ExtraTreesClassifier(n_estimators=3, max_depth=3),
            GradientBoostingClassifier(n_estimators=3),
            HistGradientBoostingClassifier(max_iter=3),
            LogisticRegression(),
            SGDClassifier(),
        )
    ]


def snapml_estimators() -> list[Any]:
    import snapml

    return [
        _fitted(estimator)
        for estimator in (
            snapml.SnapBoostingMachineClassifier(num_round=5, n_jobs=1),
            snapml.SnapRandomForestClassifier(n_estimators=3, n_jobs=1),
            snapml.SnapDecisionTreeClassifier(max_depth=3),
            snapml.SnapLogisticRegression(),
        )
    ]


def autoai_feature_engineering() -> Any:
    """The feature-engineering steps AutoAI adds (TA1, TA2, TGen, FS1), each fitted on raw columns."""
    from autoai_libs.cognito.transforms.textras_methods import cube, sigmoid
    from autoai_libs.cognito.transforms.transform_utils import FS1, TA1, TA2, TGen
    from autoai_libs.utils.fc_methods import is_not_categorical

    names = ["a", "b", "c", "d"]
    dtypes = [np.dtype("float64")] * 4
    common = {"col_names": names, "col_dtypes": dtypes}
    features, labels = np.abs(_xy()[0]), _xy()[1]
    steps = (
        TA1(np.sqrt, "sqrt", ["numeric"], [is_not_categorical], **common),
        TA2(
            np.add,
            "sum",
            ["numeric"],
            [is_not_categorical],
            ["numeric"],
            [is_not_categorical],
            **common,
        ),
        TGen(cube, "cube", 1, [["numeric"]], [[is_not_categorical]], **common),
        TA1(sigmoid, "sigmoid", ["numeric"], [is_not_categorical], **common),
        FS1(cols_ids_must_keep=range(0, 4), additional_col_count_to_keep=4, ptype="classification"),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [step.fit(features, labels) for step in steps]


def _text_column() -> np.ndarray:
    words = ["red apple", "green pear", "blue sky", "red sky at night", "green apple pie"] * 8
    return np.array([[i, w] for i, w in enumerate(words)], dtype=object)


def autoai_tfidf_transformer() -> Any:
    from autoai_libs.transformers.text_transformers import TfIdfTransformer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return TfIdfTransformer(output_dim=2, text_columns=[1], min_count=1).fit(_text_column())


def autoai_word2vec_transformer() -> Any:
    """autoai-libs 1 embeds text with gensim (its model pickles `builtins.hash`)."""
    from autoai_libs.transformers.text_transformers import Word2VecTransformer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Word2VecTransformer(output_dim=2, text_columns=[1], min_count=1).fit(_text_column())


def gensim_word2vec() -> Any:
    from gensim.models import Word2Vec

    sentences = [["red", "apple"], ["green", "pear"], ["red", "sky"]] * 5
    return Word2Vec(sentences, vector_size=4, min_count=1, workers=1, epochs=1, seed=0)


def pandas_objects() -> list[Any]:
    frame = pd.DataFrame(
        {
            "int": [1, 2, 3],
            "float": [0.5, np.nan, 2.0],
            "text": ["a", None, "c"],
            "flag": [True, False, True],
            "category": pd.Categorical(["x", "y", "x"]),
            "when": pd.to_datetime(["2024-01-01", "2024-02-01", None]),
            "when_utc": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"], utc=True),
            "when_paris": pd.date_range("2024-01-01", periods=3, tz="Europe/Paris"),
            "span": pd.to_timedelta([1, 2, 3], unit="s"),
            "nullable": pd.array([1, None, 3], dtype="Int64"),
        }
    )
    multi = pd.MultiIndex.from_tuples([("a", 1), ("b", 2)])
    return [
        frame,
        frame["float"],
        frame.set_index("when"),
        pd.Series([1.0, 2.0], index=multi),
        pd.RangeIndex(5),
        pd.Index(["a", "b"]),
        pd.period_range("2024-01", periods=3, freq="M"),
        pd.interval_range(0, 3),
        pd.Timestamp("2024-01-01", tz="UTC"),
        pd.Timedelta("1D"),
        pd.NaT,
        pd.NA,
    ]


def numpy_objects() -> list[Any]:
    return [
        np.arange(6, dtype=np.int32).reshape(2, 3),
        np.array(["a", None, 1.5], dtype=object),
        np.array([(1, 2.0)], dtype=[("x", "i4"), ("y", "f8")]),
        np.array(["2024-01-01"], dtype="datetime64[ns]"),
        np.ma.masked_array([1, 2], mask=[True, False]),
        np.float64(1.5),
        np.int64(3),
        np.bool_(True),
        np.dtype("<U5"),
        np.random.RandomState(0),
        np.random.default_rng(0),
        np.sqrt,
    ]


def scipy_sparse_matrices() -> list[Any]:
    from scipy import sparse

    dense = np.eye(3)
    made = [sparse.csr_matrix(dense), sparse.csc_matrix(dense), sparse.coo_matrix(dense)]
    if hasattr(sparse, "csr_array"):
        made.append(sparse.csr_array(dense))
    return made


def standard_values() -> list[Any]:
    return [
        datetime.datetime(2024, 1, 1, 12, tzinfo=datetime.timezone.utc),
        datetime.date(2024, 1, 1),
        datetime.time(12, 30),
        datetime.timedelta(days=1),
        decimal.Decimal("1.25"),
        uuid.UUID(int=1),
        re.compile(r"\d+", re.IGNORECASE),
        collections.OrderedDict(a=1),
        collections.defaultdict(list, a=[1]),
        collections.Counter("abca"),
        collections.deque([1, 2]),
        functools.partial(int, base=2),
        frozenset({1}),
        {1, 2},
        bytearray(b"ab"),
        b"bytes",
        complex(1, 2),
        slice(1, 5, 2),
        range(3),
        type(None),
        Ellipsis,
        NotImplemented,
    ]


TEXT_TRANSFORMERS = "autoai_libs.transformers.text_transformers"
KINDS = (
    Kind("sklearn-estimators", "sklearn", sklearn_estimators),
    Kind("xgboost-classifier", "xgboost", xgboost_classifier),
    Kind("lightgbm-classifier", "lightgbm", lightgbm_classifier),
    Kind("snapml-estimators", "snapml", snapml_estimators, isolated=True),
    Kind("autoai-feature-engineering", "autoai_libs.cognito", autoai_feature_engineering),
    Kind("autoai-tfidf", f"{TEXT_TRANSFORMERS}:TfIdfTransformer", autoai_tfidf_transformer),
    Kind(
        "autoai-word2vec", f"{TEXT_TRANSFORMERS}:Word2VecTransformer", autoai_word2vec_transformer
    ),
    Kind("gensim-word2vec", "gensim", gensim_word2vec),
    Kind("pandas-objects", "pandas", pandas_objects),
    Kind("numpy-objects", "numpy", numpy_objects),
    Kind("scipy-sparse", "scipy.sparse", scipy_sparse_matrices),
    Kind("standard-values", "datetime", standard_values),
)


def round_trip(kind: Kind, form: str, path: Path) -> tuple[list[str], list[str]]:
    """Write the kind in `form` (protocol-2, highest-protocol, joblib) to `path` and load it
    through the allowlist: the type names of what was made and of what loaded."""
    import pickle

    import joblib

    from handler.model.safe_pickle import load_pipeline

    made = kind.build()
    if form == "joblib":
        joblib.dump(made, path)
    else:
        protocol = 2 if form == "protocol-2" else pickle.HIGHEST_PROTOCOL
        path.write_bytes(pickle.dumps(made, protocol))
    return _type_names(made), _type_names(load_pipeline(path))


def _type_names(thing: Any) -> list[str]:
    return [type(each).__qualname__ for each in (thing if isinstance(thing, list) else [thing])]


def main(out_dir: Path) -> None:
    """Write each kind this runtime can build as a pickle (protocol 2 and the highest) and a
    joblib file."""
    import pickle

    import joblib

    out_dir.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        if kind.missing():
            print(f"{kind.name}: {kind.missing()}", file=sys.stderr)
            continue
        made = kind.build()
        for protocol in (2, pickle.HIGHEST_PROTOCOL):
            (out_dir / f"{kind.name}.p{protocol}.pickle").write_bytes(pickle.dumps(made, protocol))
        joblib.dump(made, out_dir / f"{kind.name}.joblib")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
