"""Reading the pipeline of a model directory: unpack, find the one pickle, check its runtime and
metadata, unpickle it through the allowlist. What kind of model it is is decided by the caller."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handler.errors import ModelLoadError, NotEnoughMemory
from handler.model.files import find_pipeline_file, unpack_archive
from handler.model.fingerprint import check_runtime
from handler.model.library_imports import loggers_kept_enabled
from handler.model.load_memory import ensure_room_to_load
from handler.model.metadata import MetadataError, ModelMetadata, read_metadata
from handler.model.pickle_file import PickleFile, read_pickle_file
from handler.model.safe_pickle import RefusedGlobal, load_pipeline
from pickle_facts.fingerprint import fingerprint_of
from pickle_facts.metadata_pair import rewrite_hint, stale_sha256


@dataclass(frozen=True)
class PipelineFile:
    """The unpickled pipeline, the file it came from and the metadata beside it (if any)."""

    pipeline: Any
    source: Path
    metadata: ModelMetadata | None


def read_pipeline(
    model_dir: Path, allow_any_pickle: bool = False, with_metadata: bool = True
) -> PipelineFile:
    """Unpack, find and load the pipeline in `model_dir`; ModelLoadError says what failed.

    The pickle is loaded through the allowlist of `handler.model.safe_pickle` unless
    `allow_any_pickle`. `with_metadata=False` ignores a metadata file beside it.
    """
    unpack_archive(model_dir)
    path = find_pipeline_file(model_dir)
    ensure_room_to_load(path, path.stat().st_size)
    file = read_pickle_file(path)  # once: fingerprint, hash and unpickling read these bytes
    ensure_room_to_load(path, len(file.content))  # decompressed, it may be larger
    check_runtime(fingerprint_of(file.content))
    metadata = _metadata_for(file) if with_metadata else None
    try:
        with warnings.catch_warnings(), loggers_kept_enabled():
            warnings.simplefilter("ignore")
            pipeline = load_pipeline(file, allow_any_global=allow_any_pickle)
    except RefusedGlobal as error:
        raise ModelLoadError(f"cannot load {path}: {error}") from None
    except MemoryError as error:
        raise NotEnoughMemory(f"cannot load {path}: it ran out of memory ({error})") from None
    except Exception as error:  # unpickling runs arbitrary constructors: any error can come
        raise ModelLoadError(f"cannot load {path}: {type(error).__name__}: {error}") from None
    if not hasattr(pipeline, "predict"):
        raise ModelLoadError(
            f"{path} holds a {type(pipeline).__name__}, not a pipeline with predict"
        )
    return PipelineFile(pipeline, path, metadata)


def _metadata_for(file: PickleFile) -> ModelMetadata | None:
    """The metadata beside the pickle, checked to describe this very pickle."""
    path = file.path
    try:
        metadata = read_metadata(path.parent)
    except MetadataError as error:
        raise ModelLoadError(str(error)) from None
    if metadata is None:
        return None
    if metadata.pickle_file != path.name:
        raise ModelLoadError(
            f"the metadata file beside {path.name} describes {metadata.pickle_file}: "
            f"remove the pickle it does not describe, or {rewrite_hint(path.parent)}"
        )
    if metadata.pickle_sha256 != file.sha256:
        raise ModelLoadError(stale_sha256(path))
    return metadata
