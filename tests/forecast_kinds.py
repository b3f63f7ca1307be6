"""Time-series forecasters as AutoAI builds them (autoai-ts-libs), fitted on a small series made
here, pickled with gzip as AutoAI saves them, with their own forecasts for a table of requests.

    <venv>/bin/python -m tests.forecast_kinds KIND OUT_DIR

builds one in a process of its own (autoai-ts-libs' imputers start a JVM in the process that
forecasts, which stays out of the tests' process) and writes OUT_DIR/model/KIND.pickle and
OUT_DIR/expected.json: each request (WML JSON body, CSV body when it has observations only) and
the forecast the unpickled pipeline gives for it, computed on a fresh copy per request.

- `mt2r`: the pipeline AutoAI's exported notebooks write for MT2RForecaster (a `linear` imputer,
  then the forecaster, in a `TSPipeline`), two target columns, no supporting features;
- `watfore`: WatFore's Holt-Winters on the demand column alone (its pickle is refused);
- `supporting-features`: one target and one supporting feature whose future values are sent,
  built as autoai-ts-libs builds its future-exogenous pipelines (a `previous` imputer and a
  windowed target regressor over `SmallDataWindowExogenousTransformer`); AutoAI's exogenous
  Flatten ensemblers cannot be fitted from scratch.
"""

from __future__ import annotations

import gzip
import json
import pickle
import sys
import warnings
from pathlib import Path
from typing import Any, Callable

import numpy as np

HISTORY = 120
NEW_OBSERVATIONS = 6
FIELDS = ["demand", "temperature"]


def series(length: int) -> np.ndarray:
    """Daily demand (trend, weekly season, noise) and the temperature that drives part of it."""
    rng = np.random.default_rng(7)
    days = np.arange(length)
    temperature = 15 + 8 * np.sin(2 * np.pi * days / 30) + rng.normal(0, 0.5, length)
    demand = 100 + 0.4 * days + 6 * np.sin(2 * np.pi * days / 7) + 1.5 * temperature
    return np.column_stack([demand + rng.normal(0, 0.8, length), temperature])


def mt2r() -> Any:
    from autoai_ts_libs.srom.estimators.time_series.models.MT2RForecaster import MT2RForecaster
    from autoai_ts_libs.transforms.imputers import linear
    from autoai_ts_libs.utils.ts_pipeline import TSPipeline

    forecaster = MT2RForecaster(
        feature_columns=[0, 1], target_columns=[0, 1], lookback_win=12, prediction_win=5, n_jobs=1
    )
    return TSPipeline(
        steps=[
            ("linear_imputer", linear(missing_val_identifier=float("nan"))),
            ("MT2RForecaster", forecaster),
        ],
        feature_columns=[0, 1],
        target_columns=[0, 1],
    )


def supporting_features() -> Any:
    from autoai_ts_libs.sklearn.autoai_ts_pipeline import AutoaiTSPipeline
    from autoai_ts_libs.sklearn.mvp_windowed_transformed_target_estimators import (
        AutoaiWindowTransformedTargetRegressor,
    )
    from autoai_ts_libs.sklearn.mvp_windowed_wrapped_regressor import (
        AutoaiWindowedWrappedRegressor,
    )
    from autoai_ts_libs.sklearn.small_data_window_transformers import (
        SmallDataWindowExogenousTransformer,
    )
    from autoai_ts_libs.transforms.imputers import previous
    from autoai_ts_libs.utils.ts_pipeline import TSPipeline
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.impute import SimpleImputer

    windows = AutoaiTSPipeline(
        steps=[
            ("WTXX", SmallDataWindowExogenousTransformer(lookback_window=6, lookahead_columns=[1])),
            ("imputer", SimpleImputer()),
            (
                "est",
                AutoaiWindowedWrappedRegressor(
                    regressor=RandomForestRegressor(n_estimators=10, random_state=0)
                ),
            ),
        ]
    )
    estimator = AutoaiWindowTransformedTargetRegressor(
        regressor=windows,
        feature_columns=[0, 1],
        target_columns=[0],
        lookback_window=6,
        prediction_horizon=3,
        time_column=-1,
    )
    return TSPipeline(
        steps=[("imputer", previous()), ("estimator", estimator)],
        feature_columns=[0, 1],
        target_columns=[0],
        prediction_horizon=3,
    )


