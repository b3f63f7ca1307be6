"""SageMaker's training layout under the base dir (`/opt/ml` in the container).

input/data/<channel>/              the data channels
input/config/hyperparameters.json  every value a string
model/                             becomes model.tar.gz when the job ends
output/failure                     why the job failed
output/data/                       uploaded as output.tar.gz
checkpoints/                       kept across spot interruptions
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


class TrainingError(Exception):
    """The job cannot go on; the message is what the user reads in the failure file."""


@dataclass(frozen=True)
class TrainingLayout:
    base_dir: Path

    @property
    def channels_dir(self) -> Path:
        return self.base_dir / "input" / "data"

    @property
    def hyperparameters_file(self) -> Path:
        return self.base_dir / "input" / "config" / "hyperparameters.json"

    @property
    def model_dir(self) -> Path:
        return self.base_dir / "model"

    @property
    def output_dir(self) -> Path:
        return self.base_dir / "output"

    @property
    def output_data_dir(self) -> Path:
        return self.output_dir / "data"

    @property
    def failure_file(self) -> Path:
        return self.output_dir / "failure"

    @property
    def checkpoints_dir(self) -> Path:
        return self.base_dir / "checkpoints"

    def channel(self, name: str) -> Path | None:
        path = self.channels_dir / name
        return path if path.is_dir() else None

    def channel_names(self) -> list[str]:
        if not self.channels_dir.is_dir():
            return []
        return sorted(p.name for p in self.channels_dir.iterdir() if p.is_dir())

    def hyperparameters(self) -> dict[str, str]:
        """The job's hyperparameters; SageMaker writes every value as a string."""
        if not self.hyperparameters_file.is_file():
            return {}
        try:
            document = json.loads(self.hyperparameters_file.read_text())
        except ValueError as error:
            raise TrainingError(f"{self.hyperparameters_file} is not valid JSON: {error}") from None
        if not isinstance(document, dict):
            raise TrainingError(f"{self.hyperparameters_file} must hold a JSON object")
        return {str(k): str(v) for k, v in document.items()}
