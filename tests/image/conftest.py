"""The image under test: AUTOAI_IMAGE (`make image-test` sets it), run by the engine
tools/image/engine.sh names. These tests run in the native venv of the image's own runtime, so
pipelines fitted here load in the image and the image's answers can be compared with the ones
the same libraries give in this process."""

from __future__ import annotations

import os
import subprocess

import pytest
import sklearn

from tests.image.containers import Engine
from tests.serving import ROOT


@pytest.fixture(scope="session")
def engine() -> Engine:
    image = os.environ.get("AUTOAI_IMAGE")
    if not image:
        pytest.fail("set AUTOAI_IMAGE to the image to test: make image-test RUNTIME=... does")
    command = subprocess.run(
        [str(ROOT / "tools/image/engine.sh")], capture_output=True, text=True, check=True
    ).stdout.strip()
    engine = Engine(command, image)
    in_image = engine(
        "run", "--rm", "--entrypoint", "python", image, "-c",
        "import sklearn; print(sklearn.__version__)",
    )  # fmt: skip
    assert in_image == sklearn.__version__, (
        f"{image} runs scikit-learn {in_image}, these tests {sklearn.__version__}: "
        "run them in the venv of the image's runtime"
    )
    return engine
