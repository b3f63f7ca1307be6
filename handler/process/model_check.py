"""The start-up check: load the model and score a sample row before any server starts.

MMS answers `/ping` with 200 even when its workers cannot load the model, so `serve` runs this
first and refuses to start a server for a model that cannot load or score. Run as a child process
(`python -m handler.process.model_check`) so the supervising `serve` process stays small.
"""

from __future__ import annotations

import sys

from handler.errors import InferenceError, ModelLoadError
from handler.model.autoai_model import load_and_score
from handler.process.logs import configure_logging
from handler.process.settings import Settings, SettingsError


def main() -> int:
    try:
        settings = Settings.from_environ()
        configure_logging(settings.log_level)
        load_and_score(settings.model_dir, settings.output_fields, settings.allow_any_pickle)
    except (ModelLoadError, SettingsError, InferenceError) as error:
        print(f"serve: cannot serve this model: {error}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
