"""A SageMaker batch transform, run locally against a running server (standard library only).

As SageMaker does with `SplitType=Line`, `BatchStrategy=MultiRecord` and `AssembleWith=Line`: ask
the server's `GET /execution-parameters` for its concurrency and payload limit, split the input
into records, pack them into mini-batches under the limit, post the batches concurrently, check
that each answer has one line per record and write the answers in input order, optionally each
joined to its input record (`JoinSource=Input`).

One difference, on purpose: a CSV record is split at line ends outside quotes, so a quoted field
holding a newline stays in one record (SageMaker would cut it in two).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

# What SageMaker uses when a container has no /execution-parameters.
DEFAULT_CONCURRENCY = 1
DEFAULT_PAYLOAD_MB = 6
REQUEST_TIMEOUT_SECONDS = 600
# handler/wire/media_types.py's JSON Lines aliases too (this script is standard library only).
JSON_TYPES = (
    "application/json",
    "application/jsonlines",
    "application/x-jsonlines",
    "application/jsonl",
    "application/x-ndjson",
)


class TransformError(Exception):
    """The transform cannot go on; the message says why."""


@dataclass(frozen=True)
class Parameters:
    concurrency: int
    payload_bytes: int


@dataclass(frozen=True)
class MiniBatch:
    first_record: int
    records: list[bytes]


def main(argv: list[str]) -> int:
    options = _arguments(argv)
    output = options.output or Path(f"{options.input}.out")
    try:
        parameters = execution_parameters(options.url)
        records = split_records(options.input.read_bytes(), options.content_type)
        batches = list(mini_batches(records, parameters.payload_bytes))
        print(
            f"{len(records)} records in {len(batches)} mini-batches of at most "
            f"{parameters.payload_bytes // (1024 * 1024)} MB, {parameters.concurrency} at a time",
            file=sys.stderr,
        )
        started = time.monotonic()
        written = transform(batches, parameters, options, output, len(records))
    except TransformError as error:
        print(f"transform: {error}", file=sys.stderr)
        return 1
    seconds = time.monotonic() - started
    print(
        f"{written} output lines for {len(records)} records: {output} "
        f"({seconds:.1f} s, {len(records) / max(seconds, 1e-9):.0f} records/s)",
        file=sys.stderr,
    )
    return 0


def _arguments(argv: list[str]) -> argparse.Namespace:
    port = os.environ.get("SAGEMAKER_BIND_TO_PORT", "8080")
    parser = argparse.ArgumentParser(prog="transform-local.sh", description=__doc__.split("\n")[0])
    parser.add_argument("input", type=Path, help="the input file, one record per line")
    parser.add_argument("output", type=Path, nargs="?", help="default: INPUT.out")
    parser.add_argument("--url", default=f"http://localhost:{port}", help="the server")
    parser.add_argument("--content-type", default="text/csv", help="of the input records")
    parser.add_argument("--accept", help="of the output lines (default: the content type)")
    parser.add_argument(
        "--join", action="store_true", help="join each output line to its input record"
    )
    options = parser.parse_args(argv)
    options.url = options.url.rstrip("/")
    options.accept = options.accept or options.content_type
    return options


def execution_parameters(url: str) -> Parameters:
    """The server's concurrency and payload limit, or SageMaker's defaults when it has none."""
    try:
        with urllib.request.urlopen(f"{url}/execution-parameters", timeout=30) as response:
            answer = json.load(response)
        return Parameters(
            int(answer["MaxConcurrentTransforms"]), int(answer["MaxPayloadInMB"]) * 1024 * 1024
        )
    except urllib.error.HTTPError as error:
        if error.code != 404:
            raise TransformError(f"GET {url}/execution-parameters answered {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        raise TransformError(f"no server at {url}: {error}") from None
    except (ValueError, KeyError, TypeError) as error:
        raise TransformError(f"unreadable /execution-parameters answer: {error}") from None
    return Parameters(DEFAULT_CONCURRENCY, DEFAULT_PAYLOAD_MB * 1024 * 1024)


def split_records(data: bytes, content_type: str) -> list[bytes]:
    """The records, line ends removed; a final line end starts no record.

    In CSV a line end inside double quotes belongs to the record (RFC 4180: a quote inside a
    quoted field is doubled, so an odd count of quotes so far means the field is still open).
    """
    lines = data.split(b"\n")
    if data.endswith(b"\n"):
        lines.pop()
    if _is_json(content_type):
        return lines
    records: list[bytes] = []
    pending: list[bytes] = []
    quotes = 0
    for line in lines:
        pending.append(line)
        quotes += line.count(b'"')
        if quotes % 2 == 0:
            records.append(b"\n".join(pending))
            pending, quotes = [], 0
    if pending:
        raise TransformError(f"the last record (from record {len(records) + 1}) opens a quote")
    return records


def mini_batches(records: list[bytes], payload_bytes: int) -> Iterator[MiniBatch]:
    """Consecutive records packed into batches whose bodies fit in `payload_bytes`."""
    batch: list[bytes] = []
    size = 0
    first = 0
    for number, record in enumerate(records):
        length = len(record) + 1
        if length > payload_bytes:
            raise TransformError(
                f"record {number + 1} is {length} bytes, more than the "
                f"{payload_bytes // (1024 * 1024)} MB payload limit"
            )
        if batch and size + length > payload_bytes:
            yield MiniBatch(first, batch)
            batch, size, first = [], 0, number
        batch.append(record)
        size += length
    if batch:
        yield MiniBatch(first, batch)


def transform(
    batches: list[MiniBatch],
    parameters: Parameters,
    options: argparse.Namespace,
    output: Path,
    total: int,
) -> int:
    """Post the batches, `concurrency` at a time; write their lines in order; the lines written.

    The lines go to a partial file beside `output`, renamed to it only when every batch answered:
    a failed transform leaves no output file (nor a half-written one).
    """
    progress = Progress(total)
    written = 0
    partial = output.with_name(f".{output.name}.partial")
    pool = ThreadPoolExecutor(parameters.concurrency)
    try:
        with partial.open("wb") as out:
            answers = pool.map(lambda batch: _post(batch, options), batches)
            for batch, lines in zip(batches, answers):
                for record, line in zip(batch.records, lines):
                    out.write(_joined(record, line, options) if options.join else line)
                    out.write(b"\n")
                written += len(lines)
                progress.advance(len(lines))
        if written != total:
            raise TransformError(f"{written} output lines for {total} input records")
        partial.replace(output)
    finally:
        pool.shutdown(cancel_futures=True)
        progress.finish()
        partial.unlink(missing_ok=True)
    return written


def _post(batch: MiniBatch, options: argparse.Namespace) -> list[bytes]:
    body = b"".join(record + b"\n" for record in batch.records)
    request = urllib.request.Request(
        f"{options.url}/invocations",
        data=body,
        headers={"Content-Type": options.content_type, "Accept": options.accept},
        method="POST",
    )
    where = f"records {batch.first_record + 1}-{batch.first_record + len(batch.records)}"
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:
            answer = response.read()
    except urllib.error.HTTPError as error:
        reason = error.read().decode("utf-8", "replace").strip()
        raise TransformError(f"{where}: HTTP {error.code}: {reason}") from None
    except (urllib.error.URLError, OSError) as error:
        raise TransformError(f"{where}: {error}") from None
    lines = answer.split(b"\n")
    if answer.endswith(b"\n"):
        lines.pop()
    if len(lines) != len(batch.records):
        raise TransformError(
            f"{where}: {len(lines)} output lines for {len(batch.records)} records "
            "(does the input have a header row?)"
        )
    return lines


def _joined(record: bytes, line: bytes, options: argparse.Namespace) -> bytes:
    """`JoinSource=Input`: CSV as `input,output`; JSON under `SageMakerOutput`."""
    if not record.strip():
        return b""
    if not _is_json(options.content_type):
        return record.rstrip(b"\r") + b"," + line
    document = json.loads(record)
    answer = json.loads(line)
    if isinstance(document, dict):
        return json.dumps({**document, "SageMakerOutput": answer}).encode()
    return json.dumps({"SageMakerInput": document, "SageMakerOutput": answer}).encode()


def _is_json(media_type: str) -> bool:
    return media_type.split(";")[0].strip().lower() in JSON_TYPES


class Progress:
    """A progress bar on stderr, redrawn in place."""

    WIDTH = 40

    def __init__(self, total: int):
        self._total = max(total, 1)
        self._done = 0
        self._draw()

    def advance(self, count: int) -> None:
        self._done += count
        self._draw()

    def finish(self) -> None:
        sys.stderr.write("\n")

    def _draw(self) -> None:
        filled = self.WIDTH * self._done // self._total
        percent = 100 * self._done // self._total
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        sys.stderr.write(f"\r[{bar}] {percent:3d}% {self._done}/{self._total} records")
        sys.stderr.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
