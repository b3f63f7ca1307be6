"""Regenerate the embedded default model, its sample data and the local-test payload.

    python tools/build_default_model.py      (or: make model)

Writes local-test/test-dir/input/data/training/demand_response.csv (synthetic customers),
model/model.pickle with model/autoai-metadata.json (an AutoAI-shaped pipeline fitted on that
data) and local-test/payload.csv (held-out rows without header, as a SageMaker client sends).
The generator is seeded, so every run writes the same data and an equivalent pipeline.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from training.autoai_pipeline import autoai_pipeline, feature_types  # noqa: E402
from training.export import save_model  # noqa: E402
from training.sample_data import TARGET, demand_response_customers  # noqa: E402

TRAINING_CSV = ROOT / "local-test/test-dir/input/data/training/demand_response.csv"
PAYLOAD_CSV = ROOT / "local-test/payload.csv"
MODEL_DIR = ROOT / "model"
TRAINING_ROWS = 2000
PAYLOAD_ROWS = 5


def write_csv(frame: pd.DataFrame, path: Path, header: bool = True) -> None:
    """CSV as Watson Studio exports it: booleans as TRUE/FALSE, empty fields for missing values."""
    path.parent.mkdir(parents=True, exist_ok=True)
    out = frame.copy()
    for name in out.columns:
        if pd.api.types.is_bool_dtype(out[name]):
            out[name] = out[name].map({True: "TRUE", False: "FALSE"})
    out.to_csv(path, index=False, header=header, lineterminator="\n")


def main() -> None:
    customers = demand_response_customers(TRAINING_ROWS + PAYLOAD_ROWS)
    write_csv(customers.iloc[:TRAINING_ROWS], TRAINING_CSV)
    write_csv(customers.iloc[TRAINING_ROWS:].drop(columns=[TARGET]), PAYLOAD_CSV, header=False)

    training = pd.read_csv(TRAINING_CSV)
    features = training.drop(columns=[TARGET])
    types = feature_types(features)
    pipeline = autoai_pipeline(
        types, GradientBoostingClassifier(n_estimators=100, max_depth=3, random_state=0)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipeline.fit(features.values, training[TARGET].values)
        accuracy = float(pipeline.score(features.values, training[TARGET].values))
    save_model(
        pipeline, features, types, MODEL_DIR, target=TARGET, metrics={"training:accuracy": accuracy}
    )
    print(f"wrote {MODEL_DIR / 'model.pickle'} (training accuracy {accuracy:.4f})")
    print(f"wrote {TRAINING_CSV} and {PAYLOAD_CSV}")


if __name__ == "__main__":
    main()
