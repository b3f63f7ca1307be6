"""Telling a time-series forecaster (autoai-ts-libs) from a tabular pipeline.

From the loaded object when a worker loads it (its class comes from autoai-ts-libs), and, for
`serve`, which has not unpickled it, from the classes its pickle names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from handler.model.pickle_file import open_decompressed

TS_PACKAGE = "autoai_ts_libs"
CHUNK_BYTES = 1 << 20


def is_forecaster(pipeline: Any) -> bool:
    """True for autoai-ts-libs' `TSPipeline` and its forecasters, saved alone or in a pipeline."""
    module = type(pipeline).__module__ or ""
    return module == TS_PACKAGE or module.startswith(f"{TS_PACKAGE}.")


def pickle_names_forecaster(path: Path) -> bool:
    """True when the pickle in `path` names autoai-ts-libs' classes: its decompressed bytes are
    searched a chunk at a time, never unpickled nor held whole (`serve`'s process stays small)."""
    needle = f"{TS_PACKAGE}.".encode()
    tail = b""
    with open_decompressed(path) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle) :]
    return False
