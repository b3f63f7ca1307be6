"""The CPUs a process may use: affinity (run under taskset) and cgroup quotas (fake cgroup files)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from handler.process.cpus import usable_cpus
from tests.serving import ROOT


def cgroup_v2(tmp_path: Path, cpu_max: str, path: str = "/") -> tuple[Path, Path]:
    root = tmp_path / "cgroup"
    directory = root / path.lstrip("/")
    directory.mkdir(parents=True)
    (directory / "cpu.max").write_text(cpu_max + "\n")
    proc = tmp_path / "proc-self-cgroup"
    proc.write_text(f"0::{path}\n")
    return root, proc


def cgroup_v1(tmp_path: Path, quota: int, period: int = 100_000) -> tuple[Path, Path]:
    root = tmp_path / "cgroup"
    directory = root / "cpu,cpuacct" / "docker" / "abc"
    directory.mkdir(parents=True)
    (directory / "cpu.cfs_quota_us").write_text(f"{quota}\n")
    (directory / "cpu.cfs_period_us").write_text(f"{period}\n")
    proc = tmp_path / "proc-self-cgroup"
    proc.write_text("12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n")
    return root, proc


def test_a_v2_quota_of_one_and_a_half_cpus_gives_two_at_most(tmp_path):
    root, proc = cgroup_v2(tmp_path, "150000 100000")
    assert usable_cpus(root, proc) == min(2, len(os.sched_getaffinity(0)))


def test_a_v2_quota_on_a_parent_cgroup_caps_its_children(tmp_path):
    root, proc = cgroup_v2(tmp_path, "max 100000", path="/system.slice/app.service")
    (root / "system.slice" / "cpu.max").write_text("100000 100000\n")
    assert usable_cpus(root, proc) == 1


def test_no_v2_quota_leaves_the_affinity(tmp_path):
    root, proc = cgroup_v2(tmp_path, "max 100000")
    assert usable_cpus(root, proc) == len(os.sched_getaffinity(0))


def test_a_v1_quota_counts(tmp_path):
    root, proc = cgroup_v1(tmp_path, quota=50_000)
    assert usable_cpus(root, proc) == 1


def test_a_v1_cgroup_without_a_quota_leaves_the_affinity(tmp_path):
    root, proc = cgroup_v1(tmp_path, quota=-1)
    assert usable_cpus(root, proc) == len(os.sched_getaffinity(0))


def test_unreadable_cgroup_files_leave_the_affinity(tmp_path):
    assert usable_cpus(tmp_path / "none", tmp_path / "none") == len(os.sched_getaffinity(0))


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two CPUs to pin to one")
def test_under_taskset_one_cpu_means_one_worker():
    """The workers setting, in a process pinned to CPU 0 by taskset."""
    code = "from handler.process.settings import Settings; print(Settings.from_environ({}).workers)"
    pinned = subprocess.run(
        ["taskset", "-c", "0", sys.executable, "-c", code],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert pinned.stdout.strip() == "1"
