"""The handler service MMS loads: the toolkit's service wired to our transformer and handler."""

from sagemaker_inference.default_handler_service import DefaultHandlerService

from handler.inference_handler import AutoAIInferenceHandler
from handler.logs import configure_worker_logging
from handler.settings import Settings
from handler.transformer import AutoAITransformer


class HandlerService(DefaultHandlerService):
    def __init__(self):
        settings = Settings.from_environ()
        configure_worker_logging(settings.log_level)
        handler = AutoAIInferenceHandler(settings)
        super().__init__(transformer=AutoAITransformer(handler, settings))
