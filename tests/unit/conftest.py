"""Shared fixtures for the pure-core tests: no Qt, no mocks, time passed explicitly."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.core.config import Config, load, loads

ROOT = Path(__file__).resolve().parents[2]
BUILTIN = ROOT / "config" / "solidarity-conference-2021.yaml"
SCHEMA_FILE = ROOT / "config" / "watchparty-kiosk.schema.json"


@pytest.fixture
def repo_root() -> Path:
    return ROOT


@pytest.fixture
def builtin_path() -> Path:
    return BUILTIN


@pytest.fixture
def schema_path() -> Path:
    return SCHEMA_FILE


@pytest.fixture
def builtin() -> Callable[[str], Config]:
    """The built-in event, loaded as a hall in ``zone`` would load it."""

    def _load(zone: str = "Europe/Moscow") -> Config:
        return load(BUILTIN, system_zone=ZoneInfo(zone))

    return _load


@pytest.fixture
def config_from(tmp_path: Path) -> Callable[..., Config]:
    """YAML text (dedented) → Config, with relative paths resolved in ``tmp_path``."""

    def _loads(text: str, *, zone: str = "UTC", name: str = "venue.yaml") -> Config:
        return loads(textwrap.dedent(text), name, base_dir=tmp_path,
                     system_zone=ZoneInfo(zone))

    return _loads
