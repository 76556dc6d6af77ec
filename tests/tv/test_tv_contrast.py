"""Contrast as the hall sees it: every text the stage draws, against the pixels it stands on
(the scene rendered without its text), at least 4.5:1 (WCAG AA) in every theme. Over the
video, against a white and a black picture: the worst any picture can be."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage
from tvcases import Case, load_config, render, scene_cases

from kiosk.core import palette
from kiosk.core.config import Config, Display, Theme
from kiosk.stage.window import Stage

SIZE = (1280, 720)
THEMES = {
    "default": Theme(),
    "light": Theme(accent="#c8313e", background="#ffffff", text="#000000"),
    "grey text": Theme(text="#556070"),  # too faint: the kiosk adjusts it
}
SCENES = ["countdown", "countdown-final", "live", "live-video", "message", "closing",
          "slides-text", "slides-image", "slides-quote", "slides-qr", "slides-board",
          "awards-reveal", "help"]


@pytest.fixture(scope="module")
def config(qapp) -> Config:
    del qapp
    return load_config()


@pytest.fixture(scope="module")
def cases(config) -> dict[str, Case]:
    return scene_cases(config)


def worst_contrast(stage: Stage, case: Case, video: str) -> list[tuple[float, str]]:
    image, record = render(stage, case, SIZE, hide_text=True, video=video)
    behind = image.convertToFormat(QImage.Format.Format_RGB32)
    found = []
    for text in record.texts:
        if case.view.help is not None and text.part != "help":
            continue  # under the key card the scene is dimmed on purpose, text and all
        ink = text.colour.red(), text.colour.green(), text.colour.blue()
        surfaces = _pixels(behind, text.rect)
        if surfaces:
            found.append((palette.worst(ink, surfaces), f"{text.text[:40]!r} ({text.part})"))
    return found


def _pixels(image: QImage, rect: QRectF) -> set[tuple[int, int, int]]:
    box = rect.toAlignedRect().intersected(image.rect())
    step_x = max(1, box.width() // 48)
    step_y = max(1, box.height() // 12)
    colours = set()
    for y in range(box.top(), box.bottom() + 1, step_y):
        for x in range(box.left(), box.right() + 1, step_x):
            colour = QColor(image.pixel(x, y))
            colours.add((colour.red(), colour.green(), colour.blue()))
    return colours


@pytest.mark.parametrize("theme", sorted(THEMES))
@pytest.mark.parametrize("scene", SCENES)
def test_every_text_reads_at_aa_on_what_it_stands_on(qtbot, cases, theme, scene):
    stage = Stage()
    qtbot.addWidget(stage)
    stage.set_look(THEMES[theme], Display())
    case = cases[scene]
    videos = ["#ffffff", "#000000"] if case.video else ["#000000"]
    found = [pair for video in videos for pair in worst_contrast(stage, case, video)]
    assert found, "no text measured"
    low = sorted(pair for pair in found if pair[0] < palette.AA)
    assert not low, "\n".join(f"{ratio:.2f}:1 {what}" for ratio, what in low)


def test_a_background_picture_is_dimmed_until_text_reads(qtbot, cases, tmp_path):
    picture = tmp_path / "hall.png"
    image = QImage(400, 300, QImage.Format.Format_RGB32)
    image.fill(QColor("#ffffff"))  # the worst picture for light text
    for x in range(0, 400, 40):
        image.setPixelColor(x, 0, QColor("#000000"))
    assert image.save(str(picture))
    stage = Stage()
    qtbot.addWidget(stage)
    stage.set_look(replace(Theme(), background_image=picture), Display())
    for scene in ("countdown", "slides-text", "closing"):
        found = worst_contrast(stage, cases[scene], "#000000")
        assert found and min(ratio for ratio, _ in found) >= palette.AA, (scene, found)
