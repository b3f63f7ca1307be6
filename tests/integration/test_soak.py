"""A bounded load test: 64 clients for SOAK_SECONDS (default 20; set it for the long version),
mixed valid and invalid requests, every answer checked, the server's memory sampled."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import psutil
import requests

from tests.serving import running_server

CLIENTS = 64
SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", "20"))
# After warm-up, resident memory may drift by this much and no more.
MEMORY_SLACK_MB = 40


def resident_mb(pid: int) -> float:
    processes = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            continue
    return total / 2**20


def test_mixed_load_with_no_unexpected_answer_and_flat_memory(classifier, tmp_path):
    frame = classifier.holdout
    rows = [frame.iloc[[n]] for n in range(len(frame))]
    # bytes: older requests encode a str body as Latin-1, and the rows hold non-ASCII names
    good = [
        (row.to_csv(header=False, index=False).encode(), classifier.expected_labels(row)[0])
        for row in rows
    ]
    bad = [
        ("1,2,3\n", "text/csv", 400),
        (b"\xff\xfe1,2\n", "text/csv", 400),
        ("", "text/csv", 400),
        ("[[1, 2]]", "application/json", 400),
        ("[[1, 2]]", "image/png", 415),
        ("[[1, 2]]", "text/csv", 400),
    ]
    session = threading.local()

    def send(n: int):
        if not hasattr(session, "http"):
            session.http = requests.Session()
        if n % 5 == 4:
            body, content_type, status = bad[(n // 5) % len(bad)]
            response = session.http.post(
                f"{server.url}/invocations",
                data=body,
                headers={"Content-Type": content_type},
                timeout=60,
            )
            return response.status_code == status, response.status_code
        body, label = good[n % len(good)]
        response = session.http.post(
            f"{server.url}/invocations", data=body, headers={"Content-Type": "text/csv"}, timeout=60
        )
        return response.status_code == 200 and response.text.split(",")[0] == label, (
            response.status_code
        )

    with running_server(
        classifier.model_dir.parent, tmp_path / "serve.log", SAGEMAKER_MODEL_SERVER_WORKERS="2"
    ) as server:
        samples: list[tuple[float, float]] = []
        done = threading.Event()

        def sample():
            while not done.is_set():
                samples.append((time.monotonic(), resident_mb(server.process.pid)))
                done.wait(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.monotonic()
        results = []
        with ThreadPoolExecutor(CLIENTS) as pool:
            n = 0
            while time.monotonic() - started < SOAK_SECONDS:
                results.extend(pool.map(send, range(n, n + 4 * CLIENTS)))
                n += 4 * CLIENTS
        done.set()
        sampler.join()
    unexpected = [status for ok, status in results if not ok]
    assert len(results) > 500
    assert unexpected == [], f"{len(unexpected)} unexpected answers: {unexpected[:10]}"
    warm = [mb for at, mb in samples if at - started > SOAK_SECONDS / 4]
    assert warm, "no memory samples after warm-up"
    assert max(warm) - warm[0] < MEMORY_SLACK_MB, f"memory grew: {warm}"
