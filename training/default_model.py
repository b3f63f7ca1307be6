"""The embedded default model: an AutoAI-shaped pipeline fitted on the bundled sample data.

    python -m training.default_model                  regenerate sample data, payload and model/
    python -m training.default_model --model-dir DIR  fit the model on the bundled data into DIR

The first form (`make model`) writes local-test/test-dir/input/data/training/demand_response.csv
(synthetic customers from a seeded generator), local-test/payload.csv (held-out rows without
header, as a SageMaker client sends them) and model/. The second fits the same pipeline on the
committed CSV with whatever runtime runs it: the container image builds its embedded model this
way, so each AutoAI runtime's image embeds a model its own libraries saved.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier

from training.autoai_pipeline import autoai_pipeline, feature_types
from training.export import save_model
from training.sample_data import TARGET, demand_response_customers

ROOT = Path(__file__).resolve().parent.parent
TRAINING_CSV = ROOT / "local-test/test-dir/input/data/training/demand_response.csv"
PAYLOAD_CSV = ROOT / "local-test/payload.csv"
MODEL_DIR = ROOT / "model"
TRAINING_ROWS = 2000
PAYLOAD_ROWS = 5


def build_model(model_dir: Path, training_csv: Path = TRAINING_CSV) -> float:
    """Fit the default pipeline on `training_csv` into `model_dir`; its training accuracy."""
    training = pd.read_csv(training_csv)
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
        pipeline, features, types, model_dir, target=TARGET, metrics={"training:accuracy": accuracy}
    )
    return accuracy


def regenerate() -> None:
    """New sample data and payload from the seeded generator, and model/ fitted on them."""
    customers = demand_response_customers(TRAINING_ROWS + PAYLOAD_ROWS)
    _write_csv(customers.iloc[:TRAINING_ROWS], TRAINING_CSV)
    _write_csv(customers.iloc[TRAINING_ROWS:].drop(columns=[TARGET]), PAYLOAD_CSV, header=False)
    print(f"wrote {TRAINING_CSV} and {PAYLOAD_CSV}")


def _write_csv(frame: pd.DataFrame, path: Path, header: bool = True) -> None:
    """CSV as Watson Studio exports it: booleans as TRUE/FALSE, empty fields for missing values."""
    path.parent.mkdir(parents=True, exist_ok=True)
    out = frame.copy()
    for name in out.columns:
        if pd.api.types.is_bool_dtype(out[name]):
            out[name] = out[name].map({True: "TRUE", False: "FALSE"})
    path.write_text(out.to_csv(index=False, header=header))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, help="only fit the model, into this directory")
    arguments = parser.parse_args()
    if arguments.model_dir is None:
        regenerate()
    model_dir = arguments.model_dir or MODEL_DIR
    accuracy = build_model(model_dir)
    print(f"wrote {model_dir} (training accuracy {accuracy:.4f})")


if __name__ == "__main__":
    main()
