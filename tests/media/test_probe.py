"""The setup's look at a pasted stream address: what it is, in the background, and a frame
from it when it plays, through the real resolver and libVLC on loopback media."""

from __future__ import annotations

from PySide6.QtGui import QColor

from kiosk.operator.probe import StreamKind, StreamProbe


def make_probe(qtbot):
    probe = StreamProbe()
    return probe


def mostly_blue(image) -> bool:
    """The test clips are one blue (0x2080ff); a black or blank frame is not."""
    samples = [QColor(image.pixel(x, y)) for x in range(0, image.width(), 16)
               for y in range(0, image.height(), 16)]
    blue = [c for c in samples if c.blue() > 180 and c.red() < 90]
    return len(blue) > len(samples) // 2


def test_a_video_file_is_named_and_previewed(qtbot, clips):
    probe = make_probe(qtbot)
    with qtbot.waitSignal(probe.probed, timeout=5000) as verdict:
        probe.probe(str(clips.blue))
    assert verdict.args[0].kind is StreamKind.FILE
    assert "blue.mp4" in str(verdict.args[0].words)
    with qtbot.waitSignal(probe.previewed, timeout=20000) as frame:
        pass
    assert mostly_blue(frame.args[0])
    probe.close()


def test_a_loopback_live_hls_plays_and_is_previewed(qtbot, hls):
    probe = make_probe(qtbot)
    with qtbot.waitSignal(probe.previewed, timeout=30000) as frame:
        probe.probe(hls.url)
    assert mostly_blue(frame.args[0])
    probe.close()


def test_an_address_that_answers_404_is_said_to_be_unreachable(qtbot, hls):
    hls.fault("404")
    probe = make_probe(qtbot)
    with qtbot.waitSignal(probe.probed, timeout=30000,
                          check_params_cb=lambda v: v.kind is not StreamKind.PLAYS) as verdict:
        probe.probe(hls.url)
    assert verdict.args[0].kind in (StreamKind.UNREACHABLE, StreamKind.NOT_A_STREAM)
    assert "404" in str(verdict.args[0].words) or "not" in str(verdict.args[0].words).lower()
    probe.close()


def test_a_file_that_is_not_there_is_not_a_stream(qtbot, tmp_path):
    probe = make_probe(qtbot)
    with qtbot.waitSignal(probe.probed, timeout=5000) as verdict:
        probe.probe(str(tmp_path / "gone.mp4"))
    assert verdict.args[0].kind is StreamKind.NOT_A_STREAM
    probe.close()


def test_a_second_address_supersedes_the_first(qtbot, hls, tmp_path):
    """The live address is still being looked at when the host pastes another: only the
    later one's answer comes, and no picture from the first."""
    probe = make_probe(qtbot)
    seen = []
    probe.probed.connect(lambda v: seen.append(v))
    probe.probe(hls.url)
    with qtbot.assertNotEmitted(probe.previewed, wait=4000):
        probe.probe(str(tmp_path / "gone.mp4"))
    assert [v.kind for v in seen] == [StreamKind.NOT_A_STREAM]
    probe.close()
