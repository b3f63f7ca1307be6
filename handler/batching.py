"""Micro-batching for the models MMS registers with a batch size of 1.

Multi Model Server gathers concurrent requests to a model into one call to a worker, up to the
model's batch size, waiting at most its batch delay for more when the queue runs dry. It takes
both only from its registration API, and gives 1 to the model named at start-up and to the models
SageMaker loads on a multi-model endpoint. So our plugin `PUT /batching` sets them afterwards:
`serve` does it for the single model once MMS answers on its (private) management socket, and
each worker of a multi-model endpoint does it for its own model as it loads (the management API
is on the inference port there). Until then requests are served one at a time.
"""

from __future__ import annotations

import http.client
import logging
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from handler.settings import Settings

LOGGER = logging.getLogger(__name__)
START_DEADLINE_SECONDS = 120.0
POLL_SECONDS = 0.05


class UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP over a unix socket (MMS's management address in single-model mode)."""

    def __init__(self, socket_path: Path, timeout: float = 10.0):
        super().__init__("localhost", timeout=timeout)
        self._socket_path = socket_path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(str(self._socket_path))


def start_configuring(settings: Settings, socket_path: Path, model: str) -> threading.Thread:
    """Set `model`'s batching as soon as MMS answers, from a daemon thread; the thread."""
    thread = threading.Thread(
        target=configure_batching,
        args=(settings, socket_path, model),
        name="batching",
        daemon=True,
    )
    thread.start()
    return thread


def configure_batching(settings: Settings, socket_path: Path, model: str) -> bool:
    """Set `model`'s batch size and delay once MMS has registered it; whether that worked."""
    deadline = time.monotonic() + START_DEADLINE_SECONDS
    last = "the management socket never appeared"
    while time.monotonic() < deadline:
        try:
            status, body = _put(UnixHTTPConnection(socket_path), _path(settings, model))
        except OSError as error:
            last = str(error)
        else:
            if status == 200:
                LOGGER.info("micro-batching %s", body)
                return True
            last = f"{status} {body}"
            if status != 404:  # 404: the model is not registered yet
                break
        time.sleep(POLL_SECONDS)
    LOGGER.warning("requests are scored one at a time: cannot set batching (%s)", last)
    return False


def request_batching(settings: Settings, model: str) -> bool:
    """From a worker of a multi-model endpoint: set its model's batching; whether that worked."""
    connection = http.client.HTTPConnection("127.0.0.1", settings.port, timeout=10)
    try:
        status, body = _put(connection, _path(settings, model))
    except OSError as error:
        status, body = 0, str(error)
    if status == 200:
        LOGGER.info("micro-batching %s", body)
        return True
    LOGGER.warning("model %s is scored one request at a time: %s %s", model, status, body)
    return False


def _path(settings: Settings, model: str) -> str:
    query = urlencode(
        {
            "model": model,
            "batch_size": settings.batch_size,
            "max_batch_delay": settings.max_batch_delay_ms,
        }
    )
    return f"/batching?{query}"


def _put(connection: http.client.HTTPConnection, path: str) -> tuple[int, str]:
    try:
        connection.request("PUT", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace").strip()
    finally:
        connection.close()
