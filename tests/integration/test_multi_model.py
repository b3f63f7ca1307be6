"""A multi-model endpoint against the real server: SageMaker's load, list, invoke and unload calls
on the management API (on the inference port in this mode), with real pipelines of different
kinds, and the worker processes in the process table."""

from __future__ import annotations

import csv
import functools
import http.server
import io
import shutil
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest
import requests

from tests.pipelines import TrainedModel
from tests.serving import Server, running_server

WORKERS = 2


@pytest.fixture(scope="module")
def models_root(classifier, lale_classifier, regressor, tmp_path_factory) -> Path:
    """`<base>/models/<name>/model`, as SageMaker unpacks each artifact of an MME."""
    base = tmp_path_factory.mktemp("mme")
    for name, trained in (
        ("classifier", classifier),
        ("lale", lale_classifier),
        ("regressor", regressor),
        ("unload-me", classifier),
    ):
        shutil.copytree(trained.model_dir, base / "models" / name / "model")
    broken = base / "models" / "broken" / "model"
    broken.mkdir(parents=True)
    (broken / "model.pickle").write_bytes(b"not a pickle")
    return base


@pytest.fixture(scope="module")
def mme(models_root, tmp_path_factory):
    log = tmp_path_factory.mktemp("logs") / "serve.log"
    with running_server(
        models_root,
        log,
        SAGEMAKER_MULTI_MODEL="true",
        SAGEMAKER_MODEL_SERVER_WORKERS=str(WORKERS),
    ) as server:
        yield server


def load(server: Server, name: str, models_root: Path) -> requests.Response:
    url = str(models_root / "models" / name / "model")
    return requests.post(f"{server.url}/models", json={"model_name": name, "url": url}, timeout=120)


def workers_of(server: Server, name: str) -> list[psutil.Process]:
    """The worker processes serving model `name`, from the process table."""
    found = []
    for process in psutil.Process(server.process.pid).children(recursive=True):
        try:
            command = process.cmdline()
        except psutil.Error:
            continue
        if "--model-name" in command and command[command.index("--model-name") + 1] == name:
            found.append(process)
    return found


def invoke_csv(server: Server, name: str, trained: TrainedModel, rows: slice = slice(None)):
    body = trained.holdout.iloc[rows].to_csv(header=False, index=False)
    return server.invoke(body, "text/csv", "text/csv", path=f"/models/{name}/invoke")


def answers(text: str, classifier: bool = True) -> list:
    rows = list(csv.reader(io.StringIO(text)))
    if not classifier:
        return [float(row[0]) for row in rows]
    return [(row[0], [float(p) for p in row[1:]]) for row in rows]


def expected(trained: TrainedModel, rows: slice = slice(None), classifier: bool = True) -> list:
    frame = trained.holdout.iloc[rows]
    if not classifier:
        return trained.expected_labels(frame)
    return list(zip(trained.expected_labels(frame), trained.expected_proba(frame)))


