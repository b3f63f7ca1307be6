"""Run inside one runtime's venv: fit a Watson-style AutoAI pipeline there and record its answers.

    <venv>/bin/python -m tests.runtimes.build_pipeline OUT_DIR

Writes OUT_DIR/model/auto-ai-pipeline.pickle (a lone pickle, as Watson Studio exports it) and
OUT_DIR/expected.json: the holdout rows as CSV and the pipeline's own labels and probabilities
for them, computed in this process (floats round-trip exactly through JSON).
"""

from __future__ import annotations

import json
import sys
from importlib import metadata
from pathlib import Path

from tests.pipelines import train


def main(out_dir: Path) -> None:
    trained = train(out_dir, metadata=False, pickle_name="auto-ai-pipeline.pickle", rows=200)
    expected = {
        "python": sys.version.split()[0],
        "scikit_learn": metadata.version("scikit-learn"),
        "csv": trained.holdout.to_csv(header=False, index=False),
        "labels": trained.expected_labels(),
        "probabilities": trained.expected_proba(),
    }
    (out_dir / "expected.json").write_text(json.dumps(expected))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