def watfore() -> Any:
    """WatFore's Holt-Winters in a `TSPipeline`: its pickle holds a Java-serialised model, which
    the allowlist refuses (docs/forecasting.md)."""
    from autoai_ts_libs.transforms.imputers import linear
    from autoai_ts_libs.utils.ts_pipeline import TSPipeline
    from autoai_ts_libs.watfore.watfore_forecasters import WatForeForecaster

    return TSPipeline(
        steps=[
            ("linear_imputer", linear(missing_val_identifier=float("nan"))),
            ("WatForeForecaster", WatForeForecaster(algorithm="hw", samples_per_season=0.6)),
        ],
        feature_columns=[0],
        target_columns=[0],
    )


KINDS: dict[str, Callable[[], Any]] = {
    "mt2r": mt2r,
    "supporting-features": supporting_features,
    "watfore": watfore,
}


def requests(kind: str, new: np.ndarray) -> dict[str, dict[str, Any]]:
    """Each request by name: its observations and supporting features (None when not sent)."""
    with_gap = new.copy()
    with_gap[2, -1] = np.nan
    cases: dict[str, dict[str, Any]] = {
        "history": {"observations": None, "supporting_features": None},
        "new-observations": {"observations": new, "supporting_features": None},
        "a-missing-value": {"observations": with_gap, "supporting_features": None},
    }
    if kind == "supporting-features":
        future = np.array([[18.0], [19.5], [21.0]])
        cases["future-supporting-features"] = {"observations": new, "supporting_features": future}
        cases["supporting-features-alone"] = {"observations": None, "supporting_features": future}
    return cases


def wml_body(observations: np.ndarray | None, supporting: np.ndarray | None) -> dict[str, Any]:
    entries = []
    if observations is not None:
        fields = FIELDS[: observations.shape[1]]
        entries.append({"id": "observations", "fields": fields, "values": _rows(observations)})
    if supporting is not None:
        entries.append(
            {"id": "supporting_features", "fields": FIELDS[1:], "values": _rows(supporting)}
        )
    return {"input_data": entries}


def csv_body(observations: np.ndarray | None) -> str:
    if observations is None:
        return ""
    lines = (",".join("" if np.isnan(v) else repr(float(v)) for v in row) for row in observations)
    return "".join(line + "\n" for line in lines)


def _rows(values: np.ndarray) -> list[list[float | None]]:
    return [[None if np.isnan(v) else float(v) for v in row] for row in values]


def main(kind: str, out_dir: Path) -> None:
    data = series(HISTORY + NEW_OBSERVATIONS)
    if kind == "watfore":
        data = data[:, :1]
    pipeline = KINDS[kind]()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipeline.fit(data[:HISTORY])
    model_dir = out_dir / "model"
    model_dir.mkdir(parents=True, exist_ok=True)
    pickled = pickle.dumps(pipeline)
    (model_dir / f"{kind}.pickle").write_bytes(gzip.compress(pickled))
    expected = {}
    for name, case in requests(kind, data[HISTORY:]).items():
        extra = {}
        if case["supporting_features"] is not None:
            extra["supporting_features"] = case["supporting_features"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            forecast = np.asarray(pickle.loads(pickled).predict(case["observations"], **extra))
        expected[name] = {
            "json": wml_body(case["observations"], case["supporting_features"]),
            "csv": csv_body(case["observations"]) if case["supporting_features"] is None else None,
            "forecast": forecast.reshape(len(forecast), -1).tolist(),
        }
    (out_dir / "expected.json").write_text(json.dumps(expected))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
