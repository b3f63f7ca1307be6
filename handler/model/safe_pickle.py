"""Loading pipeline pickles through an allowlist: a pickle is code, so only known globals may run.

Unpickling calls whatever functions and classes the pickle names. This unpickler (joblib's, so
joblib files with their inline arrays load too) judges each global against
`handler.model.pickle_allowlist` (classes of the libraries pipelines are made of, functions by
name) and refuses anything else before it is called, naming it. A name's module is judged before
it is imported, and what the name resolves to after, so `sklearn.utils.os.system` is refused
like `os.system`.

It is a strong filter, not a sandbox: a user who trusts a pipeline that needs other globals sets
`AUTOAI_ALLOW_ANY_PICKLE=true` (see `handler.process.settings`).
"""

from __future__ import annotations

import copyreg
import pickle
import sys
import types
from pathlib import Path
from typing import Any

import joblib
from joblib.numpy_pickle import NumpyUnpickler

from handler.errors import ModelLoadError
from handler.model import pickle_allowlist as allowlist
from handler.model.pickle_file import PickleFile, read_pickle_file

BUILTIN_MODULES = ("builtins", "__builtin__")


class RefusedGlobal(ModelLoadError):
    """The pickle names a global outside the allowlist."""


class AllowlistUnpickler(NumpyUnpickler):
    """joblib's unpickler, admitting only the globals `handler.model.pickle_allowlist` admits."""

    dispatch = NumpyUnpickler.dispatch.copy()

    def find_class(self, module: str, name: str) -> Any:
        qualified = f"{module}.{name}"
        if module in BUILTIN_MODULES:
            return self._builtin(module, name)
        refusal = _refusal_by_name(module, name)
        if refusal:
            raise RefusedGlobal(_message(qualified, refusal))
        found = super().find_class(module, name)
        refusal = _refusal_of_object(qualified, found)
        if refusal:
            raise RefusedGlobal(_message(f"{qualified} (which is {_describe(found)})", refusal))
        return found

    def _builtin(self, module: str, name: str) -> Any:
        admitted = (
            name in allowlist.BUILTIN_CLASSES
            or name in allowlist.BUILTIN_VALUES
            or f"{module}.{name}" in allowlist.RECONSTRUCTORS
            or f"builtins.{name}" == allowlist.BOUND_METHOD_GETTER
        )
        if not admitted:
            raise RefusedGlobal(_message(f"builtins.{name}", "a builtin outside the allowlist"))
        return super().find_class(module, name)

    def load_reduce(self) -> None:
        """REDUCE calls `stack[-2](*stack[-1])`: not a class that loads files, nor with one;
        `getattr` only to get an admitted bound method."""
        function, arguments = self.stack[-2], self.stack[-1]
        if function is getattr:
            _check_bound_method(arguments)
            _refuse_restricted_values(list(arguments))
        else:
            _refuse_restricted_values([function, *_arguments_beyond_newobj(function, arguments)])
        super().load_reduce()

    def load_build(self) -> None:
        """BUILD hands `stack[-1]` to `__setstate__` (a partial's sets what the partial calls)."""
        _refuse_restricted_values(self.stack[-1:])
        super().load_build()

    dispatch[pickle.REDUCE[0]] = load_reduce
    dispatch[pickle.BUILD[0]] = load_build


def load_pipeline(source: Path | PickleFile, allow_any_global: bool = False) -> Any:
    """The object pickled in `source` (a pickle or joblib file, or its bytes read already),
    through the allowlist unless told."""
    file = source if isinstance(source, PickleFile) else read_pickle_file(source)
    if allow_any_global:
        return joblib.load(file.stream())
    return AllowlistUnpickler(str(file.path), file.stream(), True).load()


def _arguments_beyond_newobj(function: Any, arguments: Any) -> list[Any]:
    """The arguments of a call, less the class that copyreg's NEWOBJ forms create without a call.

    Protocols 0 and 1 write NEWOBJ as `copyreg._reconstructor(cls, object, state)`, which is
    `object.__new__(cls)`; `copyreg.__newobj__(cls, *args)` is `cls.__new__(cls, *args)`.
    """
    arguments = list(arguments) if isinstance(arguments, tuple) else [arguments]
    if function is copyreg.__newobj__ or (
        function is copyreg._reconstructor and len(arguments) > 1 and arguments[1] is object
    ):
        return arguments[1:]
    return arguments


def _check_bound_method(arguments: Any) -> None:
    """`getattr(instance, name)` is admitted for the methods `allowlist.BOUND_METHODS` names."""
    pair = isinstance(arguments, tuple) and len(arguments) == 2
    instance, name = arguments if pair else (None, None)
    admitted = (
        pair
        and isinstance(name, str)
        and not isinstance(instance, (type, types.ModuleType))
        and name in allowlist.BOUND_METHODS.get(_class_name(type(instance)), ())
    )
    if not admitted:
        what = f"{allowlist.BOUND_METHOD_GETTER} on a {_describe(type(instance))} for {name!r}"
        raise RefusedGlobal(_message(what, "getattr may only get the methods pipelines hold"))


