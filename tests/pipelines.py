"""Real AutoAI-shaped pipelines for the tests, trained by the project's own code on sample data."""

from __future__ import annotations

import pickle
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.pipeline import Pipeline

from training.autoai_pipeline import autoai_pipeline, feature_types
from training.export import save_model
from training.sample_data import TARGET, demand_response_customers

REGRESSION_TARGET = "CLTV"


@dataclass
class TrainedModel:
    model_dir: Path
    pipeline: Any
    holdout: pd.DataFrame  # feature rows the pipeline was not fitted on, as pandas.read_csv gives
    frame: bool = False  # fitted on the DataFrame itself rather than its values

    def expected_proba(self, frame: pd.DataFrame | None = None) -> list[list[float]]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rows = self.holdout if frame is None else frame
            return self.pipeline.predict_proba(rows if self.frame else rows.values).tolist()

    def expected_labels(self, frame: pd.DataFrame | None = None) -> list[Any]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rows = self.holdout if frame is None else frame
            return self.pipeline.predict(rows if self.frame else rows.values).tolist()


def customers_as_read(rows: int, seed: int, directory: Path) -> pd.DataFrame:
    """Sample customers after a CSV round trip, typed as pandas.read_csv types a Watson export."""
    path = directory / f"customers-{rows}-{seed}.csv"
    demand_response_customers(rows, seed=seed).to_csv(path, index=False)
    return pd.read_csv(path)


class FailsOnCity(BaseEstimator, TransformerMixin):
    """A user's own pipeline step that raises on rows of one city (for the fault tests)."""

    def __init__(self, column: int = 0, city: str = ""):
        self.column = column
        self.city = city

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        if (X[:, self.column] == self.city).any():
            raise RuntimeError(f"pipeline step refused city {self.city}")
        return X


def train(
    directory: Path,
    flavour: str = "sklearn",
    regression: bool = False,
    metadata: bool = True,
    pickle_name: str = "model.pickle",
    rows: int = 300,
    faulty_city: str | None = None,
) -> TrainedModel:
    """Fit an AutoAI-shaped pipeline and write it into `directory/model` (with or without metadata).

    With `faulty_city`, a `FailsOnCity` step goes first (a pickle the allowlist refuses).
    """
    data = customers_as_read(rows + 40, seed=11, directory=directory)
    target = REGRESSION_TARGET if regression else TARGET
    features = data.drop(columns=[TARGET, REGRESSION_TARGET] if regression else [TARGET])
    types = feature_types(features)
    pipeline = autoai_pipeline(types, _estimator(flavour, regression), flavour=flavour)
    if faulty_city is not None:
        guard = FailsOnCity(list(features.columns).index("CITY"), faulty_city)
        pipeline = Pipeline([("guard", guard), *pipeline.steps])
    train_rows = features.iloc[:rows]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = pipeline.fit(train_rows.values, data[target].iloc[:rows].values)
    model_dir = directory / "model"
    if metadata:
        save_model(fitted, train_rows, types, model_dir, target=target)
        if pickle_name != "model.pickle":
            raise ValueError("metadata models are written as model.pickle")
    else:
        model_dir.mkdir(parents=True, exist_ok=True)
        with (model_dir / pickle_name).open("wb") as stream:
            pickle.dump(fitted, stream)
    return TrainedModel(model_dir, fitted, features.iloc[rows:].reset_index(drop=True))


def _estimator(flavour: str, regression: bool) -> Any:
    if flavour == "lale":
        from lale.lib.sklearn import GradientBoostingClassifier, GradientBoostingRegressor

        estimator = GradientBoostingRegressor if regression else GradientBoostingClassifier
        return estimator(n_estimators=20, random_state=0)
    if regression:
        from xgboost import XGBRegressor

        return XGBRegressor(n_estimators=20, max_depth=3, n_jobs=1, random_state=0)
    from sklearn.ensemble import GradientBoostingClassifier

    return GradientBoostingClassifier(n_estimators=20, random_state=0)


