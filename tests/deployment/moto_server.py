"""moto's server mode on a free loopback port, standing in for AWS, with every request recorded.

The tool and the notebook reach it through `AWS_ENDPOINT_URL`, as they would reach AWS: nothing
in the code under test knows it is talking to moto. moto's recorder logs each request, which
`calls()` turns back into (operation, parameters) for the tests to assert.
"""

from __future__ import annotations

import base64
import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import requests

from tests.serving import free_port, stop, wait_until_answering

START_DEADLINE_SECONDS = 30
REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's account


@dataclass(frozen=True)
class Call:
    """One recorded AWS request: the API operation (for REST APIs, `METHOD /path`), its
    parameters (JSON and query APIs), headers and raw body."""

    operation: str
    params: dict
    headers: dict = field(repr=False)
    body: bytes = field(repr=False)


@dataclass
class MotoServer:
    url: str
    process: subprocess.Popen
    recording: Path

    def environment(self) -> dict[str, str]:
        """What a client needs to reach this server as its AWS: fake credentials, a region, and
        no real AWS configuration or instance metadata."""
        return {
            "AWS_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": REGION,
            "AWS_CONFIG_FILE": str(self.recording.parent / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.recording.parent / "no-aws-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def reset(self) -> None:
        """Empty state and an empty recording."""
        requests.post(f"{self.url}/moto-api/reset", timeout=10).raise_for_status()
        requests.post(f"{self.url}/moto-api/recorder/reset-recording", timeout=10)
        requests.post(f"{self.url}/moto-api/recorder/start-recording", timeout=10)

    def calls(self, operation: str | None = None) -> list[Call]:
        """The recorded requests since the last reset, in order (only `operation`'s if given)."""
        text = requests.get(f"{self.url}/moto-api/recorder/download-recording", timeout=10).text
        recorded = [_call(json.loads(line)) for line in text.splitlines() if line.strip()]
        return [c for c in recorded if operation is None or c.operation == operation]

    def call(self, operation: str) -> Call:
        """The one recorded `operation`."""
        found = self.calls(operation)
        assert len(found) == 1, f"{operation} called {len(found)} times: {self.calls()}"
        return found[0]


def _call(entry: dict) -> Call:
    headers = {k.lower(): v for k, v in entry["headers"].items()}
    body = base64.b64decode(entry["body"]) if entry.get("body_encoded") else (entry["body"] or "")
    body = body.encode() if isinstance(body, str) else body
    target = headers.get("x-amz-target")
    if target:  # JSON protocol (SageMaker, ECR): the operation in a header, parameters in JSON
        return Call(target.rsplit(".", 1)[1], json.loads(body or b"{}"), headers, body)
    if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        form = dict(parse_qsl(body.decode()))  # query protocol (STS, IAM)
        return Call(form.pop("Action"), form, headers, body)
    url = urlsplit(entry["url"])
    return Call(f"{entry['method']} {url.path}", dict(parse_qsl(url.query)), headers, body)


@contextlib.contextmanager
def moto_server(directory: Path) -> Iterator[MotoServer]:
    """`python -m moto.server` on a free port, recording into `directory`; stopped by PID."""
    port = free_port()
    recording = directory / "moto-recording.jsonl"
    log_path = directory / "moto.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env={"MOTO_RECORDER_FILEPATH": str(recording), "PATH": "/usr/bin:/bin"},
        cwd=directory,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = MotoServer(f"http://127.0.0.1:{port}", process, recording)
    try:
        wait_until_answering(
            f"{server.url}/moto-api/data.json",
            process,
            "moto server",
            log_path.read_text,
            START_DEADLINE_SECONDS,
        )
        yield server
    finally:
        stop(process)
        log.close()
