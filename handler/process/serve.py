"""`serve`: check the model, then run Multi Model Server in front of it until told to stop.

A multi-model endpoint starts with no model, so there is nothing to check: each model is checked
as it is loaded (a model that cannot load fails its load call).
"""

from __future__ import annotations

import logging
import sys
import time

from handler.process.model_server import child_environment, run_model_server
from handler.process.readiness import announce_when_ready
from handler.process.startup import settings_for
from handler.process.supervisor import Supervisor

LOGGER = logging.getLogger("handler.process.serve")


def serve() -> int:
    """Serve `$SAGEMAKER_BASE_DIR/model`, or a multi-model endpoint; the process exit code."""
    launched = time.monotonic()
    settings = settings_for("serve")
    if settings is None:
        return 2
    supervisor = Supervisor()
    announce_when_ready(settings.port, launched, lambda: supervisor.stopping)
    if settings.multi_model:
        LOGGER.info(
            "serving a multi-model endpoint on port %d with %d workers per model",
            settings.port,
            settings.workers,
        )
        return run_model_server(settings, supervisor)
    check = supervisor.run(
        [sys.executable, "-m", "handler.process.model_check"], env=child_environment(settings)
    )
    if supervisor.stopping:
        return 0
    if check != 0:
        return check
    LOGGER.info(
        "serving %s on port %d with %d workers", settings.model_dir, settings.port, settings.workers
    )
    return run_model_server(settings, supervisor)
