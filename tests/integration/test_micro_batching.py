"""Micro-batching against the real server: concurrent requests scored together, each answered as
if alone, a bad request in a batch refused on its own."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.serving import running_server

ROUNDS = 600


@pytest.fixture(scope="module")
def debug_server(classifier, tmp_path_factory):
    """DEBUG logs say how many requests each pipeline call scored."""
    log = tmp_path_factory.mktemp("logs") / "serve.log"
    with running_server(
        classifier.model_dir.parent,
        log,
        SAGEMAKER_MODEL_SERVER_WORKERS="2",
        SAGEMAKER_CONTAINER_LOG_LEVEL="DEBUG",
    ) as server:
        yield server


def requests_of_every_kind(classifier):
    """(body, content type, accept, check) cases: CSV, JSON and JSON Lines, good and bad."""
    rows = classifier.holdout.iloc[:8].reset_index(drop=True)
    cases = []
    for n in range(len(rows)):
        frame = rows.iloc[[n]]
        label = classifier.expected_labels(frame)[0]
        proba = classifier.expected_proba(frame)[0]
        csv_line = frame.to_csv(header=False, index=False)
        record = json.loads(frame.to_json(orient="records"))[0]
        cases += [
            (csv_line, "text/csv", "text/csv", ("csv", label, proba)),
            (json.dumps([record]), "application/json", "application/json", ("json", label, proba)),
            (json.dumps(record), "application/jsonlines", "application/jsonlines",
             ("jsonlines", label, proba)),
        ]  # fmt: skip
    cases += [
        ("1,2\n", "text/csv", "text/csv", ("refused", 400, "expected 35 columns, got 2 (row 1)")),
        ("[1, 2]", "application/json", None, ("refused", 400, "expected 35 columns")),
        (csv_line, "image/png", None, ("refused", 415, "Content-Type 'image/png'")),
        (csv_line, "text/csv", "image/png", ("refused", 406, "Accept 'image/png'")),
    ]
    return cases


def check(response, content_type_sent, expectation):
    kind, *expected = expectation
    if kind == "refused":
        status, message = expected
        assert response.status_code == status, response.text
        assert message in response.text
        return
    assert response.status_code == 200, response.text
    label, proba = expected
    assert response.headers["Content-Type"].startswith(content_type_sent)
    if kind == "csv":
        cells = response.text.strip().split(",")
        assert (cells[0], [float(p) for p in cells[1:]]) == (label, proba)
    elif kind == "json":
        values = response.json()["predictions"][0]["values"]
        assert values == [[label, proba]]
    else:
        assert json.loads(response.text) == {"predicted_label": label, "probabilities": proba}


def test_concurrent_requests_of_every_kind_are_each_answered_as_if_alone(classifier, debug_server):
    cases = requests_of_every_kind(classifier)

    def send(n):
        body, content_type, accept, expectation = cases[n % len(cases)]
        response = debug_server.invoke(body, content_type, accept)
        return response, accept or content_type, expectation

    with ThreadPoolExecutor(32) as pool:
        for response, answered_in, expectation in pool.map(send, range(ROUNDS)):
            check(response, answered_in, expectation)
    batched = [
        int(line.split("scoring ")[1].split()[0])
        for line in debug_server.log().splitlines()
        if "requests in one pipeline call" in line
    ]
    assert batched and max(batched) > 2, "no requests were scored together"
    assert "micro-batching model model: batch_size 32, max_batch_delay 0 ms" in debug_server.log()
    assert "Worker died" not in debug_server.log()
    # at DEBUG, one line per request with its id, status and time
    uuid = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    log = debug_server.log()
    assert len(re.findall(rf"request {uuid} answered 200 in [0-9.]+ ms", log)) >= ROUNDS // 2
    assert re.search(rf"request {uuid} answered 415 in", log)
    assert re.search(rf"request {uuid} refused with 400: expected 35 columns", log)


def test_batching_off_scores_one_request_at_a_time(classifier, tmp_path):
    with running_server(
        classifier.model_dir.parent,
        tmp_path / "serve.log",
        SAGEMAKER_MODEL_SERVER_WORKERS="1",
        SAGEMAKER_CONTAINER_LOG_LEVEL="DEBUG",
        AUTOAI_BATCH_SIZE="1",
    ) as server:
        cases = requests_of_every_kind(classifier)[:6]
        with ThreadPoolExecutor(8) as pool:
            responses = list(pool.map(lambda c: server.invoke(*c[:3]), cases * 4))
        for response, case in zip(responses, cases * 4):
            check(response, case[2], case[3])
        log = server.log()
    assert "micro-batching" not in log
    assert "requests in one pipeline call" not in log


def test_concurrent_large_requests_go_to_different_workers(classifier, debug_server):
    """Batches stop at 64 KiB of request bodies, so large requests are never scored together."""
    log_before = len(debug_server.log().splitlines())
    frame = classifier.holdout
    body = frame.to_csv(header=False, index=False) * 40  # 1,600 rows, well over 64 KiB
    assert len(body) > 64 * 1024
    with ThreadPoolExecutor(6) as pool:
        responses = list(pool.map(lambda _: debug_server.invoke(body, "text/csv"), range(12)))
    expected_labels = classifier.expected_labels(frame) * 40
    for response in responses:
        assert response.status_code == 200, response.text
        assert [line.split(",")[0] for line in response.text.splitlines()] == expected_labels
    new_lines = debug_server.log().splitlines()[log_before:]
    assert not [line for line in new_lines if "requests in one pipeline call" in line]
