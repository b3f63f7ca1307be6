"""The optional metadata file our own tooling writes beside a pipeline pickle.

It names the features in training order with their types, the target and class labels, the library
versions the pickle was saved with and the pickle's sha256, and holds one sample row that `serve`
scores before it starts. A pickle exported straight from Watson Studio has no such file and serves
without it, on what the pickle records (`handler.model.schema_sources`); `describe` writes one
from the training file, which adds the feature names.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from handler.model.schema import FEATURE_TYPES

METADATA_FILE = "autoai-metadata.json"
FORMAT_VERSION = 1


class MetadataError(ValueError):
    """The metadata file exists but cannot be used; the message says which entry is wrong."""


@dataclass(frozen=True)
class Feature:
    name: str
    type: str


@dataclass(frozen=True)
class ModelMetadata:
    features: tuple[Feature, ...]
    pickle_file: str
    pickle_sha256: str
    target: str | None = None
    problem_type: str | None = None
    classes: tuple[Any, ...] | None = None
    libraries: dict[str, str] = field(default_factory=dict)
    sample_row: tuple[Any, ...] | None = None
    metrics: dict[str, float] = field(default_factory=dict)

    def write(self, model_dir: Path) -> Path:
        document = {"format_version": FORMAT_VERSION, **asdict(self)}
        path = model_dir / METADATA_FILE
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return path


def read_metadata(model_dir: Path) -> ModelMetadata | None:
    """The metadata in `model_dir`, None when there is no metadata file."""
    path = model_dir / METADATA_FILE
    if not path.is_file():
        return None
    try:
        document = json.loads(path.read_text())
        features = tuple(Feature(f["name"], f["type"]) for f in document["features"])
        metadata = ModelMetadata(
            features=features,
            pickle_file=document["pickle_file"],
            pickle_sha256=document["pickle_sha256"],
            target=document.get("target"),
            problem_type=document.get("problem_type"),
            classes=_tuple_or_none(document.get("classes")),
            libraries=document.get("libraries") or {},
            sample_row=_tuple_or_none(document.get("sample_row")),
            metrics=document.get("metrics") or {},
        )
    except (ValueError, KeyError, TypeError) as error:
        raise MetadataError(
            f"{path.name} is not valid metadata: {type(error).__name__}: {error}"
        ) from None
    unknown = [f"{f.name}: {f.type}" for f in features if f.type not in FEATURE_TYPES]
    if unknown:
        raise MetadataError(
            f"{path.name}: unknown feature types ({', '.join(unknown)}); "
            f"use one of {', '.join(FEATURE_TYPES)}"
        )
    if metadata.sample_row is not None and len(metadata.sample_row) != len(features):
        raise MetadataError(
            f"{path.name}: sample_row has {len(metadata.sample_row)} values "
            f"for {len(features)} features"
        )
    return metadata


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _tuple_or_none(value: Any) -> tuple[Any, ...] | None:
    return None if value is None else tuple(value)
