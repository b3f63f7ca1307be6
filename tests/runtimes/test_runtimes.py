"""Each AutoAI runtime serves its own pickles exactly and every other runtime refuses them.

A pipeline is fitted inside each runtime's venv (`make venv RUNTIME=...`), served by that venv's
`entrypoint.py serve`, and offered to every other runtime's start-up check. A runtime whose Python
is not on this machine has no venv; its tests are skipped, saying so.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from handler.wire.media_types import CSV
from pickle_facts.runtimes import RUNTIMES, Runtime
from tests.serving import ROOT, running_server


def venv_python(runtime: Runtime) -> Path:
    venv = ".venv" if runtime.name == "25.1" else f".venv-{runtime.name}"
    return ROOT / venv / "bin" / "python"


def require_venv(runtime: Runtime) -> Path:
    python = venv_python(runtime)
    if not python.exists():
        pytest.skip(
            f"runtime {runtime.name} not tested: no {python.parent.parent.name} "
            f"(Python {runtime.python} not on this machine, or make venv RUNTIME={runtime.name} not run)"
        )
    return python


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """build(runtime) -> dir of a pipeline fitted inside that runtime's venv, once per runtime."""
    built: dict[str, Path] = {}

    def build_once(runtime: Runtime) -> Path:
        if runtime.name not in built:
            out_dir = tmp_path_factory.mktemp(f"runtime-{runtime.name}")
            result = subprocess.run(
                [str(require_venv(runtime)), "-m", "tests.runtimes.build_pipeline", str(out_dir)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert result.returncode == 0, result.stderr
            built[runtime.name] = out_dir
        return built[runtime.name]

    return build_once


@pytest.mark.parametrize("runtime", RUNTIMES, ids=lambda r: r.name)
def test_the_runtime_serves_its_pickle_exactly(runtime, build, tmp_path):
    out_dir = build(runtime)
    expected = json.loads((out_dir / "expected.json").read_text())
    assert expected["python"].startswith(runtime.python + ".")
    assert expected["scikit_learn"].startswith(runtime.scikit_learn + ".")
    python = str(venv_python(runtime))
    with running_server(out_dir, tmp_path / "serve.log", python=python) as server:
        response = server.invoke(expected["csv"], CSV)
    assert response.status_code == 200, response.text
    rows = [line.split(",") for line in response.text.splitlines()]
    assert [row[0] for row in rows] == expected["labels"]
    assert [[float(p) for p in row[1:]] for row in rows] == expected["probabilities"]


PAIRS = [(saved, running) for saved in RUNTIMES for running in RUNTIMES if saved != running]


@pytest.mark.parametrize(
    ("saved", "running"), PAIRS, ids=[f"{s.name}-in-{r.name}" for s, r in PAIRS]
)
def test_another_runtime_refuses_it_naming_the_runtime(saved, running, build):
    python = require_venv(running)
    out_dir = build(saved)
    expected = json.loads((out_dir / "expected.json").read_text())
    environment = dict(os.environ, SAGEMAKER_BASE_DIR=str(out_dir))
    result = subprocess.run(
        [str(python), "-m", "handler.process.model_check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert (
        f"this pipeline was saved with scikit-learn {expected['scikit_learn']} "
        f"(AutoAI runtime {saved.name}); this image runs runtime {running.name}: "
        f"rebuild with --build-arg AUTOAI_RUNTIME={saved.name}"
    ) in result.stderr
