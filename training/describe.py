"""`describe MODEL_DIR --training-data FILE`: metadata for a bare Watson pickle, from its data.

A pickle exported from Watson Studio records no feature names. Its training file does: this reads
it as AutoAI did (`pandas.read_csv`), checks that its width and column types fit the pipeline,
and writes `autoai-metadata.json` beside the pickle (names in order, types, class labels, a sample
row, the pickle's sha256), after scoring the sample row. `serve` then recognises CSV headers,
reorders JSON fields and checks each value's type.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from handler.errors import ModelLoadError
from handler.model.autoai_model import AutoAIModel
from handler.model.metadata import METADATA_FILE, ModelMetadata
from handler.model.schema import Schema
from handler.process.model_check import load_and_score
from training.autoai_pipeline import feature_types
from training.data import read_table
from training.export import describe
from training.layout import TrainingError

# Types that read the same tokens alike; a file column of one group cannot feed another's step.
TYPE_GROUPS = {"int": "a number", "float": "a number", "bool": "a boolean", "str": "text"}


def describe_model(
    model_dir: Path, training_data: Path, target: str | None = None, allow_any_pickle: bool = False
) -> ModelMetadata:
    """Write the metadata of the pipeline in `model_dir` from its training file; return it."""
    model = AutoAIModel.load(model_dir, allow_any_pickle, with_metadata=False)
    table = read_table([training_data], target=target)
    features = feature_columns(table, target, model.schema, training_data.name)
    types = types_for(features, model.schema, training_data.name)
    metadata = describe(model.source, model.pipeline, features, types, target, None)
    path = model.source.parent / METADATA_FILE
    earlier = path.read_bytes() if path.is_file() else None
    metadata.write(model.source.parent)
    try:
        load_and_score(model.source.parent, allow_any_pickle=allow_any_pickle)
    except ModelLoadError:
        if earlier is None:
            path.unlink()
        else:
            path.write_bytes(earlier)  # the file that was there before stays
        raise
    return metadata


def types_for(features: pd.DataFrame, schema: Schema, source: str) -> dict[str, str]:
    """Each feature's type as `read_csv` read `source`, where the pipeline records none, else the
    pipeline's own; TrainingError when the two disagree on text, number or boolean."""
    types = feature_types(features)
    for name, recorded in zip(features.columns, schema.types or ()):
        if recorded is None:
            continue
        if TYPE_GROUPS[recorded] != TYPE_GROUPS[types[name]]:
            raise TrainingError(
                f"column {name!r} of {source} holds {TYPE_GROUPS[types[name]]}, but the "
                f"pipeline read {TYPE_GROUPS[recorded]} there: it was trained on another file "
                "or another column order"
            )
        types[name] = recorded
    return types


def feature_columns(
    table: pd.DataFrame, target: str | None, schema: Schema, source: str
) -> pd.DataFrame:
    """The table's feature columns, checked to fit the pipeline's width and to be named."""
    if target is not None:
        if target not in table.columns:
            raise TrainingError(f"{source} has no column {target!r}")
        table = table.drop(columns=[target])
    if all(str(column).isdigit() for column in table.columns):
        raise TrainingError(f"{source} has no header row: the names come from it")
    if schema.width is not None and table.shape[1] != schema.width:
        extra = " (name the target column)" if table.shape[1] > schema.width else ""
        raise TrainingError(
            f"{source} has {table.shape[1]} feature columns; the pipeline takes "
            f"{schema.width}{extra}"
        )
    return table


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="entrypoint.py describe",
        description="Write autoai-metadata.json for a pipeline pickle from its training CSV.",
    )
    parser.add_argument("model_dir", type=Path, help="the directory holding the pickle")
    parser.add_argument(
        "--training-data", type=Path, required=True, help="the CSV the pipeline was trained on"
    )
    parser.add_argument("--target", help="the target column of that file, if it holds one")
    parser.add_argument(
        "--allow-any-pickle", action="store_true", help="load the pickle without the allowlist"
    )
    arguments = parser.parse_args(argv)
    try:
        metadata = describe_model(
            arguments.model_dir,
            arguments.training_data,
            arguments.target,
            arguments.allow_any_pickle,
        )
    except (ModelLoadError, TrainingError) as error:
        print(f"describe: {error}", file=sys.stderr)
        return 1
    classes = f", classes {list(metadata.classes)}" if metadata.classes else ""
    print(
        f"describe: wrote {arguments.model_dir / METADATA_FILE}: "
        f"{len(metadata.features)} features from {arguments.training_data.name}{classes}"
    )
    return 0
