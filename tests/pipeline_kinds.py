"""Pipelines of the kinds AutoAI produces beyond the plain one, built as its exported notebooks build
them: feature engineering (`TAM`, `FS1`, `TA1`, `TA2`, `FS2` from autoai-libs' cognito
transforms), text and date columns turned into features before the preprocessing, lale pipelines
ending in `TNoOp` and xgboost, snapml and LightGBM estimators, and snapml's
`BatchedTreeEnsembleClassifier` fitted batch by batch. Each is fitted on the numpy array of a
`read_csv` frame and pickled alone, as Watson Studio exports them.

    <venv>/bin/python -m tests.pipeline_kinds KIND OUT_DIR

builds one in a process of its own (importing snapml changes how that process rounds subnormal
floats, so no kind's libraries leak into the tests' process) and writes OUT_DIR/model/KIND.pickle,
OUT_DIR/training.csv (its training rows) and OUT_DIR/expected.json: the holdout rows as CSV and
the pipeline's own answers for them. It exits with status 3 where this runtime's libraries cannot
make the kind (Word2Vec text features are gone from autoai-libs 3, for one).

    <venv>/bin/python -m tests.pipeline_kinds score MODEL_DIR ROWS.csv

prints what the model in MODEL_DIR, loaded as `serve` loads it, answers for the rows.
"""

from __future__ import annotations

import json
import pickle
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
from sklearn.pipeline import make_pipeline

from tests.pickled_kinds import missing_requirement
from tests.pipelines import TrainedModel, customers_as_read
from training.autoai_pipeline import autoai_pipeline, feature_types
from training.sample_data import TARGET

ROWS = 300
HOLDOUT_ROWS = 40
NOT_IN_THIS_RUNTIME = 3  # the exit status of a build this runtime's libraries cannot make
COMMENT = "CUSTOMER_COMMENT"
SIGNUP_DATE = "SIGNUP_DATE"
TEXT_AND_DATE_COLUMNS = (COMMENT, SIGNUP_DATE)
TEXT_DIMENSIONS = 3
COMMENT_WORDS = (
    "billing", "outage", "great", "service", "slow", "meter", "reading", "solar", "panel",
    "refund", "thanks", "late", "payment", "app", "crashes", "friendly", "support", "high",
)  # fmt: skip
# The numpy types TA2 combines in AutoAI's exported notebooks.
NUMERIC_DTYPES = [
    "intc", "intp", "int_", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32",
    "int64", "short", "long", "longlong", "float16", "float32", "float64",
]  # fmt: skip


def feature_engineered(estimator: Callable[[], Any]) -> Callable[[list[str]], list[Any]]:
    """The steps after the preprocessing in AutoAI's feature-engineering pipelines: PCA features
    (TAM), a selection (FS1), squares of the numeric features (TA1), sums of pairs (TA2), a
    selection by a random forest's feature importances (FS2), then the estimator."""

    def steps(names: list[str]) -> list[Any]:
        import autoai_libs.utils.fc_methods as fc_methods
        from autoai_libs.cognito.transforms.transform_utils import FS1, FS2, TA1, TA2, TAM
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
            FS2(**keep_the_inputs_and_as_many_more, eval_algo=_random_forest()),
            estimator(),
        ]

    return steps


def estimator_only(estimator: Callable[[], Any]) -> Callable[[list[str]], list[Any]]:
    return lambda names: [estimator()]


def preprocessed(steps: Callable[[list[str]], list[Any]]) -> Callable[[pd.DataFrame], Any]:
    """The AutoAI-shaped preprocessing of the frame's columns, followed by `steps`."""

    def pipeline(features: pd.DataFrame) -> Any:
        front = autoai_pipeline(feature_types(features), "passthrough").steps[:-1]
        return make_pipeline(*[step for _, step in front], *steps(list(features.columns)))

    return pipeline


