"""Configuration: every environment variable the container reads, and the settings built from them.

The names live here and nowhere else. `Settings.from_environ()` is called once at start-up (in the
`serve` process and once per MMS worker), never at import time and never per request.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from handler.process.cpus import usable_cpus
from handler.wire.media_types import SUPPORTED, parse_media_type

BASE_DIR = "SAGEMAKER_BASE_DIR"
BIND_TO_PORT = "SAGEMAKER_BIND_TO_PORT"
# The ports a container of a serial inference pipeline or multi-container endpoint may open.
SAFE_PORT_RANGE = "SAGEMAKER_SAFE_PORT_RANGE"
MODEL_SERVER_WORKERS = "SAGEMAKER_MODEL_SERVER_WORKERS"
MODEL_SERVER_WORKERS_SEED = "MODEL_SERVER_WORKERS"
MODEL_SERVER_TIMEOUT = "SAGEMAKER_MODEL_SERVER_TIMEOUT"
MODEL_SERVER_TIMEOUT_SEED = "MODEL_SERVER_TIMEOUT"
MAX_PAYLOAD_IN_MB = "SAGEMAKER_MAX_PAYLOAD_IN_MB"
LOG_LEVEL = "SAGEMAKER_CONTAINER_LOG_LEVEL"
DEFAULT_INVOCATIONS_ACCEPT = "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT"
INFERENCE_OUTPUT = "SAGEMAKER_INFERENCE_OUTPUT"
MULTI_MODEL = "SAGEMAKER_MULTI_MODEL"
BATCH_SIZE = "AUTOAI_BATCH_SIZE"
MAX_BATCH_DELAY_MS = "AUTOAI_MAX_BATCH_DELAY_MS"
ALLOW_ANY_PICKLE = "AUTOAI_ALLOW_ANY_PICKLE"
SCORER = "AUTOAI_SCORER"

DEFAULT_BASE_DIR = "/opt/ml"
DEFAULT_PORT = 8080
MAX_PORT = 32766  # Multi Model Server refuses ports from 32767 up
DEFAULT_TIMEOUT_SECONDS = 60
DEFAULT_MAX_PAYLOAD_IN_MB = 6
DEFAULT_LOG_LEVEL = "INFO"
# Concurrent requests scored in one pipeline call, and how long a worker waits for more when its
# queue runs dry: 0 takes what is queued and never waits (a lone request is scored at once).
DEFAULT_BATCH_SIZE = 32
DEFAULT_MAX_BATCH_DELAY_MS = 0
MAX_BATCH_SIZE = 1024
MAX_BATCH_DELAY_MS_LIMIT = 10_000

# Which scorer serves: the compiled scorer where it compiles and proves itself, or the pipeline.
SCORERS = ("auto", "compiled", "pipeline")
DEFAULT_SCORER = "auto"

OUTPUT_FIELDS = ("predicted_label", "probabilities", "labels")
# SageMaker's Python SDK sends numeric logging levels (20 is INFO) as well as names.
LOG_LEVEL_NAMES = {"10": "DEBUG", "20": "INFO", "30": "WARNING", "40": "ERROR", "50": "CRITICAL"}


class SettingsError(ValueError):
    """An environment variable holds a value the container cannot use."""


@dataclass(frozen=True)
class Settings:
    """The container's configuration, read once from the environment."""

    base_dir: Path
    port: int
    workers: int
    timeout_seconds: int
    max_payload_mb: int
    log_level: str
    default_accept: str | None
    output_fields: tuple[str, ...] | None
    multi_model: bool = False
    batch_size: int = DEFAULT_BATCH_SIZE
    max_batch_delay_ms: int = DEFAULT_MAX_BATCH_DELAY_MS
    allow_any_pickle: bool = False
    scorer: str = DEFAULT_SCORER

    @property
    def model_dir(self) -> Path:
        return self.base_dir / "model"

    @property
    def models_dir(self) -> Path:
        """Where SageMaker unpacks the models of a multi-model endpoint, one directory each."""
        return self.base_dir / "models"

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        def first(*names: str) -> str | None:
            return next((environ[n].strip() for n in names if environ.get(n, "").strip()), None)

        multi_model = _boolean(MULTI_MODEL, first(MULTI_MODEL))
        return cls(
            base_dir=Path(first(BASE_DIR) or DEFAULT_BASE_DIR).absolute(),
            port=_port(first(BIND_TO_PORT), first(SAFE_PORT_RANGE)),
            workers=_whole_number(
                MODEL_SERVER_WORKERS,
                first(MODEL_SERVER_WORKERS, MODEL_SERVER_WORKERS_SEED),
                # one per model on a multi-model endpoint, as the inference toolkit starts
                1 if multi_model else usable_cpus(),
            ),
            timeout_seconds=_whole_number(
                MODEL_SERVER_TIMEOUT,
                first(MODEL_SERVER_TIMEOUT, MODEL_SERVER_TIMEOUT_SEED),
                DEFAULT_TIMEOUT_SECONDS,
            ),
            max_payload_mb=_whole_number(
                MAX_PAYLOAD_IN_MB, first(MAX_PAYLOAD_IN_MB), DEFAULT_MAX_PAYLOAD_IN_MB
            ),
            log_level=_log_level(first(LOG_LEVEL)),
            default_accept=_media_type(
                DEFAULT_INVOCATIONS_ACCEPT, first(DEFAULT_INVOCATIONS_ACCEPT)
            ),
            output_fields=_output_fields(first(INFERENCE_OUTPUT)),
            multi_model=multi_model,
            batch_size=_whole_number(
                BATCH_SIZE, first(BATCH_SIZE), DEFAULT_BATCH_SIZE, most=MAX_BATCH_SIZE
            ),
            max_batch_delay_ms=_whole_number(
                MAX_BATCH_DELAY_MS,
                first(MAX_BATCH_DELAY_MS),
                DEFAULT_MAX_BATCH_DELAY_MS,
                least=0,
                most=MAX_BATCH_DELAY_MS_LIMIT,
            ),
            allow_any_pickle=_boolean(ALLOW_ANY_PICKLE, first(ALLOW_ANY_PICKLE)),
            scorer=_scorer(first(SCORER)),
        )


