import pytest

from handler.errors import NotAcceptable, UnsupportedMediaType
from handler.wire import media_types
from handler.wire.media_types import CSV, JSON, JSONLINES


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("text/csv", CSV),
        ("text/csv; charset=utf-8", CSV),
        ("Text/CSV;charset=UTF-8", CSV),
        ("text/csv; charset=us-ascii", CSV),
        ("application/json", JSON),
        ('application/json; charset="utf-8"', JSON),
        ("application/jsonlines", JSONLINES),
        ("application/x-jsonlines", JSONLINES),
        ("application/x-ndjson", JSONLINES),
    ],
)
def test_content_type_is_normalised(header, expected):
    assert media_types.content_type_of(header) == (expected, None)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("text/csv; header=present", True),
        ("text/csv;Header=Present; charset=utf-8", True),
        ("text/csv; header=absent", False),
        ('text/csv; header="absent"', False),
        ("text/csv", None),
        ("application/json; header=present", None),  # RFC 4180's parameter, CSV only
    ],
)
def test_the_csv_header_parameter_is_read(header, expected):
    assert media_types.content_type_of(header).header is expected


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "Content-Type header is missing"),
        ("", "Content-Type header is missing"),
        ("image/png", "'image/png' is not supported"),
        ("application/x-www-form-urlencoded", "is not supported"),
        ("text/csv; charset=latin-1", "charset 'latin-1' is not supported"),
        ("text/csv; header=maybe", "header='maybe' is not supported: use present or absent"),
    ],
)
def test_unsupported_content_type_is_a_415_naming_it(header, message):
    with pytest.raises(UnsupportedMediaType, match=message) as raised:
        media_types.content_type_of(header)
    assert raised.value.status_code == 415


@pytest.mark.parametrize(
    ("accept", "request_type", "default", "expected"),
    [
        (None, CSV, None, CSV),
        (None, JSON, None, JSON),
        ("", JSONLINES, None, JSONLINES),
        ("*/*", CSV, None, CSV),
        ("*/*", CSV, JSON, JSON),
        (None, CSV, JSONLINES, JSONLINES),
        ("application/json", CSV, None, JSON),
        ("text/csv; charset=utf-8", JSON, None, CSV),
        ("image/png, text/csv;q=0.5", JSON, None, CSV),
        ("text/csv;q=0.2, application/json;q=0.9", CSV, None, JSON),
        ("application/*", CSV, None, JSON),
        ("application/*", JSONLINES, None, JSONLINES),
        ("text/*", JSON, None, CSV),
        ("application/json;q=0, text/csv", JSON, None, CSV),
        ("image/png, */*;q=0.1", JSON, None, JSON),
        ("text/csv;q=0, */*", CSV, None, JSON),
        ("application/json;q=0, application/*", JSON, None, JSONLINES),
    ],
)
def test_negotiate(accept, request_type, default, expected):
    assert media_types.negotiate(accept, request_type, default) == expected


@pytest.mark.parametrize("accept", ["image/png", "text/html, application/xml", "text/csv;q=0"])
def test_unsatisfiable_accept_is_a_406_naming_it(accept):
    with pytest.raises(NotAcceptable, match="names no supported type") as raised:
        media_types.negotiate(accept, CSV, None)
    assert raised.value.status_code == 406
