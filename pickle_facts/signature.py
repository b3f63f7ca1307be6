"""Telling a pickle (or a compressed joblib file) from a file saved in its place by mistake: a
web page, a CSV file, an archive."""

from __future__ import annotations

COMPRESSED = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"\x5d\x00\x00")  # gzip, bz2, xz, lzma
ZLIB_HEADERS = (b"\x78\x01", b"\x78\x5e", b"\x78\x9c", b"\x78\xda")  # joblib's default
PROTO = b"\x80"  # the first opcode of every pickle of protocol 2 and later
# What a protocol 0 or 1 pickle of an object starts with: MARK, EMPTY_TUPLE, EMPTY_LIST,
# EMPTY_DICT, GLOBAL. Such a pickle ends with STOP.
OLD_PROTOCOL_STARTS = b"()]}c"
STOP = b"."
PREVIEW_CHARACTERS = 40
ARCHIVES = {b"PK\x03\x04": "a zip archive", b"ustar": "a tar archive"}


def not_a_pickle(stored: bytes) -> str | None:
    """None when `stored` can be a pickle or a compressed one; else, in one line, what the file
    starts with and what to do."""
    if stored.startswith((PROTO, *COMPRESSED, *ZLIB_HEADERS)):
        return None
    if stored[:1] and stored[:1] in OLD_PROTOCOL_STARTS and stored.rstrip().endswith(STOP):
        return None
    if not stored:
        return "the file is empty: save or download the pipeline again"
    preview = _preview(stored)
    for magic, kind in ARCHIVES.items():
        if stored.startswith(magic) or stored[257:262] == magic:
            return (
                f"it is {kind}: unpack it, or name it *.zip / *.tar.gz and serve's model "
                "directory unpacks it"
            )
    if stored.lstrip()[:1] == b"<":
        return (
            f"it starts with {preview!r}, a web page: the download saved a page instead of the "
            "pipeline; download the pickle itself (or save it from the notebook with joblib.dump)"
        )
    return (
        f"it starts with {preview!r}: save the pipeline object itself "
        "(joblib.dump(pipeline, 'model.pickle') in the AutoAI notebook)"
    )


def _preview(stored: bytes) -> str:
    first_line = stored[:200].split(b"\n", 1)[0]
    return first_line.decode("utf-8", "replace")[:PREVIEW_CHARACTERS]
