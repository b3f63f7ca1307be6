"""Logging: one line per event, tracebacks folded onto that line, level from the settings."""

from __future__ import annotations

import logging
import sys


class SingleLineFormatter(logging.Formatter):
    """Formats a record, its traceback included, as a single line."""

    def format(self, record: logging.LogRecord) -> str:
        return " | ".join(line for line in super().format(record).splitlines() if line.strip())


def configure_logging(
    level: str,
    fmt: str = "%(asctime)s %(levelname)s %(name)s: %(message)s",
    problems_to_stderr: bool = False,
) -> None:
    """Send every record of `level` and above to stdout, one line each; warnings and errors to
    stderr instead when `problems_to_stderr`."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(SingleLineFormatter(fmt))
    handlers: list[logging.Handler] = [handler]
    if problems_to_stderr:
        handler.addFilter(lambda record: record.levelno < logging.WARNING)
        problems = logging.StreamHandler(sys.stderr)
        problems.setLevel(logging.WARNING)
        problems.setFormatter(SingleLineFormatter(fmt))
        handlers.append(problems)
    root = logging.getLogger()
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.captureWarnings(True)
    if level != "DEBUG":
        # lale's schema simplifier and hyperopt log several lines per search trial at INFO.
        for chatty in ("lale", "hyperopt"):
            logging.getLogger(chatty).setLevel(logging.WARNING)


def configure_worker_logging(level: str) -> None:
    """Inside an MMS worker, whose output MMS logs with its own timestamp: stdout at INFO (shown
    at DEBUG only: start-up has said it), stderr at WARN, where warnings and errors go."""
    configure_logging(level, fmt="%(levelname)s %(name)s: %(message)s", problems_to_stderr=True)
    if level != "DEBUG":
        # MMS's worker logs a metrics line for every request at INFO.
        logging.getLogger("mms.service").setLevel(logging.WARNING)
