"""One large CSV request, as Asynchronous Inference sends it: its time and the server's peak memory.

    python -m bench.large_request MEGABYTES

serves the default model (one worker, the payload limit and timeout raised to fit), posts
MEGABYTES of sample customers in one request, counts the rows answered (their order is checked
by tests/integration/test_hosting_modes.py), and prints the seconds it took and the peak resident
memory of the server's processes (serve, the JVM and the worker), sampled every 0.2 s.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pandas as pd
import psutil
import requests

from tests.serving import Server, free_port, serve_process, stop, wait_until_healthy

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "local-test/test-dir/input/data/training/demand_response.csv"
FEATURES = 35


def body_of(megabytes: int) -> bytes:
    """Whole rows of the sample customers' features, repeated up to `megabytes`."""
    rows = pd.read_csv(SAMPLE).iloc[:, :FEATURES].to_csv(header=False, index=False).encode()
    size = megabytes * 1024 * 1024
    body = (rows * (size // len(rows) + 1))[:size]
    return body[: body.rindex(b"\n") + 1]


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and everything under it."""
    root = psutil.Process(pid)
    total = 0
    for process in [root, *root.children(recursive=True)]:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            continue
    return total


def main(megabytes: int) -> None:
    body = body_of(megabytes)
    port = free_port()
    log = Path(f"/tmp/large-request-{port}.log")
    process = serve_process(
        ROOT, log, port,
        SAGEMAKER_MAX_PAYLOAD_IN_MB=str(megabytes + 10),
        SAGEMAKER_MODEL_SERVER_TIMEOUT="3600",
        SAGEMAKER_MODEL_SERVER_WORKERS="1",
    )  # fmt: skip
    server = Server(f"http://127.0.0.1:{port}", process, log)
    peak, done = [0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(process.pid))
            time.sleep(0.2)

    try:
        wait_until_healthy(server)
        threading.Thread(target=sample, daemon=True).start()
        started = time.monotonic()
        answer = requests.post(
            f"{server.url}/invocations",
            data=body,
            headers={"Content-Type": "text/csv", "Accept": "text/csv"},
            timeout=3600,
        )
        seconds = time.monotonic() - started
        done.set()
        rows_in, rows_out = body.count(b"\n"), len(answer.text.splitlines())
        print(
            f"{megabytes} MB, {rows_in} rows: HTTP {answer.status_code}, {rows_out} rows back, "
            f"{seconds:.1f} s, peak resident {peak[0] // 2**20} MB"
        )
    finally:
        done.set()
        stop(process)
        log.unlink(missing_ok=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))
