"""Whether this runtime can load a pickle, judged from its fingerprint (`pickle_facts.fingerprint`,
read from its bytes without unpickling): the scikit-learn minor version must be the installed one.
"""

from __future__ import annotations

from handler.errors import ModelLoadError
from pickle_facts.fingerprint import Fingerprint
from pickle_facts.runtimes import (
    installed_scikit_learn,
    minor_version,
    running_runtime,
    runtime_for_scikit_learn,
)


def check_runtime(fingerprint: Fingerprint) -> Fingerprint:
    """The pickle's fingerprint, or ModelLoadError naming the runtime it needs when not this one."""
    if fingerprint.scikit_learn is None:
        return fingerprint
    installed = installed_scikit_learn()
    if minor_version(fingerprint.scikit_learn) == minor_version(installed):
        return fingerprint
    running = running_runtime()
    this = f"runtime {running.name}" if running else f"scikit-learn {installed}"
    needed = runtime_for_scikit_learn(fingerprint.scikit_learn)
    if needed is None:
        raise ModelLoadError(
            f"this pipeline was saved with scikit-learn {fingerprint.scikit_learn}, which no "
            f"AutoAI runtime uses; this image runs {this} (scikit-learn {installed})"
        )
    raise ModelLoadError(
        f"this pipeline was saved with scikit-learn {fingerprint.scikit_learn} (AutoAI runtime "
        f"{needed.name}); this image runs {this}: rebuild with --build-arg "
        f"AUTOAI_RUNTIME={needed.name} (natively: make serve RUNTIME={needed.name})"
    )
