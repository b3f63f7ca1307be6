"""The one line that says the server is ready: launch to the first `/ping` 200.

Our `/ping` (plugins/src/autoai/sagemaker/Ping.java) answers 200 only once a worker of the model
has loaded it and scored its sample row, so this is also when the first request can be scored.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

LOGGER = logging.getLogger("handler.process.serve")
POLL_SECONDS = 0.05
PING_TIMEOUT_SECONDS = 2.0


@contextlib.contextmanager
def readiness_announced(port: int, launched: float) -> Iterator[None]:
    """While inside, log `ready in N s` once `/ping` on `port` answers 200, N counted from
    `launched` (a `time.monotonic()` reading). The watching thread is stopped and joined on the
    way out, so it never outlives `serve` into the interpreter's shutdown."""
    stopped = threading.Event()
    url = f"http://127.0.0.1:{port}/ping"

    def watch() -> None:
        while not stopped.is_set():
            if _answers_ok(url):
                LOGGER.info("ready in %.1f s", time.monotonic() - launched)
                return
            stopped.wait(POLL_SECONDS)

    thread = threading.Thread(target=watch, name="readiness", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stopped.set()
        thread.join(timeout=PING_TIMEOUT_SECONDS + 1)


def _answers_ok(url: str) -> bool:
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    try:
        with direct.open(url, timeout=PING_TIMEOUT_SECONDS) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False
