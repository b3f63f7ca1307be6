"""Pipelines of the kinds AutoAI produces beyond the plain one, built as its exported notebooks build
them: the AutoAI-shaped preprocessing (`training.autoai_pipeline`), then feature engineering
(`TAM`, `FS1`, `TA1`, `TA2` from autoai-libs' cognito transforms) or another estimator, fitted on
the numpy array of a `read_csv` frame and pickled alone, as Watson Studio exports them.

    <venv>/bin/python -m tests.pipeline_kinds KIND OUT_DIR

builds one in a process of its own (importing snapml changes how that process rounds subnormal
floats, so no kind's libraries leak into the tests' process) and writes OUT_DIR/model/KIND.pickle
and OUT_DIR/expected.json: the holdout rows as CSV and the pipeline's own answers for them.
"""

from __future__ import annotations

import json
import pickle
import sys
import warnings
from pathlib import Path
from typing import Any, Callable

import numpy as np
from sklearn.pipeline import make_pipeline

from tests.pipelines import TrainedModel, customers_as_read
from training.autoai_pipeline import autoai_pipeline, feature_types
from training.sample_data import TARGET

ROWS = 300
# The numpy types TA2 combines in AutoAI's exported notebooks.
NUMERIC_DTYPES = [
    "intc", "intp", "int_", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32",
    "int64", "short", "long", "longlong", "float16", "float32", "float64",
]  # fmt: skip


def feature_engineered(estimator: Any) -> Callable[[list[str]], list[Any]]:
    """The steps after the preprocessing in AutoAI's feature-engineering pipelines: PCA features
    (TAM), a selection (FS1), squares of the numeric features (TA1), sums of pairs (TA2), another
    selection, then the estimator."""

    def steps(names: list[str]) -> list[Any]:
        import autoai_libs.utils.fc_methods as fc_methods
        from autoai_libs.cognito.transforms.transform_utils import FS1, TA1, TA2, TAM
        from sklearn.decomposition import PCA

        width = len(names)
        float32 = [np.dtype("float32")]
        with_pca = names + [f"pca_{i}" for i in range(width)]
        keep_the_inputs_and_as_many_more = {
            "cols_ids_must_keep": range(0, width),
            "additional_col_count_to_keep": width,
            "ptype": "classification",
        }
        return [
            TAM(tans_class=PCA(), name="pca", col_names=names, col_dtypes=float32 * width),
            FS1(**keep_the_inputs_and_as_many_more),
            TA1(
                fun=np.square,
                name="square",
                datatypes=["numeric"],
                feat_constraints=[fc_methods.is_not_categorical],
                col_names=with_pca,
                col_dtypes=float32 * len(with_pca),
            ),
            FS1(**keep_the_inputs_and_as_many_more),
            TA2(
                fun=np.add,
                name="sum",
                datatypes1=NUMERIC_DTYPES,
                feat_constraints1=[fc_methods.is_not_categorical],
                datatypes2=NUMERIC_DTYPES,
                feat_constraints2=[fc_methods.is_not_categorical],
                col_names=with_pca[: 2 * width],
                col_dtypes=float32 * (2 * width),
            ),
            FS1(**keep_the_inputs_and_as_many_more),
            estimator,
        ]

    return steps


def estimator_only(estimator: Any) -> Callable[[list[str]], list[Any]]:
    return lambda names: [estimator]


def train_kind(directory: Path, name: str, steps: Callable[[list[str]], list[Any]]) -> TrainedModel:
    """The AutoAI-shaped preprocessing followed by `steps`, fitted and pickled alone."""
    data = customers_as_read(ROWS + 40, seed=11, directory=directory)
    features = data.drop(columns=[TARGET])
    names = list(features.columns)
    front = autoai_pipeline(feature_types(features), "passthrough").steps[:-1]
    pipeline = make_pipeline(*[step for _, step in front], *steps(names))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipeline.fit(features.values[:ROWS], data[TARGET].values[:ROWS])
    model_dir = directory / "model"
    model_dir.mkdir(parents=True, exist_ok=True)
    (model_dir / f"{name}.pickle").write_bytes(pickle.dumps(pipeline))
    return TrainedModel(model_dir, pipeline, features.iloc[ROWS:].reset_index(drop=True))


def _gradient_boosting() -> Any:
    from sklearn.ensemble import GradientBoostingClassifier

    return GradientBoostingClassifier(n_estimators=20, random_state=0)


def _lightgbm() -> Any:
    from lightgbm import LGBMClassifier

    return LGBMClassifier(n_estimators=20, random_state=0, verbose=-1, n_jobs=1)


def _snapml(name: str) -> Callable[[], Any]:
    def estimator() -> Any:
        import snapml

        return getattr(snapml, name)()

    return estimator


SNAPML_ESTIMATORS = (
    "SnapRandomForestClassifier",
    "SnapBoostingMachineClassifier",
    "SnapDecisionTreeClassifier",
    "SnapLogisticRegression",
    "SnapSVMClassifier",
)
KINDS: dict[str, Callable[[], Callable[[list[str]], list[Any]]]] = {
    "feature-engineering": lambda: feature_engineered(_gradient_boosting()),
    "lightgbm": lambda: estimator_only(_lightgbm()),
    **{name: (lambda n=name: estimator_only(_snapml(n)())) for name in SNAPML_ESTIMATORS},
}


def main(kind: str, out_dir: Path) -> None:
    trained = train_kind(out_dir, kind, KINDS[kind]())
    has_probabilities = hasattr(trained.pipeline.steps[-1][1], "predict_proba")
    expected = {
        "csv": trained.holdout.to_csv(header=False, index=False),
        "labels": trained.expected_labels(),
        "probabilities": trained.expected_proba() if has_probabilities else None,
    }
    (out_dir / "expected.json").write_text(json.dumps(expected))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
