"""Running child processes as process groups that stop together, whatever signal comes when.

`serve` is PID 1 in the container: it must pass SIGTERM on to everything it started, reap what
exits, and never leave a worker behind. Each child runs in a process group of its own; a stop
signals the whole group, then kills what is left after a grace period.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from typing import IO

LOGGER = logging.getLogger(__name__)
# Docker waits 10 s after SIGTERM before it kills; stop within that.
TERM_GRACE_SECONDS = 7.0
KILL_GRACE_SECONDS = 2.0


class Supervisor:
    """Runs one child group at a time; SIGTERM or SIGINT stops it and every later `run`."""

    def __init__(self) -> None:
        self.stop_signal: int | None = None
        self._group: int | None = None
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)

    @property
    def stopping(self) -> bool:
        return self.stop_signal is not None

    def run(
        self,
        command: Sequence[str],
        forward: Callable[[IO[bytes]], threading.Thread] | None = None,
        **options: object,
    ) -> int:
        """Run `command` in its own process group until it exits or a stop; its exit code.
        With `forward`, its stdout and stderr come through a pipe that `forward` reads."""
        if self.stopping:
            return 0
        if forward is not None:
            options.update(stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        process = subprocess.Popen(command, start_new_session=True, **options)
        forwarding = forward(process.stdout) if forward is not None else None
        self._group = process.pid
        if self.stopping:  # the signal came between Popen and the line above
            _signal_group(process.pid, signal.SIGTERM)
        try:
            code = process.wait()
        finally:
            self._group = None
            stop_process_group(process.pid)
            if forwarding is not None:  # the rest of what the group wrote
                forwarding.join(timeout=KILL_GRACE_SECONDS)
        if self.stopping:
            LOGGER.info("%s received: stopped", signal.Signals(self.stop_signal).name)
        return code

    def _on_signal(self, signum: int, _frame: object) -> None:
        self.stop_signal = signum
        if self._group is not None:
            _signal_group(self._group, signal.SIGTERM)


def stop_process_group(group: int) -> None:
    """SIGTERM every process of the group, SIGKILL what is left after the grace period."""
    _signal_group(group, signal.SIGTERM)
    if _group_gone_within(group, TERM_GRACE_SECONDS):
        return
    LOGGER.warning(
        "process group %d still running %ss after SIGTERM: killing it", group, TERM_GRACE_SECONDS
    )
    _signal_group(group, signal.SIGKILL)
    if not _group_gone_within(group, KILL_GRACE_SECONDS):
        LOGGER.error("process group %d is still there after SIGKILL", group)


def _group_gone_within(group: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while _group_alive(group):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _signal_group(group: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signum)


def _group_alive(group: int) -> bool:
    _reap_children()
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def _reap_children() -> None:
    """Collect exited children, ours or orphans handed to us as PID 1 in a container."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
