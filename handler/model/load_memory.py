"""Refusing a load that would run out of memory, before it does.

A worker killed by the kernel's OOM killer takes its requests with it, and on a multi-model
endpoint SageMaker only unloads other models when a load answers 507. So before a pickle is read,
and again once it is decompressed, the memory a load takes is compared with what the process can
still allocate (`handler.process.memory`). Measured on AutoAI pipelines: unpickling holds the
bytes and the objects they make (about twice the pickle) on top of the libraries the pipeline
imports as it loads (110 to 175 MB: lightgbm, xgboost, snapml, lale).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from handler.errors import NotEnoughMemory
from handler.model.files import find_pipeline_file, unpack_archive
from handler.process.memory import available_memory

LIBRARIES_BYTES = 160 * 1024 * 1024
BYTES_HELD_PER_PICKLE_BYTE = 2
MB = 1024 * 1024


def memory_to_load(pickle_bytes: int) -> int:
    return BYTES_HELD_PER_PICKLE_BYTE * pickle_bytes + LIBRARIES_BYTES


def ensure_room_to_load(
    path: Path, pickle_bytes: int, available: Callable[[], int | None] | None = None
) -> None:
    """NotEnoughMemory, naming both figures, when loading `pickle_bytes` would not fit in what
    `available()` (by default, what this process can still allocate) says is free."""
    needed, free = memory_to_load(pickle_bytes), (available or available_memory)()
    if free is not None and free < needed:
        raise NotEnoughMemory(
            f"cannot load {path}: loading it takes about {needed // MB} MB and {free // MB} MB "
            "are free: give the container more memory (a larger instance type), or unload "
            "other models"
        )


def ensure_room_for_workers(
    model_dir: Path, workers: int, available: Callable[[], int | None] | None = None
) -> None:
    """NotEnoughMemory when `workers` workers, each loading the pipeline of `model_dir`, would not
    fit, naming how many would."""
    unpack_archive(model_dir)
    path = find_pipeline_file(model_dir)
    each, free = memory_to_load(path.stat().st_size), (available or available_memory)()
    if free is None or free >= workers * each:
        return
    if free < each:
        ensure_room_to_load(path, path.stat().st_size, lambda: free)
    raise NotEnoughMemory(
        f"{workers} workers would each load {path.name} (about {each // MB} MB each) and "
        f"{free // MB} MB are free: set SAGEMAKER_MODEL_SERVER_WORKERS={free // each} or give the "
        "container more memory (a larger instance type)"
    )