def _refuse_restricted_values(values: list[Any]) -> None:
    """Refuse when `values`, or the containers in them, hold a class pickles may only create,
    or `getattr` (which a pickle may only call, to get a method)."""
    pending, seen = list(values), set()
    while pending:
        value = pending.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        if value is getattr:
            raise RefusedGlobal(
                _message(
                    f"{allowlist.BOUND_METHOD_GETTER} (hands it to a call or to an object's state)",
                    "getattr may only be called, to get a method a pipeline holds",
                )
            )
        if isinstance(value, type) and _class_name(value) in allowlist.NEWOBJ_ONLY_CLASSES:
            raise RefusedGlobal(
                _message(
                    f"{_class_name(value)} (or hands it to a call or to an object's state)",
                    "its constructor loads a model file; pickles create it without calling it",
                )
            )
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, (tuple, list, set, frozenset)):
            pending.extend(value)


def _refusal_by_name(module: str, name: str) -> str | None:
    """Why a global is refused before its module is even imported, or None."""
    if f"{module}.{name}" in allowlist.RECONSTRUCTORS:
        return None
    refused = _refused_segment(f"{_real_module_name(module)}.{name}")
    if refused:
        return f"its module path has `{refused}`, a kind of module pickles may not use"
    if not _in_class_modules(_real_module_name(module)):
        return "its module is not among those AutoAI pipelines are made of"
    return None


def _refusal_of_object(qualified: str, found: Any) -> str | None:
    """Why what a name resolved to is refused, or None: the rules of `pickle_allowlist`."""
    if qualified in allowlist.RECONSTRUCTORS:
        return None
    if isinstance(found, type):
        return _refusal_of_class(found)
    if isinstance(found, types.ModuleType):
        return "it is a module"
    if _is_cython_reconstructor(qualified, found) or _is_ufunc(found):
        return None
    if callable(found):
        return "it is a function, and functions are admitted only by name"
    return None  # a plain value (pandas.NA): nothing to call


def _refusal_of_class(cls: type) -> str | None:
    """Classes of the admitted modules pass, unless they or a base read files or run code."""
    if not _in_class_modules(_real_module_name(cls.__module__)):
        return "its class is defined outside the modules AutoAI pipelines are made of"
    for ancestor in cls.__mro__:
        names = {_class_name(ancestor), _class_name(ancestor, real=True)}
        refused = next((name for name in names if name in allowlist.REFUSED_CLASSES), None)
        if refused:
            return f"{refused} can read or write files or run code"
        segment = _refused_segment(_class_name(ancestor, real=True))
        if segment:
            return f"{_class_name(ancestor)} lives in a `{segment}` module, refused in pickles"
    return None


def _class_name(cls: type, real: bool = False) -> str:
    """`module.Qualname` as the class reports it, or with the real name of its module."""
    module = _real_module_name(cls.__module__) if real else cls.__module__
    return f"{module}.{cls.__qualname__}"


def _is_cython_reconstructor(qualified: str, found: Any) -> bool:
    """Cython's generated `__pyx_unpickle_<Class>` of an admitted module."""
    module, _, name = qualified.rpartition(".")
    return name.startswith(allowlist.CYTHON_RECONSTRUCTOR_PREFIX) and _in_class_modules(
        _real_module_name(getattr(found, "__module__", None) or module)
    )


def _is_ufunc(found: Any) -> bool:
    import numpy

    return isinstance(found, numpy.ufunc)


def _real_module_name(module: str) -> str:
    """The name a loaded module gives itself.

    Cython modules also register under their bare name (scikit-learn's `_loss` is
    `sklearn._loss._loss`), and pickles of their classes name that.
    """
    loaded = sys.modules.get(module)
    name = getattr(loaded, "__name__", None)
    return name if isinstance(name, str) else module


def _in_class_modules(module: str) -> bool:
    return any(
        module == prefix or module.startswith(f"{prefix}.") for prefix in allowlist.CLASS_MODULES
    )


def _refused_segment(dotted: str) -> str | None:
    return next((part for part in dotted.split(".") if part in allowlist.REFUSED_SEGMENTS), None)


def _describe(found: Any) -> str:
    if isinstance(found, types.ModuleType):
        return f"module {found.__name__}"
    module = getattr(found, "__module__", None) or "?"
    return f"{module}.{getattr(found, '__qualname__', getattr(found, '__name__', '?'))}"


def _message(what: str, reason: str) -> str:
    return (
        f"the pickle calls {what}, which is not among the globals AutoAI pipelines use ({reason}), "
        "so it was refused before it ran; if you trust this pipeline, set "
        "AUTOAI_ALLOW_ANY_PICKLE=true"
    )
