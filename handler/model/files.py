"""Finding the pipeline in a model directory: unpack a left-over archive, then one pickle exactly.

The directory holds the pipeline as exported from Watson Studio: one `*.pickle`, `*.pkl` or
`*.joblib` file under any name, optionally beside our metadata file. Zero or several candidates is
an error naming what was found.
"""

from __future__ import annotations

import tarfile
from pathlib import Path

from handler.errors import ModelLoadError

MODEL_PATTERNS = ("*.pickle", "*.pkl", "*.joblib")
ARCHIVE_NAME = "model.tar.gz"


def unpack_archive(model_dir: Path) -> None:
    """Unpack a `model.tar.gz` left in the directory (as SageMaker's artifact), once."""
    archive = model_dir / ARCHIVE_NAME
    if not archive.is_file() or find_candidates(model_dir):
        return
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(model_dir, filter="data")
    except (tarfile.TarError, OSError) as error:
        raise ModelLoadError(f"cannot unpack {archive}: {error}") from None


def find_candidates(model_dir: Path) -> list[Path]:
    return sorted({path for pattern in MODEL_PATTERNS for path in model_dir.glob(pattern)})


def find_pipeline_file(model_dir: Path) -> Path:
    """The one pipeline file in `model_dir`, or ModelLoadError naming what was found."""
    if not model_dir.is_dir():
        raise ModelLoadError(f"model directory {model_dir} does not exist")
    candidates = find_candidates(model_dir)
    if len(candidates) == 1:
        return candidates[0]
    wanted = " or ".join(MODEL_PATTERNS)
    if not candidates:
        present = sorted(p.name for p in model_dir.iterdir())
        found = ", ".join(present) if present else "nothing"
        raise ModelLoadError(
            f"no pipeline in {model_dir}: expected one {wanted} file, found {found}"
        )
    names = ", ".join(p.name for p in candidates)
    raise ModelLoadError(
        f"several pipelines in {model_dir} ({names}): keep exactly one {wanted} file"
    )
