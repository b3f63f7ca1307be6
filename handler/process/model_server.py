"""Multi Model Server: its configuration, its launch and its supervision, one server per process.

The toolkit's own launcher writes `/etc/sagemaker-mms.properties`, finds "the" MMS by scanning
every process on the machine and leaves MMS's workers behind on SIGTERM. Here each server gets a
private temp dir for its config, pid file and worker sockets (so two servers on one machine never
meet) and runs under a `Supervisor`, as a process group that stops as one.

Single-model mode serves `<base>/model` and keeps the management API off the inference port. A
multi-model endpoint has no model at start: SageMaker loads and unloads them through the
management API, which it expects on the inference port, with model URLs as absolute paths.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

from handler.process.mms_output import forward_output
from handler.process.plugins import MMS_FIXES, PluginsError, plugins_for
from handler.process.settings import Settings
from handler.process.supervisor import Supervisor

LOGGER = logging.getLogger(__name__)
HANDLER_SERVICE = "handler.handler_service"
MODEL_NAME = "model"  # the single model's name in MMS
# A batch takes further requests only while their bodies total at most this (our BatchAggregator),
# so concurrent large requests go to different workers.
MAX_BATCH_BYTES = 64 * 1024
MANAGEMENT_SOCKET = "management.sock"
LOG_CONFIG = Path(__file__).with_name("mms-log4j2.xml")
PROJECT_ROOT = Path(__file__).resolve().parents[2]
# A small container: a modest heap, one GC thread, and no JIT tiers beyond C1 for a short start.
JVM_ARGS = "-Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+UseContainerSupport"
# What /execution-parameters (our plugin) tells SageMaker batch transform to send per request:
# many records for a pipeline that scores rows, one for a forecaster (a request is one forecast).
MULTI_RECORD = "MULTI_RECORD"
SINGLE_RECORD = "SINGLE_RECORD"
MMS_LOG_LEVELS = {
    "DEBUG": "debug",
    "INFO": "info",
    "WARNING": "warn",
    "ERROR": "error",
    "CRITICAL": "fatal",
}


def mms_properties(
    settings: Settings,
    run_dir: Path,
    plugins_dir: Path | None,
    batch_strategy: str = MULTI_RECORD,
) -> str:
    """The MMS config for the settings' mode; management on a private unix socket unless MME.
    `batch_strategy` is what /execution-parameters answers."""
    max_bytes = settings.max_payload_mb * 1024 * 1024
    inference_address = f"http://0.0.0.0:{settings.port}"
    properties = {
        "inference_address": inference_address,
        "management_address": (
            inference_address if settings.multi_model else f"unix:{run_dir / MANAGEMENT_SOCKET}"
        ),
        "use_native_io": "true",
        "model_store": str(
            mme_store(run_dir) if settings.multi_model else settings.model_dir.parent
        ),
        "default_service_handler": HANDLER_SERVICE,
        "default_workers_per_model": str(settings.workers),
        "default_response_timeout": str(settings.timeout_seconds),
        "max_request_size": str(max_bytes),
        "max_response_size": str(2 * max_bytes),
        "decode_input_request": "false",
        "async_logging": "true",
        "vmargs": JVM_ARGS,
        "max_batch_bytes": str(MAX_BATCH_BYTES),
        # read by our BatchAggregator, which sets them on every model MMS registers
        "autoai_batch_size": str(settings.batch_size),
        "autoai_max_batch_delay": str(settings.max_batch_delay_ms),
        # read by our /ping: a multi-model endpoint is healthy before any model is loaded
        "autoai_multi_model": str(settings.multi_model).lower(),
        # read by our ExecutionParameters endpoint
        "autoai_batch_strategy": batch_strategy,
    }
    if plugins_dir is not None:
        properties["plugins_path"] = str(plugins_dir)
    return "".join(f"{key}={value}\n" for key, value in properties.items())


def mme_store(run_dir: Path) -> Path:
    """The model store of a multi-model endpoint (see `make_mme_store`)."""
    return run_dir / "store"


def make_mme_store(settings: Settings, run_dir: Path) -> Path:
    """A store in which only the models dir can be found, at its own absolute path.

    SageMaker names a model to load by its absolute path (`/opt/ml/models/<name>/model`), which
    MMS resolves inside its store (refusing `..`). This store holds one link, at the models
    dir's path, to the models dir, so any other path is "not found in model store".
    """
    store = mme_store(run_dir)
    link = store / settings.models_dir.relative_to(settings.models_dir.anchor)
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(settings.models_dir, target_is_directory=True)
    return store


def run_model_server(
    settings: Settings, supervisor: Supervisor, batch_strategy: str = MULTI_RECORD
) -> int:
    """Run MMS until it exits or the supervisor stops it; the exit code."""
    try:
        plugins_dir = plugins_for(settings.multi_model)
    except PluginsError as error:
        LOGGER.error("cannot serve: %s", error)
        return 1
    with tempfile.TemporaryDirectory(prefix="autoai-mms-") as run:
        run_dir = Path(run)
        config = run_dir / "mms.properties"
        config.write_text(mms_properties(settings, run_dir, plugins_dir, batch_strategy))
        # MMS's launcher puts its working directory first on its class path: the corrected
        # classes go there
        if plugins_dir is not None:
            shutil.copytree(plugins_dir / MMS_FIXES, run_dir, dirs_exist_ok=True)
        command = [
            sys.executable, "-m", "mms.model_server", "--start", "--foreground",
            "--mms-config", str(config),
            "--log-config", str(LOG_CONFIG),
        ]  # fmt: skip
        if settings.multi_model:
            command += ["--model-store", str(make_mme_store(settings, run_dir))]
        else:
            model_dir = settings.model_dir
            models = f"{MODEL_NAME}={model_dir.name}"
            command += ["--model-store", str(model_dir.parent), "--models", models]
        code = supervisor.run(
            command, forward_output, env=_server_environment(settings, run_dir), cwd=run_dir
        )
    if supervisor.stopping:
        LOGGER.info("Multi Model Server stopped")
        return 0
    LOGGER.error("Multi Model Server exited with code %s", code)
    return code or 1


def child_environment(settings: Settings) -> dict[str, str]:
    """Our environment for a child process: absolute base dir, this package importable."""
    environment = dict(os.environ)
    python_path = [str(PROJECT_ROOT)] + [
        p for p in environment.get("PYTHONPATH", "").split(":") if p
    ]
    environment.update(PYTHONPATH=":".join(python_path), SAGEMAKER_BASE_DIR=str(settings.base_dir))
    return environment


def _server_environment(settings: Settings, run_dir: Path) -> dict[str, str]:
    environment = child_environment(settings)
    environment.update(
        TEMP=str(run_dir),
        TMPDIR=str(run_dir),
        LOG_LOCATION=str(run_dir),
        METRICS_LOCATION=str(run_dir),
        MMS_LOG_LEVEL=MMS_LOG_LEVELS[settings.log_level],
        MMS_DETAIL_LOG_LEVEL="debug" if settings.log_level == "DEBUG" else "warn",
        PYTHONUNBUFFERED="1",
    )
    return environment
