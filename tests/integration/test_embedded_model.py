"""The committed model/ (what `make serve` serves): the README's example in runtime 25.1, which
saved it, and a refusal naming 25.1 in every other runtime."""

from __future__ import annotations

import re

from handler.wire.media_types import CSV
from pickle_facts.runtimes import running_runtime
from tests.serving import ROOT, free_port, running_server, serve_process

EMBEDDED_RUNTIME = "25.1"


def readme_example_line() -> str:
    readme = (ROOT / "README.md").read_text()
    return re.search(r"localhost:8080/invocations\n# (\S+)\n", readme).group(1)


def test_make_serves_the_embedded_model_as_the_readme_shows(tmp_path):
    payload = (ROOT / "local-test/payload.csv").read_bytes()
    if running_runtime().name != EMBEDDED_RUNTIME:
        process = serve_process(ROOT, tmp_path / "serve.log", free_port())
        assert process.wait(timeout=60) != 0
        assert f"(AutoAI runtime {EMBEDDED_RUNTIME})" in (tmp_path / "serve.log").read_text()
        return
    with running_server(ROOT, tmp_path / "serve.log") as server:
        response = server.invoke(payload, CSV)
    assert response.status_code == 200, response.text
    assert response.text.splitlines()[0] == readme_example_line()
