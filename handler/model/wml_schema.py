"""A Watson Machine Learning input schema beside the pickle: the feature names and types.

Watson Machine Learning stores an input schema with every model: `{"id": ..., "fields": [{"name":
..., "type": ...}, ...]}`. A user can save it as a JSON file in the model directory, alone or as
the whole model details document (`client.repository.get_model_details(model_id)`), which holds it
under `entity.schemas.input`. Any `*.json` file there that holds one is read; two are an error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handler.errors import ModelLoadError
from handler.model.metadata import METADATA_FILE

# WML's field types (and the pandas dtype names some schemas carry) to ours; others are unknown.
WML_TYPES = {
    **dict.fromkeys(("string", "str", "object", "char", "varchar"), "str"),
    **dict.fromkeys(("integer", "int", "int32", "int64", "long", "bigint"), "int"),
    **dict.fromkeys(("double", "float", "float32", "float64", "number", "decimal"), "float"),
    **dict.fromkeys(("boolean", "bool"), "bool"),
}


@dataclass(frozen=True)
class WmlSchema:
    file: str
    names: tuple[str, ...]
    types: tuple[str | None, ...]


def read_wml_schema(model_dir: Path) -> WmlSchema | None:
    """The WML input schema in `model_dir`, None when no JSON file there holds one."""
    found = []
    for path in sorted(model_dir.glob("*.json")):
        if path.name == METADATA_FILE:
            continue
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # not JSON: not a schema file
        fields = _input_fields(document)
        if fields is not None:
            found.append((path, fields, _label_column(document)))
    if not found:
        return None
    if len(found) > 1:
        names = ", ".join(path.name for path, _fields, _label in found)
        raise ModelLoadError(
            f"several WML schema files in {model_dir} ({names}): keep the one for this pipeline"
        )
    path, fields, label = found[0]
    return _schema(path, fields, label)


def _input_fields(document: Any) -> list | None:
    """The `fields` of a schema object or of model details' `entity.schemas.input`."""
    if not isinstance(document, dict):
        return None
    entity = document.get("entity")
    if isinstance(entity, dict) and isinstance(entity.get("schemas"), dict):
        document = entity["schemas"].get("input")
        if isinstance(document, list):
            document = document[0] if document else None
        if not isinstance(document, dict):
            return None
    fields = document.get("fields")
    if isinstance(fields, list) and fields and all(isinstance(f, dict) for f in fields):
        return fields
    return None


def _label_column(document: dict) -> str | None:
    entity = document.get("entity")
    label = entity.get("label_column") if isinstance(entity, dict) else None
    return label if isinstance(label, str) else None


def _schema(path: Path, fields: list[dict], label: str | None) -> WmlSchema:
    names, types = [], []
    for number, field in enumerate(fields, start=1):
        name = field.get("name")
        if not isinstance(name, str) or not name:
            raise ModelLoadError(f"{path.name}: field {number} of the input schema has no name")
        if name == label:
            continue  # the target, listed in some training schemas
        names.append(name)
        kind = field.get("type")
        types.append(WML_TYPES.get(kind.lower()) if isinstance(kind, str) else None)
    if len(set(names)) != len(names):
        duplicate = next(n for n in names if names.count(n) > 1)
        raise ModelLoadError(f"{path.name}: field {duplicate!r} is named twice")
    return WmlSchema(path.name, tuple(names), tuple(types))
