"""A pipeline file read once per load: its bytes as stored (whose sha256 the metadata records) and
decompressed (what the fingerprint searches and the unpickler loads).

joblib compresses its files whole, with zlib by default, or gzip, bz2 or lzma; the magic bytes say
which (`pickle_facts.compression`).
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import lzma
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from handler.errors import ModelLoadError
from pickle_facts.compression import UnreadablePickle, read_pickle_bytes


@dataclass(frozen=True)
class PickleFile:
    path: Path
    stored: bytes
    content: bytes  # decompressed

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.stored).hexdigest()

    def stream(self) -> io.BytesIO:
        return io.BytesIO(self.content)


def read_pickle_file(path: Path) -> PickleFile:
    """The file's bytes, read once, and decompressed; ModelLoadError if it cannot be read or is
    not a pickle (saying what it starts with)."""
    try:
        stored, content = read_pickle_bytes(path)
    except UnreadablePickle as error:
        raise ModelLoadError(str(error)) from None
    return PickleFile(path, stored, content)


def open_decompressed(path: Path) -> IO[bytes]:
    """The file as a stream, through the decompressor its magic bytes name: for reading a large
    file a chunk at a time, where `read_pickle_file` would hold it whole."""
    with path.open("rb") as probe:
        magic = probe.read(6)
    if magic.startswith(b"\x1f\x8b"):
        return gzip.open(path, "rb")
    if magic.startswith(b"BZh"):
        return bz2.open(path, "rb")
    if magic.startswith((b"\xfd7zXZ", b"\x5d\x00\x00")):
        return lzma.open(path, "rb")
    if magic[:1] == b"\x78":  # zlib, joblib's default compression
        # imported here: `serve`'s small supervising process reads pickles too
        from joblib.compressor import BinaryZlibFile

        return BinaryZlibFile(str(path), "rb")
    return path.open("rb")
