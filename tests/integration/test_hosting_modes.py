"""The contracts of SageMaker's other hosting modes, against the real server: serial inference
pipelines and multi-container endpoints (ports), SageMaker Clarify (its requests and how its
predictor config reads the answers), Serverless Inference (small payloads, one worker, temp dir
only)."""

from __future__ import annotations

import csv
import io
import json
import shutil

import jmespath
import psutil
import pytest

from handler.wire.media_types import CSV, JSONLINES
from tests.serving import Server, free_port, running_server, serve_process, stop, wait_until_healthy

# What the README's Clarify predictor config says, for CSV and for JSON Lines answers.
CLARIFY_CSV = {"label": 0, "probability": 2}
CLARIFY_JSONLINES = {"label": "predicted_label", "probability": "probabilities[1]"}


def listening_ports(server: Server) -> set[int]:
    """The TCP ports `serve` and every process under it listen on."""
    processes = [psutil.Process(server.process.pid)]
    processes += processes[0].children(recursive=True)
    ports = set()
    for process in processes:
        try:
            connections = process.net_connections(kind="tcp")
        except psutil.Error:
            continue
        ports |= {c.laddr.port for c in connections if c.status == psutil.CONN_LISTEN}
    return ports


def test_two_containers_of_one_pipeline_listen_only_on_their_own_ports(classifier, tmp_path):
    """A serial inference pipeline runs its containers side by side, each told its port and the
    range it may use: each server opens that one port and no other."""
    first, second = free_port(), free_port()
    safe_range = f"{min(first, second)}-{max(first, second)}"
    servers = []
    try:
        for port in (first, second):
            process = serve_process(
                classifier.model_dir.parent, tmp_path / f"serve-{port}.log", port,
                SAGEMAKER_SAFE_PORT_RANGE=safe_range,
            )  # fmt: skip
            servers.append(
                Server(f"http://127.0.0.1:{port}", process, tmp_path / f"serve-{port}.log")
            )
        body = classifier.holdout.iloc[:5].to_csv(header=False, index=False)
        for server, port in zip(servers, (first, second)):
            wait_until_healthy(server)
            assert listening_ports(server) == {port}
            answer = server.invoke(body, CSV, CSV)
            assert [row[0] for row in csv.reader(io.StringIO(answer.text))] == (
                classifier.expected_labels()[:5]
            )
    finally:
        for server in servers:
            assert not stop(server.process)


def test_a_port_outside_the_safe_range_stops_serve_naming_both(classifier, tmp_path):
    port = free_port()
    process = serve_process(
        classifier.model_dir.parent, tmp_path / "serve.log", port,
        SAGEMAKER_SAFE_PORT_RANGE=f"{port + 1}-{port + 10}",
    )  # fmt: skip
    assert process.wait(timeout=60) != 0
    assert f"SAGEMAKER_BIND_TO_PORT {port} is outside SAGEMAKER_SAFE_PORT_RANGE" in (
        (tmp_path / "serve.log").read_text()
    )


@pytest.fixture(scope="module")
def clarify_server(classifier, tmp_path_factory):
    log = tmp_path_factory.mktemp("clarify") / "serve.log"
    with running_server(classifier.model_dir.parent, log) as server:
        yield server


def test_clarify_csv_records_read_by_column_index(clarify_server, classifier):
    """Clarify sends many headerless CSV records and reads the label and the positive class's
    probability by column index."""
    body = classifier.holdout.to_csv(header=False, index=False)
    answer = clarify_server.invoke(body, CSV, CSV)
    rows = list(csv.reader(io.StringIO(answer.text)))
    labels = [row[CLARIFY_CSV["label"]] for row in rows]
    scores = [float(row[CLARIFY_CSV["probability"]]) for row in rows]
    assert labels == classifier.expected_labels()
    assert scores == [p[1] for p in classifier.expected_proba()]


def test_clarify_json_lines_read_by_jmespath(clarify_server, classifier):
    """With `content_template="$features"` Clarify sends one JSON array per line, and reads each
    answer line with the config's JMESPath expressions."""
    rows = json.loads(classifier.holdout.to_json(orient="values"))
    body = "".join(json.dumps(row) + "\n" for row in rows)
    answer = clarify_server.invoke(body, JSONLINES, JSONLINES)
    lines = [json.loads(line) for line in answer.text.splitlines()]
    labels = [jmespath.search(CLARIFY_JSONLINES["label"], line) for line in lines]
    scores = [jmespath.search(CLARIFY_JSONLINES["probability"], line) for line in lines]
    assert labels == classifier.expected_labels()
    assert scores == [p[1] for p in classifier.expected_proba()]


def test_serverless_settings_one_worker_4_mb_and_only_the_temp_dir_written(classifier, tmp_path):
    """As the README configures Serverless Inference: one worker and SageMaker's 4 MB payload;
    a body at the limit scores, one over is a 413; the server writes only under TMPDIR."""
    base_dir = tmp_path / "ml"
    shutil.copytree(classifier.model_dir, base_dir / "model")
    before = sorted(p.relative_to(base_dir) for p in base_dir.rglob("*"))
    temp = tmp_path / "tmp"
    temp.mkdir()
    rows = classifier.holdout.to_csv(header=False, index=False).encode()
    limit = 4 * 1024 * 1024
    at_limit = (rows * (limit // len(rows) + 1))[:limit]
    at_limit = at_limit[: at_limit.rindex(b"\n") + 1]  # whole rows, at most 4 MB
    with running_server(
        base_dir, tmp_path / "serve.log",
        SAGEMAKER_MODEL_SERVER_WORKERS="1", SAGEMAKER_MAX_PAYLOAD_IN_MB="4", TMPDIR=str(temp),
    ) as server:  # fmt: skip
        assert list(temp.glob("autoai-mms-*")), "the server's run dir is under TMPDIR"
        scored = server.invoke(at_limit, CSV, CSV)
        assert scored.status_code == 200, scored.text[:300]
        assert len(scored.text.splitlines()) == at_limit.count(b"\n")
        too_large = server.invoke(at_limit + rows, CSV, CSV)
        assert too_large.status_code == 413
    assert sorted(p.relative_to(base_dir) for p in base_dir.rglob("*")) == before


def test_asynchronous_sizes_score_in_one_request_in_order(classifier, tmp_path):
    """With the payload limit and the timeout raised, as for Asynchronous Inference, a body twice
    the default limit scores in one request, every row in order (docs/hosting.md has 100 MB)."""
    rows = classifier.holdout.to_csv(header=False, index=False).encode()
    copies = 12 * 1024 * 1024 // len(rows)
    with running_server(
        classifier.model_dir.parent, tmp_path / "serve.log",
        SAGEMAKER_MAX_PAYLOAD_IN_MB="16", SAGEMAKER_MODEL_SERVER_TIMEOUT="600",
    ) as server:  # fmt: skip
        answer = server.invoke(rows * copies, CSV, CSV)
    assert answer.status_code == 200, answer.text[:300]
    labels = [line.split(",", 1)[0] for line in answer.text.splitlines()]
    assert labels == classifier.expected_labels() * copies
