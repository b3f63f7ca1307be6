"""What a pipeline pickle says about the libraries it was saved with, read without running it.

The (decompressed) bytes are searched, never unpickled: the scikit-learn version from the
`_sklearn_version` every estimator records, numpy's generation from the module its arrays are
rebuilt with (`numpy._core` from numpy 2 on) and the packages from the classes the pickle names.
A byte search rather than an opcode walk, because joblib writes raw array bytes in the middle of
its pickle stream.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pickle_facts.compression import read_pickle_bytes

KNOWN_PACKAGES = (
    "sklearn",
    "autoai_libs",
    "lale",
    "numpy",
    "pandas",
    "xgboost",
    "lightgbm",
    "snapml",
)
# The key (newline-ended in protocol 0), an optional memo opcode (MEMOIZE, BINPUT, LONG_BINPUT,
# PUT), then the value's string opcode with its length: SHORT_BINUNICODE, BINUNICODE,
# SHORT_BINSTRING or the newline-ended UNICODE.
SKLEARN_VERSION_KEY = re.compile(
    rb"_sklearn_version\n?(?:\x94|q.|r.{4}|p\d+\n)?(\x8c.|X.{4}|U.|V)", re.DOTALL
)
PACKAGE = re.compile(rb"(" + b"|".join(p.encode() for p in KNOWN_PACKAGES) + rb")\.[a-z_]")


@dataclass(frozen=True)
class Fingerprint:
    scikit_learn: str | None
    numpy_2: bool | None
    packages: tuple[str, ...]

    def describe(self) -> str:
        parts = []
        if self.scikit_learn:
            parts.append(f"scikit-learn {self.scikit_learn}")
        if self.numpy_2 is not None:
            parts.append("numpy 2" if self.numpy_2 else "numpy 1")
        return ", ".join(parts) or "no recorded library versions"


def read_fingerprint(path: Path) -> Fingerprint:
    """The library versions and packages recorded in a pickle or joblib file (UnreadablePickle
    when it is none)."""
    return fingerprint_of(read_pickle_bytes(path)[1])


def fingerprint_of(content: bytes) -> Fingerprint:
    """The library versions and packages recorded in a pickle's decompressed bytes."""
    numpy_2 = True if b"numpy._core" in content else False if b"numpy.core" in content else None
    packages = sorted({m.group(1).decode() for m in PACKAGE.finditer(content)})
    return Fingerprint(_scikit_learn_version(content), numpy_2, tuple(packages))


def _scikit_learn_version(content: bytes) -> str | None:
    match = SKLEARN_VERSION_KEY.search(content)
    if match is None:
        return None
    opcode, start = match.group(1), match.end()
    if opcode[:1] == b"V":
        end = content.find(b"\n", start)
    elif opcode[:1] == b"X":
        end = start + int.from_bytes(opcode[1:5], "little")
    else:
        end = start + opcode[1]
    value = content[start:end].decode("utf-8", "replace")
    return value if re.fullmatch(r"\d+\.\d+\S*", value) else None
