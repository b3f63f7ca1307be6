"""Where this process's cgroup files are: the limits the container runs under (CPU, memory)."""

from __future__ import annotations

from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
PROC_SELF_CGROUP = Path("/proc/self/cgroup")


def cgroup_directories(
    controller: str, cgroup_root: Path = CGROUP_ROOT, proc_cgroup: Path = PROC_SELF_CGROUP
) -> list[Path]:
    """This process's cgroup directories (v2 unified, v1 `controller`) and their ancestors up to
    the mount point (the container's own cgroup, inside a cgroup namespace)."""
    try:
        lines = proc_cgroup.read_text().splitlines()
    except OSError:
        return [cgroup_root]
    directories = []
    for line in lines:
        hierarchy, _, rest = line.partition(":")
        controllers, _, path = rest.partition(":")
        if hierarchy == "0" and not controllers:  # cgroup v2
            mount = cgroup_root
        elif controller in controllers.split(","):  # v1: mounted as cpu,cpuacct (or cpu)
            named = cgroup_root / controllers
            mount = named if named.is_dir() else cgroup_root / controller
        else:
            continue
        directory = mount / path.lstrip("/")
        directories += [directory, *(d for d in directory.parents if d.is_relative_to(mount))]
    return directories or [cgroup_root]
