"""Telling a time-series forecaster (autoai-ts-libs) from a tabular pipeline.

From the loaded object when a worker loads it (its class comes from autoai-ts-libs), and, for
`serve`, which has not unpickled it, from the classes its pickle names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from handler.model.fingerprint import read_fingerprint

TS_PACKAGE = "autoai_ts_libs"


def is_forecaster(pipeline: Any) -> bool:
    """True for autoai-ts-libs' `TSPipeline` and its forecasters, saved alone or in a pipeline."""
    module = type(pipeline).__module__ or ""
    return module == TS_PACKAGE or module.startswith(f"{TS_PACKAGE}.")


def pickle_names_forecaster(path: Path) -> bool:
    """True when the pickle in `path` names autoai-ts-libs' classes (read, never unpickled)."""
    return TS_PACKAGE in read_fingerprint(path).packages
