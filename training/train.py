"""`train`: SageMaker's training contract around an AutoAI pipeline.

What the training channel holds chooses the mode. A pipeline pickle alone is imported: checked to
load and score under this image's runtime, then written into the model dir. Every failure writes
its reason to `output/failure` and exits non-zero, and leaves the model dir as it was.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

from handler.errors import ModelLoadError
from handler.logs import configure_logging
from handler.metadata import METADATA_FILE
from handler.model import load_and_score
from handler.model_files import find_candidates
from handler.settings import Settings, SettingsError
from training.layout import TrainingError, TrainingLayout

LOGGER = logging.getLogger("training")
DEFAULT_CHANNEL = "training"


def train() -> int:
    """Run the training job under `$SAGEMAKER_BASE_DIR`; the process exit code."""
    try:
        settings = Settings.from_environ()
    except SettingsError as error:
        print(f"train: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    layout = TrainingLayout(settings.base_dir)
    try:
        run(layout)
    except (TrainingError, ModelLoadError) as error:
        return fail(layout, str(error))
    except Exception as error:
        LOGGER.exception("training failed")
        return fail(layout, f"internal error: {type(error).__name__}: {error}")
    return 0


def run(layout: TrainingLayout) -> None:
    channel = training_channel(layout)
    pipelines = find_candidates(channel)
    if not pipelines:
        raise TrainingError(
            f"channel {channel.name} holds no pipeline pickle (*.pickle, *.pkl or *.joblib); "
            "training from CSV data alone is not in this build"
        )
    import_pipeline(channel, layout)


def training_channel(layout: TrainingLayout) -> Path:
    """The `training` channel, or the only channel when it has another name."""
    names = layout.channel_names()
    if DEFAULT_CHANNEL in names:
        return layout.channels_dir / DEFAULT_CHANNEL
    if len(names) == 1:
        return layout.channels_dir / names[0]
    found = ", ".join(names) if names else "none"
    raise TrainingError(
        f"no '{DEFAULT_CHANNEL}' channel under {layout.channels_dir} (found: {found})"
    )


def import_pipeline(channel: Path, layout: TrainingLayout) -> None:
    """Check the channel's pipeline loads and scores here, then publish it into the model dir."""
    model = load_and_score(channel)
    files = [model.source]
    if model.metadata is not None:
        files.append(channel / METADATA_FILE)
    publish(files, layout)
    LOGGER.info("imported %s into %s", model.source.name, layout.model_dir)


def publish(files: list[Path], layout: TrainingLayout) -> None:
    """Copy `files` into the model dir all at once: staged beside it, then renamed into place."""
    layout.model_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=layout.base_dir, prefix=".staging-") as staging:
        for path in files:
            shutil.copy2(path, Path(staging) / path.name)
        for path in files:
            os.replace(Path(staging) / path.name, layout.model_dir / path.name)


def fail(layout: TrainingLayout, reason: str) -> int:
    """Record why the job failed where SageMaker reads it, say it, and give the exit code."""
    layout.output_dir.mkdir(parents=True, exist_ok=True)
    layout.failure_file.write_text(reason + "\n")
    print(f"train: {reason}", file=sys.stderr, flush=True)
    return 1
