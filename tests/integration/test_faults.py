"""Faults against the real server: a worker killed mid-traffic, a pipeline that raises on some
rows. (SIGTERM stopping every process is in test_startup.py.)"""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import psutil
import requests

from tests.pipelines import train
from tests.serving import running_server

REQUEST_TIMEOUT_SECONDS = 60


def forked_workers(server) -> list[psutil.Process]:
    """The worker processes that score (MMS forks them from one listening process per model)."""
    workers = []
    for process in psutil.Process(server.process.pid).children(recursive=True):
        try:
            parent = process.parent()
            if (
                "model_service_worker" in " ".join(process.cmdline())
                and parent is not None
                and "model_service_worker" in " ".join(parent.cmdline())
            ):
                workers.append(process)
        except psutil.Error:
            continue
    return workers


def test_a_worker_killed_mid_traffic_is_replaced_and_nothing_hangs(classifier, tmp_path):
    body = classifier.holdout.iloc[:3].to_csv(header=False, index=False)
    with running_server(
        classifier.model_dir.parent, tmp_path / "serve.log", SAGEMAKER_MODEL_SERVER_WORKERS="2"
    ) as server:
        deadline = time.monotonic() + 30
        while len(forked_workers(server)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        victims = forked_workers(server)
        assert len(victims) == 2
        # a forked worker may still be loading the pickle: traffic starts once one scores
        while server.invoke(body, "text/csv").status_code != 200:
            assert time.monotonic() < deadline, "no worker scored within 30 s"
            time.sleep(0.2)
        outcomes: list[tuple[float, int, float]] = []
        stop = threading.Event()

        def traffic():
            while not stop.is_set():
                sent = time.monotonic()
                try:
                    status = server.invoke(body, "text/csv").status_code
                except requests.RequestException:
                    status = -1
                outcomes.append((sent, status, time.monotonic() - sent))

        with ThreadPoolExecutor(8) as pool:
            for _ in range(8):
                pool.submit(traffic)
            try:
                time.sleep(2)  # traffic before the kill
                killed_at = time.monotonic()
                os.kill(victims[0].pid, signal.SIGKILL)
                time.sleep(8)  # and after it
            finally:
                stop.set()
        replaced = forked_workers(server)
    before = [status for sent, status, took in outcomes if sent + took < killed_at]
    after = [status for sent, status, _ in outcomes if sent > killed_at + 4]
    assert before and set(before) == {200}
    # in flight on the killed worker: a 5xx at once, never a hang or a dropped connection
    failed = [(status, took) for sent, status, took in outcomes if status != 200]
    assert all(500 <= status < 600 for status, _ in failed), failed
    assert max(took for _, _, took in outcomes) < REQUEST_TIMEOUT_SECONDS / 2
    # later requests succeed, served by a replacement worker
    assert after and set(after) == {200}
    assert len(replaced) == 2 and victims[0].pid not in [p.pid for p in replaced]


def test_a_pipeline_raising_on_some_rows_fails_those_requests_only(tmp_path):
    """A real AutoAI pipeline with a user step that raises on one city (a custom pickle)."""
    trained = train(tmp_path, faulty_city="Atlantis")
    good = trained.holdout.iloc[:2]
    bad = good.copy()
    bad["CITY"] = "Atlantis"
    with running_server(
        trained.model_dir.parent,
        tmp_path / "serve.log",
        SAGEMAKER_MODEL_SERVER_WORKERS="1",
        AUTOAI_ALLOW_ANY_PICKLE="true",  # the pickle names tests.pipelines.FailsOnCity
    ) as server:
        for _ in range(3):
            refused = server.invoke(bad.to_csv(header=False, index=False), "text/csv")
            assert refused.status_code == 500
            assert refused.text == "internal error while scoring: see the server log\n"
            answered = server.invoke(good.to_csv(header=False, index=False), "text/csv")
            assert answered.status_code == 200
            labels = [line.split(",")[0] for line in answered.text.splitlines()]
            assert labels == trained.expected_labels(good)
        log = server.log()
    assert "pipeline step refused city Atlantis" in log
    assert "Worker died" not in log
