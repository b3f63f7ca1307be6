"""Media types: the ones we speak, parsing of Content-Type and Accept, and content negotiation.

Every header is normalised here once (`text/csv; charset=utf-8` is CSV, aliases map to one name);
the rest of the package compares the normalised names only.
"""

from __future__ import annotations

from typing import NamedTuple

from handler.errors import NotAcceptable, UnsupportedMediaType

CSV = "text/csv"
JSON = "application/json"
JSONLINES = "application/jsonlines"
SUPPORTED = (CSV, JSON, JSONLINES)

ALIASES = {
    "application/x-jsonlines": JSONLINES,
    "application/jsonl": JSONLINES,
    "application/x-ndjson": JSONLINES,
}
CSV_HEADER_VALUES = {"present": True, "absent": False}
# ASCII is a subset of UTF-8.
UTF8_CHARSETS = ("utf-8", "utf8", "us-ascii", "ascii")


class ContentType(NamedTuple):
    """A request's normalised media type and, for CSV, its `header` parameter (RFC 4180):
    True for `present`, False for `absent`, None when the client did not say."""

    name: str
    header: bool | None = None


class MediaRange(NamedTuple):
    name: str
    quality: float


def parse_media_type(header: str) -> tuple[str, dict[str, str]]:
    """Split `type/subtype; key=value` into the lower-cased, alias-resolved name and parameters."""
    name, *params = header.split(";")
    parameters = {}
    for param in params:
        key, _, value = param.partition("=")
        parameters[key.strip().lower()] = value.strip().strip('"')
    name = name.strip().lower()
    return ALIASES.get(name, name), parameters


def content_type_of(header: str | None) -> ContentType:
    """The supported media type named by a Content-Type header, or UnsupportedMediaType."""
    if not header or not header.strip():
        raise UnsupportedMediaType(
            f"Content-Type header is missing: send one of {', '.join(SUPPORTED)}"
        )
    name, parameters = parse_media_type(header)
    if name not in SUPPORTED:
        raise UnsupportedMediaType(
            f"Content-Type {header.strip()!r} is not supported: send one of {', '.join(SUPPORTED)}"
        )
    charset = parameters.get("charset", "utf-8").lower()
    if charset not in UTF8_CHARSETS:
        raise UnsupportedMediaType(f"charset {charset!r} is not supported: send UTF-8")
    return ContentType(name, _csv_header(parameters) if name == CSV else None)


def _csv_header(parameters: dict[str, str]) -> bool | None:
    value = parameters.get("header")
    if value is None:
        return None
    if value.lower() not in CSV_HEADER_VALUES:
        raise UnsupportedMediaType(
            f"text/csv parameter header={value!r} is not supported: use present or absent"
        )
    return CSV_HEADER_VALUES[value.lower()]


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an Accept header, most preferred first (stable for equal q)."""
    ranges = []
    for item in header.split(","):
        if not item.strip():
            continue
        name, parameters = parse_media_type(item)
        try:
            quality = float(parameters.get("q", "1"))
        except ValueError:
            quality = 0.0
        ranges.append(MediaRange(name, quality))
    return sorted(ranges, key=lambda r: -r.quality)


def negotiate(accept: str | None, request_type: str, default_accept: str | None) -> str:
    """Choose the response media type.

    No Accept header, or only `*/*`, means the configured default when there is one, else the
    request's own type. Otherwise the client's most preferred supported type wins; a type with
    `q=0` is never chosen; no acceptable type is a 406.
    """
    fallback = default_accept or request_type
    if not accept or not accept.strip():
        return fallback
    ranges = parse_accept(accept)
    refused = {r.name for r in ranges if r.quality <= 0}
    allowed = [t for t in (fallback, *SUPPORTED) if t not in refused]
    for media_range in ranges:
        if media_range.quality <= 0:
            continue
        if media_range.name in SUPPORTED and media_range.name not in refused:
            return media_range.name
        prefix = "" if media_range.name == "*/*" else media_range.name[:-1]
        if media_range.name.endswith("/*"):
            match = next((t for t in allowed if t.startswith(prefix)), None)
            if match:
                return match
    raise NotAcceptable(
        f"Accept {accept.strip()!r} names no supported type: use one of {', '.join(SUPPORTED)}"
    )
