"""The estimator table a `fit` job and `deploy tune` share: every hyperparameter is one its
estimator really takes, and every built-in tuning range lies within the valid bounds."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

from tests.serving import ROOT
from training.estimator_space import ESTIMATORS, LOGARITHMIC

NOT_IN_PROCESS = ("snapml",)  # flushes subnormal floats for the whole test session


def class_paths(in_process: bool) -> list[tuple[str, str]]:
    return [
        (name, path)
        for name, estimator in ESTIMATORS.items()
        for path in (estimator.classifier, estimator.regressor)
        if path and (path.split(":")[0] not in NOT_IN_PROCESS) == in_process
    ]


@pytest.mark.parametrize(("name", "path"), class_paths(in_process=True))
def test_each_hyperparameter_is_a_keyword_of_its_estimator(name, path):
    module, class_name = path.split(":")
    keywords = set(getattr(importlib.import_module(module), class_name)().get_params())
    assert set(ESTIMATORS[name].parameters) <= keywords
    assert "random_state" in keywords  # the job's seed is passed to every estimator


def test_snapml_estimators_take_their_hyperparameters_too():
    """Checked in a subprocess of its own: importing snapml here would change floating point for
    every later test."""
    wanted = {path: sorted(ESTIMATORS[name].parameters) for name, path in class_paths(False)}
    script = (
        "import importlib, inspect, json, sys\n"
        "wanted = json.loads(sys.argv[1])\n"
        "missing = {}\n"
        "for path, names in wanted.items():\n"
        "    module, name = path.split(':')\n"
        "    cls = getattr(importlib.import_module(module), name)\n"
        "    keywords = set(inspect.signature(cls).parameters)\n"
        "    missing[path] = sorted(set(names + ['random_state']) - keywords)\n"
        "print(json.dumps(missing))\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", script, json.dumps(wanted)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert json.loads(found.stdout.splitlines()[-1]) == {path: [] for path in wanted}


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_built_in_ranges_lie_within_the_valid_bounds(name):
    for parameter in ESTIMATORS[name].parameters.values():
        assert parameter.kind in (int, float)
        if parameter.tuned is None:
            continue
        low, high = parameter.tuned
        assert parameter.low <= low < high <= parameter.high
        if parameter.kind is int:
            assert float(low).is_integer() and float(high).is_integer()
        if parameter.scaling == LOGARITHMIC:
            assert low > 0
