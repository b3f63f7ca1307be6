"""This machine's pip settings, for the image build only: where packages come from (index, extra
indexes, find-links) and how to reach them (certificate authorities, timeouts), as `pip config
list` reports them from pip's files and PIP_* variables. Other settings (constraints, credentials)
are left out.

Writes DIR/pip.conf, and DIR/ca.crt (a copy of the CA bundle pip is told to use), for mounting at
/etc/xdg/pip, where pip reads its global configuration; prints the build's `--volume` arguments,
one per line: DIR there, and each local directory an index or find-links names, read-only at its
own path (a file:// index's parent, which holds the files its pages link to).
    python tools/image/pip_build_config.py DIR
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

MOUNTED_AT = Path("/etc/xdg/pip")
SOURCES = ("index-url", "extra-index-url", "find-links")
KEPT = (*SOURCES, "cert", "trusted-host", "default-timeout", "timeout", "retries")


def pip_settings() -> dict[str, str]:
    """`pip config list` as name -> value; later lines (PIP_* variables come last) win."""
    listing = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=True
    ).stdout
    settings = {}
    for line in listing.splitlines():
        key, _, value = line.partition("=")
        name = key.rpartition(".")[2]
        if name in KEPT:
            settings[name] = ast.literal_eval(value)
    return settings


def local_directories(settings: dict[str, str]) -> set[Path]:
    directories = set()
    for name in SOURCES:
        for location in settings.get(name, "").split():
            url = urlparse(location)
            if url.scheme == "file":
                directories.add(Path(url.path).parent)  # the index's pages link to files beside it
            elif not url.scheme and Path(location).is_dir():
                directories.add(Path(location))
    return {d.resolve() for d in directories if d.is_dir()}


def main(directory: Path) -> None:
    settings = pip_settings()
    directory.mkdir(parents=True, exist_ok=True)
    if "cert" in settings:
        shutil.copy(settings["cert"], directory / "ca.crt")
        settings["cert"] = str(MOUNTED_AT / "ca.crt")
    lines = ["[global]", *(f"{name} = {value}" for name, value in sorted(settings.items()))]
    (directory / "pip.conf").write_text("\n".join(lines) + "\n")
    print(f"--volume={directory}:{MOUNTED_AT}:ro")
    for path in sorted(local_directories(settings)):
        print(f"--volume={path}:{path}:ro")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
