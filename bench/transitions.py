"""Transition benchmarks: how long each paint takes while a transition or animation runs.

For each cross-fade between scenes and slides, the countdown's last-ten-seconds pulse, the
awards' reveal (entrance and glow) and, for comparison, the stream under the overlay, the
stage is shown at 1920x1080 (offscreen) and every paint is timed from the paint event's
arrival to its end. Prints a table; asserts nothing. Target (issue 7): no frame over 16.7 ms
(one frame at 60 Hz) while a transition runs. Run with ./dev bench or directly.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject, QSize
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from kiosk.core import director, paths
from kiosk.core.config import Config, Display, Laureate, Slide, award_key, load
from kiosk.core.director import Health, Hold, Scene, State
from kiosk.core.i18n import choose
from kiosk.core.programme import at
from kiosk.core.view import View, compose, loop_entries
from kiosk.stage.window import Stage

WIDTH, HEIGHT = 1920, 1080
FRAME_BUDGET_MS = 1000 / 60
VIDEO_FPS = 60


class PaintTimer(QObject):
    """Times each paint of a widget: from the paint event's arrival to the end of its paint."""

    def __init__(self, stage: Stage) -> None:
        super().__init__()
        self.times: list[float] = []
        self._started = 0.0
        stage.installEventFilter(self)
        stage.painted.connect(self._on_stage_painted)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self._started = time.perf_counter()
        return False

    def _on_stage_painted(self, scene: str) -> None:
        del scene
        self.times.append((time.perf_counter() - self._started) * 1000)


@dataclass(frozen=True)
class Row:
    name: str
    times: list[float]


def bench_config() -> Config:
    """The built-in event with a QR slide and a laureate to reveal (it names none)."""
    config = load(paths.builtin_config())
    award = config.awards[0]
    category = replace(award.categories[0], laureates=(
        Laureate("Example Laureate", "For a sample citation", announced=True),
        Laureate("Second Example Laureate", "For courage")))
    qr = Slide(kind="qr", duration=timedelta(seconds=12), title="Follow the conference",
               url="https://example.org/solidarity")
    return replace(config, slides=(*config.slides, qr),
                   awards=(replace(award, categories=(category,)), *config.awards[1:]))


def view(config: Config, instant: datetime, state: State) -> View:
    moment = at(config.running(), instant)
    decision = director.decide(state, moment, Health.PLAYING)
    return compose(config, moment, decision, state, loop_since=instant, rehearsal=True,
                   languages=choose(config.languages, (), config.bilingual))


def views(config: Config) -> dict[str, View]:
    zone = config.event.timezone
    start = config.running().start
    noon = datetime(2021, 2, 6, 20, 0, tzinfo=zone)

    def held(scene: Scene, **more: object) -> State:
        return State(hold=Hold(scene, noon, None), **more)  # type: ignore[arg-type]

    result = {
        "countdown": view(config, start - timedelta(minutes=12), State()),
        "countdown-final": view(config, start - timedelta(seconds=7), State()),
        "live": view(config, noon, held(Scene.LIVE)),
    }
    for index, entry in enumerate(loop_entries(config)):
        kind = entry.slide.kind if entry.slide is not None else "board"
        result.setdefault(f"slides-{kind}", view(config, noon, held(
            Scene.SLIDES, loop_first=index, loop_since=noon)))
    award, category = config.awards[0], config.awards[0].categories[0]
    revealed = ((award_key(award.name), award_key(category.name),
                 award_key(category.laureates[1].name)),)
    result["awards-reveal"] = view(config, noon, held(Scene.AWARDS, revealed=revealed,
                                                      revealed_at=noon))
    return result


def video_frames() -> list[QImage]:
    frames = []
    for colour in ("#20406a", "#6a4020", "#40206a", "#206a40"):
        image = QImage(QSize(WIDTH, HEIGHT), QImage.Format.Format_RGB32)
        image.fill(QColor(colour))
        frames.append(image)
    return frames


