"""Shared test set-up: Qt offscreen, and state, cache, log and config folders and an instance
of its own."""

from __future__ import annotations

import itertools
import os

import pytest

_INSTANCES = itertools.count()

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# libVLC plays sound into nothing in tests (CI machines have no sound card).
os.environ.setdefault("WATCHPARTY_KIOSK_AUDIO", "dummy")


@pytest.fixture(autouse=True)
def _own_state_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """State, caches and logs go to fresh folders, never the user's."""
    monkeypatch.setenv("WATCHPARTY_KIOSK_STATE", str(tmp_path_factory.mktemp("state")))
    monkeypatch.setenv("WATCHPARTY_KIOSK_CACHE", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("WATCHPARTY_KIOSK_LOGS", str(tmp_path_factory.mktemp("logs")))
    monkeypatch.setenv("WATCHPARTY_KIOSK_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
    # One kiosk at a time per user; each test is a user of its own.
    monkeypatch.setenv("WATCHPARTY_KIOSK_INSTANCE",
                       f"watchparty-kiosk-test-{os.getpid()}-{next(_INSTANCES)}")
