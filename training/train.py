"""`train`: SageMaker's training contract around an AutoAI pipeline.

What the `training` channel holds chooses the mode (the `mode` hyperparameter can say it too):

- a pipeline pickle alone: **import** it, checked to load and score under this image's runtime;
- a pipeline pickle and data: **refit** the pipeline's structure on the data;
- data alone: **search** for an AutoAI-shaped pipeline (`training.search`);
- data and an `estimator` hyperparameter: **fit** that one configuration, as one trial of a
  SageMaker tuning job (`training.single_fit`).

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
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from handler.errors import ModelLoadError
from handler.model.autoai_model import AutoAIModel
from handler.model.files import ARCHIVE_NAME, MODEL_PATTERNS, find_candidates, unpack_archive
from handler.model.forecast_model import ForecastModel
from handler.model.library_imports import loggers_kept_enabled
from handler.model.metadata import METADATA_FILE
from handler.model.wml_schema import read_wml_schema
from handler.process.model_check import load_and_score
from handler.process.startup import settings_for
from training.autoai_pipeline import feature_types
from training.data import data_files, read_table
from training.dataset import (
    features_and_target,
    has_named_columns,
    holdout_split,
    inferred_problem_type,
    target_column,
)
from training.describe import feature_columns, types_for
from training.export import PICKLE_NAME, describe, save_model
from training.hyperparameters import Hyperparameters
from training.layout import TrainingError, TrainingLayout
from training.metric_names import CV_METRICS, metric_line
from training.metrics import classification_metrics, metric_lines, regression_metrics
from training.report import write_report
from training.search import Budget, search
from training.single_fit import fit_one

LOGGER = logging.getLogger("training")
DEFAULT_CHANNEL = "training"
VALIDATION_CHANNEL = "validation"
# autoai-libs parameters learned from the training data (NumpyReplaceUnknownValues' known values).
LEARNED_PARAMETERS = ("known_values_list",)


def train() -> int:
    """Run the training job under `$SAGEMAKER_BASE_DIR`; the process exit code."""
    settings = settings_for("train")
    if settings is None:
        return 2
    layout = TrainingLayout(settings.base_dir)
    try:
        run(layout, allow_any_pickle=settings.allow_any_pickle)
    except (TrainingError, ModelLoadError) as error:
        return fail(layout, str(error))
    except Exception as error:
        LOGGER.exception("training failed")
        return fail(layout, f"internal error: {type(error).__name__}: {error}")
    return 0


def run(layout: TrainingLayout, allow_any_pickle: bool = False) -> None:
    hyperparameters = Hyperparameters.parse(layout.hyperparameters())
    channel = training_channel(layout)
    files = data_files(channel)
    has_pipeline = bool(find_candidates(channel)) or (channel / ARCHIVE_NAME).is_file()
    mode = hyperparameters.mode or (
        "search" if not has_pipeline else "refit" if files else "import"
    )
    LOGGER.info("train: %s mode on channel %s", mode, channel.name)
    if mode in ("import", "refit") and not has_pipeline:
        raise TrainingError(f"{mode} needs a pipeline pickle in channel {channel.name}: found none")
    if mode in ("refit", "search", "fit") and not files:
        raise TrainingError(f"{mode} needs data in channel {channel.name}: found no data files")
    layout.model_dir.mkdir(parents=True, exist_ok=True)
    # Staged inside the model dir: SageMaker may mount it as a volume of its own, across which
    # files cannot be renamed.
    with (
        tempfile.TemporaryDirectory(dir=layout.model_dir, prefix=".staging-") as staging,
        tempfile.TemporaryDirectory(prefix="autoai-train-") as scratch,
    ):
        model = None
        if mode in ("import", "refit"):
            pipeline_dir = _pipeline_dir(channel, Path(scratch))
            # data in the channel name the columns of a pipeline that picks them by name
            model = load_and_score(
                pipeline_dir, allow_any_pickle=allow_any_pickle, names_required=not files
            )
            if isinstance(model, ForecastModel):
                raise TrainingError(
                    f"{model.source.name} is a time-series forecaster: {mode} takes tabular "
                    "pipelines; serve the forecaster as it is (docs/forecasting.md)"
                )
        if mode == "import":
            import_pipeline(model, files, layout, hyperparameters, Path(staging))
        else:
            fit_pipeline(model, files, layout, hyperparameters, Path(staging))
        publish(Path(staging), layout.model_dir)
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
    model: AutoAIModel,
    files: list[Path],
    layout: TrainingLayout,
    hyperparameters: Hyperparameters,
    staging: Path,
) -> None:
    """Keep the checked pipeline as it is; evaluate it on the validation channel if there is one.

    Without metadata of its own, its training data beside it in the channel (as `describe` reads
    it), else the validation data (when it has a header row), names the features, so requests
    can use field names.
    """
    pickle_path = staging / model.source.name
    shutil.copy2(model.source, pickle_path)
    wml_schema = read_wml_schema(model.source.parent)
    if wml_schema is not None:  # it names the features: it goes with the pickle
        shutil.copy2(model.source.parent / wml_schema.file, staging / wml_schema.file)
    features, types, target_name, scores = None, None, None, {}
    validation = _validation_table(layout, hyperparameters)
    if validation is not None:
        target_name = target_column(hyperparameters, validation, model.metadata)
        features, target = features_and_target(validation, target_name, model)
        scores = evaluate(model, features, target, layout)
    if model.metadata is not None and model.metadata.features:
        metadata = replace(model.metadata, metrics={**model.metadata.metrics, **scores})
    else:
        table = read_table(files, hyperparameters.header, hyperparameters.target) if files else None
        if table is not None and has_named_columns(table):
            target_name = hyperparameters.target or target_name
            features = feature_columns(table, hyperparameters.target, model.schema, "the data")
        if features is not None and model.schema.names is None and has_named_columns(features):
            types = types_for(features, model.schema, "the data")
        else:
            features = None
        metadata = describe(pickle_path, model.pipeline, features, types, target_name, scores)
    metadata.write(staging)


def fit_pipeline(
    model: AutoAIModel | None,
    files: list[Path],
    layout: TrainingLayout,
    hyperparameters: Hyperparameters,
    staging: Path,
) -> None:
    """Refit `model`'s pipeline on the data, or search for one; evaluate; save with metadata."""
    table = read_table(files, hyperparameters.header, hyperparameters.target)
    target_name = target_column(hyperparameters, table, model.metadata if model else None)
    features, target = features_and_target(table, target_name, model)
    types = types_for(features, model.schema, "the data") if model else feature_types(features)
    if model is not None:
        problem_type = "classification" if model.is_classifier else "regression"
    else:
        problem_type = inferred_problem_type(hyperparameters, target)
    validation = _validation_table(layout, hyperparameters, target_name)
    if validation is None:
        features, target, validation_features, validation_target = holdout_split(
            features, target, hyperparameters, problem_type
        )
    else:
        validation_features, validation_target = features_and_target(
            validation, target_name, model, columns=list(features.columns)
        )
    LOGGER.info("train: %d rows to fit, %d to evaluate", len(features), len(validation_features))
    cv_scores: dict[str, float] = {}
    if model is not None:
        fitted = _refit(model.pipeline, features, target, model.takes_named_columns)
    else:
        fitted, cv_score = _fit_new(features, target, types, problem_type, hyperparameters, layout)
        cv_scores = {CV_METRICS[problem_type]: cv_score}
        check_min_score(cv_score, hyperparameters.min_score, problem_type)
    scores = evaluate(
        AutoAIModel(fitted, staging / PICKLE_NAME), validation_features, validation_target, layout
    )
    save_model(
        fitted,
        features,
        types,
        staging,
        target=target_name,
        metrics={**cv_scores, **scores},
    )


