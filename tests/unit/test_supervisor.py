import subprocess
import sys
import time

import psutil

from handler.process import supervisor
from handler.process.supervisor import stop_process_group

# A parent that starts a child which ignores SIGTERM, then waits.
STUBBORN_GROUP = (
    "import subprocess, sys, time\n"
    "child = subprocess.Popen([sys.executable, '-c', "
    "'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)'])\n"
    "print(child.pid, flush=True)\n"
    "time.sleep(60)\n"
)


def test_a_group_that_ignores_sigterm_is_killed_after_the_grace_period(monkeypatch):
    monkeypatch.setattr(supervisor, "TERM_GRACE_SECONDS", 0.5)
    parent = subprocess.Popen(
        [sys.executable, "-c", STUBBORN_GROUP],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    child = int(parent.stdout.readline())
    time.sleep(0.3)  # let the child install its SIGTERM handler
    started = time.monotonic()
    stop_process_group(parent.pid)
    assert time.monotonic() - started < 5
    parent.wait(timeout=5)
    assert not psutil.pid_exists(child) or psutil.Process(child).status() == psutil.STATUS_ZOMBIE


def test_a_group_that_obeys_sigterm_stops_at_once():
    process = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True
    )
    started = time.monotonic()
    stop_process_group(process.pid)
    assert time.monotonic() - started < supervisor.TERM_GRACE_SECONDS
    # stop_process_group reaps what exits (it is PID 1 in a container), so only absence is seen
    process.wait(timeout=5)
    assert not psutil.pid_exists(process.pid)
