"""Finding the pipeline in a model directory: unpack left-over archives, then one pickle exactly.

The directory holds the pipeline as exported from Watson Studio: one `*.pickle`, `*.pkl` or
`*.joblib` file under any name, optionally beside our metadata file. Zero or several candidates is
an error naming what was found.
"""

from __future__ import annotations

import tarfile
import zipfile
from pathlib import Path

from handler.errors import ModelLoadError

MODEL_PATTERNS = ("*.pickle", "*.pkl", "*.joblib")
ARCHIVE_NAME = "model.tar.gz"  # SageMaker's model artifact
# What SageMaker's artifact and Watson Studio's downloads come as.
ARCHIVE_PATTERNS = ("*.tar.gz", "*.tgz", "*.zip")


def unpack_archive(model_dir: Path) -> None:
    """Unpack the archives left in the directory (SageMaker's `model.tar.gz`, a Watson Studio
    download as `*.tar.gz`, `*.tgz` or `*.zip`) when it holds no pipeline file yet."""
    if not model_dir.is_dir() or find_candidates(model_dir):
        return
    for archive in find_archives(model_dir):
        try:
            if archive.suffix == ".zip":
                with zipfile.ZipFile(archive) as zip_file:
                    zip_file.extractall(model_dir)  # drops absolute paths and '..' parts
            else:
                with tarfile.open(archive) as tar:
                    tar.extractall(model_dir, filter="data")
        except (tarfile.TarError, zipfile.BadZipFile, OSError) as error:
            raise ModelLoadError(f"cannot unpack {archive}: {error}") from None


def find_archives(model_dir: Path) -> list[Path]:
    return sorted({path for pattern in ARCHIVE_PATTERNS for path in model_dir.glob(pattern)})


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
        unpacked = " (the archives, unpacked, put none at its top level)" * bool(
            find_archives(model_dir)
        )
        raise ModelLoadError(
            f"no pipeline in {model_dir}: expected one {wanted} file{unpacked}, found {found}"
        )
    names = ", ".join(p.name for p in candidates)
    raise ModelLoadError(
        f"several pipelines in {model_dir} ({names}): keep exactly one {wanted} file"
    )
