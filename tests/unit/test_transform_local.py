"""local-test/batch_transform.py's splitting and packing, the parts SageMaker does before posting."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from tests.serving import ROOT


@pytest.fixture(scope="module")
def client():
    path = ROOT / "local-test" / "batch_transform.py"
    spec = importlib.util.spec_from_file_location("batch_transform", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


@pytest.mark.parametrize(
    ("data", "content_type", "records"),
    [
        (b"a,1\nb,2\n", "text/csv", [b"a,1", b"b,2"]),
        (b"a,1\nb,2", "text/csv", [b"a,1", b"b,2"]),
        (b"a,1\n\nb,2\n\n", "text/csv", [b"a,1", b"", b"b,2", b""]),
        (b'a,"x\ny"\nb,"say ""hi""\n\n"\n', "text/csv", [b'a,"x\ny"', b'b,"say ""hi""\n\n"']),
        (b'{"a": "x\\ny"}\n\n[1]\n', "application/jsonlines", [b'{"a": "x\\ny"}', b"", b"[1]"]),
    ],
)
def test_records_are_lines_and_quoted_line_ends_stay_inside(client, data, content_type, records):
    assert client.split_records(data, content_type) == records


def test_an_open_quote_at_the_end_is_refused(client):
    with pytest.raises(client.TransformError, match="opens a quote"):
        client.split_records(b'a,1\nb,"open\n', "text/csv")


def test_mini_batches_fill_up_to_the_limit_in_order(client):
    records = [b"x" * 9] * 25  # 10 bytes each with the line end
    batches = list(client.mini_batches(records, 100))
    assert [len(b.records) for b in batches] == [10, 10, 5]
    assert [b.first_record for b in batches] == [0, 10, 20]


def test_a_record_over_the_limit_is_refused(client):
    with pytest.raises(client.TransformError, match="record 2 is 101 bytes"):
        list(client.mini_batches([b"a", b"x" * 100], 100))


def test_it_knows_every_json_type_the_server_takes(client):
    """The script is standard library only, so it keeps its own list; the server's aliases too."""
    from handler.wire import media_types

    server_json = {media_types.JSON, media_types.JSONLINES, *media_types.ALIASES}
    assert set(client.JSON_TYPES) == server_json
