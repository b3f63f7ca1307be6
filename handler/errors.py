"""Errors: the ones that carry an HTTP status, and the one that stops start-up.

`InferenceError` and its subclasses are toolkit `BaseInferenceToolkitError`s, so their status and
one-line message reach the client; anything else raised while serving is a 500 whose details go to
the log only. `ModelLoadError` is not a request error: it stops `serve` (and `train`) at start-up.
"""

from __future__ import annotations

from http import HTTPStatus

from sagemaker_inference.errors import BaseInferenceToolkitError


class InferenceError(BaseInferenceToolkitError):
    """A request that cannot be answered; `status` says why in HTTP terms."""

    status = HTTPStatus.INTERNAL_SERVER_ERROR

    def __init__(self, message: str):
        one_line = " ".join(message.split())
        super().__init__(int(self.status), one_line, self.status.phrase)

    def __str__(self) -> str:
        return self.message


class BadRequest(InferenceError):
    """The body is malformed or does not fit the model's input (names the row or column)."""

    status = HTTPStatus.BAD_REQUEST


class UnsupportedMediaType(InferenceError):
    status = HTTPStatus.UNSUPPORTED_MEDIA_TYPE


class NotAcceptable(InferenceError):
    status = HTTPStatus.NOT_ACCEPTABLE


class ModelLoadError(Exception):
    """The model directory holds nothing this container can load and score; says what and why."""


class NotEnoughMemory(ModelLoadError, MemoryError):
    """Loading the model would run out of memory. A `MemoryError`, so Multi Model Server answers
    the load call with 507 (on which SageMaker unloads other models and retries)."""
