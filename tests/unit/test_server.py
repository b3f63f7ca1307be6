from pathlib import Path

from handler.process.model_server import (
    HANDLER_SERVICE,
    MULTI_RECORD,
    SINGLE_RECORD,
    mms_properties,
)
from handler.process.plugins import PLUGINS_DIR
from handler.process.settings import Settings


def properties(environ: dict[str, str]) -> dict[str, str]:
    text = mms_properties(
        Settings.from_environ({"SAGEMAKER_BASE_DIR": "/ml", **environ}), Path("/run/x"), PLUGINS_DIR
    )
    return dict(line.split("=", 1) for line in text.splitlines())


def test_single_model_config():
    config = properties(
        {
            "SAGEMAKER_BIND_TO_PORT": "9090",
            "SAGEMAKER_MODEL_SERVER_WORKERS": "3",
            "SAGEMAKER_MODEL_SERVER_TIMEOUT": "30",
            "SAGEMAKER_MAX_PAYLOAD_IN_MB": "10",
        }
    )
    assert config["inference_address"] == "http://0.0.0.0:9090"
    # the management API is never on the inference address: a unix socket in the private run dir
    assert config["management_address"] == "unix:/run/x/management.sock"
    assert config["default_service_handler"] == HANDLER_SERVICE
    assert config["default_workers_per_model"] == "3"
    assert config["default_response_timeout"] == "30"
    assert config["max_request_size"] == str(10 * 1024 * 1024)
    assert config["model_store"] == "/ml"
    assert config["decode_input_request"] == "false"
    assert config["plugins_path"] == str(PLUGINS_DIR)


def test_multi_model_config():
    config = properties({"SAGEMAKER_MULTI_MODEL": "true", "SAGEMAKER_BIND_TO_PORT": "9090"})
    # SageMaker drives the management API on the inference port, naming models by absolute path
    assert config["inference_address"] == "http://0.0.0.0:9090"
    assert config["management_address"] == "http://0.0.0.0:9090"
    assert config["model_store"] == "/run/x/store"
    assert config["default_service_handler"] == HANDLER_SERVICE


def test_execution_parameters_batch_strategy_is_the_one_serve_chose():
    settings = Settings.from_environ({"SAGEMAKER_BASE_DIR": "/ml"})
    for strategy in (MULTI_RECORD, SINGLE_RECORD):
        text = mms_properties(settings, Path("/run/x"), PLUGINS_DIR, strategy)
        assert f"autoai_batch_strategy={strategy}\n" in text
    default = mms_properties(settings, Path("/run/x"), PLUGINS_DIR)
    assert f"autoai_batch_strategy={MULTI_RECORD}\n" in default
