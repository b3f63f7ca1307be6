"""Reading a channel's data the way AutoAI reads a data set: `pandas.read_csv` types.

A channel may hold one or many files: CSV (gzip-compressed or not, with or without a header row,
with or without a UTF-8 BOM) and Parquet when pyarrow is installed. Files are read in name order
and stacked; they must agree on their columns.
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pandas as pd

from handler.model.files import ARCHIVE_NAME, MODEL_PATTERNS
from training.layout import TrainingError

CSV_SUFFIXES = (".csv", ".csv.gz", ".txt", ".txt.gz")
PARQUET_SUFFIXES = (".parquet", ".pq")


def data_files(channel: Path) -> list[Path]:
    """The data files under a channel, in name order (pipelines, their metadata and WML schema
    files, and hidden files left out)."""
    files = []
    for path in sorted(channel.rglob("*")):
        if not path.is_file() or path.name.startswith(".") or path.suffix.lower() == ".json":
            continue
        if any(path.match(pattern) for pattern in (*MODEL_PATTERNS, ARCHIVE_NAME)):
            continue
        files.append(path)
    return files


def read_table(files: list[Path], header: str = "auto", target: str | None = None) -> pd.DataFrame:
    """The files stacked into one frame. Without a header row, columns are named 0, 1, ...

    `target`, when known, settles whether a CSV's first row is a header: it is when it names it.
    """
    if not files:
        raise TrainingError("no data files")
    frames = [_read(path, header, target) for path in files]
    first = frames[0]
    for path, frame in zip(files[1:], frames[1:]):
        if list(frame.columns) != list(first.columns):
            raise TrainingError(
                f"{path.name} has other columns than {files[0].name}: "
                f"{list(frame.columns)[:5]}... against {list(first.columns)[:5]}..."
            )
    table = pd.concat(frames, ignore_index=True) if len(frames) > 1 else first
    if table.empty:
        raise TrainingError(f"the data files ({', '.join(p.name for p in files)}) hold no rows")
    return table


def _read(path: Path, header: str, target: str | None) -> pd.DataFrame:
    name = path.name.lower()
    if name.endswith(PARQUET_SUFFIXES):
        return _read_parquet(path)
    if not name.endswith(CSV_SUFFIXES) and not name.endswith(".gz"):
        raise TrainingError(f"{path.name}: not a CSV (.csv, .csv.gz) or Parquet file")
    has_header = _has_header(path, target) if header == "auto" else header == "true"
    try:
        frame = pd.read_csv(
            path, header=0 if has_header else None, encoding="utf-8-sig", compression="infer"
        )
    except (ValueError, UnicodeDecodeError, OSError, EOFError) as error:
        raise TrainingError(f"{path.name} is not readable CSV: {error}") from None
    if not has_header:
        frame.columns = [str(i) for i in range(frame.shape[1])]
    return frame


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise TrainingError(
            f"{path.name}: reading Parquet needs pyarrow, not installed here"
        ) from None
    try:
        return pd.read_parquet(path)
    except (ValueError, OSError) as error:
        raise TrainingError(f"{path.name} is not readable Parquet: {error}") from None


def _has_header(path: Path, target: str | None) -> bool:
    """A header row when the first row names the target, or when no field of the first row is a
    number and a field of the second is."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as stream:
            rows = list(_first_rows(stream, 2))
    except (OSError, UnicodeDecodeError, EOFError, csv.Error) as error:
        raise TrainingError(f"{path.name} is not readable CSV: {error}") from None
    if len(rows) < 2 or (target is not None and target in rows[0]):
        return True
    return not any(map(_is_number, rows[0])) and any(map(_is_number, rows[1]))


def _first_rows(stream: io.TextIOBase, count: int):
    for index, row in enumerate(csv.reader(stream)):
        if index >= count:
            return
        yield row


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
