"""A load that would not fit in memory is refused first, with 507's MemoryError: the memory left
read from fake cgroup files (v1 and v2) and /proc/meminfo, and the refusal naming both figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from handler.errors import ModelLoadError, NotEnoughMemory
from handler.model.load_memory import (
    ensure_room_for_workers,
    ensure_room_to_load,
    memory_to_load,
)
from handler.model.pipeline_file import read_pipeline
from handler.process.memory import available_memory

MB = 1024 * 1024


def meminfo(tmp_path: Path, available_kb: int) -> Path:
    path = tmp_path / "meminfo"
    path.write_text(f"MemTotal: 99999999 kB\nMemFree: 1 kB\nMemAvailable: {available_kb} kB\n")
    return path


def cgroup_v2(tmp_path: Path, limit: str, current: int, inactive_file: int = 0):
    root = tmp_path / "cgroup"
    directory = root / "docker" / "abc"
    directory.mkdir(parents=True)
    (directory / "memory.max").write_text(f"{limit}\n")
    (directory / "memory.current").write_text(f"{current}\n")
    (directory / "memory.stat").write_text(
        f"anon 5\ninactive_file {inactive_file}\nactive_file 7\n"
    )
    proc = tmp_path / "proc-self-cgroup"
    proc.write_text("0::/docker/abc\n")
    return root, proc


def cgroup_v1(tmp_path: Path, limit: int, usage: int, inactive_file: int = 0):
    root = tmp_path / "cgroup"
    directory = root / "memory" / "docker" / "abc"
    directory.mkdir(parents=True)
    (directory / "memory.limit_in_bytes").write_text(f"{limit}\n")
    (directory / "memory.usage_in_bytes").write_text(f"{usage}\n")
    (directory / "memory.stat").write_text(f"cache 1\ntotal_inactive_file {inactive_file}\n")
    proc = tmp_path / "proc-self-cgroup"
    proc.write_text("4:cpu,cpuacct:/docker/abc\n12:memory:/docker/abc\n")
    return root, proc


def test_a_v2_limit_leaves_its_limit_less_what_is_used_page_cache_aside(tmp_path):
    root, proc = cgroup_v2(tmp_path, str(1000 * MB), current=900 * MB, inactive_file=50 * MB)
    assert available_memory(root, proc, meminfo(tmp_path, 8_000_000)) == 150 * MB


def test_a_v1_limit_counts_the_same_way(tmp_path):
    root, proc = cgroup_v1(tmp_path, 1000 * MB, usage=700 * MB, inactive_file=20 * MB)
    assert available_memory(root, proc, meminfo(tmp_path, 8_000_000)) == 320 * MB


def test_without_a_limit_the_machines_available_memory_counts(tmp_path):
    root, proc = cgroup_v2(tmp_path, "max", current=900 * MB)
    assert available_memory(root, proc, meminfo(tmp_path, 2048)) == 2 * MB
    root, proc = cgroup_v1(tmp_path / "v1", 9223372036854771712, usage=700 * MB)
    assert available_memory(root, proc, meminfo(tmp_path, 4096)) == 4 * MB


def test_the_tighter_of_the_cgroup_and_the_machine_counts(tmp_path):
    root, proc = cgroup_v2(tmp_path, str(4000 * MB), current=1000 * MB)
    assert available_memory(root, proc, meminfo(tmp_path, 1024 * 1024)) == 1024 * MB


def test_nothing_to_read_says_nothing(tmp_path):
    assert available_memory(tmp_path / "none", tmp_path / "none", tmp_path / "none") is None


def test_a_load_that_fits_goes_on_and_one_that_does_not_is_a_memory_error():
    ensure_room_to_load(Path("m.pickle"), 10 * MB, available=lambda: memory_to_load(10 * MB))
    ensure_room_to_load(Path("m.pickle"), 10 * MB, available=lambda: None)
    with pytest.raises(MemoryError) as refused:
        ensure_room_to_load(Path("m.pickle"), 10 * MB, available=lambda: 100 * MB)
    assert isinstance(refused.value, ModelLoadError)  # `serve`'s start-up check reports it too
    assert str(refused.value) == (
        "cannot load m.pickle: loading it takes about 180 MB and 100 MB are free: give the "
        "container more memory (a larger instance type), or unload other models"
    )


def test_reading_a_pipeline_checks_before_it_reads(bare_classifier, monkeypatch):
    """Through the loading path itself: the file is never read when it cannot fit."""
    monkeypatch.setattr("handler.model.load_memory.available_memory", lambda: 64 * MB)
    read = []
    monkeypatch.setattr(
        "handler.model.pipeline_file.read_pickle_file", lambda path: read.append(path)
    )
    with pytest.raises(NotEnoughMemory, match="64 MB are free"):
        read_pipeline(bare_classifier.model_dir)
    assert read == []


def test_workers_that_would_not_fit_are_refused_naming_how_many_would(bare_classifier):
    each = memory_to_load((bare_classifier.model_dir / "auto-ai-pipeline.pickle").stat().st_size)
    ensure_room_for_workers(bare_classifier.model_dir, 4, available=lambda: 4 * each)
    with pytest.raises(NotEnoughMemory) as refused:
        ensure_room_for_workers(bare_classifier.model_dir, 4, available=lambda: 3 * each + 1)
    assert str(refused.value).startswith("4 workers would each load auto-ai-pipeline.pickle")
    assert "set SAGEMAKER_MODEL_SERVER_WORKERS=3 or give the container more memory" in str(
        refused.value
    )
    with pytest.raises(NotEnoughMemory, match="loading it takes about"):
        ensure_room_for_workers(bare_classifier.model_dir, 4, available=lambda: each - 1)
