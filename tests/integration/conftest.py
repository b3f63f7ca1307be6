"""Servers for the integration tests: the real `entrypoint.py serve`, one per model, per module."""

from __future__ import annotations

import pytest

from tests.serving import running_server


@pytest.fixture(scope="module")
def server(classifier, tmp_path_factory):
    """The classifier with metadata, default settings."""
    log = tmp_path_factory.mktemp("logs") / "serve.log"
    with running_server(classifier.model_dir.parent, log, SAGEMAKER_MODEL_SERVER_WORKERS="2") as s:
        yield s
