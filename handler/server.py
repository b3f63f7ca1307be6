"""Multi Model Server: its configuration, its launch and its supervision, one server per process.

The toolkit's own launcher writes `/etc/sagemaker-mms.properties`, finds "the" MMS by scanning
every process on the machine and leaves MMS's workers behind on SIGTERM. Here each server gets a
private temp dir for its config, pid file and worker sockets (so two servers on one machine never
meet), runs in its own process group, and is stopped as a group.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from handler.settings import Settings

LOGGER = logging.getLogger(__name__)
HANDLER_SERVICE = "handler.handler_service"
LOG_CONFIG = Path(__file__).with_name("mms-log4j2.xml")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
STOP_GRACE_SECONDS = 8
# A small container: a modest heap, one GC thread, and no JIT tiers beyond C1 for a short start.
JVM_ARGS = "-Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+UseContainerSupport"
MMS_LOG_LEVELS = {
    "DEBUG": "debug",
    "INFO": "info",
    "WARNING": "warn",
    "ERROR": "error",
    "CRITICAL": "fatal",
}


def mms_properties(settings: Settings, model_dir: Path, run_dir: Path) -> str:
    """The MMS config: inference on the SageMaker port, management on a private unix socket."""
    max_bytes = settings.max_payload_mb * 1024 * 1024
    properties = {
        "inference_address": f"http://0.0.0.0:{settings.port}",
        "management_address": f"unix:{run_dir / 'management.sock'}",
        "use_native_io": "true",
        "model_store": str(model_dir.parent),
        "default_service_handler": HANDLER_SERVICE,
        "default_workers_per_model": str(settings.workers),
        "default_response_timeout": str(settings.timeout_seconds),
        "max_request_size": str(max_bytes),
        "max_response_size": str(2 * max_bytes),
        "decode_input_request": "false",
        "async_logging": "true",
        "vmargs": JVM_ARGS,
    }
    return "".join(f"{key}={value}\n" for key, value in properties.items())


def run_model_server(settings: Settings, model_dir: Path) -> int:
    """Run MMS serving `model_dir` until it exits or this process is told to stop; its exit code."""
    with tempfile.TemporaryDirectory(prefix="autoai-mms-") as run:
        run_dir = Path(run)
        config = run_dir / "mms.properties"
        config.write_text(mms_properties(settings, model_dir, run_dir))
        command = [
            sys.executable, "-m", "mms.model_server", "--start", "--foreground",
            "--mms-config", str(config),
            "--log-config", str(LOG_CONFIG),
            "--model-store", str(model_dir.parent),
            "--models", f"model={model_dir.name}",
        ]  # fmt: skip
        process = subprocess.Popen(
            command, env=_server_environment(settings, run_dir), cwd=run_dir, start_new_session=True
        )
        LOGGER.info("Multi Model Server starting on port %d (pid %d)", settings.port, process.pid)
        stopping = _stop_on_signals(process.pid)
        try:
            code = process.wait()
        finally:
            stop_process_group(process.pid)
        if stopping:
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
        PYTHONUNBUFFERED="1",
    )
    return environment


def _stop_on_signals(group: int) -> list[int]:
    """On SIGTERM or SIGINT, stop the server's process group; the list records the signals seen."""
    seen: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        seen.append(signum)
        LOGGER.info("%s received: stopping Multi Model Server", signal.Signals(signum).name)
        _signal_group(group, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    return seen


def stop_process_group(group: int, grace_seconds: float = STOP_GRACE_SECONDS) -> None:
    """SIGTERM every process of the group, SIGKILL what is left after the grace period."""
    _signal_group(group, signal.SIGTERM)
    if _group_gone_within(group, grace_seconds):
        return
    LOGGER.warning("Multi Model Server still running %ss after SIGTERM: killing it", grace_seconds)
    _signal_group(group, signal.SIGKILL)
    if not _group_gone_within(group, grace_seconds):
        LOGGER.error("process group %d is still there after SIGKILL", group)


def _group_gone_within(group: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while _group_alive(group):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _signal_group(group: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signum)


def _group_alive(group: int) -> bool:
    _reap_children()
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def _reap_children() -> None:
    """Collect exited children, ours or orphans handed to us as PID 1 in a container."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