def _fit_new(
    features: pd.DataFrame,
    target: pd.Series,
    types: dict[str, str],
    problem_type: str,
    hyperparameters: Hyperparameters,
    layout: TrainingLayout,
) -> tuple[Any, float]:
    """A new pipeline, `fit` with the estimator given or found by a `search`, and its
    cross-validated score (`fit` prints its metric line fold by fold, a search once)."""
    if hyperparameters.mode == "fit":
        return fit_one(features, target, types, problem_type, hyperparameters)
    budget = Budget(
        hyperparameters.max_evals,
        hyperparameters.max_seconds,
        hyperparameters.cv_folds,
        hyperparameters.seed,
    )
    fitted, cv_score = search(features, target, types, problem_type, budget, layout.checkpoints_dir)
    print(metric_line(CV_METRICS[problem_type], cv_score), flush=True)
    return fitted, cv_score


def check_min_score(cv_score: float, min_score: float | None, problem_type: str) -> None:
    """TrainingError (no model is written) when the search's best scores below `min_score`."""
    if min_score is not None and cv_score < min_score:
        metric = "accuracy" if problem_type == "classification" else "R2"
        raise TrainingError(
            f"the best pipeline's cross-validated {metric} is {cv_score:.4f}, below "
            f"min_score={min_score}: no model written; raise max_evals or max_seconds, or check "
            "that the data predict the target"
        )


