"""What a pipeline answers for a batch of rows, independent of how it is encoded."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Predictions:
    """A pipeline's answer for a batch of rows; probabilities and classes only for classifiers.

    `blank_lines` are the positions of the request's blank lines, answered with empty lines.
    """

    labels: list[Any]
    probabilities: list[list[float]] | None = None
    classes: list[Any] | None = None
    blank_lines: tuple[int, ...] = ()

    def __len__(self) -> int:
        return len(self.labels)

    def field_values(self, field: str) -> list[Any]:
        """The per-row values of one output field."""
        if field == "predicted_label":
            return self.labels
        if field == "probabilities":
            return self.probabilities
        return [self.classes] * len(self.labels)

    def split(self, sizes: Sequence[int]) -> Iterator[Predictions]:
        """Consecutive parts of `sizes` rows each, as scored together for several requests."""
        start = 0
        for size in sizes:
            end = start + size
            probabilities = None if self.probabilities is None else self.probabilities[start:end]
            yield Predictions(self.labels[start:end], probabilities, self.classes)
            start = end
