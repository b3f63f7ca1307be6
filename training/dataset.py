"""A training table as the fit sees it: target and features picked out, rows held out.

The target column is named by the `target` hyperparameter (or the pipeline's metadata, or is the
first column of headerless data); rows without a target value are left out; the features come in
the order a pipeline takes them; a stratified split holds rows out when there is no validation
channel.
"""

from __future__ import annotations

import logging

import pandas as pd

from handler.model.autoai_model import AutoAIModel
from handler.model.metadata import ModelMetadata
from training.hyperparameters import Hyperparameters
from training.layout import TrainingError

LOGGER = logging.getLogger("training")
MAX_CLASSES_OF_INTEGERS = 20


def target_column(
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


def features_and_target(
    table: pd.DataFrame,
    target_name: str,
    model: AutoAIModel | None,
    columns: list[str] | None = None,
) -> tuple[pd.DataFrame, pd.Series]:
    """The table's features, in the order the pipeline takes them, and its target; rows without
    a target value are left out."""
    if target_name not in table.columns:
        raise TrainingError(f"target column {target_name!r} is missing from the validation data")
    missing_target = table[target_name].isna()
    if missing_target.any():
        LOGGER.warning("%d rows have no %s value: left out", int(missing_target.sum()), target_name)
        table = table[~missing_target].reset_index(drop=True)
    if table.empty:
        raise TrainingError(f"no row has a value in the target column {target_name!r}")
    features = table.drop(columns=[target_name])
    wanted = columns or (
        list(model.schema.names) if model is not None and model.schema.names else None
    )
    if wanted is not None:
        absent = [c for c in wanted if c not in features.columns]
        if absent:
            raise TrainingError(f"the data lacks the feature column {absent[0]!r}")
        features = features[wanted]
    elif model is not None and model.schema.width and features.shape[1] != model.schema.width:
        raise TrainingError(
            f"the pipeline takes {model.schema.width} columns besides the target; "
            f"the data has {features.shape[1]}"
        )
    return features, table[target_name]


def has_named_columns(features: pd.DataFrame) -> bool:
    """Whether the columns have names from a header row (not 0, 1, ... of a headerless file)."""
    return not all(str(column).isdigit() for column in features.columns)


def inferred_problem_type(hyperparameters: Hyperparameters, target: pd.Series) -> str:
    if hyperparameters.problem_type:
        return hyperparameters.problem_type
    if not pd.api.types.is_numeric_dtype(target) or pd.api.types.is_bool_dtype(target):
        return "classification"
    if pd.api.types.is_integer_dtype(target) and target.nunique() <= MAX_CLASSES_OF_INTEGERS:
        return "classification"
    return "regression"


def holdout_split(features, target, hyperparameters: Hyperparameters, problem_type: str):
    from sklearn.model_selection import train_test_split

    stratify = (
        target if problem_type == "classification" and target.value_counts().min() >= 2 else None
    )
    try:
        parts = train_test_split(
            features,
            target,
            test_size=hyperparameters.validation_fraction,
            random_state=hyperparameters.seed,
            stratify=stratify,
        )
    except ValueError as error:
        raise TrainingError(
            f"cannot hold out validation_fraction={hyperparameters.validation_fraction} of "
            f"{len(features)} rows ({error}): give a validation channel or more rows"
        ) from None
    train_x, validation_x, train_y, validation_y = (p.reset_index(drop=True) for p in parts)
    return train_x, train_y, validation_x, validation_y


def _listing(names: list[str], limit: int = 8) -> str:
    shown = ", ".join(names[:limit])
    return f"{shown}, ... ({len(names)} columns)" if len(names) > limit else shown