def _whole_number(
    name: str, raw: str | None, default: int, least: int = 1, most: int | None = None
) -> int:
    """A whole number from `least` (1 unless given) to `most`, or `default` when unset."""
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if value < least:
        raise SettingsError(f"{name} must be at least {least}, got {value}")
    if most is not None and value > most:
        raise SettingsError(f"{name} must be at most {most}, got {value}")
    return value


def _boolean(name: str, raw: str | None) -> bool:
    if raw is None or raw.lower() in ("false", "0", "no"):
        return False
    if raw.lower() in ("true", "1", "yes"):
        return True
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _scorer(raw: str | None) -> str:
    if raw is None:
        return DEFAULT_SCORER
    if raw.lower() not in SCORERS:
        raise SettingsError(f"{SCORER} must be one of {', '.join(SCORERS)}, got {raw!r}")
    return raw.lower()


def _port(raw: str | None, safe_range: str | None) -> int:
    """The port to serve on. The server opens no other (its workers and management API use unix
    sockets), so within `SAGEMAKER_SAFE_PORT_RANGE` when SageMaker sets one, it must lie."""
    port = _whole_number(BIND_TO_PORT, raw, DEFAULT_PORT)
    if port > MAX_PORT:
        raise SettingsError(
            f"{BIND_TO_PORT} must be at most {MAX_PORT} (Multi Model Server's limit), got {port}"
        )
    if safe_range is not None:
        bounds = re.fullmatch(r"(\d+)\s*-\s*(\d+)", safe_range)
        if bounds is None:
            raise SettingsError(f"{SAFE_PORT_RANGE} must be FIRST-LAST, got {safe_range!r}")
        first, last = int(bounds.group(1)), int(bounds.group(2))
        if not first <= port <= last:
            raise SettingsError(
                f"{BIND_TO_PORT} {port} is outside {SAFE_PORT_RANGE} {first}-{last}: "
                f"set {BIND_TO_PORT} to a port in the range"
            )
    return port


def _media_type(name: str, raw: str | None) -> str | None:
    if raw is None:
        return None
    media_type, _parameters = parse_media_type(raw)
    if media_type not in SUPPORTED:
        raise SettingsError(f"{name} must be one of {', '.join(SUPPORTED)}, got {raw!r}")
    return media_type


def _log_level(raw: str | None) -> str:
    if raw is None:
        return DEFAULT_LOG_LEVEL
    level = LOG_LEVEL_NAMES.get(raw, raw.upper())
    if level not in LOG_LEVEL_NAMES.values():
        raise SettingsError(f"{LOG_LEVEL} must be one of DEBUG, INFO, WARNING, ERROR, got {raw!r}")
    return level


def _output_fields(raw: str | None) -> tuple[str, ...] | None:
    if raw is None:
        return None
    fields = tuple(f.strip().lower() for f in raw.split(",") if f.strip())
    unknown = [f for f in fields if f not in OUTPUT_FIELDS]
    if unknown or not fields:
        raise SettingsError(
            f"{INFERENCE_OUTPUT} takes a comma-separated list of {', '.join(OUTPUT_FIELDS)}; "
            f"got {raw!r}"
        )
    return fields