def derived_columns_first(
    source: str,
    make_front: Callable[[list[str]], tuple[Any, list[str]]],
    estimator: Callable[[], Any],
) -> Callable[[pd.DataFrame], Any]:
    """AutoAI's pipelines for a text or a date column (`source`): a `ColumnSelector` leaving out
    the row id and the columns it does not use, a transformer turning `source` into numeric
    features appended after the other columns, the AutoAI preprocessing of what it passes on,
    then the estimator."""
    from autoai_libs.transformers.exportable import ColumnSelector

    def pipeline(features: pd.DataFrame) -> Any:
        all_names = list(features.columns)
        unused = [all_names[0], *(n for n in TEXT_AND_DATE_COLUMNS if n != source)]
        names = [name for name in all_names if name not in unused]
        transformer, derived = make_front(names)
        kept = features[names].drop(columns=[source])
        types = {**feature_types(kept), **dict.fromkeys(derived, "float")}
        front = autoai_pipeline(types, "passthrough").steps[:-1]
        selector = ColumnSelector(columns_indices_list=[all_names.index(n) for n in names])
        return make_pipeline(selector, transformer, *[s for _, s in front], estimator())

    return pipeline


def text_features(method: str) -> Callable[[list[str]], tuple[Any, list[str]]]:
    """autoai-libs' `TextTransformer` embedding the comment column (`tf_idf` in autoai-libs 3,
    `word2vec` with gensim before), the text column dropped, its features appended."""

    def front(names: list[str]) -> tuple[Any, list[str]]:
        from autoai_libs.transformers.text_transformers import TextTransformer

        transformer = TextTransformer(
            text_processing_options={method: {"output_dim": TEXT_DIMENSIONS, "min_count": 1}},
            column_headers_list=names,
            drop_columns=True,
            text_columns=[names.index(COMMENT)],
        )
        return transformer, [f"{method}_{i}({COMMENT})" for i in range(TEXT_DIMENSIONS)]

    return front


def date_features(names: list[str]) -> tuple[Any, list[str]]:
    """autoai-libs' `DateTransformer` as AutoAI's notebooks write it: every date feature
    (timestamp, year, month, week, day of year, of month, of week) of the sign-up date."""
    import inspect

    from autoai_libs.transformers.date_time.date_time_transformer import DateTransformer

    # autoai-libs 2.0 and later are told the date columns; before, it found them itself
    told = "date_column_indices" in inspect.signature(DateTransformer).parameters
    transformer = DateTransformer(
        column_headers_list=names,
        **({"date_column_indices": [names.index(SIGNUP_DATE)]} if told else {}),
        delete_source_columns=True,
        missing_values_reference_list=["?", "", "-", float("nan")],
        options=["all"],
    )
    return transformer, [f"NewDateFeature_{i}({SIGNUP_DATE})" for i in range(7)]


def lale_no_op_xgboost(features: pd.DataFrame) -> Any:
    """A lale pipeline (autoai-libs' lale operators) ending in `TNoOp` and xgboost, as AutoAI
    exports its lale pipelines."""
    from lale.lib.xgboost import XGBClassifier
    from lale.operators import make_pipeline as lale_pipeline

    from training.autoai_pipeline import lale_autoai_operators

    no_op = lale_autoai_operators().TNoOp(
        fun="fun", name="no_action", datatypes="x", feat_constraints=[], tgraph="tgraph"
    )
    estimator = lale_pipeline(no_op, XGBClassifier(n_estimators=20, n_jobs=1, random_state=0))
    return autoai_pipeline(feature_types(features), estimator, flavour="lale")


def lale_xgboost_needs_label_codes() -> bool:
    """lale 0.7's xgboost operator hands labels to xgboost as they are, and xgboost 1.6 and later
    take codes only (runtime 23.1): there, AutoAI fits such pipelines on label codes."""
    import lale
    import xgboost
    from packaging.version import Version

    encoding_lale = Version(lale.__version__) >= Version("0.8")
    encoding_xgboost = Version(xgboost.__version__) < Version("1.6")
    return not (encoding_lale or encoding_xgboost)


def batched_tree_ensemble(features: pd.DataFrame) -> Any:
    """A lale pipeline ending in snapml's `BatchedTreeEnsembleClassifier`, AutoAI's estimator
    for incremental learning (fitted batch by batch with `partial_fit`)."""
    from lale.lib.snapml import BatchedTreeEnsembleClassifier
    from snapml import SnapBoostingMachineClassifier

    estimator = BatchedTreeEnsembleClassifier(
        base_ensemble=SnapBoostingMachineClassifier(num_round=10, n_jobs=1, random_state=0),
        max_sub_ensembles=3,
    )
    return autoai_pipeline(feature_types(features), estimator, flavour="lale")


