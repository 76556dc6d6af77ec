"""A running kiosk (the built-in event, on a fixed clock) with its remote switched on at a
free port of the loopback."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import pytest
from hallkit import Clock, Hall, free_port

from kiosk.app import Kiosk
from kiosk.core import config as config_module
from kiosk.core import paths
from kiosk.core.eventlog import EventLog
from kiosk.core.remote import SETTINGS_FILE
from kiosk.remote.service import Remote


@pytest.fixture
def hall(qtbot, tmp_path):
    made: list[Hall] = []

    def make(hhmm: str = "18:10", lang: tuple[str, ...] = ()) -> Hall:
        folder = tmp_path / f"config{len(made)}"
        folder.mkdir()
        (folder / SETTINGS_FILE).write_text(json.dumps({"enabled": False,
                                                        "port": free_port()}))
        config = config_module.load(paths.builtin_config(),
                                    system_zone=ZoneInfo("Europe/Moscow"))
        # In the log folder, where the doctor's diagnostics bundle takes logs from.
        paths.log_dir().mkdir(parents=True, exist_ok=True)
        log_path = paths.log_dir() / f"events{len(made)}.jsonl"
        kiosk = Kiosk(config, Clock(hhmm), rehearsal=True, event_log=EventLog(log_path),
                      lang=lang)
        qtbot.addWidget(kiosk.stage)
        kiosk.stage.resize(960, 540)
        remote = Remote(kiosk, folder=folder, addresses=lambda: ["127.0.0.1"])
        remote.set_enabled(True)
        assert remote.enabled, remote.problem
        made.append(Hall(kiosk, remote, folder, log_path))
        return made[-1]

    yield make
    for made_hall in made:
        made_hall.remote.stop()
        made_hall.kiosk.request_quit()
