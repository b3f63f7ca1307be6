"""Running the real `entrypoint.py serve` (Multi Model Server) on a free port, stopped by PID."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
START_DEADLINE_SECONDS = 90
STOP_DEADLINE_SECONDS = 15
EXIT_DEADLINE_SECONDS = 60


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def invoke(
        self,
        body: bytes | str,
        content_type: str | None,
        accept: str | None = None,
        path: str = "/invocations",
    ):
        headers = {}
        if content_type is not None:
            headers["Content-Type"] = content_type
        if accept is not None:
            headers["Accept"] = accept
        data = body.encode() if isinstance(body, str) else body
        return requests.post(f"{self.url}{path}", data=data, headers=headers, timeout=60)


def free_port() -> int:
    """A port free on this machine now, below 32767 (Multi Model Server's limit)."""
    for _ in range(200):
        port = random.randint(20000, 32766)
        with socket.socket() as probe:
            try:
                probe.bind(("0.0.0.0", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port found")


def serve_process(
    base_dir: Path,
    log_path: Path,
    port: int,
    entrypoint: Path = ROOT / "entrypoint.py",
    python: str = sys.executable,
    **env: str,
) -> subprocess.Popen:
    environment = dict(os.environ)
    environment.update(SAGEMAKER_BASE_DIR=str(base_dir), SAGEMAKER_BIND_TO_PORT=str(port))
    environment.update(env)
    with log_path.open("wb") as log:
        return subprocess.Popen(
            [python, str(entrypoint), "serve"],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=base_dir,
        )


@contextlib.contextmanager
def running_server(
    base_dir: Path,
    log_path: Path,
    entrypoint: Path = ROOT / "entrypoint.py",
    python: str = sys.executable,
    **env: str,
) -> Iterator[Server]:
    """`serve` on `base_dir` until it answers /ping, yielded, then stopped with SIGTERM."""
    port = free_port()
    process = serve_process(base_dir, log_path, port, entrypoint, python, **env)
    server = Server(f"http://127.0.0.1:{port}", process, log_path)
    try:
        wait_until_healthy(server)
        yield server
    finally:
        leftovers = stop(process)
    assert not leftovers, f"processes left running after serve stopped: {leftovers}"


def wait_until_healthy(server: Server) -> None:
    wait_until_answering(f"{server.url}/ping", server.process, "serve", server.log)


def wait_until_answering(
    url: str,
    process: subprocess.Popen,
    what: str,
    log: Callable[[], str] = str,
    deadline_seconds: float = START_DEADLINE_SECONDS,
) -> None:
    """Polls `GET url` until it answers 200; fails, with `log()`, if `process` exits first or the
    deadline passes."""
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{what} exited with {process.returncode}:\n{log()}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise AssertionError(f"{what} not answering {url} within {deadline_seconds}s:\n{log()}")


def stop(process: subprocess.Popen, group: bool = False) -> list[str]:
    """SIGTERM `serve` (with `group`, the process group it leads, as Ctrl-C stops `make serve`)
    and wait for it; the command lines of its descendants still alive after.

    Anything left is killed, so a failing test leaves no server behind either.
    """
    try:
        descendants = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        descendants = []
    if process.poll() is None:
        if group:
            os.killpg(process.pid, signal.SIGTERM)
        else:
            process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_DEADLINE_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    # a group's leader (make) may leave before serve, which stops its own children first
    _gone, alive = psutil.wait_procs(descendants, timeout=STOP_DEADLINE_SECONDS if group else 2)
    leftovers = []
    for child in alive:
        with contextlib.suppress(psutil.Error):
            leftovers.append(" ".join(child.cmdline()[:4]))
            child.kill()
    return leftovers


def serve_until_exit(base_dir: Path, tmp_path: Path) -> tuple[int, str]:
    """Run `serve` on a model it must refuse: its exit code and log, once it has exited."""
    log = tmp_path / "serve.log"
    process = serve_process(base_dir, log, free_port())
    try:
        code = process.wait(timeout=EXIT_DEADLINE_SECONDS)
    except subprocess.TimeoutExpired:
        stop(process)
        raise AssertionError(
            f"serve kept running for a model it cannot serve:\n{log.read_text()}"
        ) from None
    return code, log.read_text()
