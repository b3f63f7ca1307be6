"""How many CPUs this process may use: its CPU affinity, capped by its cgroup's CPU quota.

`os.cpu_count()` counts the host's CPUs: `docker run --cpus=2` on a 64-core host would start 64
workers, and `taskset -c 0` would still start as many as the host has. The affinity mask says
which CPUs the scheduler may run this process on; the cgroup's quota (v2 `cpu.max`, v1
`cpu.cfs_quota_us` over `cpu.cfs_period_us`) says how much CPU time it gets, in CPUs.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from handler.process.cgroups import CGROUP_ROOT, PROC_SELF_CGROUP, cgroup_directories


def usable_cpus(cgroup_root: Path = CGROUP_ROOT, proc_cgroup: Path = PROC_SELF_CGROUP) -> int:
    """The CPUs this process may use, at least 1."""
    allowed = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    allowed = allowed or os.cpu_count() or 1
    quota = cgroup_cpu_quota(cgroup_root, proc_cgroup)
    if quota is not None:
        allowed = min(allowed, max(1, math.ceil(quota)))
    return max(1, allowed)


def cgroup_cpu_quota(cgroup_root: Path, proc_cgroup: Path) -> float | None:
    """The tightest CPU quota on this process's cgroup or its ancestors, in CPUs, or None."""
    quotas = [
        quota
        for directory in cgroup_directories("cpu", cgroup_root, proc_cgroup)
        for quota in (_v2_quota(directory), _v1_quota(directory))
        if quota is not None
    ]
    return min(quotas) if quotas else None


def _v2_quota(directory: Path) -> float | None:
    """`cpu.max` holds "max 100000" (no quota) or "<quota> <period>" in microseconds."""
    try:
        quota, _, period = (directory / "cpu.max").read_text().strip().partition(" ")
        return None if quota == "max" else int(quota) / int(period or 100_000)
    except (OSError, ValueError, ZeroDivisionError):
        return None


def _v1_quota(directory: Path) -> float | None:
    """`cpu.cfs_quota_us` is -1 when there is no quota."""
    try:
        quota = int((directory / "cpu.cfs_quota_us").read_text())
        period = int((directory / "cpu.cfs_period_us").read_text())
    except (OSError, ValueError):
        return None
    return quota / period if quota > 0 and period > 0 else None
