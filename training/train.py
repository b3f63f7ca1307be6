"""`train`: SageMaker's training contract around an AutoAI pipeline.

What the `training` channel holds chooses the mode (the `mode` hyperparameter can say it too):

- a pipeline pickle alone: **import** it, checked to load and score under this image's runtime;
- a pipeline pickle and data: **refit** the pipeline's structure on the data;
- data alone: **search** for an AutoAI-shaped pipeline (`training.search`).

Data with a target gets evaluated on the `validation` channel, or on a held-out split of the
training data; the metrics are printed one per line and reported in `output/data`. The model dir
then holds the pickle and its metadata, published all at once. Every failure writes its reason
to `output/failure`, exits non-zero and leaves the model dir as it was.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from handler.errors import ModelLoadError
from handler.logs import configure_logging, loggers_kept_enabled
from handler.metadata import METADATA_FILE, ModelMetadata, sha256_of
from handler.model import AutoAIModel, load_and_score
from handler.model_files import MODEL_PATTERNS, find_candidates
from handler.settings import Settings, SettingsError
from training.autoai_pipeline import feature_types
from training.data import data_files, read_table
from training.export import library_versions, save_model
from training.hyperparameters import Hyperparameters
from training.layout import TrainingError, TrainingLayout
from training.metrics import classification_metrics, metric_lines, regression_metrics
from training.report import write_report
from training.search import Budget, search

LOGGER = logging.getLogger("training")
DEFAULT_CHANNEL = "training"
VALIDATION_CHANNEL = "validation"
MAX_CLASSES_OF_INTEGERS = 20
# autoai-libs parameters learned from the training data (NumpyReplaceUnknownValues' known values).
LEARNED_PARAMETERS = ("known_values_list",)


def train() -> int:
    """Run the training job under `$SAGEMAKER_BASE_DIR`; the process exit code."""
    try:
        settings = Settings.from_environ()
    except SettingsError as error:
        print(f"train: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    layout = TrainingLayout(settings.base_dir)
    try:
        run(layout)
    except (TrainingError, ModelLoadError) as error:
        return fail(layout, str(error))
    except Exception as error:
        LOGGER.exception("training failed")
        return fail(layout, f"internal error: {type(error).__name__}: {error}")
    return 0


def run(layout: TrainingLayout) -> None:
    hyperparameters = Hyperparameters.parse(layout.hyperparameters())
    channel = training_channel(layout)
    pipelines = find_candidates(channel)
    files = data_files(channel)
    mode = hyperparameters.mode or ("search" if not pipelines else "refit" if files else "import")
    LOGGER.info("train: %s mode on channel %s", mode, channel.name)
    if mode in ("import", "refit") and not pipelines:
        raise TrainingError(f"{mode} needs a pipeline pickle in channel {channel.name}: found none")
    if mode in ("refit", "search") and not files:
        raise TrainingError(f"{mode} needs data in channel {channel.name}: found no data files")
    layout.model_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=layout.base_dir, prefix=".staging-") as staging:
        staging_dir = Path(staging)
        if mode == "import":
            import_pipeline(channel, layout, hyperparameters, staging_dir)
        else:
            fit_pipeline(mode, channel, files, layout, hyperparameters, staging_dir)
        publish(staging_dir, layout.model_dir)
    LOGGER.info("train: model written to %s", layout.model_dir)


def training_channel(layout: TrainingLayout) -> Path:
    """The `training` channel, or the only channel when it has another name."""
    names = [n for n in layout.channel_names() if n != VALIDATION_CHANNEL]
    if DEFAULT_CHANNEL in names:
        return layout.channels_dir / DEFAULT_CHANNEL
    if len(names) == 1:
        return layout.channels_dir / names[0]
    found = ", ".join(layout.channel_names()) or "none"
    raise TrainingError(
        f"no '{DEFAULT_CHANNEL}' channel under {layout.channels_dir} (found: {found})"
    )


def import_pipeline(
    channel: Path, layout: TrainingLayout, hyperparameters: Hyperparameters, staging: Path
) -> None:
    """Check the channel's pipeline loads and scores here; evaluate it on validation data if any."""
    model = load_and_score(channel)
    shutil.copy2(model.source, staging / model.source.name)
    scores: dict[str, float] = {}
    validation = _validation_table(layout, hyperparameters)
    if validation is not None:
        target = _target_name(hyperparameters, validation, model.metadata)
        features = _features_for(model, validation.drop(columns=[target]))
        scores = evaluate(model.pipeline, features, validation[target], layout)
    if model.metadata is not None:
        metadata = model.metadata
        metadata = ModelMetadata(**{**metadata.__dict__, "metrics": {**metadata.metrics, **scores}})
    else:
        classes = model.classes
        metadata = ModelMetadata(
            features=(),
            pickle_file=model.source.name,
            pickle_sha256=sha256_of(model.source),
            problem_type=("binary" if len(classes) == 2 else "multiclass")
            if classes
            else "regression",
            classes=tuple(classes) if classes else None,
            libraries=library_versions(),
            metrics=scores,
        )
    metadata.write(staging)


