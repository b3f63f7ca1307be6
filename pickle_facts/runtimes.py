"""The Watson Studio AutoAI runtimes this container can be built for, and which one is running.

A pickle only loads right with the library versions it was saved with. scikit-learn's minor
version tells the runtimes apart: each runtime pins one, and every scikit-learn estimator (the
autoai-libs transformers included) records the version it was pickled with.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata


@dataclass(frozen=True)
class Runtime:
    name: str
    python: str
    scikit_learn: str  # major.minor
    autoai_libs: str  # the versions Watson Studio shipped, as the README documents them


RUNTIMES = (
    Runtime("22.1", python="3.9", scikit_learn="1.0", autoai_libs="1.13 to 1.16"),
    Runtime("23.1", python="3.10", scikit_learn="1.1", autoai_libs="1.14 to 1.17"),
    Runtime("24.1", python="3.11", scikit_learn="1.3", autoai_libs="2.0"),
    Runtime("25.1", python="3.12", scikit_learn="1.6", autoai_libs="3.0"),
)


def minor_version(version: str) -> str:
    """`1.0.2` -> `1.0`."""
    return ".".join(version.split(".")[:2])


def runtime_for_scikit_learn(version: str) -> Runtime | None:
    return next((r for r in RUNTIMES if r.scikit_learn == minor_version(version)), None)


def installed_scikit_learn() -> str:
    return metadata.version("scikit-learn")


def running_runtime() -> Runtime | None:
    """The runtime of the installed libraries (None when they match no AutoAI runtime)."""
    return runtime_for_scikit_learn(installed_scikit_learn())
