"""The toolkit's `Transformer` with per-request headers, content negotiation and clean errors.

The toolkit's `transform` reads the first request's headers for every request, replaces a missing
Accept with its own default before we can see it, matches content types by exact string, and puts
the traceback into the response body. This subclass overrides `transform` only: each request is
checked (Content-Type, then Accept) before it is decoded, answered with its own status, and any
traceback goes to the log.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from sagemaker_inference.transformer import Transformer

from handler import media_types
from handler.errors import InferenceError
from handler.settings import Settings

LOGGER = logging.getLogger(__name__)


class AutoAITransformer(Transformer):
    def __init__(self, inference_handler: Any, settings: Settings):
        super().__init__(default_inference_handler=inference_handler)
        self._settings = settings

    def _validate_user_module_and_set_functions(self) -> None:
        """Always our functions: a user `inference.py` or `SAGEMAKER_PROGRAM` replaces none."""
        handler = self._default_inference_handler
        self._model_fn = handler.default_model_fn
        self._input_fn = handler.default_input_fn
        self._predict_fn = handler.default_predict_fn
        self._output_fn = handler.default_output_fn
        self._transform_fn = self._default_transform_fn

    def transform(self, data: list[dict], context: Any) -> list[bytes | str]:
        model_dir = context.system_properties.get("model_dir")
        self.validate_and_initialize(model_dir=model_dir, context=context)
        return [self._answer(index, request, context) for index, request in enumerate(data)]

    def _answer(self, index: int, request: dict, context: Any) -> bytes | str:
        headers = _headers(context, index)
        try:
            content_type = media_types.content_type_of(headers.get("content-type"))
            accept = media_types.negotiate(
                headers.get("accept"), content_type, self._settings.default_accept
            )
            frame = self._input_fn(_body(request), content_type)
            predictions = self._predict_fn(frame, self._model)
            body = self._output_fn(predictions, accept)
        except InferenceError as error:
            LOGGER.debug("request refused with %d: %s", error.status_code, error.message)
            return _error_response(context, index, error.status_code, error.message)
        except Exception:
            LOGGER.exception("request failed")
            return _error_response(
                context,
                index,
                HTTPStatus.INTERNAL_SERVER_ERROR,
                "internal error while scoring: see the server log",
            )
        context.set_response_content_type(index, accept)
        return body


def _headers(context: Any, index: int) -> dict[str, str]:
    """The request's headers, names lower-cased (MMS keeps them as the client sent them)."""
    raw = context.get_all_request_header(index) or {}
    return {str(k).lower(): v for k, v in raw.items() if isinstance(v, str)}


def _body(request: dict) -> bytes:
    body = request.get("body")
    if body is None:
        body = request.get("data", b"")
    return body if isinstance(body, (bytes, bytearray, str)) else b""


def _error_response(context: Any, index: int, status: int, message: str) -> str:
    context.set_response_status(code=int(status), phrase=HTTPStatus(status).phrase, idx=index)
    context.set_response_content_type(index, "text/plain")
    return message + "\n"