def fit_pipeline(
    mode: str,
    channel: Path,
    files: list[Path],
    layout: TrainingLayout,
    hyperparameters: Hyperparameters,
    staging: Path,
) -> None:
    """Refit the channel's pipeline on its data, or search for one; evaluate; save with metadata."""
    imported = load_and_score(channel) if mode == "refit" else None
    table = read_table(files, hyperparameters.header)
    target_name = _target_name(hyperparameters, table, imported.metadata if imported else None)
    features = table.drop(columns=[target_name])
    if imported is not None:
        features = _features_for(imported, features)
    target = table[target_name]
    types = (
        dict(zip(imported.schema.names, imported.schema.types))
        if imported is not None and imported.schema.types
        else feature_types(features)
    )
    validation = _validation_table(layout, hyperparameters)
    if validation is None:
        features, target, validation_features, validation_target = _split(
            features, target, hyperparameters, _problem_type(hyperparameters, target)
        )
    else:
        validation_target = validation[target_name]
        validation_features = validation.drop(columns=[target_name])[list(features.columns)]
    LOGGER.info("train: %d rows to fit, %d to evaluate", len(features), len(validation_features))
    if imported is not None:
        fitted = _refit(imported.pipeline, features, target)
        cv_scores: dict[str, float] = {}
    else:
        problem_type = _problem_type(hyperparameters, target)
        budget = Budget(
            hyperparameters.max_evals,
            hyperparameters.max_seconds,
            hyperparameters.cv_folds,
            hyperparameters.seed,
        )
        fitted, cv_score = search(
            features, target, types, problem_type, budget, layout.checkpoints_dir
        )
        cv_scores = {"cv_accuracy" if problem_type == "classification" else "cv_r2": cv_score}
        for line in metric_lines("train", cv_scores):
            print(line, flush=True)
    scores = evaluate(fitted, validation_features, validation_target, layout)
    save_model(
        fitted,
        features,
        types,
        staging,
        target=target_name,
        metrics={**{f"train:{k}": v for k, v in cv_scores.items()}, **scores},
    )


def evaluate(
    pipeline: Any, features: pd.DataFrame, target: pd.Series, layout: TrainingLayout
) -> dict[str, float]:
    """Score `pipeline` on held-out data: print the metric lines, write the report."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        predictions = np.asarray(pipeline.predict(features.values))
        classes = getattr(pipeline, "classes_", None)
        if classes is not None and hasattr(pipeline, "predict_proba"):
            probabilities = np.asarray(pipeline.predict_proba(features.values))
            classes = list(np.asarray(classes).tolist())
            scores = classification_metrics(target.values, predictions, probabilities, classes)
        else:
            probabilities = None
            classes = None
            scores = regression_metrics(target.values, predictions)
    for line in metric_lines("validation", scores):
        print(line, flush=True)
    write_report(layout.output_data_dir, scores, target.values, predictions, probabilities, classes)
    return {f"validation:{name}": value for name, value in scores.items()}


def publish(staging: Path, model_dir: Path) -> None:
    """Replace the model dir's pipeline and metadata with the staged ones, file by file renamed."""
    for path in model_dir.iterdir():
        if path.name == METADATA_FILE or any(path.match(p) for p in MODEL_PATTERNS):
            path.unlink()
    for path in staging.iterdir():
        os.replace(path, model_dir / path.name)


