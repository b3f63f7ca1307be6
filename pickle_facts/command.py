"""`python entrypoint.py fingerprint FILE...`: which AutoAI runtime each pickle needs.

Standard library only: it runs in any Python 3.9 or later, inside the project's venv or not.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pickle_facts.compression import UnreadablePickle
from pickle_facts.fingerprint import read_fingerprint
from pickle_facts.runtimes import runtime_for_scikit_learn

USAGE = "usage: python entrypoint.py fingerprint FILE..."


def main(names: list[str]) -> int:
    """Prints one line per file; 1 when any file is unreadable or no pickle, 2 without files."""
    if not names:
        print(USAGE, file=sys.stderr)
        return 2
    status = 0
    for name in names:
        try:
            fingerprint = read_fingerprint(Path(name))
        except UnreadablePickle as error:
            print(f"{name}: {error}")
            status = 1
            continue
        runtime = runtime_for_scikit_learn(fingerprint.scikit_learn or "")
        verdict = (
            f"AutoAI runtime {runtime.name} (Python {runtime.python}): "
            f"build with --build-arg AUTOAI_RUNTIME={runtime.name}"
            if runtime
            else "no AutoAI runtime matches"
        )
        print(f"{name}: {fingerprint.describe()} -> {verdict}")
    return status
