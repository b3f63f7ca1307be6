"""`serve`: check the model, then run Multi Model Server in front of it until told to stop.

A multi-model endpoint starts with no model, so there is nothing to check: each model is checked
as it is loaded (a model that cannot load fails its load call). A single model that is a
forecaster is served with /execution-parameters asking batch transform for one record per request.
"""

from __future__ import annotations

import logging
import sys
import time

from handler.model.files import find_pipeline_file
from handler.model.forecaster import pickle_names_forecaster
from handler.process.model_server import (
    MULTI_RECORD,
    SINGLE_RECORD,
    child_environment,
    run_model_server,
)
from handler.process.readiness import readiness_announced
from handler.process.settings import Settings
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
    with readiness_announced(settings.port, launched):
        return _serve(settings, supervisor)


def _serve(settings: Settings, supervisor: Supervisor) -> int:
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
    forecaster = pickle_names_forecaster(find_pipeline_file(settings.model_dir))
    LOGGER.info(
        "serving %s%s on port %d with %d workers",
        settings.model_dir,
        " (a forecaster: one forecast per request)" if forecaster else "",
        settings.port,
        settings.workers,
    )
    return run_model_server(settings, supervisor, SINGLE_RECORD if forecaster else MULTI_RECORD)