def fail(layout: TrainingLayout, reason: str) -> int:
    """Record why the job failed where SageMaker reads it, say it, and give the exit code."""
    layout.output_dir.mkdir(parents=True, exist_ok=True)
    layout.failure_file.write_text(reason + "\n")
    print(f"train: {reason}", file=sys.stderr, flush=True)
    return 1


def _validation_table(
    layout: TrainingLayout, hyperparameters: Hyperparameters
) -> pd.DataFrame | None:
    channel = layout.channel(VALIDATION_CHANNEL)
    if channel is None:
        return None
    return read_table(data_files(channel), hyperparameters.header)


def _target_name(
    hyperparameters: Hyperparameters, table: pd.DataFrame, metadata: ModelMetadata | None
) -> str:
    target = hyperparameters.target or (metadata.target if metadata else None)
    columns = [str(c) for c in table.columns]
    if target is None:
        if columns[0] == "0":  # no header row: SageMaker's convention, the target comes first
            return "0"
        raise TrainingError(
            f"hyperparameter target is required: name one of the columns {_listing(columns)}"
        )
    if target not in columns:
        raise TrainingError(
            f"target column {target!r} is not in the data; its columns are {_listing(columns)}"
        )
    return target


def _features_for(model: AutoAIModel, features: pd.DataFrame) -> pd.DataFrame:
    """The data's features in the order the pipeline takes them."""
    if model.schema.names:
        missing = [n for n in model.schema.names if n not in features.columns]
        if missing:
            raise TrainingError(f"the data lacks the pipeline's feature {missing[0]!r}")
        return features[list(model.schema.names)]
    if model.schema.width and features.shape[1] != model.schema.width:
        raise TrainingError(
            f"the pipeline takes {model.schema.width} columns besides the target; "
            f"the data has {features.shape[1]}"
        )
    return features


def _problem_type(hyperparameters: Hyperparameters, target: pd.Series) -> str:
    if hyperparameters.problem_type:
        return hyperparameters.problem_type
    if not pd.api.types.is_numeric_dtype(target) or pd.api.types.is_bool_dtype(target):
        return "classification"
    if pd.api.types.is_integer_dtype(target) and target.nunique() <= MAX_CLASSES_OF_INTEGERS:
        return "classification"
    return "regression"


def _split(features, target, hyperparameters: Hyperparameters, problem_type: str):
    from sklearn.model_selection import train_test_split

    stratify = (
        target if problem_type == "classification" and target.value_counts().min() >= 2 else None
    )
    parts = train_test_split(
        features,
        target,
        test_size=hyperparameters.validation_fraction,
        random_state=hyperparameters.seed,
        stratify=stratify,
    )
    train_x, validation_x, train_y, validation_y = (p.reset_index(drop=True) for p in parts)
    return train_x, train_y, validation_x, validation_y


def _refit(pipeline: Any, features: pd.DataFrame, target: pd.Series) -> Any:
    """A fresh copy of the pipeline's structure and hyperparameters, fitted on new data.

    A lale pipeline is refitted as its scikit-learn export (the same autoai-libs transformers and
    estimator). Parameters autoai-libs fills in from the data it was fitted on are reset, or the
    copy would carry the old data's values (every new value "unknown", its column dropped).
    """
    from sklearn.base import clone

    with warnings.catch_warnings(), loggers_kept_enabled():
        warnings.simplefilter("ignore")
        if hasattr(pipeline, "export_to_sklearn_pipeline"):
            pipeline = pipeline.export_to_sklearn_pipeline()
        structure = clone(pipeline)
        learned = [k for k in structure.get_params(deep=True) if k.endswith(LEARNED_PARAMETERS)]
        structure.set_params(**dict.fromkeys(learned))
        try:
            return structure.fit(features.values, target.values)
        except (ValueError, TypeError, IndexError, KeyError) as error:
            raise TrainingError(
                "the pipeline's structure cannot be refitted on this data: "
                f"{type(error).__name__}: {error}"
            ) from None


def _listing(names: list[str], limit: int = 8) -> str:
    shown = ", ".join(names[:limit])
    return f"{shown}, ... ({len(names)} columns)" if len(names) > limit else shown
