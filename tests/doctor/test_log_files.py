"""kiosk.platform.logs: rotating log files in the log folder, and what a bundle takes from it."""

from __future__ import annotations

import logging
import logging.handlers
import os
import time
import warnings

import pytest

from kiosk.platform import logs


@pytest.fixture
def clean_logging():
    """Whatever ``setup`` changes on the root and kiosk loggers is put back afterwards."""
    root, kiosk = logging.getLogger(), logging.getLogger("kiosk")
    levels = root.level, kiosk.level
    yield
    logs.stop()
    logging.captureWarnings(False)
    root.setLevel(levels[0])
    kiosk.setLevel(levels[1])


def _ours() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers
            if isinstance(h, logging.handlers.RotatingFileHandler)]


def test_setup_writes_the_kiosk_log_and_other_warnings(tmp_path, clean_logging):
    folder = tmp_path / "deep" / "logs"
    assert logs.setup(folder) == ""
    logging.getLogger("kiosk.player.vlcplayer").info("stream failed (a reason)")
    logging.getLogger("urllib3").info("chatter nobody needs")
    logging.getLogger("urllib3").warning("a library's warning")
    warnings.warn("a Python warning", UserWarning, stacklevel=1)
    text = (folder / logs.LOG_NAME).read_text(encoding="utf-8")
    assert "watchparty-kiosk" in text.splitlines()[0]  # who started, which version
    assert "INFO    kiosk.player.vlcplayer: stream failed (a reason)" in text
    assert "a library's warning" in text
    assert "chatter nobody needs" not in text
    assert "a Python warning" in text
    assert logs.current_file() == folder / logs.LOG_NAME


def test_setup_twice_adds_no_second_handler(tmp_path, clean_logging):
    assert logs.setup(tmp_path) == ""
    assert logs.setup(tmp_path) == ""
    assert len(_ours()) == 1
    logging.getLogger("kiosk").warning("once")
    assert (tmp_path / logs.LOG_NAME).read_text(encoding="utf-8").count("once") == 1
    # Another folder: the log moves there, still one handler.
    assert logs.setup(tmp_path / "other") == ""
    assert len(_ours()) == 1


def test_a_folder_that_cannot_be_made_is_a_problem_not_an_error(tmp_path, clean_logging):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    problem = logs.setup(blocker / "logs")
    assert problem.startswith("no log file: ")
    assert str(blocker / "logs" / logs.LOG_NAME) in problem
    assert "\n" not in problem
    assert _ours() == []


def test_the_log_rotates(tmp_path, clean_logging, monkeypatch):
    monkeypatch.setattr(logs, "MAX_BYTES", 2_000)
    assert logs.setup(tmp_path) == ""
    for n in range(200):
        logging.getLogger("kiosk").warning("line %d %s", n, "x" * 40)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [logs.LOG_NAME, *(f"{logs.LOG_NAME}.{n}" for n in range(1, 6))]
    assert all(p.stat().st_size <= 2_200 for p in tmp_path.iterdir())


def test_log_files_lists_what_a_bundle_takes(tmp_path):
    for name in ("watchparty-kiosk.log", "watchparty-kiosk.log.2", "watchparty-kiosk.log.1",
                 "supervisor.log", "crash-20261128-1000.txt", "crash-20261128-1200.txt",
                 "hall.jsonl", "notes.txt", "cookies.txt"):
        (tmp_path / name).write_text(name)
    old = time.time() - 3600
    os.utime(tmp_path / "crash-20261128-1000.txt", (old, old))
    outside = tmp_path.parent / "elsewhere.jsonl"
    outside.write_text("{}")
    found = [p.name for p in logs.log_files(tmp_path, event_log=outside)]
    assert found == ["watchparty-kiosk.log", "watchparty-kiosk.log.1", "watchparty-kiosk.log.2",
                     "supervisor.log", "crash-20261128-1200.txt", "crash-20261128-1000.txt",
                     "hall.jsonl"]
    inside = tmp_path / "sub" / "run.log"
    inside.parent.mkdir()
    inside.write_text("{}")
    assert logs.log_files(tmp_path, event_log=inside)[-1] == inside
    assert logs.log_files(tmp_path / "missing") == []
