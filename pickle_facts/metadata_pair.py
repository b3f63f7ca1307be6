"""Whether the metadata file beside a pipeline pickle describes that very pickle: its name, its
sha256 and the scikit-learn version it was saved with. A stale one (left from an earlier pickle)
is named with the command that rewrites it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pickle_facts.fingerprint import Fingerprint
from pickle_facts.runtimes import minor_version

METADATA_FILE = "autoai-metadata.json"


def rewrite_hint(model_dir: Path) -> str:
    return (
        f"rewrite the metadata with `python entrypoint.py describe {model_dir} --training-data "
        f"FILE [--target COLUMN]` (in the runtime's venv), or delete {METADATA_FILE}"
    )


def stale_sha256(pickle: Path) -> str:
    """The one-line message for a pickle whose metadata file records another sha256."""
    return (
        f"{METADATA_FILE} beside {pickle.name} is stale: it records the sha256 of another pickle "
        f"(one saved before this one); {rewrite_hint(pickle.parent)}"
    )


def pair_problem(pickle: Path, stored: bytes, fingerprint: Fingerprint) -> str | None:
    """None when `pickle` has no metadata file or one that describes it; else what is wrong."""
    path = pickle.parent / METADATA_FILE
    if not path.is_file():
        return None
    try:
        document = json.loads(path.read_text())
        recorded_file = document["pickle_file"]
        recorded_sha256 = document["pickle_sha256"]
        recorded_version = (document.get("libraries") or {}).get("scikit-learn")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        return f"{path} is not valid metadata: {type(error).__name__}: {error}"
    if recorded_file != pickle.name:
        return (
            f"{METADATA_FILE} beside {pickle.name} describes {recorded_file}: "
            f"{rewrite_hint(pickle.parent)}"
        )
    if recorded_sha256 != hashlib.sha256(stored).hexdigest():
        return stale_sha256(pickle)
    saved_with = fingerprint.scikit_learn
    if (
        recorded_version
        and saved_with
        and minor_version(recorded_version) != minor_version(saved_with)
    ):
        return (
            f"{METADATA_FILE} beside {pickle.name} records scikit-learn {recorded_version}, the "
            f"pickle was saved with {saved_with}: {rewrite_hint(pickle.parent)}"
        )
    return None
