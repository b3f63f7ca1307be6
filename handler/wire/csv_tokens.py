"""The CSV tokens `pandas.read_csv` reads as missing, true or false: asked of the pandas installed.

Watson Studio read the training file with `pandas.read_csv`, whose defaults differ by version
(pandas 1.x keeps `None` as text; pandas 2 reads it as missing). Rather than copy one version's
list, the installed pandas, the runtime's own, is asked once which of the tokens any version
documents it takes.
"""

from __future__ import annotations

import functools
import io

import pandas as pd

# Every default missing-value token some pandas version documents for read_csv's `na_values`.
DOCUMENTED_MISSING = (
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
)  # fmt: skip
BOOLEAN_SPELLINGS = ("True", "TRUE", "true", "False", "FALSE", "false", "T", "F", "1", "0")


@functools.cache
def missing_tokens() -> frozenset[str]:
    """The tokens the installed `pandas.read_csv` reads as a missing value."""
    column = _read_column(DOCUMENTED_MISSING)
    return frozenset(token for token, value in zip(DOCUMENTED_MISSING, column) if pd.isna(value))


def boolean_of(token: str) -> bool | None:
    """True or False when the installed `read_csv` reads `token` so in a boolean column."""
    spellings = _boolean_spellings()
    return spellings.get(token.lower() if _booleans_ignore_case() else token)


@functools.cache
def _boolean_spellings() -> dict[str, bool]:
    found = {}
    for token in BOOLEAN_SPELLINGS:
        value = _read_column((token, "True", "False"))[0]
        if isinstance(value, bool):
            found[token] = value
    return found


@functools.cache
def _booleans_ignore_case() -> bool:
    return _read_column(("tRuE", "True", "False"))[0] is True


def _read_column(tokens: tuple[str, ...]) -> list:
    """The values `read_csv` gives a column of these tokens (behind a first text column, so an
    empty token is a field, not a blank line)."""
    text = "key,value\n" + "".join(f"k,{token}\n" for token in tokens)
    return pd.read_csv(io.StringIO(text))["value"].tolist()
