"""How much memory this process can still take: the machine's available memory, capped by what
its cgroup's limit leaves (v2 `memory.max` less `memory.current`, v1 `memory.limit_in_bytes` less
`memory.usage_in_bytes`; page cache the kernel can drop, `inactive_file`, counts as free)."""

from __future__ import annotations

from pathlib import Path

from handler.process.cgroups import CGROUP_ROOT, PROC_SELF_CGROUP, cgroup_directories

PROC_MEMINFO = Path("/proc/meminfo")
NO_LIMIT = 1 << 60  # cgroup v1 writes "no limit" as a huge page-aligned number


def available_memory(
    cgroup_root: Path = CGROUP_ROOT,
    proc_cgroup: Path = PROC_SELF_CGROUP,
    meminfo: Path = PROC_MEMINFO,
) -> int | None:
    """Bytes this process may still allocate, or None when nothing says."""
    room = [
        free
        for directory in cgroup_directories("memory", cgroup_root, proc_cgroup)
        for free in (_v2_room(directory), _v1_room(directory))
        if free is not None
    ]
    machine = _mem_available(meminfo)
    if machine is not None:
        room.append(machine)
    return max(0, min(room)) if room else None


def _v2_room(directory: Path) -> int | None:
    try:
        limit = (directory / "memory.max").read_text().strip()
        if limit == "max":
            return None
        used = int((directory / "memory.current").read_text())
        return int(limit) - used + _stat(directory / "memory.stat", "inactive_file")
    except (OSError, ValueError):
        return None


def _v1_room(directory: Path) -> int | None:
    try:
        limit = int((directory / "memory.limit_in_bytes").read_text())
        if limit >= NO_LIMIT:
            return None
        used = int((directory / "memory.usage_in_bytes").read_text())
        return limit - used + _stat(directory / "memory.stat", "total_inactive_file")
    except (OSError, ValueError):
        return None


def _stat(path: Path, key: str) -> int:
    try:
        for line in path.read_text().splitlines():
            name, _, value = line.partition(" ")
            if name == key:
                return int(value)
    except (OSError, ValueError):
        pass
    return 0


def _mem_available(meminfo: Path) -> int | None:
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024  # in kB
    except (OSError, ValueError, IndexError):
        pass
    return None
