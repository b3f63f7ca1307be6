"""SageMaker batch transform against the real server: line guarantees, /execution-parameters, and
local-test/transform-local.sh on 100,000 rows."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pandas as pd
import pytest
import requests

from tests.pipelines import TrainedModel
from tests.serving import ROOT, Server, running_server
from training.sample_data import TARGET, demand_response_customers

PAYLOAD_MB = 1
TRANSFORM_LOCAL = ROOT / "local-test" / "transform-local.sh"


@pytest.fixture(scope="module")
def batch_server(classifier, tmp_path_factory):
    """The classifier behind 2 workers and a 1 MB payload limit, so files span many batches."""
    log = tmp_path_factory.mktemp("logs") / "serve.log"
    with running_server(
        classifier.model_dir.parent,
        log,
        SAGEMAKER_MODEL_SERVER_WORKERS="2",
        SAGEMAKER_MAX_PAYLOAD_IN_MB=str(PAYLOAD_MB),
    ) as server:
        yield server


def csv_lines(frame: pd.DataFrame) -> list[str]:
    """Each row as one CSV line, no header, as SageMaker sends a file split by line."""
    return frame.to_csv(header=False, index=False).splitlines()


def answers(text: str) -> list[tuple[str, list[float]]]:
    return [(row[0], [float(p) for p in row[1:]]) for row in csv.reader(io.StringIO(text))]


def expected(trained: TrainedModel, frame: pd.DataFrame) -> list[tuple[str, list[float]]]:
    return list(zip(trained.expected_labels(frame), trained.expected_proba(frame)))


def test_execution_parameters_are_this_servers_figures(batch_server):
    response = requests.get(f"{batch_server.url}/execution-parameters", timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == {
        "MaxConcurrentTransforms": 2,
        "BatchStrategy": "MULTI_RECORD",
        "MaxPayloadInMB": PAYLOAD_MB,
    }
    refused = requests.post(f"{batch_server.url}/execution-parameters", timeout=10)
    assert refused.status_code == 405


def test_a_payload_at_the_limit_answers_one_line_per_row_in_order(classifier, batch_server):
    lines = csv_lines(classifier.holdout)
    limit = PAYLOAD_MB * 1024 * 1024
    rows, body = [], b""
    while True:
        line = (lines[len(rows) % len(lines)] + "\n").encode()
        if len(body) + len(line) > limit:
            break
        body += line
        rows.append(len(rows) % len(lines))
    assert limit - len(body) < 1000  # as close to the limit as whole rows go
    response = batch_server.invoke(body, "text/csv", "text/csv")
    assert response.status_code == 200, response.text
    frame = classifier.holdout.iloc[rows].reset_index(drop=True)
    assert answers(response.text) == expected(classifier, frame)

    over = body + (lines[0] + "\n").encode() * 10
    assert batch_server.invoke(over, "text/csv").status_code == 413
    assert batch_server.invoke(lines[0] + "\n", "text/csv").status_code == 200


def test_blank_lines_and_quoted_newlines_keep_every_line_in_place(classifier, batch_server):
    frame = classifier.holdout.iloc[:6].reset_index(drop=True)
    frame.loc[1, "CITY"] = "Austin\nTX"  # a quoted newline inside a field
    frame.loc[4, "SMART_METER_COMMENTS"] = "line one\r\n\r\nline three"
    records = [record.rstrip("\n") for record in csv_records(frame)]
    assert '"Austin\nTX"' in records[1]
    body = "\n".join(["", records[0], records[1], "", "  ", *records[2:], ""]) + "\n"
    response = batch_server.invoke(body, "text/csv", "text/csv")
    assert response.status_code == 200, response.text
    lines = response.text.split("\n")
    assert lines.pop() == ""  # the body ends with a line end, nothing after it
    assert len(lines) == len(records) + 4  # one answer line per input line, blank ones too
    assert [n for n, line in enumerate(lines) if not line] == [0, 3, 4, 9]
    scored = [line for line in lines if line]
    assert answers("\n".join(scored)) == expected(classifier, frame)


def csv_records(frame: pd.DataFrame) -> list[str]:
    """Each row as one CSV record (a quoted field may hold line ends)."""
    records = []
    for row in frame.itertuples(index=False):
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(
            ["" if pd.isna(value) else value for value in row]
        )
        records.append(buffer.getvalue())
    return records


def test_json_lines_keep_blank_lines_in_place(classifier, batch_server):
    frame = classifier.holdout.iloc[:3]
    records = [json.dumps(row) for row in json.loads(frame.to_json(orient="records"))]
    body = "\n".join([records[0], "", records[1], records[2]])  # no final line end
    response = batch_server.invoke(body, "application/jsonlines", "application/jsonlines")
    assert response.status_code == 200, response.text
    lines = response.text.split("\n")
    assert lines.pop() == ""
    assert len(lines) == 4 and lines[1] == ""
    got = [json.loads(line) for line in lines if line]
    assert [g["predicted_label"] for g in got] == classifier.expected_labels(frame)
    assert [g["probabilities"] for g in got] == classifier.expected_proba(frame)


def test_a_final_line_end_makes_no_phantom_row(classifier, batch_server):
    line = csv_lines(classifier.holdout)[0]
    with_end = batch_server.invoke(line + "\n", "text/csv", "text/csv")
    without = batch_server.invoke(line, "text/csv", "text/csv")
    assert with_end.status_code == without.status_code == 200, with_end.text
    assert with_end.text == without.text
    assert with_end.text.count("\n") == 1


def transform_local(*arguments, server) -> subprocess.CompletedProcess:
    environment = dict(os.environ, PYTHON=sys.executable)
    return subprocess.run(
        [str(TRANSFORM_LOCAL), "--url", server.url, *map(str, arguments)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_100000_rows_through_transform_local_match_the_pipeline_row_for_row(
    classifier, batch_server, tmp_path
):
    names = list(classifier.holdout.columns)
    rows = demand_response_customers(100_000, seed=23).drop(columns=[TARGET])[names]
    source = tmp_path / "customers.csv"
    rows.to_csv(source, header=False, index=False)
    result = transform_local(source, server=batch_server)
    assert result.returncode == 0, result.stderr
    assert "100000 output lines for 100000 records" in result.stderr
    assert "[########################################] 100%" in result.stderr
    output = (tmp_path / "customers.csv.out").read_text()
    assert output.count("\n") == 100_000
    # Watson's view of the same file: pandas.read_csv, then the pipeline on .values
    as_read = pd.read_csv(source, header=None, names=names)
    assert answers(output) == expected(classifier, as_read)


def test_transform_local_joins_each_answer_to_its_input(classifier, batch_server, tmp_path):
    frame = classifier.holdout.iloc[:30]
    source = tmp_path / "small.csv"
    lines = csv_lines(frame)
    source.write_text("\n".join(lines[:10] + [""] + lines[10:]) + "\n")
    result = transform_local("--join", source, tmp_path / "joined.csv", server=batch_server)
    assert result.returncode == 0, result.stderr
    joined = (tmp_path / "joined.csv").read_text().split("\n")
    assert joined.pop() == ""
    assert len(joined) == 31 and joined[10] == ""
    width = len(frame.columns)
    for line, source_line, (label, probabilities) in zip(
        [j for j in joined if j], lines, expected(classifier, frame)
    ):
        cells = next(csv.reader([line]))
        assert line.startswith(source_line + ",")
        assert cells[width] == label
        assert [float(p) for p in cells[width + 1 :]] == probabilities


def test_transform_local_refuses_a_count_mismatch(classifier, batch_server, tmp_path):
    source = tmp_path / "with-header.csv"
    classifier.holdout.iloc[:5].to_csv(source, index=False)  # a header row the server skips
    result = transform_local(source, server=batch_server)
    assert result.returncode == 1
    assert "records 1-6: 5 output lines for 6 records" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["with-header.csv"]  # no output left


def test_transform_local_without_a_server_writes_no_output(tmp_path):
    source = tmp_path / "rows.csv"
    source.write_text("a,1\n")
    result = transform_local(source, server=Server("http://127.0.0.1:1", None, tmp_path / "none"))
    assert result.returncode == 1
    assert "no server at http://127.0.0.1:1" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rows.csv"]
