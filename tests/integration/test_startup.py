"""`serve` start-up: truthful failure for unusable models, isolation, clean stop."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import psutil
import pytest
import requests

from handler.model.metadata import METADATA_FILE
from handler.wire.media_types import CSV
from tests.serving import (
    EXIT_DEADLINE_SECONDS,
    START_DEADLINE_SECONDS,
    Server,
    free_port,
    running_server,
    serve_process,
    serve_until_exit,
    stop,
    wait_until_healthy,
)


def test_a_model_that_cannot_load_stops_serve_naming_file_and_cause(tmp_path):
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "auto-ai-pipeline.pickle").write_bytes(b"\x80\x04garbage")
    code, log = serve_until_exit(tmp_path, tmp_path)
    assert code != 0
    assert "auto-ai-pipeline.pickle" in log
    assert "cannot load" in log
    assert " on port " not in log  # the server never started


def test_a_pickle_that_runs_a_command_is_refused_before_it_runs(tmp_path):
    witness = tmp_path / "ran"
    # GLOBAL posix.system, called with one argument: what `os.system` pickles as
    payload = (
        b"\x80\x04cposix\nsystem\n\x8c" + bytes([len(f"touch {witness}")])
        + f"touch {witness}".encode() + b"\x85R."
    )  # fmt: skip
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "auto-ai-pipeline.pickle").write_bytes(payload)
    code, log = serve_until_exit(tmp_path, tmp_path)
    assert code != 0
    assert "the pickle calls posix.system" in log
    assert "AUTOAI_ALLOW_ANY_PICKLE=true" in log
    assert not witness.exists()


def test_an_empty_model_dir_names_what_was_found(tmp_path):
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "README.txt").write_text("nothing here")
    code, log = serve_until_exit(tmp_path, tmp_path)
    assert code != 0
    assert "no pipeline in" in log and "found README.txt" in log


def unscorable_sample(metadata: dict) -> None:
    metadata["sample_row"][0] = "not a customer id"


def metadata_for_fewer_columns(metadata: dict) -> None:
    metadata["features"] = metadata["features"][:-1]
    metadata["sample_row"] = metadata["sample_row"][:-1]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (unscorable_sample, "cannot score its sample row"),
        (metadata_for_fewer_columns, "names 34 features, but the pipeline takes 35 columns"),
    ],
)
def test_a_model_that_loads_but_cannot_score_stops_serve(classifier, tmp_path, change, message):
    model_dir = tmp_path / "model"
    shutil.copytree(classifier.model_dir, model_dir)
    metadata = json.loads((model_dir / METADATA_FILE).read_text())
    change(metadata)
    (model_dir / METADATA_FILE).write_text(json.dumps(metadata))
    code, log = serve_until_exit(tmp_path, tmp_path)
    assert code != 0
    assert message in log


def test_bad_settings_stop_serve_naming_the_variable(classifier, tmp_path):
    log = tmp_path / "serve.log"
    process = serve_process(
        classifier.model_dir.parent, log, free_port(), SAGEMAKER_INFERENCE_OUTPUT="everything"
    )
    assert process.wait(timeout=EXIT_DEADLINE_SECONDS) != 0
    assert "SAGEMAKER_INFERENCE_OUTPUT" in log.read_text()


def test_two_servers_on_one_machine_do_not_meet(classifier, bare_classifier, tmp_path):
    body = classifier.holdout.head(2).to_csv(header=False, index=False)
    with (
        running_server(classifier.model_dir.parent, tmp_path / "a.log") as first,
        running_server(bare_classifier.model_dir.parent, tmp_path / "b.log") as second,
    ):
        assert first.invoke(body, CSV).status_code == 200
        assert second.invoke(body, CSV).status_code == 200
        expected = bare_classifier.expected_proba(classifier.holdout.head(2))
        assert [
            [float(p) for p in line.split(",")[1:]]
            for line in second.invoke(body, CSV).text.splitlines()
        ] == expected


def test_sigterm_stops_every_process_and_nothing_is_written_outside(classifier, tmp_path):
    base_dir = tmp_path / "ml"
    shutil.copytree(classifier.model_dir, base_dir / "model")
    before = sorted(p.relative_to(base_dir) for p in base_dir.rglob("*"))
    etc_config = Path("/etc/sagemaker-mms.properties")
    etc_before = etc_config.stat().st_mtime if etc_config.exists() else None
    # running_server SIGTERMs serve and fails if any descendant process outlives it
    with running_server(base_dir, tmp_path / "serve.log") as server:
        assert server.invoke(classifier.holdout.to_csv(header=False, index=False), CSV).ok
    assert server.process.returncode == 0
    assert sorted(p.relative_to(base_dir) for p in base_dir.rglob("*")) == before
    assert (etc_config.stat().st_mtime if etc_config.exists() else None) == etc_before
    assert "Multi Model Server stopped" in server.log()


def test_sigterm_during_the_start_up_check_stops_everything(classifier, tmp_path):
    process = serve_process(classifier.model_dir.parent, tmp_path / "serve.log", free_port())
    deadline = time.monotonic() + EXIT_DEADLINE_SECONDS
    check = None
    while check is None and time.monotonic() < deadline and process.poll() is None:
        children = psutil.Process(process.pid).children(recursive=True)
        check = next((c for c in children if "handler.process.model_check" in c.cmdline()), None)
    assert check is not None, "the start-up check never ran"
    assert stop(process) == []
    assert process.returncode == 0
    assert not psutil.pid_exists(check.pid) or check.status() == psutil.STATUS_ZOMBIE
    assert " on port " not in (tmp_path / "serve.log").read_text()  # the server never started


def test_a_relative_base_dir_is_taken_from_where_serve_starts(classifier, tmp_path):
    shutil.copytree(classifier.model_dir, tmp_path / "ml/model")
    port = free_port()
    process = serve_process(tmp_path, tmp_path / "serve.log", port, SAGEMAKER_BASE_DIR="ml")
    server = Server(f"http://127.0.0.1:{port}", process, tmp_path / "serve.log")
    try:
        wait_until_healthy(server)
        assert server.invoke(classifier.holdout.to_csv(header=False, index=False), CSV).ok
    finally:
        assert stop(process) == []


def test_unknown_mode_is_a_usage_error():
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [os.sys.executable, str(root / "entrypoint.py"), "dance"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "usage: entrypoint.py serve|train" in result.stderr


def test_ping_says_healthy_only_when_a_request_can_be_scored(classifier, tmp_path):
    """Until a worker holds the model and has scored its sample row, /ping is a 503 (or no
    answer); at its first 200 a request scores at once, and serve says `ready in N s`."""
    log = tmp_path / "serve.log"
    port = free_port()
    process = serve_process(classifier.model_dir.parent, log, port)
    url = f"http://127.0.0.1:{port}"
    body = classifier.holdout.iloc[:1].to_csv(header=False, index=False).encode()
    try:
        answers = []
        deadline = time.monotonic() + START_DEADLINE_SECONDS
        while 200 not in answers and time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            with contextlib.suppress(requests.ConnectionError):
                answers.append(requests.get(f"{url}/ping", timeout=5).status_code)
            time.sleep(0.02)
        scored = requests.post(
            f"{url}/invocations", data=body, headers={"Content-Type": CSV}, timeout=30
        )
        assert scored.status_code == 200, scored.text
        assert set(answers[:-1]) <= {503} and answers[-1] == 200
        assert scored.text.split(",")[0] == classifier.expected_labels()[0]
        deadline = time.monotonic() + 10
        while "ready in" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert re.search(r"ready in \d+\.\d s", log.read_text()), log.read_text()
        # a healthy start says what is served and when it is ready, in a few lines, no warnings
        lines = log.read_text().splitlines()
        assert len(lines) <= 10, lines
        assert not [line for line in lines if "WARN" in line], lines
    finally:
        assert not stop(process)
