"""`python -m deploy` as a whole: one-line failures, names checked up front, and what it imports."""

from __future__ import annotations

import subprocess
import sys

from deploy import artifacts, hosting, jobs
from handler.model import files as model_files
from handler.model import metadata
from handler.process import settings
from tests.serving import ROOT


def test_a_refused_call_is_one_line_naming_the_operation(deploy, aws):
    status, out, err = deploy("create-endpoint churn-live --model missing")
    assert (status, out) == (1, "")
    assert err.startswith("deploy: AWS refused CreateEndpointConfig: ValidationException: ")
    assert "missing" in err and err.count("\n") == 1
    assert aws.calls("CreateEndpoint") == []


def test_invalid_names_are_refused_before_any_request(deploy, aws):
    status, _, err = deploy("create-endpoint churn_live --model churn")
    assert status == 1 and "endpoint name 'churn_live' is not valid" in err
    assert aws.calls() == []


def test_the_tool_needs_boto3_only():
    """It runs on the user's machine: importing it loads none of the serving stack (`package`
    checks the pickle with pickle_facts, standard library only)."""
    heavy = [
        "pandas", "numpy", "sklearn", "joblib", "lale", "autoai_libs", "sagemaker_inference",
        "handler",
    ]  # fmt: skip
    script = f"import sys, deploy.cli; print([m for m in {heavy!r} if m in sys.modules])"
    loaded = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert loaded.stdout == "[]\n"


def test_names_the_tool_shares_with_the_container_agree():
    """The tool imports boto3 only, so it keeps its own copies of these; they must not drift."""
    assert artifacts.METADATA_NAME == metadata.METADATA_FILE
    assert artifacts.ARTIFACT_NAME == model_files.ARCHIVE_NAME
    assert [f"*{s}" for s in artifacts.PIPELINE_SUFFIXES] == list(model_files.MODEL_PATTERNS)
    assert jobs.MAX_PAYLOAD_VARIABLE == settings.MAX_PAYLOAD_IN_MB
    assert hosting.MULTI_MODEL_VARIABLE == settings.MULTI_MODEL
