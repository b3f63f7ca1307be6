"""Every input and output format, against the real Multi Model Server and a real pipeline."""

from __future__ import annotations

import csv
import io
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from handler.wire.media_types import CSV, JSON, JSONLINES
from tests.serving import ROOT

WML_FIELDS = ["prediction", "probability"]


def parse(response) -> tuple[list, list]:
    """Labels and probabilities from a response body of any of our media types."""
    media_type = response.headers["Content-Type"].split(";")[0]
    if media_type == CSV:
        rows = list(csv.reader(io.StringIO(response.text)))
        return [r[0] for r in rows], [[float(p) for p in r[1:]] for r in rows]
    if media_type == JSON:
        body = response.json()["predictions"][0]
        assert body["fields"] == WML_FIELDS
        return [v[0] for v in body["values"]], [v[1] for v in body["values"]]
    assert media_type == JSONLINES
    lines = [json.loads(line) for line in response.text.splitlines()]
    return [x["predicted_label"] for x in lines], [x["probabilities"] for x in lines]


def records(frame) -> list[dict]:
    """Rows as JSON-ready records, NaN as null, as a Python client would send them."""
    return json.loads(frame.to_json(orient="records"))


def test_ping(server):
    response = requests.get(f"{server.url}/ping", timeout=5)
    assert response.status_code == 200


def test_csv_without_header(server, classifier):
    response = server.invoke(classifier.holdout.to_csv(header=False, index=False), CSV)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith(CSV)
    labels, probabilities = parse(response)
    assert probabilities == classifier.expected_proba()
    assert labels == classifier.expected_labels()


@pytest.mark.parametrize(
    "variant",
    ["header", "bom-crlf", "watson-booleans", "charset"],
)
def test_csv_variants_score_the_same(variant, server, classifier):
    frame = classifier.holdout
    content_type = CSV
    if variant == "header":
        body = frame.to_csv(index=False)
    elif variant == "bom-crlf":
        body = "\ufeff" + frame.to_csv(header=False, index=False).replace("\n", "\r\n")
    elif variant == "watson-booleans":
        booleans = frame.select_dtypes(bool).columns
        upper = frame.astype({c: object for c in booleans})
        for column in booleans:
            upper[column] = frame[column].map({True: "TRUE", False: "FALSE"})
        body = upper.to_csv(header=False, index=False)
    else:
        body = frame.to_csv(header=False, index=False)
        content_type = "text/csv; charset=utf-8"
    response = server.invoke(body, content_type)
    assert response.status_code == 200, response.text
    assert parse(response)[1] == classifier.expected_proba()


def test_quoted_fields_with_commas_and_quotes(server, classifier):
    frame = classifier.holdout.head(3).copy()
    frame["CITY"] = ["Washington, D.C.", "O'Fallon", 'The "Big" Apple']
    response = server.invoke(frame.to_csv(header=False, index=False), CSV)
    assert response.status_code == 200, response.text
    assert parse(response)[1] == classifier.expected_proba(frame)


@pytest.mark.parametrize(
    "shape", ["wml-shuffled", "wml-no-fields", "instances", "records", "list", "seed-input"]
)
def test_json_shapes(shape, server, classifier):
    frame = classifier.holdout
    rows = json.loads(frame.to_json(orient="values"))
    if shape == "wml-shuffled":
        fields = list(reversed(frame.columns))
        values = [list(reversed(r)) for r in rows]
        body = {"input_data": [{"fields": fields, "values": values}]}
    elif shape == "wml-no-fields":
        body = {"input_data": [{"values": rows}]}
    elif shape == "instances":
        body = {"instances": rows}
    elif shape == "records":
        body = {"instances": records(frame)}
    elif shape == "list":
        body = rows
    else:
        body = {"Input": rows}
    response = server.invoke(json.dumps(body), JSON)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith(JSON)
    labels, probabilities = parse(response)
    assert probabilities == classifier.expected_proba()
    assert labels == classifier.expected_labels()


@pytest.mark.parametrize("row_form", ["arrays", "objects"])
def test_jsonlines(row_form, server, classifier):
    frame = classifier.holdout
    items = records(frame) if row_form == "objects" else json.loads(frame.to_json(orient="values"))
    body = "\n".join(json.dumps(item) for item in items) + "\n"
    response = server.invoke(body, JSONLINES)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith(JSONLINES)
    assert parse(response)[1] == classifier.expected_proba()


