"""Which globals a pickle names, what each is, and how the pickle uses it.

    python -m tools.pickle_globals FILE...

For a pickle you trust (it is loaded, with every global admitted): one line per global,
`module.name  kind  uses  resolves-to`, where kind is class, function or other, and uses says
whether unpickling called it (REDUCE: `f(*args)`; NEWOBJ: `cls.__new__(cls, *args)`) or only
referenced it. This is how the allowlist of `handler/model/pickle_allowlist.py` was drawn up:
run it over the pickles a runtime's libraries write and compare with what is admitted.
"""

from __future__ import annotations

import pickle
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from joblib.numpy_pickle import NumpyUnpickler

from handler.model.pickle_file import read_pickle_file


class RecordingUnpickler(NumpyUnpickler):
    """joblib's unpickler, noting each global it resolves and what the pickle does with it."""

    dispatch = NumpyUnpickler.dispatch.copy()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.names: dict[int, str] = {}
        self.found: dict[str, Any] = {}
        self.uses: dict[str, set[str]] = defaultdict(set)

    def find_class(self, module: str, name: str) -> Any:
        found = super().find_class(module, name)
        qualified = f"{module}.{name}"
        self.names[id(found)] = qualified
        self.found[qualified] = found
        self.uses[qualified].add("referenced")
        return found

    def _note_call(self, callable_: Any, opcode: str) -> None:
        qualified = self.names.get(id(callable_))
        if qualified is not None:
            self.uses[qualified].add(opcode)

    def load_reduce(self) -> None:
        self._note_call(self.stack[-2], "REDUCE")
        super().load_reduce()

    def load_newobj(self) -> None:
        self._note_call(self.stack[-2], "NEWOBJ")
        super().load_newobj()

    def load_newobj_ex(self) -> None:
        self._note_call(self.stack[-3], "NEWOBJ")
        super().load_newobj_ex()

    dispatch[pickle.REDUCE[0]] = load_reduce
    dispatch[pickle.NEWOBJ[0]] = load_newobj
    dispatch[pickle.NEWOBJ_EX[0]] = load_newobj_ex


def kind(found: Any) -> str:
    if isinstance(found, type):
        return "class"
    if callable(found):
        return "function"
    return "other"


def resolves_to(found: Any) -> str:
    module = getattr(found, "__module__", None) or "?"
    return f"{module}.{getattr(found, '__qualname__', getattr(found, '__name__', '?'))}"


def report(path: Path) -> list[str]:
    """One line per global the pickle in `path` names."""
    unpickler = RecordingUnpickler(str(path), read_pickle_file(path).stream(), True)
    unpickler.load()
    lines = []
    for qualified in sorted(unpickler.uses):
        found = unpickler.found[qualified]
        uses = ",".join(sorted(unpickler.uses[qualified] - {"referenced"}) or ["referenced"])
        lines.append(f"{qualified}\t{kind(found)}\t{uses}\t{resolves_to(found)}")
    return lines


def main(paths: list[str]) -> None:
    for path in paths:
        for line in report(Path(path)):
            print(f"{path}\t{line}")


if __name__ == "__main__":
    main(sys.argv[1:])
