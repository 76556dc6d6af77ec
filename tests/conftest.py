"""Shared test set-up: Qt offscreen, and a state folder of the test's own."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# libVLC plays sound into nothing in tests (CI machines have no sound card).
os.environ.setdefault("WATCHPARTY_KIOSK_AUDIO", "dummy")


@pytest.fixture(autouse=True)
def _own_state_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """The last-good config copy and the feed cache go to fresh folders, never the user's."""
    monkeypatch.setenv("WATCHPARTY_KIOSK_STATE", str(tmp_path_factory.mktemp("state")))
    monkeypatch.setenv("WATCHPARTY_KIOSK_CACHE", str(tmp_path_factory.mktemp("cache")))
