"""Start-up shared by `serve` and `train`: the settings read once, logging configured from them."""

from __future__ import annotations

import sys

from handler.process.logs import configure_logging
from handler.process.settings import Settings, SettingsError


def settings_for(mode: str) -> Settings | None:
    """The settings, with logging configured; None after saying which variable is wrong."""
    try:
        settings = Settings.from_environ()
    except SettingsError as error:
        print(f"{mode}: {error}", file=sys.stderr)
        return None
    configure_logging(settings.log_level)
    return settings
