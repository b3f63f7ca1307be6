"""The README's "Your own pipeline, end to end", run as written with a pickle as Watson Studio
exports it: copied from ~/Downloads, fingerprinted, served by `make serve`, scored with curl.

What the test changes, and only that: /tmp/ml is a temp dir, HOME is one too (its Downloads holds
the pickle), the runtime is the running one, and the server listens on a free port."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys

from pickle_facts.runtimes import installed_scikit_learn, running_runtime
from tests.serving import ROOT, free_port, stop, wait_until_answering

SECTION = "## Your own pipeline, end to end"


def section_blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, re.S)


def block_with(command: str) -> str:
    return next(block for block in section_blocks() if command in block)


def test_the_readme_path_from_a_downloaded_pickle_to_scored_rows(bare_classifier, tmp_path):
    base_dir, home = tmp_path / "ml", tmp_path / "home"
    (home / "Downloads").mkdir(parents=True)
    shutil.copy(bare_classifier.model_dir / "auto-ai-pipeline.pickle", home / "Downloads")
    runtime = running_runtime().name
    port = free_port()

    def as_here(block: str) -> str:
        block = block.replace("/tmp/ml", str(base_dir)).replace(
            "RUNTIME=25.1", f"RUNTIME={runtime}"
        )
        return block.replace("localhost:8080", f"localhost:{port}")

    env = {
        **os.environ,
        "HOME": str(home),
        "PATH": f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}",
        "SAGEMAKER_BIND_TO_PORT": str(port),
    }
    env.pop("SAGEMAKER_BASE_DIR", None)
    env.pop("MAKEFLAGS", None)

    fingerprint = run(as_here(block_with("entrypoint.py fingerprint")), env)
    assert fingerprint.returncode == 0, fingerprint.stderr
    assert f"scikit-learn {installed_scikit_learn()}" in fingerprint.stdout
    assert f"AutoAI runtime {runtime} " in fingerprint.stdout

    bare_classifier.holdout.to_csv(base_dir / "rows.csv", header=False, index=False)
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            ["bash", "-euo", "pipefail", "-c", as_here(block_with("make serve"))],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: make, then serve and its workers
        )
    try:
        wait_until_answering(f"http://127.0.0.1:{port}/ping", server, "make serve", log.read_text)
        scored = run(as_here(block_with("curl")), env)
    finally:
        leftovers = stop(server, group=True)
    assert not leftovers, f"left running after make serve stopped: {leftovers}"
    assert scored.returncode == 0, scored.stderr
    rows = list(csv.reader(io.StringIO(scored.stdout)))
    assert [row[0] for row in rows] == [str(label) for label in bare_classifier.expected_labels()]
    assert [[float(p) for p in row[1:]] for row in rows] == bare_classifier.expected_proba()


def run(script: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
