"""What a pipeline takes as input, decided once when the model loads and never per request.

A `Schema` holds the input's width and, where some source knows them, the feature names and each
column's type. The type fixes how a request's value becomes the pipeline's value in that column
(`handler.wire.values`), so a row is read the same alone, in a batch, or in any split of a batch
transform. A column of unknown type (`None`) is read value by value: see `handler.wire.values`.

The sources, best first (`handler.model.schema_sources` reads them): our metadata file; a Watson
Machine Learning schema file beside the pickle; what the pickle itself records (the autoai-libs
steps' per-column types, scikit-learn's `feature_names_in_` and `n_features_in_`).
"""

from __future__ import annotations

from dataclasses import dataclass

# The value types a column can have, as `pandas.read_csv` typed the training file.
FEATURE_TYPES = ("int", "float", "bool", "str")
NUMERIC_TYPES = ("int", "float")


@dataclass(frozen=True)
class Schema:
    """The input's width, and maybe its names and per-column types (None: text or number)."""

    width: int | None = None
    names: tuple[str, ...] | None = None
    types: tuple[str | None, ...] | None = None
    names_from: str | None = None
    types_from: str | None = None

    def column_label(self, index: int) -> str:
        if self.names:
            return f"column {self.names[index]!r}"
        return f"column {index + 1}"

    def type_of(self, index: int) -> str | None:
        return self.types[index] if self.types else None

    @property
    def numeric_columns(self) -> tuple[int, ...]:
        """The columns recorded as numbers: a first CSV row with text in all of them is a header."""
        if not self.types:
            return ()
        return tuple(i for i, kind in enumerate(self.types) if kind in NUMERIC_TYPES)

    def describe(self) -> str:
        """One sentence for the start-up log: what is known, from where, and what follows."""
        if self.width is None:
            return (
                "the pipeline records no input width: rows are taken as sent, values read one "
                "by one (numbers as numbers, other text as text)"
            )
        parts = [f"{self.width} input columns"]
        if self.types:
            known = sum(kind is not None for kind in self.types)
            parts.append(f"types of {known} from {self.types_from}")
        else:
            parts.append("no column types (each value read on its own: numbers as numbers)")
        if self.names:
            parts.append(f"names from {self.names_from}")
            return "; ".join(parts)
        parts.append(
            "no feature names, so CSV must come in training column order and JSON 'fields' "
            "are taken by position, unchecked; add names with `python entrypoint.py describe "
            "MODEL_DIR --training-data TRAINING.csv` or a WML schema file"
        )
        return "; ".join(parts)
