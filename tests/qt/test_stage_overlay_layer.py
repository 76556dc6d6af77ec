"""Over moving video the overlay is blitted from a layer painted once per view: what reaches
the screen must be what a direct paint gives, and must follow every new view."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage

from kiosk.core import config as config_module
from kiosk.core import paths
from kiosk.snapshot import snapshot_view
from kiosk.stage.window import Stage

SIZE = QSize(1280, 720)


def on_screen(stage: Stage) -> QImage:
    stage.repaint()
    return stage.screen().grabWindow(stage.winId()).toImage().convertToFormat(
        QImage.Format.Format_RGB32)


def mismatches(a: QImage, b: QImage, tolerance: int = 24) -> tuple[int, int]:
    b = b.convertToFormat(a.format())
    bad = total = 0
    for x in range(0, a.width(), 4):
        for y in range(0, a.height(), 4):
            total += 1
            p, q = QColor(a.pixel(x, y)), QColor(b.pixel(x, y))
            if max(abs(p.red() - q.red()), abs(p.green() - q.green()),
                   abs(p.blue() - q.blue())) > tolerance:
                bad += 1
    return bad, total


def test_the_blitted_overlay_matches_a_direct_paint_and_follows_the_view(qtbot):
    config = config_module.load(paths.builtin_config())
    stage = Stage()
    qtbot.addWidget(stage)
    stage.resize(SIZE)
    with qtbot.waitExposed(stage):
        stage.show()
    video = QImage(SIZE, QImage.Format.Format_RGB32)
    video.fill(QColor("#2080ff"))
    stage.set_view(snapshot_view(config, datetime.fromisoformat("2021-02-06T18:20:00+03:00")))
    stage.set_frame(video)
    qtbot.waitUntil(lambda: not stage.transition_active())
    first = on_screen(stage)
    assert stage._overlay_layer is not None, "the layer path was not taken"
    bad, total = mismatches(first, stage.render_image(SIZE))
    assert bad < total * 0.002, f"{bad} of {total} sampled pixels differ"

    # A second later the countdown changes: the screen must show it, not the old layer.
    stage.set_view(snapshot_view(config, datetime.fromisoformat("2021-02-06T18:20:01+03:00")))
    second = on_screen(stage)
    assert mismatches(second, stage.render_image(SIZE))[0] < total * 0.002
    assert mismatches(first, second)[0] > 0, "the new countdown did not reach the screen"
