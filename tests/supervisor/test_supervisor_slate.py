"""The supervisor's slate without a real screen: what it says and in which language and
colours (drawn offscreen, its text recorded as the TV tests record the stage's), and that it
goes with the supervisor, and that the supervisor supervises without one when it cannot run.

The slate on a real X screen under a window manager, and the gap it leaves when a kiosk is
killed, are in test_supervisor_slate_x11.py.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage, QPainter
from supervised import Supervised, event_now, stop_supervisor, wait_until

from kiosk import slate
from kiosk.core import lastgood, palette, paths
from kiosk.core.screens import ScreenInfo, StageScreen, stage_screen_index
from kiosk.core.slate import CANNOT_RUN, SlateText, neutral, slate_text
from kiosk.stage import drawn
from kiosk.supervisor import slate_command

pytestmark = pytest.mark.skipif(os.name != "posix",
                                reason="kills and stops the kiosk with POSIX signals")


def themed(folder: Path, languages: str, title: str = "Зала салідарнасці") -> Path:
    """A config in ``languages`` with a title in Belarusian and German, and its own colours."""
    path = event_now(folder)
    text = path.read_text(encoding="utf-8").replace(
        "  title: Supervised watch party\n",
        f"  title:\n    be: {title}\n    de: Solidaritätssaal\n")
    text += (f"languages: [{languages}]\n"
             "theme:\n  accent: '#2a9d8f'\n  background: '#1d3557'\n  text: '#f1faee'\n")
    path.write_text(text, encoding="utf-8")
    return path


def drawn_on_slate(said: SlateText, size: tuple[int, int] = (1920, 1080)):
    """The slate's picture and every text it drew, as the TV sees it."""
    image = QImage(*size, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    try:
        with drawn.recording() as record:
            slate.paint(painter, *size, said)
    finally:
        painter.end()
    return image, record.texts


def test_the_slate_says_the_events_title_and_back_in_a_moment_in_the_halls_language(
        qapp, tmp_path):
    said = slate_text(themed(tmp_path, "be"))
    image, texts = drawn_on_slate(said)
    assert [t.text for t in texts] == ["Зала салідарнасці", "Хутка вернемся"]
    title, words = texts
    colours, _ = palette.derive("#2a9d8f", "#1d3557", "#f1faee")
    assert title.colour == QColor(colours.text)
    assert words.colour == QColor(colours.accent_text)
    assert not any(t.cut or t.overflow for t in texts)
    # Inside the TV's safe area, the title over the words, the pair centred.
    for t in texts:
        assert t.rect.left() >= 1920 * 0.05 and t.rect.right() <= 1920 * 0.95
    assert title.rect.bottom() <= words.rect.top()
    middle = (title.rect.top() + words.rect.bottom()) / 2
    assert abs(middle - 540) < 1080 * 0.05
    assert title.px > words.px >= 1080 * 0.035  # read from the back of the hall
    # The theme's background, not a black screen, behind it all.
    corner = image.pixelColor(5, 5)
    assert abs(corner.red() - QColor(colours.background_top).red()) < 12
    assert abs(corner.blue() - QColor(colours.background_top).blue()) < 12


def test_a_second_language_and_the_kiosks_own_lang_are_followed(qapp, tmp_path):
    config = themed(tmp_path, "de, be")
    _image, texts = drawn_on_slate(slate_text(config))
    assert [t.text for t in texts] == ["Solidaritätssaal", "Gleich geht es weiter",
                                       "Хутка вернемся"]
    # --lang (the kiosk's own arguments) wins over the config, as it does for the stage.
    options = slate.options(["--config", str(config), "--lang", "be-Latn", "--exit-after",
                             "5", "--windowed"])
    said = slate_text(options.config, options.lang)
    assert said.words == ("Chutka vierniemsia",)
    assert options.windowed and options.screen is None


def test_a_broken_config_shows_its_last_good_copy_or_a_neutral_slate(qapp, tmp_path):
    config = themed(tmp_path, "pl")
    assert lastgood.remember(config, paths.state_dir()) == ""
    config.write_text(config.read_text(encoding="utf-8") + "nonsense: [\n", encoding="utf-8")
    said = slate_text(config)
    assert (said.title, said.words) == ("Зала салідарнасці", ("Zaraz wracamy",))

    other = tmp_path / "never-good.yaml"
    other.write_text("event: [\n", encoding="utf-8")
    _image, texts = drawn_on_slate(slate_text(other))
    assert [t.text for t in texts] == ["Back in a moment"]
    assert slate_text(other, ("uk",)) == neutral(("uk",))
    assert neutral(("uk",)).words == ("Незабаром повернемося",)


def test_the_slate_finds_the_stages_screen_by_name_else_by_geometry():
    screens = [ScreenInfo("eDP-1", primary=True), ScreenInfo("HDMI-1")]
    geometries = [(0, 0, 1920, 1080), (1920, 0, 1920, 1080)]
    told = StageScreen("HDMI-1", 1920, 0, 1920, 1080)
    assert stage_screen_index(screens, geometries, told) == 1
    renamed = StageScreen("HDMI-2", 1920, 0, 1920, 1080)  # the same output, named anew
    assert stage_screen_index(screens, geometries, renamed) == 1
    assert stage_screen_index(screens, geometries, StageScreen("DP-3", 0, 0, 800, 600)) is None
    assert StageScreen.from_json(told.to_json()) == told
    assert StageScreen.from_json('{"name": "HDMI-1", "x": 0') is None  # half written


def test_the_slate_is_this_kiosk_in_slate_mode_frozen_or_not(monkeypatch):
    """A bundle has no Python to run ``-m kiosk`` with: its own executable is the slate."""
    args = ["run", "--config", "event.yaml", "--lang", "be"]
    assert slate_command(args) == [sys.executable, "-m", "kiosk", "--slate", "--config",
                                   "event.yaml", "--lang", "be"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert slate_command(args) == [sys.executable, "--slate", "--config", "event.yaml",
                                   "--lang", "be"]


# ---------------------------------------------------------------------- the processes


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for the screen; only its parent has not asked for its status yet.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_the_slate_comes_first_and_goes_when_the_host_quits(tmp_path, supervise):
    kiosk = supervise("--config", str(event_now(tmp_path)), "--exit-after", "3")
    assert kiosk.process.wait(30) == 0
    log = kiosk.log()
    (slate_pid,) = kiosk.slate_pids()
    # On screen before the kiosk starts, so the stage maps over it.
    assert log.index("slate: on screen") < log.index("start 1: pid")
    assert not alive(slate_pid), kiosk.show()


def test_a_killed_supervisor_does_not_leave_its_slate_behind(tmp_path, supervise):
    kiosk = supervise("--config", str(event_now(tmp_path)))
    kiosk.running(1)
    (slate_pid,) = kiosk.slate_pids()
    assert alive(slate_pid)
    kiosk.process.send_signal(signal.SIGKILL)
    kiosk.process.wait(10)
    # Its pipe closed with the supervisor: the slate ends at once (no polling on its side).
    wait_until(lambda: not alive(slate_pid), 3, "the slate gone with its supervisor",
               kiosk.show)


def test_a_dead_slate_comes_back_between_kiosks_never_over_a_running_stage(tmp_path,
                                                                          supervise):
    kiosk = supervise("--config", str(event_now(tmp_path)))
    first_kiosk = kiosk.running(1)
    (slate_pid,) = kiosk.slate_pids()
    os.kill(slate_pid, signal.SIGKILL)
    wait_until(lambda: f"slate: pid {slate_pid} ended (signal SIGKILL)" in kiosk.log(), 5,
               "the slate's end noticed", kiosk.show)
    assert kiosk.slate_pids() == [slate_pid]  # not while the kiosk runs: it would map above
    os.kill(first_kiosk, signal.SIGKILL)
    kiosk.running(2)
    log = kiosk.log()
    second_slate = kiosk.slate_pids()[1]
    assert log.index(f"slate: pid {second_slate}") < log.index("start 2: pid")
    assert alive(second_slate)


# A supervisor whose slate is another program: one that cannot run here, as the real one
# says when there is no Qt or no display, or one that does not exist.
DRIVER = textwrap.dedent("""
    import json, sys
    from kiosk.supervisor import supervise
    slate = json.loads(sys.argv[1])
    sys.exit(supervise(sys.argv[2:], slate=slate))
""")


@pytest.mark.parametrize("slate_command, said", [
    ([sys.executable, "-c",
      f"import sys; print('no display', file=sys.stderr); sys.exit({CANNOT_RUN})"],
     "slate: cannot run here: no display"),
    (["/nonexistent/watchparty-kiosk"], "slate: cannot start /nonexistent/watchparty-kiosk"),
], ids=["cannot-run", "missing"])
def test_without_a_slate_the_supervisor_still_supervises(tmp_path, slate_command, said):
    events, output = tmp_path / "events.jsonl", tmp_path / "driver-output.txt"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WATCHPARTY_KIOSK_NO_VLC": "1"}
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-c", DRIVER, json.dumps(slate_command), "--config",
             str(event_now(tmp_path)), "--windowed", "--event-log", str(events)],
            env=env, stdout=sink, stderr=subprocess.STDOUT)
    supervised = Supervised(process, events, paths.log_dir(), output)
    try:
        first_kiosk = supervised.running(1)
        assert said in supervised.log()
        assert "supervising without a slate" in supervised.log()
        os.kill(first_kiosk, signal.SIGKILL)  # and it still brings the kiosk back
        supervised.running(2)
        # Said once, and not tried again.
        assert supervised.log().count("supervising without a slate") == 1
        assert len(supervised.slate_pids()) <= 1
    finally:
        stop_supervisor(supervised)
    assert supervised.process.returncode == 0
