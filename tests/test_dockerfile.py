"""The Dockerfile, checked natively in seconds: hadolint, and the image's file layout assembled from
its COPY lines and served for real. The image itself is built and run by `make image` and
`make image-test` (tests/image)."""

from __future__ import annotations

import json
import pickle
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import mms
import pandas as pd
import pytest
import requests

from handler.model.metadata import METADATA_FILE
from handler.model.predictions import Predictions
from handler.wire.media_types import CSV
from pickle_facts.runtimes import RUNTIMES
from tests.serving import ROOT, running_server

DOCKERFILE = ROOT / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(instruction, arguments) pairs, continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    pairs = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, arguments = line.partition(" ")
            pairs.append((keyword.upper(), " ".join(arguments.split())))
    return pairs


def final_stage() -> list[tuple[str, str]]:
    steps = instructions()
    last_from = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def test_hadolint_finds_nothing():
    hadolint = Path(sys.executable).parent / "hadolint"
    result = subprocess.run([str(hadolint), str(DOCKERFILE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_installs_the_same_lock_as_make_venv():
    steps = dict((k, v) for k, v in instructions() if k in ("ARG",) and "=" in v)
    assert steps["ARG"] == "AUTOAI_RUNTIME=25.1"
    makefile = (ROOT / "Makefile").read_text()
    assert "RUNTIME ?= 25.1" in makefile
    runs = " ".join(v for k, v in stage("venv") if k == "RUN")
    assert 'lock="/tmp/requirements/${AUTOAI_RUNTIME}.txt"' in runs
    assert 'build="/tmp/requirements/${AUTOAI_RUNTIME}-build.txt"' in runs
    assert '$pip -r "$build"; $pip --no-deps --no-build-isolation -r "$lock"' in runs
    assert '$pip --no-deps -r "$lock"' in runs
    assert "LOCK := requirements/$(RUNTIME).txt" in makefile
    assert "BUILD_REQUIREMENTS := $(wildcard requirements/$(RUNTIME)-build.txt)" in makefile
    assert "--no-deps $(if $(BUILD_REQUIREMENTS),--no-build-isolation) -r $(LOCK)" in makefile


def test_sagemaker_reaches_the_entrypoint_on_port_8080():
    stage = dict(final_stage())
    assert stage["ENTRYPOINT"] == '["python", "/opt/program/entrypoint.py"]'
    assert stage["CMD"] == '["serve"]'
    assert stage["EXPOSE"] == "8080"
    assert "com.amazonaws.sagemaker.capabilities.accept-bind-to-port=true" in stage["LABEL"]
    assert "com.amazonaws.sagemaker.capabilities.multi-models=true" in stage["LABEL"]
    assert "openjdk-17-jre-headless" in " ".join(v for k, v in final_stage() if k == "RUN")
    assert "rm -rf /var/lib/apt/lists/*" in " ".join(v for k, v in final_stage() if k == "RUN")


def stage(name: str) -> list[tuple[str, str]]:
    steps = instructions()
    start = next(i for i, (k, v) in enumerate(steps) if k == "FROM" and v.endswith(f" AS {name}"))
    end = next((i for i in range(start + 1, len(steps)) if steps[i][0] == "FROM"), len(steps))
    return steps[start:end]


def test_each_runtime_has_its_python_base():
    named = [v.split(" AS ") for k, v in instructions() if k == "FROM" and " AS " in v]
    bases = {name: base for base, name in named}
    for runtime in RUNTIMES:
        assert bases[f"python-{runtime.name}"] == f"python:{runtime.python}-slim-bookworm"
        assert (ROOT / "requirements" / f"{runtime.name}.txt").is_file()
        makefile = (ROOT / "Makefile").read_text()
        assert f"PYTHON_VERSION_{runtime.name} := {runtime.python}\n" in makefile


def test_the_embedded_model_is_fitted_by_the_images_own_runtime():
    runs = [v for k, v in stage("default-model") if k == "RUN"]
    assert runs == [EMBEDDED_MODEL_COMMAND]
    assert ("COPY", "--from=default-model /opt/ml/model /opt/ml/model") in final_stage()


EMBEDDED_MODEL_COMMAND = "python -m training.default_model --model-dir /opt/ml/model"
PLUGINS_DIR = "/opt/program/build/plugins"
PLUGIN_COMMAND = f"tools/build-plugin.sh /tmp/model-server.jar {PLUGINS_DIR}"


def test_the_plugin_is_built_by_the_script_make_runs_against_the_runtimes_mms_jar():
    steps = stage("plugin")
    assert [v for k, v in steps if k == "RUN"][-1] == PLUGIN_COMMAND
    jar = "/opt/venv/lib/python*/site-packages/mms/frontend/model-server.jar"
    assert ("COPY", f"--from=venv {jar} /tmp/") in steps
    assert "tools/build-plugin.sh $(MMS_JAR) build/plugins" in (ROOT / "Makefile").read_text()
    assert ("COPY", "--from=plugin /opt/program/build/plugins/ build/plugins/") in final_stage()
    assert "!tools/build-plugin.sh" in (ROOT / ".dockerignore").read_text().splitlines()


@pytest.fixture
def image_tree(tmp_path) -> Path:
    """The final stage's files under `tmp_path`: its COPY lines from the build context applied,
    and the default-model stage's command run (see the test above) for the embedded model."""
    workdir = Path("/")
    for keyword, arguments in final_stage():
        if keyword == "WORKDIR":
            workdir = Path(arguments)
        if keyword != "COPY":
            continue
        *sources, destination = arguments.split()
        target = tmp_path / (workdir / destination).relative_to("/")
        if sources[0] == "--from=default-model":
            command = EMBEDDED_MODEL_COMMAND.replace("/opt/ml/model", str(target)).split()
            subprocess.run(
                [sys.executable, *command[1:]], cwd=ROOT, check=True, capture_output=True
            )
            continue
        if sources[0] == "--from=plugin":
            command = PLUGIN_COMMAND.split()
            jar = Path(mms.__file__).parent / "frontend" / "model-server.jar"
            subprocess.run([str(ROOT / command[0]), str(jar), str(target)], check=True)
            continue
        if sources[0].startswith("--from="):  # the venv: this test runs in the same lock's venv
            continue
        for source in sources:
            path = ROOT / source
            if path.is_dir():
                shutil.copytree(path, target, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, target / path.name)
    return tmp_path


def test_the_image_layout_serves_its_embedded_model(image_tree, tmp_path):
    entrypoint = image_tree / "opt/program/entrypoint.py"
    payload = ROOT / "local-test/payload.csv"
    with running_server(image_tree / "opt/ml", tmp_path / "serve.log", entrypoint) as server:
        response = server.invoke(payload.read_bytes(), CSV)
        parameters = requests.get(f"{server.url}/execution-parameters", timeout=10)
    assert response.status_code == 200, response.text
    assert parameters.status_code == 200, parameters.text
    assert parameters.json()["BatchStrategy"] == "MULTI_RECORD"
    rows = [line.split(",") for line in response.text.splitlines()]
    expected = in_process(image_tree / "opt/ml/model", payload)
    assert [row[0] for row in rows] == expected.labels
    assert [[float(p) for p in row[1:]] for row in rows] == expected.probabilities


def in_process(model_dir: Path, payload: Path) -> Predictions:
    """The pipeline on the payload as Watson would run it: pandas.read_csv, then .values."""
    metadata = json.loads((model_dir / METADATA_FILE).read_text())
    names = [feature["name"] for feature in metadata["features"]]
    frame = pd.read_csv(payload, header=None, names=names)
    with (model_dir / "model.pickle").open("rb") as stream:
        pipeline = pickle.load(stream)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Predictions(
            labels=pipeline.predict(frame.values).tolist(),
            probabilities=pipeline.predict_proba(frame.values).tolist(),
        )
