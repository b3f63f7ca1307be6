"""The decompressed bytes of a pipeline file: joblib compresses its files whole, with zlib by
default, or gzip, bz2 or lzma; the magic bytes say which."""

from __future__ import annotations

import bz2
import gzip
import lzma
import zlib
from pathlib import Path

from pickle_facts.signature import not_a_pickle


class UnreadablePickle(Exception):
    """The file cannot be read as a pickle; the message says why and, where it can, what to do."""


def decompressed(stored: bytes) -> bytes:
    """The bytes through the decompressor their magic bytes name, or as they are."""
    if stored.startswith(b"\x1f\x8b"):
        return gzip.decompress(stored)
    if stored.startswith(b"BZh"):
        return bz2.decompress(stored)
    if stored.startswith((b"\xfd7zXZ", b"\x5d\x00\x00")):
        return lzma.decompress(stored)
    if stored[:1] == b"\x78":  # zlib, joblib's default compression (signature.ZLIB_HEADERS)
        return zlib.decompress(stored)
    return stored


def read_pickle_bytes(path: Path) -> tuple[bytes, bytes]:
    """The file's bytes as stored and decompressed; UnreadablePickle when it cannot be read or is
    not a pickle at all (then saying what it starts with)."""
    try:
        with open(path, "rb") as stream:
            stored = stream.read()
    except OSError as error:
        raise UnreadablePickle(f"cannot read {path}: {error}") from None
    problem = not_a_pickle(stored)
    if problem is None:
        try:
            return stored, decompressed(stored)
        except (OSError, EOFError, zlib.error, lzma.LZMAError) as error:
            raise UnreadablePickle(f"cannot read {path}: {error}") from None
    raise UnreadablePickle(f"{path} is not a pickle: {problem}")
