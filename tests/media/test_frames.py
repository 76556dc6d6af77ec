"""The triple buffer, driven through its real ctypes callbacks the way libVLC's vout thread
drives it, without libVLC: which buffer is handed out, the bars, and callbacks that never
raise whatever they are given."""

from __future__ import annotations

import ctypes
import random

from kiosk.core.media import Placement
from kiosk.player.frames import COUNT, FrameBuffers

W, H = 640, 360
BLACK = 0xFF000000


def negotiate(frames: FrameBuffers, width: int, height: int,
              chroma: bytes = b"I420") -> tuple[int, bytes, int, int, int, int]:
    """Call the format callback as libVLC does; what it answered."""
    name = ctypes.create_string_buffer(chroma, 5)
    values = [ctypes.c_uint(width), ctypes.c_uint(height), ctypes.c_uint(0), ctypes.c_uint(0)]
    answer = frames.format_cb(None, ctypes.cast(name, ctypes.POINTER(ctypes.c_char)),
                              *(ctypes.pointer(v) for v in values))
    return (answer, name.raw[:4], *(v.value for v in values))


def lock(frames: FrameBuffers) -> tuple[int, int]:
    planes = (ctypes.c_void_p * 3)()
    picture = frames.lock_cb(None, planes)
    return picture, planes[0]


def paint(address: int, placement: Placement, pitch: int, byte: int) -> None:
    """Write a picture the way libVLC does: ``placement.height`` rows from the plane."""
    for row in range(placement.height):
        ctypes.memset(address + row * pitch, byte, placement.width * 4)


def test_buffers_start_black_and_wrap_the_render_size(qapp):
    frames = FrameBuffers(W, H)
    assert (frames.width, frames.height, frames.pitch) == (W, H, W * 4)
    assert frames.image() is None
    assert all(image.size().toTuple() == (W, H) for image in frames._images)
    assert all(image.pixel(5, 5) == BLACK for image in frames._images)
    assert all(address % 32 == 0 for address in frames._addresses)


def test_the_format_callback_asks_for_rv32_in_a_placed_rectangle(qapp):
    frames = FrameBuffers(W, H)
    assert negotiate(frames, 320, 258) == (1, b"RV32", 480, 360, W * 4, 360)  # 4:3
    assert frames.placement == Placement(80, 0, 480, 360)
    assert frames.coded_size == (320, 258)
    assert negotiate(frames, 640, 386)[2:] == (640, 360, W * 4, 360)  # 16:9
    assert frames.placement == Placement(0, 0, W, H)


def test_a_hint_overrides_the_guess_at_any_padding_of_its_size(qapp):
    frames = FrameBuffers(W, H)
    frames.hints.set((320, 240), 16 / 9)  # learnt from libVLC's track info
    for coded in ((320, 240), (320, 258)):  # a hardware probe's size, the decoder's
        negotiate(frames, *coded)
        assert frames.placement == Placement(0, 0, W, H)
    negotiate(frames, 640, 386)  # another picture size: guessed as usual
    assert frames.placement == Placement(0, 0, W, H)
    negotiate(frames, 320, 300)  # not a padding of 320x240: guessed (4:3 fits)
    assert frames.placement.width < W


def test_a_frame_goes_from_lock_to_display_to_the_gui(qapp):
    frames = FrameBuffers(W, H)
    negotiate(frames, 320, 258)
    picture, plane = lock(frames)
    index = picture - 1
    assert plane == frames._addresses[index] + 80 * 4  # the picture's left edge
    paint(plane, frames.placement, frames.pitch, 0x7F)
    assert not frames.take()  # not displayed yet
    frames.display_cb(None, picture)
    assert frames.take()
    image = frames.image()
    assert image is frames._images[index]
    assert image.pixel(80, 0) == 0xFF7F7F7F  # RGB32 reads as opaque whatever the X byte
    assert image.pixel(79, 0) == BLACK and image.pixel(560, 359) == BLACK
    assert frames.delivered == 1 and frames.shown == 1


def test_the_buffer_handed_out_is_never_the_one_the_gui_holds_or_the_newest(qapp):
    frames = FrameBuffers(W, H)
    negotiate(frames, 640, 386)
    rng = random.Random(11)
    for _ in range(2000):
        picture, _ = lock(frames)
        index = picture - 1
        assert index != frames._held and index != frames._newest
        if rng.random() < 0.9:
            frames.display_cb(None, picture)  # sometimes libVLC drops a late picture
        if rng.random() < 0.5:
            frames.take()
    assert frames.callback_errors == 0


def test_skipped_frames_are_counted(qapp):
    frames = FrameBuffers(W, H)
    negotiate(frames, 640, 386)
    for _ in range(5):
        picture, _ = lock(frames)
        frames.display_cb(None, picture)
    assert frames.take() and frames.skipped == 4
    assert not frames.take()


def test_a_new_shape_redraws_the_bars_of_each_buffer_before_it_is_written(qapp):
    frames = FrameBuffers(W, H)
    negotiate(frames, 640, 386)  # full width: paint every buffer white
    for _ in range(COUNT):
        picture, plane = lock(frames)
        paint(plane, frames.placement, frames.pitch, 0xFF)
        frames.display_cb(None, picture)
        frames.take()
    negotiate(frames, 320, 258)  # now 4:3: bars of 80 px
    for _ in range(COUNT):
        picture, plane = lock(frames)
        image = frames._images[picture - 1]
        assert image.pixel(0, 100) == BLACK and image.pixel(639, 100) == BLACK
        frames.display_cb(None, picture)
        frames.take()


def test_drop_shows_nothing_until_a_new_frame(qapp):
    frames = FrameBuffers(W, H)
    negotiate(frames, 640, 386)
    picture, _ = lock(frames)
    frames.display_cb(None, picture)
    frames.take()
    frames.drop()
    assert frames.image() is None and not frames.take()


def test_callbacks_never_raise_on_garbage(qapp):
    """libVLC would crash on a failed lock, and ctypes prints what a callback raises."""
    frames = FrameBuffers(W, H)
    assert frames.format_cb(None, None, None, None, None, None) == 0  # NULL everything
    assert frames.lock_cb(None, None) == COUNT  # NULL planes: still answers
    frames.display_cb(None, None)
    frames.display_cb(None, 99)
    frames.cleanup_cb(None)
    assert frames.callback_errors == 2
    assert frames.delivered == 0


def test_unbind_drops_the_callbacks(qapp):
    frames = FrameBuffers(W, H)
    frames.unbind()
    assert frames.lock_cb is None and frames.format_cb is None
