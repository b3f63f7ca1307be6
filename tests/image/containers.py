"""Running the built image as SageMaker does (`docker run IMAGE serve|train`, /opt/ml mounted), with
docker or podman, each container stopped and removed by its ID."""

from __future__ import annotations

import contextlib
import json
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.serving import free_port

START_DEADLINE_SECONDS = 120
STOP_DEADLINE_SECONDS = 10  # SageMaker, like `docker stop`, kills a container 10 s after SIGTERM
TRAIN_DEADLINE_SECONDS = 600


@dataclass(frozen=True)
class Engine:
    """A container engine's command (`docker`, or tools/image/podman.sh) and the image to run."""

    command: str
    image: str

    def __call__(self, *args: str, check: bool = True, timeout: float = 120) -> str:
        result = subprocess.run(
            [self.command, *args], capture_output=True, text=True, timeout=timeout
        )
        if check and result.returncode != 0:
            raise AssertionError(f"{self.command} {' '.join(args)}: {result.stderr}")
        return result.stdout.strip()

    def start(self, *args: str, ml: Path | None = None, port: int | None = None, **env: str) -> str:
        """`run --detach` the image with `args`; `ml` mounted as /opt/ml; the container's ID."""
        options = [f"--env={name}={value}" for name, value in env.items()]
        if ml is not None:
            options.append(f"--volume={ml}:/opt/ml")
        if port is not None:
            options.append(f"--publish={port}:8080")
        return self("run", "--detach", *options, self.image, *args)

    def state(self, container: str) -> dict:
        return json.loads(self("inspect", "--format", "{{json .State}}", container))

    def running(self, container: str) -> bool:
        """Whether the container runs; one removed (`run --rm`) does not."""
        return self("inspect", "--format", "{{.State.Running}}", container, check=False) == "true"

    def logs(self, container: str) -> str:
        result = subprocess.run(
            [self.command, "logs", container], capture_output=True, text=True, timeout=60
        )
        return result.stdout + result.stderr

    def remove(self, container: str) -> None:
        """Stop (SIGTERM, then SIGKILL after 10 s) and remove the container."""
        self("stop", "--time", str(STOP_DEADLINE_SECONDS), container, check=False)
        self("rm", "--force", container, check=False)


@dataclass(frozen=True)
class Finished:
    exit_code: int
    logs: str


def run_to_exit(engine: Engine, *args: str, ml: Path, **env: str) -> Finished:
    """Run the image with `args` on `ml` until it exits (within the train deadline)."""
    container = engine.start(*args, ml=ml, **env)
    try:
        exit_code = int(engine("wait", container, timeout=TRAIN_DEADLINE_SECONDS).splitlines()[-1])
        return Finished(exit_code, engine.logs(container))
    finally:
        engine.remove(container)


@dataclass(frozen=True)
class Served:
    url: str
    container: str


@contextlib.contextmanager
def serving(engine: Engine, *args: str, ml: Path | None = None, **env: str) -> Iterator[Served]:
    """The image serving on a free port until /ping answers, yielded, then stopped by SIGTERM,
    which must end it within SageMaker's 10 s with exit code 0."""
    port = free_port()
    container = engine.start(*args, ml=ml, port=port, **env)
    try:
        served = Served(f"http://127.0.0.1:{port}", container)
        wait_until_healthy(engine, served)
        yield served
        stopped_in = terminate(engine, container)
        state = engine.state(container)
        assert not state["Running"], f"still running 10 s after SIGTERM:\n{engine.logs(container)}"
        assert state["ExitCode"] == 0, engine.logs(container)
        assert stopped_in < STOP_DEADLINE_SECONDS
    finally:
        engine.remove(container)


def wait_until_healthy(engine: Engine, served: Served) -> None:
    deadline = time.monotonic() + START_DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if not engine.running(served.container):
            raise AssertionError(f"the container exited:\n{engine.logs(served.container)}")
        if answers_ping(served.url):
            return
        time.sleep(0.2)
    raise AssertionError(
        f"no /ping within {START_DEADLINE_SECONDS}s:\n{engine.logs(served.container)}"
    )


def answers_ping(url: str) -> bool:
    try:
        return requests.get(f"{url}/ping", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def terminate(engine: Engine, container: str) -> float:
    """SIGTERM the container; the seconds it took to stop (or the deadline, if it did not)."""
    started = time.monotonic()
    engine("kill", "--signal", "TERM", container)
    while time.monotonic() - started < STOP_DEADLINE_SECONDS:
        if not engine.running(container):
            return time.monotonic() - started
        time.sleep(0.1)
    return STOP_DEADLINE_SECONDS