def train_fairness_mitigated(directory: Path, rows: int = 300) -> TrainedModel:
    """A lale pipeline with a fairness operator (aif360's DisparateImpactRemover, protecting
    GENDER), fitted on the `read_csv` DataFrame of the columns without missing values, pickled
    alone: it selects columns by name and type, so it needs a DataFrame with names."""
    from lale.lib.aif360 import DisparateImpactRemover
    from lale.lib.lale import ConcatFeatures, Project
    from lale.lib.sklearn import LogisticRegression, OneHotEncoder

    data = customers_as_read(rows + 40, seed=11, directory=directory)
    features = data.drop(columns=[TARGET])
    features = features[[c for c in features.columns if not features[c].isna().any()]]
    preparation = (
        (Project(columns={"type": "string"}) >> OneHotEncoder(handle_unknown="ignore"))
        & Project(columns={"type": "number"})
    ) >> ConcatFeatures
    mitigation = DisparateImpactRemover(
        favorable_labels=["Yes"],
        protected_attributes=[{"feature": "GENDER", "reference_group": ["M"]}],
        preparation=preparation,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = (mitigation >> LogisticRegression(max_iter=1000)).fit(
            features.iloc[:rows], data[TARGET].iloc[:rows]
        )
    model_dir = directory / "model"
    model_dir.mkdir(parents=True, exist_ok=True)
    (model_dir / "fairness-pipeline.pickle").write_bytes(pickle.dumps(fitted))
    data.iloc[:rows][[*features.columns, TARGET]].to_csv(directory / "training.csv", index=False)
    return TrainedModel(model_dir, fitted, features.iloc[rows:].reset_index(drop=True), frame=True)


# The shapes the compiled scorer covers (docs/compiled-scoring.md): name -> how it is trained.
COMPILED_SHAPES = {
    "default": {"estimator": "gradient_boosting"},
    "selector_in_front": {
        "estimator": "gradient_boosting",
        "drop": ("CUSTOMER_ID", "Customer Last Name"),
        "missing_values": [""],
    },
    "integer_categories": {
        "estimator": "gradient_boosting",
        "categorical_columns": ("COMPLAINTS", "MISSED_PAYMENT", "HOME_SIZE"),
    },
    "random_forest": {"estimator": "random_forest"},
    "extra_trees": {"estimator": "extra_trees"},
    "xgboost": {"estimator": "xgboost"},
    "lightgbm": {"estimator": "lightgbm"},
    "logistic_regression": {"estimator": "logistic_regression"},
}


def train_shape(directory: Path, shape: str, rows: int = 300) -> TrainedModel:
    """Fit one of `COMPILED_SHAPES` into `directory/model`, with metadata."""
    spec = COMPILED_SHAPES[shape]
    data = customers_as_read(rows + 40, seed=11, directory=directory)
    features = data.drop(columns=[TARGET])
    types = feature_types(features)
    dropped = spec.get("drop")
    pipeline = autoai_pipeline(
        types,
        _shape_estimator(spec["estimator"]),
        selected=[c for c in features.columns if c not in dropped] if dropped else None,
        categorical_columns=spec.get("categorical_columns", ()),
        missing_values=spec.get("missing_values", ()),
    )
    target = data[TARGET]
    if spec["estimator"] == "xgboost":  # xgboost's scikit-learn API takes encoded labels only
        target = (target == "Yes").astype(int)
    train_rows = features.iloc[:rows]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = pipeline.fit(train_rows.values, target.iloc[:rows].values)
    model_dir = directory / "model"
    save_model(fitted, train_rows, types, model_dir, target=TARGET)
    return TrainedModel(model_dir, fitted, features.iloc[rows:].reset_index(drop=True))


def _shape_estimator(name: str) -> Any:
    if name == "gradient_boosting":
        from sklearn.ensemble import GradientBoostingClassifier

        return GradientBoostingClassifier(n_estimators=20, random_state=0)
    if name == "random_forest":
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier(n_estimators=10, random_state=0, n_jobs=1)
    if name == "extra_trees":
        from sklearn.ensemble import ExtraTreesClassifier

        return ExtraTreesClassifier(n_estimators=10, random_state=0, n_jobs=1)
    if name == "xgboost":
        from xgboost import XGBClassifier

        return XGBClassifier(n_estimators=10, max_depth=3, n_jobs=1, random_state=0)
    if name == "lightgbm":
        from lightgbm import LGBMClassifier

        return LGBMClassifier(n_estimators=10, n_jobs=1, random_state=0, verbose=-1)
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=1000)