@pytest.mark.parametrize("request_type", [CSV, JSON, JSONLINES])
@pytest.mark.parametrize(
    ("accept", "expected_type"),
    [
        (None, None),
        ("*/*", None),
        (CSV, CSV),
        (JSON, JSON),
        (JSONLINES, JSONLINES),
        ("text/html, application/json;q=0.5", JSON),
    ],
)
def test_accept(request_type, accept, expected_type, server, classifier):
    frame = classifier.holdout.head(4)
    if request_type == CSV:
        body = frame.to_csv(header=False, index=False)
    elif request_type == JSON:
        body = json.dumps({"instances": records(frame)})
    else:
        body = "\n".join(json.dumps(r) for r in records(frame))
    response = server.invoke(body, request_type, accept)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith(expected_type or request_type)
    assert parse(response)[1] == classifier.expected_proba(frame)


@pytest.mark.parametrize(
    ("body", "content_type", "accept", "status", "message"),
    [
        ("1,2", "image/png", None, 415, "Content-Type 'image/png' is not supported"),
        ("1,2", "application/x-www-form-urlencoded", None, 415, "is not supported"),
        ("1,2", "text/csv", "image/png", 406, "Accept 'image/png' names no supported type"),
        ("1,2\n", "text/csv", None, 400, r"expected 35 columns, got 2 \(row 1\)"),
        ("", "text/csv", None, 400, "holds no rows"),
        ("{", "application/json", None, 400, "not valid JSON"),
        ('{"input_data":[{"fields":["AGE"],"values":[[1]]}]}', "application/json", None, 400,
         "missing field 'CUSTOMER_ID'"),
        (b"\xff\xfe", "text/csv", None, 400, "not valid UTF-8"),
        ("[" * 100_000, "application/json", None, 400, "nests arrays or objects too deeply"),
        ('{"a":' * 50_000, "application/jsonlines", None, 400, "too deeply"),
        ("\n" * 1_000_000, "text/csv", None, 400, "holds no rows"),
        ("\n" * 1_000_000, "application/jsonlines", None, 400, "non-empty list of rows"),
        ("[[NaN, 1]]", "application/json", None, 400, "NaN is not a JSON number"),
        ("[[Infinity, 1]]", "application/json", None, 400, "Infinity is not a JSON number"),
        ("1,2\n1,2,3\n", "text/csv", None, 400, r"expected 35 columns, got 2 \(row 1\)"),
        ("[[1, [2]]]", "application/json", None, 400, "expected 35 columns"),
    ],
)  # fmt: skip
def test_errors_carry_their_status_and_one_line(
    body, content_type, accept, status, message, server
):
    response = server.invoke(body, content_type, accept)
    assert response.status_code == status
    assert response.text.count("\n") == 1
    assert "Traceback" not in response.text
    assert __import__("re").search(message, response.text), response.text
    # and the server is unharmed
    assert server.invoke("1,2\n", "text/csv").status_code == 400
    assert requests.get(f"{server.url}/ping", timeout=10).status_code == 200


def test_bad_value_names_column_and_row(server, classifier):
    frame = classifier.holdout.head(3).astype(object)
    frame.loc[2, "OWNS_HOME"] = "perhaps"
    response = server.invoke(frame.to_csv(header=False, index=False), CSV)
    assert response.status_code == 400
    assert (
        response.text.strip() == "column 'OWNS_HOME' (row 3): expected TRUE or FALSE, got 'perhaps'"
    )


def test_missing_content_type_is_a_415(server):
    response = requests.post(f"{server.url}/invocations", data=b"1,2", timeout=10)
    assert response.status_code == 415


def test_32_concurrent_requests_are_all_answered_correctly(server, classifier):
    frame = classifier.holdout
    expected = classifier.expected_proba()
    single_rows = [(i % len(frame)) for i in range(32)]

    def score(index):
        body = frame.iloc[[index]].to_csv(header=False, index=False)
        return index, server.invoke(body, CSV)

    with ThreadPoolExecutor(max_workers=32) as pool:
        answers = list(pool.map(score, single_rows))
    for index, response in answers:
        assert response.status_code == 200, response.text
        assert parse(response)[1] == [expected[index]]


def test_log_has_no_ping_lines_and_no_tracebacks(server):
    for _ in range(5):
        requests.get(f"{server.url}/ping", timeout=5)
    server.invoke("1,2\n", CSV)
    log = server.log()
    assert "/ping" not in log
    assert "Traceback" not in log


REQUEST_FILES = ROOT / "tests/requests"
TYPE_OF_SUFFIX = {".csv": CSV, ".json": JSON, ".jsonl": JSONLINES}


@pytest.mark.parametrize("name", sorted(p.name for p in REQUEST_FILES.iterdir()))
def test_request_files_score_like_the_plain_payload(name, server):
    """The rows of local-test/payload.csv in other shapes (tests/requests/) score the same."""
    baseline = server.invoke((ROOT / "local-test/payload.csv").read_bytes(), CSV)
    path = REQUEST_FILES / name
    response = server.invoke(path.read_bytes(), TYPE_OF_SUFFIX[path.suffix], CSV)
    assert response.status_code == 200, response.text
    assert parse(response) == parse(baseline)
    assert len(parse(response)[0]) == 5