def fit_in_batches(pipeline: Any, features: np.ndarray, target: np.ndarray) -> Any:
    """AutoAI's incremental learning: fit on the first batch, then `partial_fit` each further
    batch with the preprocessing it learned kept (`freeze_trained_prefix`)."""
    batches = np.array_split(np.arange(len(features)), 3)
    trained = pipeline.fit(features[batches[0]], target[batches[0]])
    for batch in batches[1:]:
        trained = trained.partial_fit(features[batch], target[batch], freeze_trained_prefix=True)
    return trained


def _gradient_boosting() -> Any:
    from sklearn.ensemble import GradientBoostingClassifier

    return GradientBoostingClassifier(n_estimators=20, random_state=0)


def _random_forest() -> Any:
    from sklearn.ensemble import RandomForestClassifier

    return RandomForestClassifier(n_estimators=10, random_state=0)


def _lightgbm() -> Any:
    from lightgbm import LGBMClassifier

    return LGBMClassifier(n_estimators=20, random_state=0, verbose=-1, n_jobs=1)


def _snapml(name: str) -> Callable[[], Any]:
    def estimator() -> Any:
        import inspect

        import snapml

        made = getattr(snapml, name)
        seeded = "random_state" in inspect.signature(made).parameters
        return made(random_state=0) if seeded else made()

    return estimator


@dataclass(frozen=True)
class PipelineKind:
    """A kind, its estimator made only when it is built: importing snapml at all flushes
    subnormal floats for the whole process, so importing this module must import no library."""

    build: Callable[[pd.DataFrame], Any]  # the unfitted pipeline for these feature columns
    requires: str  # what the runtime's libraries must have: "module" or "module:name"
    text_and_dates: bool = False  # the customers' data with a comment and a sign-up date
    incremental: bool = False  # fitted batch by batch with partial_fit
    # whether the runtime fits it on label codes rather than the labels themselves
    label_codes: Callable[[], bool] = lambda: False

    def missing(self) -> str | None:
        """Why this runtime's libraries cannot make the kind, or None."""
        return missing_requirement(self.requires)


SNAPML_ESTIMATORS = (
    "SnapRandomForestClassifier",
    "SnapBoostingMachineClassifier",
    "SnapDecisionTreeClassifier",
    "SnapLogisticRegression",
    "SnapSVMClassifier",
)
TEXT_TRANSFORMERS = "autoai_libs.transformers.text_transformers"
KINDS: dict[str, PipelineKind] = {
    "feature-engineering": PipelineKind(
        preprocessed(feature_engineered(_gradient_boosting)), "autoai_libs.cognito"
    ),
    "lightgbm": PipelineKind(preprocessed(estimator_only(_lightgbm)), "lightgbm"),
    **{
        name: PipelineKind(preprocessed(estimator_only(_snapml(name))), f"snapml:{name}")
        for name in SNAPML_ESTIMATORS
    },
    "text-tf-idf": PipelineKind(
        derived_columns_first(COMMENT, text_features("tf_idf"), _gradient_boosting),
        f"{TEXT_TRANSFORMERS}:TfIdfTransformer",
        text_and_dates=True,
    ),
    "text-word2vec": PipelineKind(
        derived_columns_first(COMMENT, text_features("word2vec"), _gradient_boosting),
        f"{TEXT_TRANSFORMERS}:Word2VecTransformer",
        text_and_dates=True,
    ),
    "dates": PipelineKind(
        derived_columns_first(SIGNUP_DATE, date_features, _gradient_boosting),
        "autoai_libs.transformers.date_time.date_time_transformer:DateTransformer",
        text_and_dates=True,
    ),
    "lale-no-op-xgboost": PipelineKind(
        lale_no_op_xgboost, "xgboost", label_codes=lale_xgboost_needs_label_codes
    ),
    "batched-tree-ensemble": PipelineKind(
        batched_tree_ensemble, "snapml:BatchedTreeEnsembleClassifier", incremental=True
    ),
}


