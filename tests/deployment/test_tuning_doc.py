"""docs/tuning.md: its commands run as written against moto (one bash script, stopping at the
first failure), and its table of estimators is the code's."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import boto3
import pytest

from tests.deployment.moto_server import REGION
from tests.serving import ROOT
from training.estimator_space import ESTIMATORS, LOGARITHMIC

DOC = ROOT / "docs" / "tuning.md"


def commands() -> str:
    return "\n".join(re.findall(r"```sh\n(.*?)```", DOC.read_text(), re.S))


def test_the_tuning_commands_run_as_written(aws, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("python", "python3"):  # the user's Python, with boto3: this one
        (bin_dir / name).write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
        (bin_dir / name).chmod(0o755)
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", commands()],
        env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == ["Completed", "Completed"]  # moto: at once
    first, second = (c.params for c in aws.calls("CreateHyperParameterTuningJob"))
    bucket = "sagemaker-us-east-1-123456789012"
    assert first["HyperParameterTuningJobConfig"]["TrainingJobEarlyStoppingType"] == "Auto"
    assert first["HyperParameterTuningJobConfig"]["ResourceLimits"] == {
        "MaxNumberOfTrainingJobs": 20,
        "MaxParallelTrainingJobs": 4,
    }
    forest, lightgbm = first["TrainingJobDefinitions"]
    assert {"Name": "max_depth", "MinValue": "3", "MaxValue": "12", "ScalingType": "Linear"} in (
        forest["HyperParameterRanges"]["IntegerParameterRanges"]
    )
    rate = lightgbm["HyperParameterRanges"]["ContinuousParameterRanges"][0]
    assert rate == {
        "Name": "learning_rate",
        "MinValue": "0.02",
        "MaxValue": "0.2",
        "ScalingType": "Logarithmic",
    }
    data = f"s3://{bucket}/autoai/tuning/churn-tune-1/input/training/"
    assert forest["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"] == data
    assert second["WarmStartConfig"] == {
        "ParentHyperParameterTuningJobs": [{"HyperParameterTuningJobName": "churn-tune-1"}],
        "WarmStartType": "IdenticalDataAndAlgorithm",
    }
    left = boto3.client("s3", region_name=REGION).list_objects_v2(Bucket=bucket, Prefix="autoai/")
    assert aws.calls(f"PUT /{bucket}/autoai/tuning/churn-tune-1/input/training/demand_response.csv")
    assert left["KeyCount"] == 0  # the teardown deleted the upload


def documented_rows() -> dict[str, str]:
    rows = re.findall(r"^\| `(\w+)` \| [^|]+ \| (.+) \|$", DOC.read_text(), re.M)
    return {name: parameters for name, parameters in rows if name != "estimator"}  # no header


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_the_estimator_table_is_the_codes(name):
    def number(value: float) -> str:
        return f"{value:g}"

    described = []
    for parameter, spec in ESTIMATORS[name].parameters.items():
        tuned = "fixed"
        if spec.tuned:
            log = " log" if spec.scaling == LOGARITHMIC else ""
            tuned = f"{number(spec.tuned[0])}:{number(spec.tuned[1])}{log}"
        described.append(
            f"`{parameter}` {spec.kind.__name__} {number(spec.low)}..{number(spec.high)} ({tuned})"
        )
    assert documented_rows()[name] == "; ".join(described)
    assert set(documented_rows()) == set(ESTIMATORS)
