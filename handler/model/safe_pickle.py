"""Loading pipeline pickles through an allowlist: a pickle is code, so only known globals may run.

Unpickling calls whatever functions and classes the pickle names. This unpickler (joblib's, so
joblib files with their inline arrays load too) admits only globals from the packages real AutoAI
pipelines are made of, and a few plain builtins, and refuses anything else before it is called,
naming it: `os.system`, `subprocess.Popen`, `builtins.eval`, and also the loaders and evaluators
inside admitted packages that would run another, unchecked pickle or expression. What a name
resolves to is checked too, so `sklearn.utils.os.system` is refused like `os.system`.

It is a strong filter, not a sandbox: a user who trusts a pipeline that needs other globals sets
`AUTOAI_ALLOW_ANY_PICKLE=true` (see `handler.process.settings`).
"""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import joblib
from joblib.numpy_pickle import NumpyUnpickler

from handler.errors import ModelLoadError
from handler.model.fingerprint import open_decompressed

# Top-level packages whose classes and functions AutoAI pipelines pickle.
ALLOWED_PACKAGES = frozenset(
    ("autoai_libs", "lale", "sklearn", "numpy", "scipy", "pandas", "xgboost", "lightgbm",
     "snapml", "joblib", "gensim", "collections", "copyreg", "_codecs", "datetime", "decimal",
     "functools", "numbers", "enum", "uuid", "re", "_sre", "zoneinfo", "pytz", "dateutil",
     "aif360", "BlackBoxAuditing")
)  # fmt: skip
ALLOWED_BUILTINS = frozenset(
    ("bool", "bytearray", "bytes", "complex", "dict", "float", "frozenset", "int", "list",
     "object", "range", "set", "slice", "str", "tuple", "type", "NotImplemented", "Ellipsis")
)  # fmt: skip
# Functions of admitted packages that read another pickle, or evaluate or compile code.
REFUSED = frozenset(
    ("numpy.load", "numpy.lib.npyio.load", "numpy.lib.format.read_array", "pandas.read_pickle",
     "pandas.io.pickle.read_pickle", "pandas.eval", "pandas.core.computation.eval.eval",
     "joblib.load", "joblib.numpy_pickle.load")
)  # fmt: skip


class RefusedGlobal(ModelLoadError):
    """The pickle names a global outside the allowlist."""


class AllowlistUnpickler(NumpyUnpickler):
    """joblib's unpickler, admitting only the globals of `ALLOWED_PACKAGES` and plain builtins."""

    def find_class(self, module: str, name: str) -> Any:
        qualified = f"{module}.{name}"
        if not _admitted(module, name):
            raise RefusedGlobal(_refusal(qualified))
        found = super().find_class(module, name)
        if not _admitted_object(found):
            raise RefusedGlobal(_refusal(f"{qualified} (which is {_describe(found)})"))
        return found


def load_pipeline(path: Path, allow_any_global: bool = False) -> Any:
    """The object pickled in `path` (a pickle or joblib file), through the allowlist unless told."""
    if allow_any_global:
        return joblib.load(path)
    with open_decompressed(path) as stream:
        return AllowlistUnpickler(str(path), stream, True).load()


def _admitted(module: str, name: str) -> bool:
    if module == "builtins" or module == "__builtin__":
        return name in ALLOWED_BUILTINS
    if f"{module}.{name}" in REFUSED:
        return False
    return _in_admitted_package(module)


def _in_admitted_package(module: str) -> bool:
    """Whether `module` is part of an admitted package, judged by its real name.

    Cython modules also register under their bare name (scikit-learn's `_loss` is
    `sklearn._loss._loss`), and pickles of their classes name that.
    """
    loaded = sys.modules.get(module)
    real = getattr(loaded, "__name__", module) if loaded is not None else module
    return real.split(".")[0] in ALLOWED_PACKAGES


def _admitted_object(found: Any) -> bool:
    """What a name resolved to must also belong to an admitted package, or be a plain builtin.

    A module attribute may be another module's function (`sklearn.x.os`, or `system` imported
    from os): its own module decides. A module name no loaded module has is a class's own
    report (Cython's, say), reached through an admitted name: it passes.
    """
    if isinstance(found, types.ModuleType):
        return found.__name__.split(".")[0] in ALLOWED_PACKAGES
    module = getattr(found, "__module__", None)
    if not isinstance(module, str):
        return True  # numpy ufuncs and the like carry no module; their name was admitted
    name = getattr(found, "__qualname__", getattr(found, "__name__", ""))
    if module == "builtins":
        return name in ALLOWED_BUILTINS
    if f"{module}.{name}" in REFUSED:
        return False
    return module not in sys.modules or _in_admitted_package(module)


def _describe(found: Any) -> str:
    if isinstance(found, types.ModuleType):
        return f"module {found.__name__}"
    module = getattr(found, "__module__", "?")
    return f"{module}.{getattr(found, '__qualname__', getattr(found, '__name__', '?'))}"


def _refusal(what: str) -> str:
    return (
        f"the pickle calls {what}, which is not among the globals AutoAI pipelines use, so it "
        "was refused before it ran; if you trust this pipeline, set AUTOAI_ALLOW_ANY_PICKLE=true"
    )
