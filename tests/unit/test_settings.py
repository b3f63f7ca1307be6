from pathlib import Path

import pytest

from handler.process.cpus import usable_cpus
from handler.process.settings import Settings, SettingsError


def test_defaults():
    settings = Settings.from_environ({})
    assert settings.base_dir == Path("/opt/ml")
    assert Settings.from_environ({"SAGEMAKER_BASE_DIR": "ml"}).base_dir == Path.cwd() / "ml"
    assert settings.model_dir == Path("/opt/ml/model")
    assert (settings.port, settings.timeout_seconds) == (8080, 60)
    assert settings.workers == usable_cpus()
    assert (settings.max_payload_mb, settings.log_level) == (6, "INFO")
    assert settings.default_accept is None and settings.output_fields is None
    assert settings.multi_model is False
    assert (settings.batch_size, settings.max_batch_delay_ms) == (32, 0)


@pytest.mark.parametrize(
    ("environ", "attribute", "expected"),
    [
        ({"SAGEMAKER_BASE_DIR": "/tmp/ml"}, "model_dir", Path("/tmp/ml/model")),
        ({"SAGEMAKER_BIND_TO_PORT": "9090"}, "port", 9090),
        ({"MODEL_SERVER_WORKERS": "4"}, "workers", 4),
        ({"SAGEMAKER_MODEL_SERVER_WORKERS": "5", "MODEL_SERVER_WORKERS": "4"}, "workers", 5),
        ({"MODEL_SERVER_TIMEOUT": "30"}, "timeout_seconds", 30),
        ({"SAGEMAKER_MODEL_SERVER_TIMEOUT": "20", "MODEL_SERVER_TIMEOUT": "30"}, "timeout_seconds", 20),
        ({"SAGEMAKER_MAX_PAYLOAD_IN_MB": "20"}, "max_payload_mb", 20),
        ({"SAGEMAKER_CONTAINER_LOG_LEVEL": "20"}, "log_level", "INFO"),
        ({"SAGEMAKER_CONTAINER_LOG_LEVEL": "debug"}, "log_level", "DEBUG"),
        ({"SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "text/csv"}, "default_accept", "text/csv"),
        ({"SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "TEXT/CSV; charset=utf-8"}, "default_accept", "text/csv"),
        ({"SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "application/x-jsonlines"}, "default_accept",
         "application/jsonlines"),
        ({"SAGEMAKER_INFERENCE_OUTPUT": "predicted_label, labels"}, "output_fields",
         ("predicted_label", "labels")),
        ({"SAGEMAKER_MULTI_MODEL": "true"}, "multi_model", True),
        ({"AUTOAI_BATCH_SIZE": "8"}, "batch_size", 8),
        ({"AUTOAI_MAX_BATCH_DELAY_MS": "250"}, "max_batch_delay_ms", 250),
        ({"SAGEMAKER_MULTI_MODEL": "FALSE"}, "multi_model", False),
        ({"SAGEMAKER_BASE_DIR": "/tmp/ml"}, "models_dir", Path("/tmp/ml/models")),
        ({}, "scorer", "auto"),
        ({"AUTOAI_SCORER": "Pipeline"}, "scorer", "pipeline"),
        ({"AUTOAI_SCORER": "compiled"}, "scorer", "compiled"),
    ],
)  # fmt: skip
def test_each_variable_is_read(environ, attribute, expected):
    assert getattr(Settings.from_environ(environ), attribute) == expected


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"SAGEMAKER_BIND_TO_PORT": "http"}, "SAGEMAKER_BIND_TO_PORT must be a whole number"),
        ({"SAGEMAKER_BIND_TO_PORT": "40000"}, "at most 32766"),
        ({"MODEL_SERVER_WORKERS": "0"}, "SAGEMAKER_MODEL_SERVER_WORKERS must be at least 1"),
        ({"SAGEMAKER_CONTAINER_LOG_LEVEL": "loud"}, "SAGEMAKER_CONTAINER_LOG_LEVEL must be one of"),
        ({"SAGEMAKER_INFERENCE_OUTPUT": "score"}, "comma-separated list of predicted_label"),
        ({"SAGEMAKER_MULTI_MODEL": "maybe"}, "SAGEMAKER_MULTI_MODEL must be true or false"),
        ({"AUTOAI_BATCH_SIZE": "0"}, "AUTOAI_BATCH_SIZE must be at least 1"),
        ({"AUTOAI_SCORER": "fast"}, "AUTOAI_SCORER must be one of auto, compiled, pipeline"),
        ({"AUTOAI_BATCH_SIZE": "5000"}, "AUTOAI_BATCH_SIZE must be at most 1024"),
        ({"AUTOAI_MAX_BATCH_DELAY_MS": "-1"}, "AUTOAI_MAX_BATCH_DELAY_MS must be at least 0"),
        (
            {"SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "text/plain"},
            "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT must be one of",
        ),
    ],
)
def test_bad_values_are_refused_with_the_variable_named(environ, message):
    with pytest.raises(SettingsError, match=message):
        Settings.from_environ(environ)


def test_a_multi_model_endpoint_gives_each_model_one_worker_unless_told():
    assert Settings.from_environ({"SAGEMAKER_MULTI_MODEL": "true"}).workers == 1
    told = {"SAGEMAKER_MULTI_MODEL": "true", "SAGEMAKER_MODEL_SERVER_WORKERS": "3"}
    assert Settings.from_environ(told).workers == 3


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"SAGEMAKER_SAFE_PORT_RANGE": "20000-20999"},
         "SAGEMAKER_BIND_TO_PORT 8080 is outside SAGEMAKER_SAFE_PORT_RANGE 20000-20999"),
        ({"SAGEMAKER_SAFE_PORT_RANGE": "20000"}, "SAGEMAKER_SAFE_PORT_RANGE must be FIRST-LAST"),
    ],
)  # fmt: skip
def test_the_port_must_lie_in_the_safe_port_range(environ, message):
    with pytest.raises(SettingsError, match=message):
        Settings.from_environ(environ)


def test_a_port_in_the_safe_port_range_is_taken():
    environ = {"SAGEMAKER_SAFE_PORT_RANGE": "20000-20999", "SAGEMAKER_BIND_TO_PORT": "20500"}
    assert Settings.from_environ(environ).port == 20500
