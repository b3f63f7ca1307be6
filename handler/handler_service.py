"""The handler MMS loads: the toolkit's service wired to our transformer and inference handler.

MMS finds `handle(data, context)` here and calls it once with `data=None` when a worker loads its
model, then once per batch of requests. A function entry point, not a service class, on purpose:
MMS logs and swallows an exception from a service class's `initialize`, registering a model that
cannot score. From `handle`, a failed load ends the worker, so MMS answers the load call (of a
multi-model endpoint) with an error at once, and a `MemoryError` with 507, on which SageMaker
unloads other models and retries.
"""

from __future__ import annotations

import functools
import logging
import sys
import time
from typing import Any

from sagemaker_inference.default_handler_service import DefaultHandlerService

from handler.process.logs import configure_worker_logging
from handler.process.settings import Settings
from handler.scoring.inference import AutoAIInferenceHandler
from handler.scoring.transformer import AutoAITransformer

LOGGER = logging.getLogger(__name__)
OUTPUT_GRACE_SECONDS = 0.5


class HandlerService(DefaultHandlerService):
    def __init__(self, settings: Settings):
        self.settings = settings
        handler = AutoAIInferenceHandler(settings)
        super().__init__(transformer=AutoAITransformer(handler, settings))


def handle(data: list[dict] | None, context: Any) -> list[bytes | str] | None:
    service = _service()
    if data is None:
        _load(service, context)
        return None
    return service.handle(data, context)


@functools.cache
def _service() -> HandlerService:
    """This worker's service (one worker serves one model), built on its first call."""
    settings = Settings.from_environ()
    configure_worker_logging(settings.log_level)
    return HandlerService(settings)


def _load(service: HandlerService, context: Any) -> None:
    model_dir = context.system_properties.get("model_dir")
    try:
        service.initialize(context)
    except Exception as error:
        LOGGER.error("model %s cannot load from %s: %s", context.model_name, model_dir, error)
        # MMS stops reading a worker's output as soon as the worker dies: let it read this line.
        sys.stdout.flush()
        time.sleep(OUTPUT_GRACE_SECONDS)
        raise
    LOGGER.info("model %s loaded from %s", context.model_name, model_dir)
