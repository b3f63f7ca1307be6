"""The schema of a loaded pipeline, from the best sources present, decided once at load.

Names come from our metadata file, else a WML schema file, else scikit-learn's
`feature_names_in_`. Types come from our metadata file, else the pickle's autoai-libs steps (what
the pipeline itself saw), filled in from a WML schema file where the steps record none. The width
of every source must agree with the width the pipeline records.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from handler.errors import ModelLoadError
from handler.model.metadata import METADATA_FILE, ModelMetadata
from handler.model.pickle_schema import recorded_names, recorded_types, recorded_width
from handler.model.schema import Schema
from handler.model.wml_schema import read_wml_schema

PICKLE_SOURCE = "the pickle's autoai-libs steps"
SKLEARN_NAMES_SOURCE = "the pickle (feature_names_in_)"


def schema_for(pipeline: Any, model_dir: Path, metadata: ModelMetadata | None) -> Schema:
    width = recorded_width(pipeline)
    if metadata is not None and metadata.features:
        _check_width(METADATA_FILE, len(metadata.features), width)
        return Schema(
            width=len(metadata.features),
            names=tuple(f.name for f in metadata.features),
            types=tuple(f.type for f in metadata.features),
            names_from=METADATA_FILE,
            types_from=METADATA_FILE,
        )
    wml = read_wml_schema(model_dir)
    if wml is not None:
        _check_width(wml.file, len(wml.names), width)
        width = len(wml.names)
    if width is None:
        return Schema()
    pickle_types = recorded_types(pipeline, width)
    types, types_from = pickle_types, PICKLE_SOURCE if pickle_types else None
    if wml is not None and any(wml.types):
        if pickle_types is None:
            types, types_from = wml.types, wml.file
        elif None in pickle_types:
            types = tuple(p or w for p, w in zip(pickle_types, wml.types))
            types_from = f"{PICKLE_SOURCE} and {wml.file}"
    names, names_from = (wml.names, wml.file) if wml else (recorded_names(pipeline), None)
    if names is not None and names_from is None:
        names_from = SKLEARN_NAMES_SOURCE
    return Schema(width, names, types, names_from, types_from)


def _check_width(source: str, count: int, width: int | None) -> None:
    if width is not None and count != width:
        raise ModelLoadError(
            f"{source} names {count} features, but the pipeline takes {width} columns: "
            "it describes another pipeline"
        )
