"""The stage paints every scene as the View says: checked on real pixels, offscreen."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QImage

from kiosk.core import config as config_module
from kiosk.core import director, paths
from kiosk.core import view as view_module
from kiosk.core.director import Health, Hold, Scene, State
from kiosk.core.programme import at
from kiosk.core.view import (
    AwardView,
    Badge,
    BoardView,
    CategoryView,
    CountdownView,
    HelpView,
    LaureateView,
    OverlayView,
    SlideView,
    View,
)
from kiosk.stage import fonts, text
from kiosk.stage.frame import frame
from kiosk.stage.window import Stage

W, H = 1280, 720
SIZE = QSize(W, H)

OVERLAY = OverlayView(
    position="bottom", now_label="NOW", now_title="Address by the National Leader of Belarus",
    now_detail="Sviatlana Tsikhanouskaya", next_label="NEXT",
    next_title="The People's Anti-Crisis Management", next_time="15:35", countdown="in 12:34",
    clock="15:22", event_clock="Moscow 18:22", progress=0.4,
)
COUNTDOWN = CountdownView(
    title="Solidarity Conference With the Belarusian People",
    subtitle="International Solidarity Day with Belarus, 7 February", countdown="12:37",
    starts_venue="Starts Sat 6 Feb at 15:00", starts_event="18:00 Moscow time, Sat 6 Feb",
    first_item="Opening of the conference",
)
BADGES = (Badge("REHEARSAL", "info"), Badge("DELAY +5 min", "warn"),
          Badge("PROBLEM: F1", "error"))


@pytest.fixture
def make_stage(qtbot):
    def make(view: View | None = None, *, video: QImage | None = None) -> Stage:
        stage = Stage()
        qtbot.addWidget(stage)
        stage.set_frame(video)
        if view is not None:
            stage.set_view(view)
        return stage

    return make


@pytest.fixture
def render(make_stage):
    def paint(view: View, *, video: QImage | None = None, size: QSize = SIZE) -> QImage:
        return make_stage(view, video=video).render_image(size)

    return paint


# ------------------------------------------------------------------ pixel helpers


def rgb(image: QImage) -> QImage:
    return image.convertToFormat(QImage.Format.Format_RGB32)


def rows(image: QImage) -> list[bytes]:
    image = rgb(image)
    data = bytes(image.constBits())
    step = image.bytesPerLine()
    return [data[y * step: y * step + image.width() * 4] for y in range(image.height())]


def diff_box(a: QImage, b: QImage) -> QRect | None:
    """The smallest rectangle holding every pixel that differs between ``a`` and ``b``."""
    left, right, ys = a.width(), -1, []
    for y, (row_a, row_b) in enumerate(zip(rows(a), rows(b), strict=True)):
        if row_a == row_b:
            continue
        ys.append(y)
        first = next(i for i in range(len(row_a)) if row_a[i] != row_b[i])
        last = next(i for i in range(len(row_a) - 1, -1, -1) if row_a[i] != row_b[i])
        left, right = min(left, first // 4), max(right, last // 4)
    if not ys:
        return None
    return QRect(left, ys[0], right - left + 1, ys[-1] - ys[0] + 1)


def pixels(image: QImage, box: QRect) -> list[tuple[int, int, int]]:
    part = rgb(image.copy(box))
    data = bytes(part.constBits())
    step = part.bytesPerLine()
    # RGB32 is 0xffRRGGBB, little-endian in memory: B, G, R, A.
    return [(data[y * step + 4 * x + 2], data[y * step + 4 * x + 1], data[y * step + 4 * x])
            for y in range(part.height()) for x in range(part.width())]


def solid(width: int, height: int, colour: str) -> QImage:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    return image


def content_rect(overlay: bool = False) -> QRect:
    return frame(W, H, "bottom" if overlay else None).content.toAlignedRect()


# ------------------------------------------------------------------ scenes


def test_blackout_is_all_black_even_with_badges_notice_and_help(render):
    view = View(scene=Scene.BLACKOUT, badges=BADGES, notice="config.yaml:1:1: broken",
                help=HelpView(rows=(("B", "Black screen on / off"),), problems=("x",)),
                overlay=OVERLAY)
    image = render(view)
    assert rgb(image) == rgb(solid(W, H, "black"))


SCENE_VIEWS = {
    "countdown": View(scene=Scene.COUNTDOWN, countdown=COUNTDOWN),
    "live": View(scene=Scene.LIVE, live_title="Solidarity Conference"),
    "slides": View(scene=Scene.SLIDES, slide=SlideView(kind="text", title="7 February",
                                                      body="Solidarity with Belarus.")),
    "awards": View(scene=Scene.AWARDS, board=BoardView(awards=(
        AwardView("BAUM Human Rights Awards 2021", "", "",
                  (CategoryView("Laureates 2021", (), pending=True),)),))),
    "message": View(scene=Scene.MESSAGE, message="We will be back in a few minutes"),
    "closing": View(scene=Scene.CLOSING, closing=("Thank you for watching together",
                                                  "The conference has ended.")),
}


@pytest.mark.parametrize("name", sorted(SCENE_VIEWS))
def test_overlay_bar_is_painted_over_every_scene(render, name):
    without = SCENE_VIEWS[name]
    with_bar = replace(without, overlay=OVERLAY)
    bar = frame(W, H, "bottom").bar
    assert bar is not None
    box = bar.toAlignedRect()
    assert rgb(render(with_bar).copy(box)) != rgb(render(without).copy(box))


def test_overlay_on_top_moves_the_bar_up(render):
    view = replace(SCENE_VIEWS["message"], overlay=replace(OVERLAY, position="top"))
    bar = frame(W, H, "top").bar
    assert bar is not None and bar.top() < H / 4
    box = bar.toAlignedRect()
    assert rgb(render(view).copy(box)) != rgb(render(SCENE_VIEWS["message"]).copy(box))


def test_countdown_digits_change_only_the_digits_area(render):
    first = View(scene=Scene.COUNTDOWN, countdown=COUNTDOWN)
    second = replace(first, countdown=replace(COUNTDOWN, countdown="12:36"))
    box = diff_box(render(first), render(second))
    assert box is not None
    # The countdown is ~20% of the height and sits mid-screen; nothing else moved.
    assert 0.08 * H < box.height() < 0.25 * H
    assert 0.2 * H < box.center().y() < 0.7 * H
    assert abs(box.center().x() - W / 2) < 0.2 * W


def test_countdown_of_days_fits_the_width(render):
    view = View(scene=Scene.COUNTDOWN, countdown=replace(COUNTDOWN,
                                                         countdown="12 days 03:04:05"))
    box = diff_box(render(view), render(replace(view, countdown=replace(
        COUNTDOWN, countdown=""))))
    assert box is not None
    safe = frame(W, H, None).safe
    assert safe.left() <= box.left() and box.right() <= safe.right()


def test_long_title_stays_inside_the_safe_area(render):
    long_title = " ".join(["Салідарнасць з беларускім народам ўсім і кожным"] * 12)
    short = View(scene=Scene.COUNTDOWN, countdown=COUNTDOWN)
    long = replace(short, countdown=replace(COUNTDOWN, title=long_title))
    box = diff_box(render(short), render(long))
    assert box is not None
    safe = frame(W, H, None).safe
    assert safe.left() <= box.left() and box.right() <= safe.right()
    assert safe.top() <= box.top() and box.bottom() <= safe.bottom()


def test_live_scene_paints_the_frame_letterboxed(render):
    view = View(scene=Scene.LIVE, live_title="Solidarity Conference")
    image = render(view, video=solid(400, 300, "#00ff00"))  # 4:3 into 16:9
    assert image.pixelColor(W // 2, H // 2) == QColor("#00ff00")
    assert image.pixelColor(10, H // 2) == QColor("black")  # the letterbox bar


def test_live_scene_without_a_frame_is_never_plain_black(render):
    image = render(View(scene=Scene.LIVE, live_title="Solidarity Conference"))
    black = sum(1 for p in pixels(image, QRect(0, 0, W, H)) if p == (0, 0, 0))
    assert black < W * H * 0.01
    empty = render(View(scene=Scene.LIVE))
    assert diff_box(image, empty) is not None  # the event title is on the placeholder


def test_qr_slide_draws_crisp_dark_and_light_modules(render):
    view = View(scene=Scene.SLIDES, slide=SlideView(
        kind="qr", title="Follow the conference", url="https://example.org/solidarity-belarus",
        caption="Live on the YouTube channel «Беларусы Замежжа»"))
    image = render(view)
    left = content_rect()
    left.setWidth(left.width() // 2)
    dark = [(x, y) for y in range(left.top(), left.bottom(), 2)
            for x in range(left.left(), left.right(), 2)
            if image.pixelColor(x, y) == QColor("black")]
    xs, ys = [x for x, _ in dark], [y for _, y in dark]
    code = QRect(min(xs), min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1)
    assert code.width() > 0.3 * H and abs(code.width() - code.height()) <= 2
    inside = pixels(image, code)
    black = sum(1 for p in inside if p == (0, 0, 0))
    white = sum(1 for p in inside if p == (255, 255, 255))
    # Whole pixels per module: nothing grey inside the code.
    assert black + white == len(inside)
    assert 0.3 < black / len(inside) < 0.7
    middle = [image.pixelColor(x, code.center().y()) == QColor("black")
              for x in range(code.left(), code.right() + 1)]
    assert sum(a != b for a, b in itertools.pairwise(middle)) > 10


def test_image_slide_draws_the_bundled_svg(render):
    flag = paths.assets() / "images" / "white-red-white.svg"
    image = render(View(scene=Scene.SLIDES, slide=SlideView(kind="image", image=str(flag))))
    centre = content_rect().center()
    assert image.pixelColor(centre) == QColor("#c8313e")  # the flag's red stripe


@pytest.mark.parametrize("content", [None, b"this is not a picture" * 20])
def test_missing_or_broken_image_paints_a_placeholder(render, tmp_path: Path, content):
    path = tmp_path / "hall-poster.png"
    if content is not None:
        path.write_bytes(content)
    view = View(scene=Scene.SLIDES, slide=SlideView(kind="image", image=str(path),
                                                   caption="Solidarity"))
    image = render(view)
    nothing = render(replace(view, slide=SlideView(kind="image", caption="Solidarity")))
    empty = render(View(scene=Scene.SLIDES, slide=SlideView(kind="text")))
    box = diff_box(image, empty)
    assert box is not None and box.height() > 0.3 * H  # a frame, not just the caption
    assert diff_box(image, nothing) is not None  # the file's name is on it


def _title_ink_width(image: QImage) -> int:
    box = content_rect()
    columns = set()
    for y in range(box.top(), box.bottom(), 1):
        for x in range(box.left(), box.right()):
            colour = image.pixelColor(x, y)
            if min(colour.red(), colour.green(), colour.blue()) > 230:
                columns.add(x)
    return len(columns)


def test_markup_in_a_title_is_drawn_as_text(render):
    def slide(title: str) -> View:
        return View(scene=Scene.SLIDES, slide=SlideView(kind="text", title=title))

    plain = _title_ink_width(render(slide("x")))
    markup = _title_ink_width(render(slide("<b>x</b>")))
    # Rich text would show a bold "x" as wide as the plain one; the brackets must be there.
    assert markup > 2 * plain


def test_awards_board_shows_pending_categories_differently(render):
    def board(category: CategoryView) -> View:
        return View(scene=Scene.AWARDS, board=BoardView(awards=(
            AwardView("Belarusian Solidarity Award", "The Belarusian Solidarity Centre", "",
                      (category,)),)))

    pending = render(board(CategoryView("Laureates", (), pending=True)))
    revealed = render(board(CategoryView(
        "Laureates", (LaureateView("First Laureate", "A sample citation", True),),
        pending=False)))
    box = diff_box(pending, revealed)
    assert box is not None
    content = content_rect()
    assert content.contains(box)


def _reveal_board(age: float | None, highlight: bool = True) -> View:
    laureates = (LaureateView("First Laureate", "", True),
                 LaureateView("Second Laureate", "For courage", True, highlight=highlight))
    return View(scene=Scene.AWARDS, board=BoardView(awards=(
        AwardView("BAUM Human Rights Awards 2021", "", "",
                  (CategoryView("Laureates", laureates, pending=False),)),), reveal_age=age))


def test_reveal_animates_from_its_age_and_settles(render):
    settled = rgb(render(_reveal_board(None, highlight=False)))
    entering, glowing = rgb(render(_reveal_board(0.5))), rgb(render(_reveal_board(5.0)))
    assert entering != glowing != settled != entering
    # Once the highlight is over the board looks as if nothing had been revealed just now.
    assert rgb(render(_reveal_board(20.0))) == settled


def test_message_and_closing_and_help_render(render):
    help_view = HelpView(rows=(("B / .", "Black screen on / off"), ("F1", "This help")),
                         problems=("config.yaml:3:5: event.tittle: unknown key",))
    base = SCENE_VIEWS["message"]
    assert diff_box(render(base), render(replace(base, help=help_view))) is not None
    closing = render(SCENE_VIEWS["closing"])
    assert diff_box(closing, render(View(scene=Scene.CLOSING))) is not None


def test_badges_and_notice_sit_in_the_top_corners(render):
    base = SCENE_VIEWS["message"]
    badged = render(replace(base, badges=BADGES))
    box = diff_box(render(base), badged)
    assert box is not None and box.bottom() < H * 0.15 and box.right() < W * 0.96
    assert box.left() > W * 0.45  # three badges at the overlay's 3.6 % size
    noticed = render(replace(base, notice="config.yaml:3:5: event.tittle: unknown key"))
    box = diff_box(render(base), noticed)
    assert box is not None and box.bottom() < H * 0.15 and box.right() < W / 2


def test_empty_size_renders_nothing(make_stage):
    assert make_stage(SCENE_VIEWS["message"]).render_image(QSize(0, 0)).isNull()


def test_real_views_of_the_builtin_event_render_at_both_sizes(render):
    config = config_module.load(paths.builtin_config())
    start = config.running().start
    instants = [start - timedelta(minutes=13), start + timedelta(minutes=5),
                config.running().end + timedelta(minutes=5)]
    scenes = set()
    for instant in instants:
        for state in (State(), State(hold=Hold(Scene.AWARDS, instant, None)), State(help=True)):
            moment = at(config.running(), instant)
            decision = director.decide(state, moment, Health.PLAYING)
            view = view_module.compose(config, moment, decision, state, loop_since=instant,
                                       rehearsal=True)
            scenes.add(view.scene)
            small, large = render(view), render(view, size=QSize(3840, 2160))
            assert small.size() == SIZE and large.size() == QSize(3840, 2160)
    assert {Scene.COUNTDOWN, Scene.LIVE, Scene.CLOSING, Scene.AWARDS} <= scenes



# ------------------------------------------------------------------ text and fonts


def test_fonts_cover_belarusian_letters(qtbot):
    metrics = QFontMetricsF(fonts.font(40))
    for letter in "ўіЎІёЁ":
        assert metrics.inFontUcs4(ord(letter)), letter


def test_empty_or_missing_font_folder_falls_back_quietly(qtbot, tmp_path: Path):
    assert fonts.register(tmp_path)
    assert fonts.register(tmp_path / "nowhere")


def test_text_is_plain_and_long_text_is_cut_with_an_ellipsis(qtbot):
    assert text.block("<b>x</b>", 40, 1000).lines == ("<b>x</b>",)
    block = text.block("solidarity " * 80, 40, 500, max_lines=2)
    assert len(block.lines) == 2 and block.lines[-1].endswith(text.ELLIPSIS)
    assert block.width <= 500


# ------------------------------------------------------------------ the live widget


def _slides(index: int, fade: bool = True) -> View:
    return View(scene=Scene.SLIDES, slide=SlideView(kind="text", title=f"Slide {index}",
                                                   index=index, count=3, fade=fade))


def test_scene_change_cross_fades_and_ends(make_stage, qtbot):
    stage = make_stage(_slides(0))
    assert not stage.transition_active()
    stage.set_view(SCENE_VIEWS["countdown"])
    assert stage.transition_active()
    qtbot.waitUntil(lambda: not stage.transition_active(), timeout=3000)


def test_slide_change_fades_only_when_the_slide_asks(make_stage, qtbot):
    stage = make_stage(_slides(0))
    stage.set_view(_slides(1))
    assert stage.transition_active()
    qtbot.waitUntil(lambda: not stage.transition_active(), timeout=3000)
    stage.set_view(_slides(2, fade=False))
    assert not stage.transition_active()


def test_blackout_is_instant_both_ways(make_stage):
    stage = make_stage(_slides(0))
    stage.set_view(SCENE_VIEWS["countdown"])
    assert stage.transition_active()
    stage.set_view(View(scene=Scene.BLACKOUT))
    assert not stage.transition_active()
    stage.set_view(_slides(0))
    assert not stage.transition_active()


def test_equal_view_does_not_repaint(make_stage, qtbot):
    stage = make_stage()
    stage.resize(640, 360)
    with qtbot.waitExposed(stage):
        stage.show()
    view = SCENE_VIEWS["message"]
    with qtbot.waitSignal(stage.painted, check_params_cb=lambda scene: scene == "message"):
        stage.set_view(view)
    with qtbot.assertNotEmitted(stage.painted, wait=300):
        stage.set_view(replace(view))  # equal, though not the same object
    with qtbot.waitSignal(stage.painted, check_params_cb=lambda scene: scene == "message"):
        stage.set_view(replace(view, message="Back at 19:30"))


def test_stage_hides_the_mouse(make_stage):
    assert make_stage().cursor().shape() == Qt.CursorShape.BlankCursor


def test_reveal_keeps_repainting_while_it_animates(make_stage, qtbot):
    stage = make_stage()
    stage.resize(640, 360)
    with qtbot.waitExposed(stage):
        stage.show()
    stage.set_view(_reveal_board(0.1))
    # No new view arrives, yet the entrance moves on: the stage repaints by itself.
    for _ in range(3):
        with qtbot.waitSignal(stage.painted, timeout=1000):
            pass

