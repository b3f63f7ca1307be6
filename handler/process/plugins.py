"""What the project adds to Multi Model Server, checked (and built if need be) before it starts.

tools/build-plugin.sh compiles plugins/ into PLUGINS_DIR: endpoint plugins in a jar MMS loads from
its plugins_path (`/ping` that waits for a loaded model, `/execution-parameters`, the refusal of
model URLs), and `mms-fixes/`, corrected MMS classes put first on its class path. Without them a
multi-model endpoint would download and run the code of any model URL it is given, so `serve`
builds them when a Java compiler is at hand and otherwise refuses one. The corrected classes reach
into private fields of the MMS classes they replace: they are used only with the MMS release they
were written for, known by the hashes of the classes it ships (`replaced-classes.txt`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import shutil
import subprocess
import zipfile
from pathlib import Path

from handler.errors import ModelLoadError

LOGGER = logging.getLogger(__name__)
PROJECT_ROOT = Path(__file__).resolve().parents[2]
PLUGINS_DIR = PROJECT_ROOT / "build" / "plugins"
PLUGINS_JAR = "autoai-mms-plugins.jar"
MMS_FIXES = "mms-fixes"
REPLACED_CLASSES = "replaced-classes.txt"
BUILD_SCRIPT = PROJECT_ROOT / "tools" / "build-plugin.sh"
BUILD_TIMEOUT_SECONDS = 300


class PluginsError(ModelLoadError):
    """The plugins are missing and cannot be built, or were written for another MMS."""


def model_server_jar() -> Path:
    """The model-server.jar inside the installed multi-model-server package."""
    spec = importlib.util.find_spec("mms")
    if spec is None or not spec.submodule_search_locations:
        raise PluginsError("the multi-model-server package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "frontend" / "model-server.jar"


def plugins_for(multi_model: bool, plugins_dir: Path = PLUGINS_DIR) -> Path | None:
    """The plugins dir, checked against the installed MMS and built first if missing; None for a
    single model served without them (said in a warning); PluginsError where that cannot be."""
    if not (plugins_dir / PLUGINS_JAR).is_file():
        built = _build(plugins_dir)
        if not built and multi_model:
            raise PluginsError(
                f"no Multi Model Server plugins in {plugins_dir} and no Java compiler to build "
                "them: a multi-model endpoint without them would download and run any model URL "
                "it is given (install a JDK, or run make plugin)"
            )
        if not built:
            LOGGER.warning(
                "no Multi Model Server plugins in %s and no Java compiler to build them: /ping "
                "answers before the model is loaded, GET /execution-parameters is a 404 and "
                "requests are scored one at a time (make plugin builds them)",
                plugins_dir,
            )
            return None
    check_replaced_classes(plugins_dir / REPLACED_CLASSES, model_server_jar())
    return plugins_dir


def check_replaced_classes(listing: Path, jar: Path) -> None:
    """PluginsError unless every class our fixes replace is, in `jar`, the one they were written
    for (its sha256 in `listing`, one `<class path> <sha256>` a line)."""
    expected = [
        line.split()
        for line in listing.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    with zipfile.ZipFile(jar) as archive:
        for name, digest in expected:
            try:
                found = hashlib.sha256(archive.read(name)).hexdigest()
            except KeyError:
                found = "absent"
            if found != digest:
                raise PluginsError(
                    f"{jar} is not the Multi Model Server our corrected classes were written for: "
                    f"its {name} differs ({found[:12]}, expected {digest[:12]}); install the "
                    "multi-model-server version the lock pins"
                )


def _build(plugins_dir: Path) -> bool:
    """Build the plugins into `plugins_dir` when a Java compiler is at hand; whether it did."""
    if shutil.which("javac") is None or not BUILD_SCRIPT.is_file():
        return False
    LOGGER.info("building the Multi Model Server plugins into %s", plugins_dir)
    built = subprocess.run(
        ["bash", str(BUILD_SCRIPT), str(model_server_jar()), str(plugins_dir)],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_SECONDS,
    )
    if built.returncode != 0:
        reason = (built.stderr or built.stdout).strip().splitlines()[-1:] or ["no output"]
        raise PluginsError(f"the Multi Model Server plugins did not build: {reason[0]}")
    return True