def evaluate(
    model: AutoAIModel, features: pd.DataFrame, target: pd.Series, layout: TrainingLayout
) -> dict[str, float]:
    """Score the model on held-out rows: print the metric lines, write the report."""
    if model.is_classifier:
        known = target.isin(model.classes)
        if not known.all():
            unknown = sorted(set(target[~known].tolist()), key=str)
            LOGGER.warning(
                "%d evaluation rows have labels the model never saw (%s): left out of the metrics",
                int((~known).sum()), ", ".join(map(str, unknown[:5])),
            )  # fmt: skip
            features, target = features[known.values], target[known]
        if target.empty:
            raise TrainingError("no evaluation row has a label the model knows")
    predictions = model.predict(features)
    if model.is_classifier:
        probabilities = np.asarray(predictions.probabilities) if model.has_probabilities else None
        scores = classification_metrics(
            target.values, predictions.labels, probabilities, model.classes
        )
    else:
        probabilities = None
        scores = regression_metrics(target.values, predictions.labels)
    for line in metric_lines("validation", scores):
        print(line, flush=True)
    write_report(
        layout.output_data_dir,
        scores,
        target.values,
        predictions.labels,
        probabilities,
        model.classes,
    )
    return {f"validation:{name}": value for name, value in scores.items()}


def publish(staging: Path, model_dir: Path) -> None:
    """Move the staged pipeline and metadata into the model dir (renames within one directory
    tree), then remove any other pipeline or metadata left there by an earlier job."""
    published = {path.name for path in staging.iterdir()}
    for name in published:
        os.replace(staging / name, model_dir / name)
    for path in model_dir.iterdir():
        stale = path.name == METADATA_FILE or any(path.match(p) for p in MODEL_PATTERNS)
        if stale and path.name not in published:
            path.unlink()


def fail(layout: TrainingLayout, reason: str) -> int:
    """Record why the job failed where SageMaker reads it, say it, and give the exit code."""
    layout.output_dir.mkdir(parents=True, exist_ok=True)
    layout.failure_file.write_text(reason + "\n")
    print(f"train: {reason}", file=sys.stderr, flush=True)
    return 1


def _validation_table(
    layout: TrainingLayout, hyperparameters: Hyperparameters, target: str | None = None
) -> pd.DataFrame | None:
    channel = layout.channel(VALIDATION_CHANNEL)
    if channel is None:
        return None
    return read_table(data_files(channel), hyperparameters.header, target or hyperparameters.target)


def _pipeline_dir(channel: Path, scratch: Path) -> Path:
    """Where the channel's pipeline loads from: the channel, or its model.tar.gz unpacked into
    scratch (a channel is input, never written to)."""
    if find_candidates(channel):
        return channel
    shutil.copy2(channel / ARCHIVE_NAME, scratch / ARCHIVE_NAME)
    unpack_archive(scratch)
    return scratch


def _refit(pipeline: Any, features: pd.DataFrame, target: pd.Series, named: bool) -> Any:
    """A fresh copy of the pipeline's structure and hyperparameters, fitted on new data: the
    `read_csv` frame itself if the pipeline picks columns by `named` (fairness operators), else
    its values, as AutoAI fits.

    A lale pipeline stays one (its operators wrap estimators that take what lale gives them:
    xgboost and snapml get encoded labels). Parameters autoai-libs fills in from the data it was
    fitted on are reset, or the copy would carry the old data's values (every new value
    "unknown", its column dropped).
    """
    from sklearn.base import clone

    with warnings.catch_warnings(), loggers_kept_enabled():
        warnings.simplefilter("ignore")
        structure = clone(pipeline)
        learned = [k for k in structure.get_params(deep=True) if k.endswith(LEARNED_PARAMETERS)]
        structure.set_params(**dict.fromkeys(learned))
        try:
            return structure.fit(features if named else features.values, target.values)
        except (ValueError, TypeError, IndexError, KeyError) as error:
            raise TrainingError(
                "the pipeline's structure cannot be refitted on this data: "
                f"{type(error).__name__}: {error}"
            ) from None
