"""Every scene at every TV size: each text inside the safe area, whole (never cut, never
left out), clear of the bar; the hall's overlay text at least 3.5 % of the screen.

Checked against what the stage really drew (kiosk.stage.drawn records each text block, its
box, size and colour), not guessed from pixels.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QColor, QImage
from tvcases import SIZE_IDS, SIZES, Case, load_config, render, scene_cases

from kiosk.core import paths
from kiosk.core.config import Config, Display, Theme
from kiosk.core.view import Badge
from kiosk.stage.window import Stage

TOLERANCE = 0.5  # pixels: boxes are measured in fractions, pictures are whole pixels
OVERLAY_MIN = 0.035  # of the screen's height (of its width, turned to portrait)

# The configs every check runs on. Another dimension (the hall's languages) adds entries.
CONFIGS = {
    "builtin": {},
    "longest titles": {"long_titles": True},
    # Every shipped language (the built-in event carries English and Belarusian texts; the
    # kiosk's own words come from each catalogue), and the bilingual bar stacked.
    **{f"builtin, {code}": {"languages": (code,)}
       for code in ("be", "be-Latn", "ru", "uk", "pl", "lt", "de")},
    "builtin, be + de": {"languages": ("be", "de")},
}


@pytest.fixture(scope="module", params=sorted(CONFIGS))
def tv_config(request) -> Iterator[Config]:
    yield load_config(**CONFIGS[request.param])


@pytest.fixture(scope="module")
def cases(tv_config, qapp) -> dict[str, Case]:
    del qapp
    return scene_cases(tv_config)


@pytest.fixture
def stage(qtbot, tv_config) -> Stage:
    result = Stage()
    qtbot.addWidget(result)
    result.set_look(tv_config.theme, tv_config.display)
    return result


SCENES = ["countdown", "countdown-final", "live", "live-video", "message", "closing",
          "slides-text", "slides-image", "slides-quote", "slides-qr", "slides-board",
          "awards-reveal", "help"]


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("scene", SCENES)
def test_every_text_is_whole_and_inside_the_safe_area(stage, cases, scene, size):
    case = cases[scene]
    _, record = render(stage, case, size)
    assert record.texts, "nothing was drawn"
    fr = stage.frame_for(*size)
    safe = fr.safe.adjusted(-TOLERANCE, -TOLERANCE, TOLERANCE, TOLERANCE)
    problems = []
    for text in record.texts:
        where = f"{text.part}: {text.text[:60]!r} at {_box(text.rect)}"
        if not safe.contains(text.rect):
            problems.append(f"outside the safe area {_box(fr.safe)}: {where}")
        if text.overflow:
            problems.append(f"wider than its box {_box(text.box)}: {where}")
        # The host's notice says "+N more: F1" by design; everything the hall reads is whole.
        if text.cut and text.part != "host":
            problems.append(f"cut with an ellipsis: {where}")
        if (text.part == "scene" and fr.bar is not None and case.view.overlay is not None
                and text.rect.intersects(fr.bar.adjusted(1, 1, -1, -1))):
            problems.append(f"under the now/next bar {_box(fr.bar)}: {where}")
    problems += [f"left out (would not fit): a {d.part} piece {d.height:.0f} px tall"
                 for d in record.dropped]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_the_diagnostics_card_says_every_row_whole(stage, cases, size):
    """The host's card with its longest rows (a feed offline since yesterday, and why): every
    label and value whole (a long one wraps), inside the safe area, clear of the badges."""
    _, record = render(stage, cases["diagnostics"], size)
    host = [t for t in record.texts if t.part == "host"]
    labels = {label for label, _ in cases["diagnostics"].view.diagnostics}
    assert {t.text for t in host} >= labels
    fr = stage.frame_for(*size)
    safe = fr.safe.adjusted(-TOLERANCE, -TOLERANCE, TOLERANCE, TOLERANCE)
    badges = [t.rect for t in record.texts if t.part == "overlay"]
    problems = []
    for text in host:
        where = f"{text.text[:60]!r} at {_box(text.rect)}"
        if text.cut or text.overflow:
            problems.append(f"cut: {where}")
        if not safe.contains(text.rect):
            problems.append(f"outside the safe area {_box(fr.safe)}: {where}")
        if any(text.rect.intersects(b) for b in badges):
            problems.append(f"under a badge: {where}")
    assert not problems, "\n".join(problems)
    assert any(len(t.lines) > 1 for t in host), "the longest feed line should wrap"


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("scene", ["live-video", "countdown", "slides-text", "awards-reveal"])
def test_overlay_text_is_at_least_3_5_percent_of_the_screen(stage, cases, scene, size):
    _, record = render(stage, cases[scene], size)
    overlay = [t for t in record.texts if t.part == "overlay"]
    assert overlay, "no overlay drawn"
    floor = OVERLAY_MIN * min(size)
    small = [f"{t.text[:40]!r}: {t.px:.1f} px < {floor:.1f} px" for t in overlay
             if t.px < floor]
    assert not small, "\n".join(small)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_a_longest_title_wraps_and_is_never_cut(qtbot, size):
    config = load_config(long_titles=True)
    cases = scene_cases(config)
    stage = Stage()
    qtbot.addWidget(stage)
    for scene in ("countdown", "live-video", "closing", "slides-text"):
        _, record = render(stage, cases[scene], size)
        long = [t for t in record.texts if len(t.text) >= 100]
        assert long, f"{scene}: the long title is not on screen"
        for text in long:
            assert len(text.lines) >= 2, f"{scene}: {text.text[:40]!r} on one line"
            assert not text.cut and not text.overflow, f"{scene}: {text.text[:40]!r}"
        fr = stage.frame_for(*size)
        assert all(fr.safe.adjusted(-1, -1, 1, 1).contains(t.rect) for t in record.texts)
        assert not record.dropped


def test_overscan_from_the_config_moves_the_safe_area(qtbot, cases):
    stage = Stage()
    qtbot.addWidget(stage)
    case = cases["live-video"]
    for overscan in (0.0, 0.1):
        stage.set_look(Theme(), Display(overscan=overscan))
        _, record = render(stage, case, (1920, 1080))
        fr = stage.frame_for(1920, 1080)
        assert fr.safe.left() == pytest.approx(1920 * overscan)
        assert all(fr.safe.adjusted(-1, -1, 1, 1).contains(t.rect) for t in record.texts)
        # The bar sits on the edge of the safe area: nearer the screen's edge with 0 %.
        assert fr.bar is not None
        assert fr.bar.bottom() == pytest.approx(1080 * (1 - overscan))


def _box(rect: QRectF) -> str:
    return f"({rect.left():.0f},{rect.top():.0f} {rect.width():.0f}x{rect.height():.0f})"


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)], ids=["1920x1080", "1080x1920"])
def test_the_themes_logo_and_background_picture_keep_every_text_whole(qtbot, cases, size):
    flag = paths.assets() / "images" / "white-red-white.svg"
    plain = Stage()
    qtbot.addWidget(plain)
    themed = Stage()
    qtbot.addWidget(themed)
    themed.set_look(Theme(logo=flag, background_image=flag), Display())
    for scene in ("countdown", "closing", "slides-text"):
        before, _ = render(plain, cases[scene], size)
        after, record = render(themed, cases[scene], size)
        assert before != after, f"{scene}: no logo or picture"
        fr = themed.frame_for(*size)
        assert all(fr.safe.adjusted(-1, -1, 1, 1).contains(t.rect) for t in record.texts)
        assert not record.dropped and not any(t.cut for t in record.texts)


def test_over_moving_video_the_announcement_and_every_badge_row_reach_the_screen(qtbot,
                                                                                  cases):
    """Over the stream the overlay is copied from a layer, area by area: none may be missed."""
    view = cases["live-video"].view
    badges = tuple(Badge(f"BADGE NUMBER {n}", "warn") for n in range(5))  # two rows
    view = replace(view, announcement="Doors close at 23:45: the concert goes on outside",
                   badges=badges)
    stage = Stage()
    qtbot.addWidget(stage)
    stage.resize(540, 960)
    with qtbot.waitExposed(stage):
        stage.show()
    video = QImage(QSize(540, 960), QImage.Format.Format_RGB32)
    video.fill(QColor("#2080ff"))
    stage.set_frame(video)
    stage.set_view(view)
    qtbot.waitUntil(lambda: not stage.transition_active())
    stage.repaint()
    assert stage._overlay_layer is not None, "the layer path was not taken"
    shown = stage.screen().grabWindow(stage.winId()).toImage().convertToFormat(
        QImage.Format.Format_RGB32)
    direct = stage.render_image(QSize(540, 960)).convertToFormat(QImage.Format.Format_RGB32)
    # (Blending via a layer rounds a little differently: a few levels apart is the same.)
    bad = sum(1 for y in range(0, 960, 3) for x in range(0, 540, 3)
              if max(abs((shown.pixel(x, y) >> s & 255) - (direct.pixel(x, y) >> s & 255))
                     for s in (0, 8, 16)) > 24)
    assert bad < 60, f"{bad} sampled pixels differ"
