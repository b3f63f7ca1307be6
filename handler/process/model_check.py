"""The model check: load the model and score a sample row (`load_and_score`), before any server
starts and before `train` or `describe` keep a pickle.

MMS answers `/ping` with 200 even when its workers cannot load the model, so `serve` runs this
first and refuses to start a server for a model that cannot load or score. Run as a child process
(`python -m handler.process.model_check`) so the supervising `serve` process stays small.
"""

from __future__ import annotations

import functools
import logging
import sys
import time
from pathlib import Path

from handler.errors import InferenceError, ModelLoadError
from handler.model.autoai_model import AutoAIModel
from handler.model.forecast_model import ForecastModel
from handler.model.forecasts import ForecastRequest
from handler.model.load_memory import ensure_room_for_workers
from handler.model.loading import Model, load_model
from handler.process.logs import configure_logging
from handler.process.settings import Settings, SettingsError
from handler.wire.values import to_frame

LOGGER = logging.getLogger(__name__)


def main() -> int:
    try:
        settings = Settings.from_environ()
        configure_logging(settings.log_level)
        ensure_room_for_workers(settings.model_dir, settings.workers)
        load_and_score(
            settings.model_dir,
            settings.output_fields,
            settings.allow_any_pickle,
            scorer=settings.scorer,
        )
    except (ModelLoadError, SettingsError, InferenceError) as error:
        print(f"serve: cannot serve this model: {error}", file=sys.stderr, flush=True)
        return 1
    return 0


def load_and_score(
    model_dir: Path,
    output_fields: tuple[str, ...] | None = None,
    allow_any_pickle: bool = False,
    names_required: bool = True,
    scorer: str = "auto",
) -> Model:
    """The model in `model_dir`, loaded and scored once on a sample row, or ModelLoadError.

    With metadata the sample is the recorded training row and must score. Without, the sample is
    a row of missing values, which AutoAI pipelines impute; a pipeline that cannot score it may
    still score real rows, so that only warns. A forecaster must forecast from its history.
    `names_required` and `scorer`: see `AutoAIModel.load`.
    """
    started = time.perf_counter()
    model = load_model(model_dir, allow_any_pickle, names_required, scorer)
    if isinstance(model, ForecastModel):
        return forecast_once(model, (time.perf_counter() - started) * 1000)
    model.output_fields(output_fields)
    LOGGER.info("model %s input: %s", model.source.name, model.schema.describe())
    score_sample_row(model, time.perf_counter() - started)
    return model


def score_sample_row(model: AutoAIModel, load_seconds: float, quiet: bool = False) -> None:
    """Score the model's sample row once (ModelLoadError if a recorded one cannot score), and say
    what the model is. A worker does it too before it reports its model loaded, so that the
    first request finds every lazy import and cache of the pipeline's libraries warm; `quiet`
    logs at DEBUG what the start-up check has said already."""
    loaded = time.perf_counter()
    say = functools.partial(LOGGER.log, logging.DEBUG if quiet else logging.INFO)
    warn = functools.partial(LOGGER.log, logging.DEBUG if quiet else logging.WARNING)
    recorded = model.metadata is not None and model.metadata.sample_row is not None
    if recorded:
        sample_row = list(model.metadata.sample_row)
    elif model.schema.width:
        sample_row = [None] * model.schema.width
    else:
        warn("%s records no input width: no sample row scored", model.source.name)
        return
    try:
        predictions = model.predict(to_frame([sample_row], model.schema))
    except Exception as error:
        problem = f"{type(error).__name__}: {error}"
        if recorded:
            raise ModelLoadError(
                f"{model.source} loaded but cannot score its sample row: {problem}"
            ) from None
        warn("%s cannot score a row of missing values (%s)", model.source.name, problem)
        return
    kind = "regressor"
    if model.is_classifier:
        kind = f"classifier over {model.classes}" if model.classes else "classifier"
        if not model.has_probabilities:
            kind += " (labels only: it gives no probabilities)"
    say(
        "model %s loaded in %.0f ms: %s; sample row scored %r in %.1f ms",
        model.source,
        load_seconds * 1000,
        kind,
        predictions.labels[0],
        (time.perf_counter() - loaded) * 1000,
    )


def forecast_once(
    model: ForecastModel, load_milliseconds: float, quiet: bool = False
) -> ForecastModel:
    """The forecaster, once it has forecast from its training history (as an empty request);
    a worker does it too, so that its first request does not start the JVM. `quiet`: see
    `score_sample_row`."""
    started = time.perf_counter()
    try:
        forecast = model.forecast(ForecastRequest())
    except Exception as error:
        raise ModelLoadError(
            f"{model.source} loaded but cannot forecast from its training history: "
            f"{type(error).__name__}: {error}"
        ) from None
    LOGGER.log(
        logging.DEBUG if quiet else logging.INFO,
        "model %s loaded in %.0f ms: %s; forecast %d steps from its history in %.1f ms",
        model.source,
        load_milliseconds,
        model.describe(),
        len(forecast),
        (time.perf_counter() - started) * 1000,
    )
    return model


if __name__ == "__main__":
    sys.exit(main())
