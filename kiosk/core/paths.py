"""Where the kiosk's own data lives: in the wheel (kiosk/_data) or in a checkout."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import platformdirs

_PACKAGE = Path(__file__).resolve().parents[1]
APP_NAME = "watchparty-kiosk"


def data_root() -> Path:
    """The folder holding ``config/`` and ``assets/``."""
    bundled = _PACKAGE / "_data"
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parent


def builtin_config() -> Path:
    return data_root() / "config" / "solidarity-conference-2021.yaml"


def schema_file() -> Path:
    return data_root() / "config" / "watchparty-kiosk.schema.json"


def assets() -> Path:
    return data_root() / "assets"


def config_dir() -> Path:
    """Per-user config: the host's own event, made by the setup or opened from a pack.
    WATCHPARTY_KIOSK_CONFIG_DIR overrides it."""
    return _user_folder("WATCHPARTY_KIOSK_CONFIG_DIR", platformdirs.user_config_dir)


def host_event_dir() -> Path:
    """The folder of the host's own event: ``event.yaml`` and the pictures it names
    (``media/``), copied in so an unplugged stick cannot take them away."""
    return config_dir() / "event"


def host_event() -> Path:
    """The host's own event config; the kiosk starts on it when it is there."""
    return host_event_dir() / "event.yaml"


def replaced_events_dir() -> Path:
    """Where an event replaced by another (a pack opened, a new setup) is kept, one
    folder per replacement, so nothing a host made is ever lost."""
    return config_dir() / "replaced"


def state_dir() -> Path:
    """Per-user state (the last good config); WATCHPARTY_KIOSK_STATE overrides it."""
    return _user_folder("WATCHPARTY_KIOSK_STATE", platformdirs.user_state_dir)


def cache_dir() -> Path:
    """Per-user cache: the organisers' feeds and their pictures, kept for offline starts.
    WATCHPARTY_KIOSK_CACHE overrides it."""
    return _user_folder("WATCHPARTY_KIOSK_CACHE", platformdirs.user_cache_dir)


def log_dir() -> Path:
    """Per-user logs: rotating kiosk logs and crash reports. WATCHPARTY_KIOSK_LOGS overrides it."""
    return _user_folder("WATCHPARTY_KIOSK_LOGS", platformdirs.user_log_dir)


def _user_folder(variable: str, default: Callable[..., str]) -> Path:
    """The folder the environment ``variable`` names, else platformdirs' ``default`` one."""
    override = os.environ.get(variable)
    if override:
        return Path(override)
    return Path(default(APP_NAME, appauthor=False))
