"""WATCHPARTY_KIOSK_SHOTS: a bench's periodic pictures of the stage, on real pixels."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from kiosk.core.director import Scene
from kiosk.core.view import SlideView, View
from kiosk.stage import shots
from kiosk.stage.window import Stage

SLIDE = View(scene=Scene.SLIDES, slide=SlideView(kind="text", title="7 February",
                                                body="Solidarity with Belarus."))


@pytest.fixture
def stage(qtbot) -> Stage:
    stage = Stage()
    qtbot.addWidget(stage)
    stage.resize(1280, 720)
    stage.set_view(SLIDE)
    return stage


def pictures(folder: Path) -> list[Path]:
    return sorted(folder.glob("shot-*.png"))


def test_off_unless_the_variable_names_a_folder(stage, monkeypatch):
    monkeypatch.delenv(shots.SHOTS_ENV, raising=False)
    assert shots.start_from_env(stage) is None
    monkeypatch.setenv(shots.SHOTS_ENV, "  ")
    assert shots.start_from_env(stage) is None


def test_the_stage_is_saved_every_interval_as_painted(stage, qtbot, tmp_path, monkeypatch):
    folder = tmp_path / "shots"
    monkeypatch.setenv(shots.SHOTS_ENV, str(folder))
    monkeypatch.setenv(shots.EVERY_ENV, "0.1")
    taker = shots.start_from_env(stage)
    assert taker is not None and not taker.problem
    qtbot.waitUntil(lambda: len(pictures(folder)) >= 3, timeout=5000)
    taker.stop()
    first = QImage(str(pictures(folder)[0]))
    assert (first.width(), first.height()) == (shots.WIDTH, shots.WIDTH * 720 // 1280)
    # The slide as the stage paints it: not one flat colour.
    colours = {first.pixelColor(x, y).name() for x in range(0, first.width(), 16)
               for y in range(0, first.height(), 16)}
    assert len(colours) > 3
    expected = stage.grab().toImage().scaledToWidth(shots.WIDTH).convertToFormat(
        QImage.Format.Format_RGB32)
    assert first.convertToFormat(QImage.Format.Format_RGB32).pixelColor(10, 10) == \
        expected.pixelColor(10, 10)
    # File names count up after the process's id; the file's time says when.
    names = [p.name for p in pictures(folder)]
    assert names[:3] == [f"shot-{os.getpid()}-00000{n}.png" for n in (1, 2, 3)]


def test_a_blackout_shows_as_black(stage, tmp_path):
    stage.set_view(View(scene=Scene.BLACKOUT))
    taker = shots.StageShots(stage, tmp_path, every=3600)
    path = taker.take()
    taker.stop()
    assert path is not None
    image = QImage(str(path))
    assert image.pixelColor(image.width() // 2, image.height() // 2) == QColor("black")


def test_only_the_newest_are_kept(stage, tmp_path, monkeypatch):
    monkeypatch.setattr(shots, "MAX_SHOTS", 2)
    taker = shots.StageShots(stage, tmp_path, every=3600)
    for _ in range(4):
        taker.take()
    taker.stop()
    assert [p.name for p in pictures(tmp_path)] == [f"shot-{os.getpid()}-00000{n}.png"
                                                    for n in (3, 4)]


def test_a_bad_interval_falls_back_to_the_default(stage, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(shots.SHOTS_ENV, str(tmp_path))
    monkeypatch.setenv(shots.EVERY_ENV, "often")
    taker = shots.start_from_env(stage)
    assert taker is not None
    taker.stop()
    assert taker._timer.interval() == int(shots.DEFAULT_EVERY * 1000)
    assert "WATCHPARTY_KIOSK_SHOTS_EVERY='often'" in capsys.readouterr().err


@pytest.mark.skipif(sys.platform.startswith("win") or os.geteuid() == 0,
                    reason="a read-only folder is no obstacle on Windows or for root")
def test_a_folder_that_cannot_be_written_stops_the_shots_not_the_kiosk(stage, tmp_path,
                                                                        capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        taker = shots.StageShots(stage, locked / "shots", every=0.05)
        assert taker.take() is None
        assert "stage shots: cannot write" in taker.problem
        assert "stage shots: cannot write" in capsys.readouterr().err
    finally:
        locked.chmod(stat.S_IRWXU)


def test_a_file_in_the_way_stops_the_shots_not_the_kiosk(stage, tmp_path, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    taker = shots.StageShots(stage, blocker, every=0.05)
    assert taker.take() is None
    assert taker.problem.startswith("stage shots: cannot write")
    assert not taker._timer.isActive()
    assert "stage shots: cannot write" in capsys.readouterr().err