def run(app: QApplication, stage: Stage, timer: PaintTimer, seconds: float,
        done: object = None, video: list[QImage] | None = None) -> list[float]:
    """Let the stage animate for up to ``seconds`` (or until ``done()``), feeding video
    frames at 60 Hz if given; returns the paint times."""
    timer.times.clear()
    start = time.perf_counter()
    next_frame, n = start, 0
    while time.perf_counter() - start < seconds:
        if video is not None and time.perf_counter() >= next_frame:
            stage.set_frame(video[n % len(video)])
            n += 1
            next_frame += 1 / VIDEO_FPS
        app.processEvents()
        if callable(done) and done():
            break
        time.sleep(0.001)
    return list(timer.times)


def settle(app: QApplication, stage: Stage) -> None:
    deadline = time.perf_counter() + 2.0
    while (stage.transition_active() or stage._reveal_timer.isActive()) and (
            time.perf_counter() < deadline):
        app.processEvents()
        time.sleep(0.001)
    app.processEvents()


def measure(motion: bool = True) -> list[Row]:
    app = QApplication.instance() or QApplication([])
    config = bench_config()
    shown = views(config)
    frames = video_frames()
    stage = Stage()
    stage.set_look(config.theme, Display(motion=motion))
    stage.resize(WIDTH, HEIGHT)
    stage.show()
    QTest.qWaitForWindowExposed(stage)
    timer = PaintTimer(stage)
    rows = []

    def fade(name: str, before: str, after: str, *, video_after: bool = False) -> None:
        stage.set_frame(None)
        stage.set_view(shown[before])
        settle(app, stage)
        stage.set_frame(frames[0] if video_after else None)
        stage.set_view(shown[after])
        times = run(app, stage, timer, 2.0, lambda: not stage.transition_active(),
                    frames if video_after else None)
        rows.append(Row(name, times))

    fade("scene: slides (text) → countdown", "slides-text", "countdown")
    fade("scene: countdown → live stream", "countdown", "live", video_after=True)
    fade("scene: slides (quote) → awards", "slides-quote", "awards-reveal")
    fade("slide: text → image", "slides-text", "slides-image")
    fade("slide: image → quote", "slides-image", "slides-quote")
    fade("slide: quote → QR code", "slides-quote", "slides-qr")

    # The countdown's last ten seconds: a new view each second starts a pulse.
    stage.set_view(shown["countdown"])
    settle(app, stage)
    times: list[float] = []
    final = shown["countdown-final"]
    assert final.countdown is not None
    for second in (3, 2, 1):
        countdown = replace(final.countdown, countdown=f"00:0{second}")
        stage.set_view(replace(final, countdown=countdown))
        times += run(app, stage, timer, 1.0)
    rows.append(Row("countdown: last ten seconds' pulse (3 s)", times))

    # The reveal: a laureate fades and grows in, then glows.
    stage.set_view(shown["slides-text"])
    settle(app, stage)
    reveal = shown["awards-reveal"]
    assert reveal.board is not None
    stage.set_view(replace(reveal, board=replace(reveal.board, reveal_age=None)))
    settle(app, stage)  # the scene's own fade first
    stage.set_view(replace(reveal, board=replace(reveal.board, reveal_age=0.0)))
    rows.append(Row("awards: reveal entrance (1.5 s)", run(app, stage, timer, 1.5)))
    rows.append(Row("awards: reveal glow (2 s of 10)", run(app, stage, timer, 2.0)))

    stage.set_view(shown["live"])
    settle(app, stage)
    rows.append(Row("live stream under the overlay (no transition)",
                    run(app, stage, timer, 1.0, video=frames)))
    stage.close()
    return rows


def main() -> None:
    print(f"{'while this runs (1920x1080)':<48} {'frames':>6} {'median':>7} {'p95':>7} "
          f"{'max':>7} {'>16.7':>6}")
    for motion in (True, False):
        print("with motion (the default): cross-fades, the pulse, the reveal" if motion else
              "with display.motion: false: cuts, nothing animates")
        for row in measure(motion):
            times = sorted(row.times) or [0.0]
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            over = sum(1 for t in times if t > FRAME_BUDGET_MS)
            print(f"{row.name:<48} {len(row.times):>6} {statistics.median(times):>7.2f} "
                  f"{p95:>7.2f} {max(times):>7.2f} {over:>6}")
    print(f"(paint times in ms, {os.environ.get('QT_QPA_PLATFORM')} platform, "
          f"Python {sys.version.split()[0]}; target: none over {FRAME_BUDGET_MS:.1f} ms)")


if __name__ == "__main__":
    main()
