"""The start-up check: load the model and score a sample row before any server starts.

MMS answers `/ping` with 200 even when its workers cannot load the model, so `serve` runs this
first and refuses to start a server for a model that cannot load or score. Run as a child process
(`python -m handler.preflight`) so the supervising `serve` process stays small.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

from handler import media_types
from handler.errors import InferenceError, ModelLoadError
from handler.logs import configure_logging
from handler.model import AutoAIModel
from handler.settings import Settings, SettingsError

LOGGER = logging.getLogger("handler.preflight")


def check_model(model_dir: Path, output_fields: tuple[str, ...] | None = None) -> AutoAIModel:
    """The model in `model_dir`, loaded and scored once on a sample row, or ModelLoadError."""
    started = time.perf_counter()
    model = AutoAIModel.load(model_dir)
    model.output_fields(output_fields)
    loaded = time.perf_counter()
    sample = model.sample_frame()
    if sample is None:
        LOGGER.warning(
            "%s does not record its input width: no sample row scored", model.source.name
        )
        return model
    try:
        predictions = model.predict(sample)
    except Exception as error:
        raise ModelLoadError(
            f"{model.source} loaded but cannot score a sample row: {type(error).__name__}: {error}"
        ) from None
    kind = f"classifier over {model.classes}" if model.is_classifier else "regressor"
    LOGGER.info(
        "model %s loaded in %.0f ms: %s, %s input columns; sample row scored %r in %.1f ms",
        model.source,
        (loaded - started) * 1000,
        kind,
        model.schema.width or "unknown",
        predictions.labels[0],
        (time.perf_counter() - loaded) * 1000,
    )
    return model


def main() -> int:
    try:
        settings = Settings.from_environ()
        configure_logging(settings.log_level)
        if settings.default_accept:
            media_types.content_type_of(settings.default_accept)
        check_model(settings.model_dir, settings.output_fields)
    except (ModelLoadError, SettingsError, InferenceError) as error:
        print(f"serve: cannot serve this model: {error}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
