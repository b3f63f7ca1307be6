"""The toolkit's `Transformer`, for batches of requests, with content negotiation and clean errors.

Multi Model Server hands a worker up to a batch of concurrent requests at once. The toolkit's
`transform` reads the first request's headers for every request and sets the content type of the
first answer only; it also replaces a missing Accept with its own default before we can see it,
matches content types by exact string and puts the traceback into the response body. This
subclass overrides `transform` only: each request is checked (Content-Type, then Accept) and
decoded with its own headers, the rows of all requests are scored in one pipeline call and split
back, and each request is answered with its own status and content type, so one bad request in a
batch gets its 4xx while the others succeed. A model whose `one_request_per_call` is true (a
forecaster: a request is one forecast) scores each request alone. Tracebacks go to the log.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Union

from sagemaker_inference.transformer import Transformer

from handler.errors import InferenceError
from handler.model.forecasts import Forecast
from handler.model.predictions import Predictions
from handler.process.settings import Settings
from handler.scoring.inference import Decoded
from handler.wire import media_types
from handler.wire.decoding import RequestRows

LOGGER = logging.getLogger(__name__)
Outcome = Union[Predictions, Forecast, Exception]


@dataclass(frozen=True)
class DecodedRequest:
    """One request of a batch, decoded: its position, its rows and the type to answer in."""

    index: int
    rows: Decoded
    accept: str


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
        started = time.perf_counter()
        model_dir = context.system_properties.get("model_dir")
        self.validate_and_initialize(model_dir=model_dir, context=context)
        answers: list[bytes | str] = [b""] * len(data)
        decoded = []
        for index, request in enumerate(data):
            try:
                decoded.append(self._decode(index, request, context))
            except Exception as error:
                answers[index] = _refusal(context, index, error)
        for item, outcome in zip(decoded, self._score(decoded)):
            try:
                if isinstance(outcome, Exception):
                    raise outcome
                answers[item.index] = self._output_fn(outcome, item.accept)
            except Exception as error:
                answers[item.index] = _refusal(context, item.index, error)
                continue
            context.set_response_content_type(item.index, item.accept)
        if LOGGER.isEnabledFor(logging.DEBUG):
            _log_answers(context, len(data), started)
        return answers

    def _decode(self, index: int, request: dict, context: Any) -> DecodedRequest:
        headers = _headers(context, index)
        content_type = media_types.content_type_of(headers.get("content-type"))
        accept = media_types.negotiate(
            headers.get("accept"), content_type.name, self._settings.default_accept
        )
        return DecodedRequest(index, self._input_fn(_body(request), content_type), accept)

    def _score(self, decoded: list[DecodedRequest]) -> list[Outcome]:
        """Each request's predictions, from one pipeline call for all requests when they can.

        Requests whose columns differ (possible only without feature names) are scored apart.
        When the pipeline refuses the combined rows, each request is scored alone, so only the
        requests at fault get an error. A model that takes one request per call gets each alone.
        """
        if self._model.one_request_per_call:
            return [self._alone(item.rows) for item in decoded]
        outcomes: dict[int, Outcome] = {}
        groups: dict[tuple, list[int]] = {}
        for position, item in enumerate(decoded):
            groups.setdefault(tuple(item.rows.frame.columns), []).append(position)
        for positions in groups.values():
            requests = [decoded[p].rows for p in positions]
            parts: list[Outcome]
            if len(requests) > 1:
                LOGGER.debug("scoring %d requests in one pipeline call", len(requests))
            try:
                scored = self._predict_fn(RequestRows.concat(requests), self._model)
                parts = list(scored.split([len(r.frame) for r in requests]))
            except Exception as error:
                parts = [error] if len(requests) == 1 else [self._alone(r) for r in requests]
            for position, request, part in zip(positions, requests, parts):
                if isinstance(part, Predictions):
                    part = dataclasses.replace(part, blank_lines=request.blank_lines)
                outcomes[position] = part
        return [outcomes[position] for position in range(len(decoded))]

    def _alone(self, request: Decoded) -> Outcome:
        try:
            return self._predict_fn(request, self._model)
        except Exception as error:
            return error


def _headers(context: Any, index: int) -> dict[str, str]:
    """The request's headers, names lower-cased (MMS keeps them as the client sent them)."""
    raw = context.get_all_request_header(index) or {}
    return {str(k).lower(): v for k, v in raw.items() if isinstance(v, str)}


def _body(request: dict) -> bytes:
    body = request.get("body")
    if body is None:
        body = request.get("data", b"")
    return body if isinstance(body, (bytes, bytearray, str)) else b""


def _refusal(context: Any, index: int, error: Exception) -> str:
    """The answer for a request that failed: its status, and a one-line reason."""
    if isinstance(error, InferenceError):
        LOGGER.debug(
            "request %s refused with %d: %s",
            context.get_request_id(index),
            error.status_code,
            error.message,
        )
        return _error_response(context, index, error.status_code, error.message)
    LOGGER.error("request %s failed", context.get_request_id(index), exc_info=error)
    return _error_response(
        context,
        index,
        HTTPStatus.INTERNAL_SERVER_ERROR,
        "internal error while scoring: see the server log",
    )


def _log_answers(context: Any, count: int, started: float) -> None:
    """One DEBUG line per request: its id, status and the time this worker spent on its batch."""
    milliseconds = (time.perf_counter() - started) * 1000
    for index in range(count):
        status, _phrase = context.get_response_status(index)
        LOGGER.debug(
            "request %s answered %s in %.1f ms (batch of %d)",
            context.get_request_id(index),
            status or HTTPStatus.OK.value,
            milliseconds,
            count,
        )


def _error_response(context: Any, index: int, status: int, message: str) -> str:
    context.set_response_status(code=int(status), phrase=HTTPStatus(status).phrase, idx=index)
    context.set_response_content_type(index, "text/plain")
    return message + "\n"
