"""Importing the libraries pipelines are made of without losing the process's loggers."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator


@contextlib.contextmanager
def loggers_kept_enabled() -> Iterator[None]:
    """Keep enabled the loggers that are, whatever the block imports.

    Importing autoai-libs 1.14 to 1.17 (runtime 23.1) runs `logging.config.dictConfig`, which
    disables every logger that exists at that moment (ours, MMS's): wrap what may import it.
    """
    enabled = [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.disabled
    ]
    try:
        yield
    finally:
        for logger in enabled:
            logger.disabled = False
