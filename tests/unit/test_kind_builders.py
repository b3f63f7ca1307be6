"""The kinds' builders import no estimator library until a kind is built: snapml, imported at all,
flushes subnormal floats for the whole process, and the property tests then cannot run."""

from __future__ import annotations

import subprocess
import sys

from tests.serving import ROOT

IMPORTS = """
import sys
import tests.integration.test_more_kinds
print(sorted(m for m in ("snapml", "lightgbm", "xgboost") if m in sys.modules))
print(2.2250738585072014e-308 / 2 > 0)
"""


def test_importing_the_kinds_test_imports_no_estimator_library():
    ran = subprocess.run(
        [sys.executable, "-c", IMPORTS], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert ran.stdout.split("\n")[:2] == ["[]", "True"]
