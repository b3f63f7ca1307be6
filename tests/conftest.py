"""Shared fixtures: real AutoAI-shaped pipelines trained once per session into temp dirs."""

from __future__ import annotations

import importlib

import pytest

from handler.model.library_imports import loggers_kept_enabled
from tests.pipelines import COMPILED_SHAPES, TrainedModel, train, train_shape

# The image tests need a built image: `make image-test` runs them, `make test` leaves them out.
collect_ignore = ["image"]


def pytest_configure(config):
    """Import autoai-libs once, before any test does, without losing the loggers that exist.

    autoai-libs 1.14 to 1.17 (runtime 23.1) disables every existing logger when first imported;
    a test module importing it bare would silence the loggers later tests read with caplog.
    """
    with loggers_kept_enabled():
        importlib.import_module("autoai_libs")


@pytest.fixture(scope="session")
def classifier(tmp_path_factory) -> TrainedModel:
    """scikit-learn Pipeline classifier, with our metadata file."""
    return train(tmp_path_factory.mktemp("classifier"))


@pytest.fixture(scope="session")
def bare_classifier(tmp_path_factory) -> TrainedModel:
    """The same kind of pipeline as Watson exports it: a lone pickle, no metadata."""
    return train(
        tmp_path_factory.mktemp("bare"), metadata=False, pickle_name="auto-ai-pipeline.pickle"
    )


@pytest.fixture(scope="session")
def lale_classifier(tmp_path_factory) -> TrainedModel:
    """A lale trained pipeline of autoai-libs operators, no metadata."""
    return train(tmp_path_factory.mktemp("lale"), flavour="lale", metadata=False)


@pytest.fixture(scope="session")
def regressor(tmp_path_factory) -> TrainedModel:
    """AutoAI preprocessing feeding an xgboost regressor, with metadata."""
    return train(tmp_path_factory.mktemp("regressor"), regression=True)


@pytest.fixture(scope="session", params=list(COMPILED_SHAPES))
def compiled_shape(request, tmp_path_factory) -> TrainedModel:
    """Each pipeline shape the compiled scorer covers, with our metadata file."""
    return train_shape(tmp_path_factory.mktemp(request.param), request.param)
