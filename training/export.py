"""Writing a fitted pipeline into a model directory: the pickle and the metadata `serve` reads."""

from __future__ import annotations

import math
import pickle
import platform
from importlib import metadata as package_metadata
from pathlib import Path
from typing import Any

import pandas as pd

from handler.model.metadata import Feature, ModelMetadata, sha256_of

PICKLE_NAME = "model.pickle"
RECORDED_PACKAGES = (
    "scikit-learn",
    "autoai-libs",
    "lale",
    "numpy",
    "pandas",
    "xgboost",
    "lightgbm",
)


def save_model(
    pipeline: Any,
    features: pd.DataFrame,
    types: dict[str, str],
    model_dir: Path,
    target: str | None = None,
    metrics: dict[str, float] | None = None,
) -> ModelMetadata:
    """Pickle `pipeline` into `model_dir` beside metadata on `features`, its training input."""
    model_dir.mkdir(parents=True, exist_ok=True)
    path = model_dir / PICKLE_NAME
    with path.open("wb") as stream:
        pickle.dump(pipeline, stream, protocol=4)
    metadata = describe(path, pipeline, features, types, target, metrics)
    metadata.write(model_dir)
    return metadata


def describe(
    path: Path,
    pipeline: Any,
    features: pd.DataFrame | None,
    types: dict[str, str] | None,
    target: str | None,
    metrics: dict[str, float] | None,
) -> ModelMetadata:
    """The metadata of the pickle at `path`; `features` (None when unknown) its training input."""
    classes = getattr(pipeline, "classes_", None)
    known = features is not None and types is not None
    return ModelMetadata(
        features=tuple(Feature(str(n), types[n]) for n in features.columns) if known else (),
        pickle_file=path.name,
        pickle_sha256=sha256_of(path),
        target=target,
        problem_type=_problem_type(classes),
        classes=tuple(pd.Series(classes).tolist()) if classes is not None else None,
        libraries=library_versions(),
        sample_row=tuple(_json_value(v) for v in features.iloc[0].tolist()) if known else None,
        metrics=metrics or {},
    )


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in RECORDED_PACKAGES:
        try:
            versions[name] = package_metadata.version(name)
        except package_metadata.PackageNotFoundError:
            continue
    return versions


def _problem_type(classes: Any) -> str:
    if classes is None:
        return "regression"
    return "binary" if len(classes) == 2 else "multiclass"


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value