def eventually(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.fixture(scope="module")
def loaded(mme, models_root):
    """The classifier, the lale pipeline and the regressor, loaded."""
    for name in ("classifier", "lale", "regressor"):
        response = load(mme, name, models_root)
        assert response.status_code == 200, response.text
    return mme


def test_an_endpoint_starts_with_no_model(mme):
    response = requests.get(f"{mme.url}/models", timeout=10)
    assert response.status_code == 200
    assert response.json()["models"] == []
    parameters = requests.get(f"{mme.url}/execution-parameters", timeout=10).json()
    assert parameters["MaxConcurrentTransforms"] == WORKERS


def test_loaded_models_are_listed_and_described(loaded):
    listed = requests.get(f"{loaded.url}/models", timeout=10).json()["models"]
    assert {"classifier", "lale", "regressor"} <= {m["modelName"] for m in listed}
    described = requests.get(f"{loaded.url}/models/lale", timeout=10)
    assert described.status_code == 200
    workers = described.json()["workers"]
    assert len(workers) == WORKERS
    assert all(w["status"] == "READY" for w in workers)


def test_each_loaded_model_gets_micro_batching(loaded):
    """SageMaker's load call registers a batch size of 1; each model's workers set ours."""
    for name in ("classifier", "lale", "regressor"):
        assert f"micro-batching model {name}: batch_size 32, max_batch_delay 0 ms" in loaded.log()
        assert requests.get(f"{loaded.url}/models/{name}", timeout=10).json()["batchSize"] == 32


def test_loading_a_loaded_model_again_is_a_conflict(loaded, models_root):
    assert load(loaded, "classifier", models_root).status_code == 409


def test_models_of_different_kinds_score_interleaved_as_in_process(
    loaded, classifier, lale_classifier, regressor
):
    for rows in (slice(0, 1), slice(1, 7), slice(7, 40)):
        for name, trained, is_classifier in (
            ("classifier", classifier, True),
            ("regressor", regressor, False),
            ("lale", lale_classifier, True),
        ):
            response = invoke_csv(loaded, name, trained, rows)
            assert response.status_code == 200, response.text
            assert answers(response.text, is_classifier) == expected(trained, rows, is_classifier)


def test_models_score_concurrently_each_with_its_own_answers(
    loaded, classifier, lale_classifier, regressor
):
    cases = [
        ("classifier", classifier, True),
        ("lale", lale_classifier, True),
        ("regressor", regressor, False),
    ]
    jobs = [(cases[n % 3], slice(n % 40, n % 40 + 1)) for n in range(48)]

    def run(job):
        (name, trained, is_classifier), rows = job
        response = invoke_csv(loaded, name, trained, rows)
        return response.status_code, answers(response.text, is_classifier), job

    with ThreadPoolExecutor(16) as pool:
        for status, got, ((_, trained, is_classifier), rows) in pool.map(run, jobs):
            assert status == 200
            assert got == expected(trained, rows, is_classifier)


def test_invoke_has_the_same_content_types_and_errors_as_invocations(loaded, classifier):
    path = "/models/classifier/invoke"
    body = classifier.holdout.iloc[:2].to_csv(header=False, index=False)
    as_json = loaded.invoke(body, "text/csv", "application/json", path=path)
    assert as_json.status_code == 200
    assert as_json.json()["predictions"][0]["fields"] == ["prediction", "probability"]
    assert loaded.invoke(body, "image/png", path=path).status_code == 415
    assert loaded.invoke(body, "text/csv", "image/png", path=path).status_code == 406
    bad = loaded.invoke("1,2,3\n", "text/csv", path=path)
    assert bad.status_code == 400
    assert "expected 35 columns, got 3 (row 1)" in bad.text


def test_an_unknown_model_is_a_404(loaded, classifier):
    assert invoke_csv(loaded, "no-such-model", classifier).status_code == 404


def test_unloading_ends_the_models_workers(mme, models_root, classifier):
    assert load(mme, "unload-me", models_root).status_code == 200
    assert invoke_csv(mme, "unload-me", classifier).status_code == 200
    assert len(workers_of(mme, "unload-me")) >= WORKERS
    response = requests.delete(f"{mme.url}/models/unload-me", timeout=60)
    assert response.status_code == 200, response.text
    assert invoke_csv(mme, "unload-me", classifier).status_code == 404
    assert eventually(lambda: workers_of(mme, "unload-me") == []), [
        p.cmdline() for p in workers_of(mme, "unload-me")
    ]
    listed = requests.get(f"{mme.url}/models", timeout=10).json()["models"]
    assert "unload-me" not in [m["modelName"] for m in listed]
    # and it loads again, with fresh workers
    assert load(mme, "unload-me", models_root).status_code == 200
    assert invoke_csv(mme, "unload-me", classifier).status_code == 200
    assert requests.delete(f"{mme.url}/models/unload-me", timeout=60).status_code == 200


def test_a_model_that_cannot_load_fails_its_load_call_at_once(mme, models_root, classifier):
    started = time.monotonic()
    response = load(mme, "broken", models_root)
    seconds = time.monotonic() - started
    assert response.status_code == 500, response.text
    assert seconds < 20
    listed = requests.get(f"{mme.url}/models", timeout=10).json()["models"]
    assert "broken" not in [m["modelName"] for m in listed]
    assert eventually(lambda: workers_of(mme, "broken") == [])
    # no retries in the background: still no worker for it a while later
    time.sleep(3)
    assert workers_of(mme, "broken") == []
    assert "model broken cannot load from" in mme.log()
    assert "not a pickle" not in response.text  # MMS's own message; the cause is in the log
    assert invoke_csv(mme, "broken", classifier).status_code == 404


def test_a_url_outside_any_model_dir_is_not_found(mme, models_root):
    response = load(mme, "missing", models_root)
    assert response.status_code == 404, response.text


def test_the_server_log_has_one_line_per_event(mme):
    for line in mme.log().splitlines():
        assert not line.startswith((" ", "\t", "Traceback")), line


def test_only_the_models_dir_can_be_loaded_from(mme, models_root, tmp_path):
    outside = tmp_path / "outside" / "model"
    shutil.copytree(models_root / "models" / "classifier" / "model", outside)
    for url in (str(outside), str(models_root / "models" / ".." / "models" / "lale" / "model")):
        response = requests.post(
            f"{mme.url}/models", json={"model_name": "outside", "url": url}, timeout=60
        )
        assert response.status_code == 404, response.text


def outward_address() -> str:
    """This machine's address on its outward interface (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))
        return probe.getsockname()[0]


def test_models_are_not_downloaded_from_urls(mme, models_root, tmp_path):
    requested = []

    class Recorder(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):
            requested.append(self.path)
            super().do_GET()

        def log_message(self, *arguments):
            pass

    handler = functools.partial(Recorder, directory=str(models_root / "models" / "classifier"))
    with http.server.ThreadingHTTPServer(("0.0.0.0", 0), handler) as web:
        threading.Thread(target=web.serve_forever, daemon=True).start()
        try:
            for host in ("127.0.0.1", outward_address()):
                url = f"http://{host}:{web.server_address[1]}/model/model.pickle"
                response = requests.post(
                    f"{mme.url}/models", json={"model_name": "web", "url": url}, timeout=60
                )
                assert response.status_code == 400, response.text
                assert "Failed to download model" in response.text
        finally:
            web.shutdown()
    assert requested == []


def test_without_a_worker_count_each_model_gets_one_worker(models_root, tmp_path):
    """As the inference toolkit does: three models, three workers, however many CPUs."""
    with running_server(
        models_root, tmp_path / "serve.log", SAGEMAKER_MULTI_MODEL="true"
    ) as server:
        for name in ("classifier", "lale", "regressor"):
            assert load(server, name, models_root).status_code == 200
        for name in ("classifier", "lale", "regressor"):
            described = requests.get(f"{server.url}/models/{name}", timeout=10).json()
            assert len(described["workers"]) == 1