def with_comment_and_signup_date(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The customers with a free-text comment and a sign-up date (ISO text, as in a CSV)."""
    rng = np.random.default_rng(seed)
    rows = len(frame)
    comments = [" ".join(rng.choice(COMMENT_WORDS, rng.integers(3, 9))) for _ in range(rows)]
    days = rng.integers(0, 3650, rows)
    dates = (pd.Timestamp("2014-01-01") + pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%d")
    return frame.assign(**{COMMENT: comments, SIGNUP_DATE: list(dates)})


def training_data(kind: PipelineKind, directory: Path) -> pd.DataFrame:
    """The kind's training and holdout rows, as `read_csv` reads them back from a CSV file."""
    data = customers_as_read(ROWS + HOLDOUT_ROWS, seed=11, directory=directory)
    if kind.text_and_dates:
        extended = with_comment_and_signup_date(data.drop(columns=[TARGET]), seed=11)
        extended[TARGET] = data[TARGET]
        path = directory / "customers-with-text-and-dates.csv"
        extended.to_csv(path, index=False)
        data = pd.read_csv(path)
    if kind.label_codes():
        data[TARGET] = data[TARGET].astype("category").cat.codes
    return data


def train_kind(directory: Path, name: str) -> TrainedModel:
    """The kind fitted on the training rows as AutoAI's notebooks fit it (on the numpy array of
    the `read_csv` frame) and pickled alone; the training rows written as training.csv."""
    kind = KINDS[name]
    data = training_data(kind, directory)
    features = data.drop(columns=[TARGET])
    pipeline = kind.build(features)
    train_values, train_target = features.values[:ROWS], data[TARGET].values[:ROWS]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if kind.incremental:
            fitted = fit_in_batches(pipeline, train_values, train_target)
        else:
            fitted = pipeline.fit(train_values, train_target)
    model_dir = directory / "model"
    model_dir.mkdir(parents=True, exist_ok=True)
    (model_dir / f"{name}.pickle").write_bytes(pickle.dumps(fitted))
    data.iloc[:ROWS].to_csv(directory / "training.csv", index=False)
    data.iloc[ROWS:].to_csv(directory / "validation.csv", index=False)
    return TrainedModel(model_dir, fitted, features.iloc[ROWS:].reset_index(drop=True))


def refitted(name: str, trained: TrainedModel, directory: Path) -> Any:
    """The kind built afresh and fitted at once on all the training rows, as `train` refits it."""
    data = pd.read_csv(directory / "training.csv")
    features = data.drop(columns=[TARGET])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return KINDS[name].build(features).fit(features.values, data[TARGET].values)


def answers(model: Any, holdout: pd.DataFrame) -> dict[str, Any]:
    """A pipeline's labels and (where it has them) probabilities for the holdout rows."""
    trained = TrainedModel(Path(), model, holdout)
    final_step = model.get_last() if hasattr(model, "get_last") else model.steps[-1][1]
    return {
        "labels": trained.expected_labels(),
        "probabilities": (
            trained.expected_proba() if hasattr(final_step, "predict_proba") else None
        ),
    }


def main(name: str, out_dir: Path) -> int:
    """Build the kind into out_dir; exit status 3, saying why, where this runtime cannot."""
    missing = KINDS[name].missing()
    if missing:
        print(f"{name}: {missing} in this runtime", file=sys.stderr)
        return NOT_IN_THIS_RUNTIME
    trained = train_kind(out_dir, name)
    expected = {"csv": trained.holdout.to_csv(header=False, index=False)}
    expected.update(answers(trained.pipeline, trained.holdout))
    expected["refitted"] = answers(refitted(name, trained, out_dir), trained.holdout)
    (out_dir / "expected.json").write_text(json.dumps(expected))
    return 0


def score(model_dir: Path, csv_path: Path) -> None:
    """Print, as JSON, what the model in model_dir (loaded as `serve` loads it) answers for the
    rows of a headerless CSV file."""
    from handler.model.autoai_model import AutoAIModel

    model = AutoAIModel.load(model_dir)
    frame = pd.read_csv(csv_path, header=None)
    predictions = model.predict(frame)
    print(json.dumps({"labels": predictions.labels, "probabilities": predictions.probabilities}))


if __name__ == "__main__":
    if sys.argv[1] == "score":
        score(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        sys.exit(main(sys.argv[1], Path(sys.argv[2])))
