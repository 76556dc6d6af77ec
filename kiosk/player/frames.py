"""Video frames between libVLC's vout thread and the GUI: three fixed buffers, no copies.

libVLC's video callbacks (format, lock, display, cleanup) run on its vout thread. They
only touch this object's buffers and counters under a ``threading.Lock``: they never call
Qt or libVLC, never log (logging would register libVLC's threads with ``threading``), and
never raise: an exception in a ctypes callback is printed and swallowed, and after a failed
lock libVLC would write through garbage (notes/vlc-and-youtube.md §2.3).

Triple buffering: libVLC writes one buffer, the GUI holds the newest complete one, and the
third is free, so a lock always finds a buffer that nobody reads. Every buffer is the render
size; the picture goes into a centred rectangle of its own aspect and the bars stay black,
so the GUI wraps a buffer in a QImage once and never copies or scales a frame.
"""

from __future__ import annotations

import contextlib
import ctypes
import threading

from PySide6.QtGui import QImage

from kiosk.core.media import (
    PAD_HEIGHT,
    PAD_WIDTH,
    Placement,
    place,
    render_size,
    visible_size,
)

COUNT = 3
# RV32 is QImage.Format_RGB32 on a little-endian machine: bytes B, G, R, 0xff.
CHROMA = b"RV32"
BLACK_PIXEL = b"\x00\x00\x00\xff"
ALIGNMENT = 32  # libVLC wants each plane 32-byte aligned

# libVLC's callback prototypes. python-vlc declares the format callback's chroma as c_char_p,
# which Python receives as an immutable bytes copy, so the chroma cannot be set
# (python-vlc#294): ours takes POINTER(c_char); the player hands it over with a prototype of
# its own.
FormatCb = ctypes.CFUNCTYPE(ctypes.c_uint, ctypes.POINTER(ctypes.c_void_p),
                            ctypes.POINTER(ctypes.c_char), ctypes.POINTER(ctypes.c_uint),
                            ctypes.POINTER(ctypes.c_uint), ctypes.POINTER(ctypes.c_uint),
                            ctypes.POINTER(ctypes.c_uint))
CleanupCb = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
LockCb = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p))
DisplayCb = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)


class AspectHints:
    """True display aspects learnt for visible picture sizes; shared by successive buffers.

    Keyed by the visible size, and looked up by any padded size that could hold it: libVLC
    negotiates the same picture at several sizes (hardware probes at the exact size, then
    the decoder's padded one), and the truth may arrive between them.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._aspects: dict[tuple[int, int], float] = {}

    def get(self, coded: tuple[int, int]) -> float | None:
        """The aspect learnt for a visible size that ``coded`` could be the padding of."""
        width, height = coded
        with self._lock:
            fits = [(width - w + height - h, aspect) for (w, h), aspect in self._aspects.items()
                    if 0 <= width - w <= PAD_WIDTH and 0 <= height - h <= PAD_HEIGHT]
        return min(fits)[1] if fits else None

    def set(self, visible: tuple[int, int], aspect: float) -> None:
        with self._lock:
            self._aspects[visible] = aspect


class FrameBuffers:
    """The render-size buffers, libVLC's callbacks into them and the GUI's view of them."""

    def __init__(self, width: int, height: int, hints: AspectHints | None = None) -> None:
        self.width, self.height = render_size(width, height)
        self.hints = hints if hints is not None else AspectHints()
        self.pitch = self.width * 4
        # One spare row: a plane copy that ends a row past the picture stays inside.
        size = self.pitch * (self.height + 1)
        self._arrays: list[ctypes.Array[ctypes.c_ubyte]] = []
        self._addresses: list[int] = []
        self._images: list[QImage] = []
        for _ in range(COUNT):
            array = (ctypes.c_ubyte * (size + ALIGNMENT))()
            offset = -ctypes.addressof(array) % ALIGNMENT
            # The QImage keeps the memoryview, and so the memory, alive as long as anyone
            # (the stage, say) still holds the image: painting it after close() is safe.
            view = memoryview(array).cast("B")[offset:offset + size]
            self._arrays.append(array)
            self._addresses.append(ctypes.addressof(array) + offset)
            self._images.append(QImage(view, self.width, self.height, self.pitch,
                                       QImage.Format.Format_RGB32))
        self._black_row = (ctypes.c_ubyte * self.pitch).from_buffer_copy(
            BLACK_PIXEL * self.width)
        for index in range(COUNT):
            self._clear(index)

        self._lock = threading.Lock()
        # Guarded by _lock: shared between the vout thread and the GUI thread.
        self._newest = -1  # the latest complete buffer
        self._held = -1  # the buffer the GUI shows
        self._sequence = 0  # complete frames so far
        self._taken = 0  # the sequence number the GUI last took
        self._generation = 0  # bumped by each format negotiation
        self._cleared = [0] * COUNT  # the generation each buffer's bars were drawn for
        self._placement = Placement(0, 0, self.width, self.height)
        self._offset = 0
        self._coded: tuple[int, int] | None = None
        self._next = 0
        # Counters read by the GUI (ints: a torn read is impossible under the GIL).
        self.shown = 0
        self.skipped = 0
        self.callback_errors = 0
        self.negotiations = 0

        # Kept for as long as this object lives: libVLC holds their addresses.
        self.format_cb = FormatCb(self._on_format)
        self.cleanup_cb = CleanupCb(self._on_cleanup)
        self.lock_cb = LockCb(self._on_lock)
        self.display_cb = DisplayCb(self._on_display)

    # ------------------------------------------------------------------ GUI side

    @property
    def delivered(self) -> int:
        """Complete frames libVLC has handed over so far."""
        return self._sequence

    @property
    def placement(self) -> Placement:
        """Where the picture currently goes in the render box."""
        with self._lock:
            return self._placement

    @property
    def coded_size(self) -> tuple[int, int] | None:
        """The (padded) picture size of the latest format negotiation."""
        with self._lock:
            return self._coded

    def take(self) -> bool:
        """Hold the newest complete frame for painting; False when there is nothing new."""
        with self._lock:
            if self._sequence == self._taken or self._newest < 0:
                return False
            self.skipped += self._sequence - self._taken - 1
            self._taken = self._sequence
            self._held = self._newest
        self.shown += 1
        return True

    def image(self) -> QImage | None:
        """The held frame, wrapping its buffer (no copy); None when nothing is held."""
        held = self._held
        return self._images[held] if held >= 0 else None

    def drop(self) -> None:
        """Show nothing until the next new frame (a new source, a failure, a stop)."""
        with self._lock:
            self._held = -1
            self._newest = -1
            self._taken = self._sequence

    def placement_for(self, coded: tuple[int, int]) -> Placement:
        """Where a picture negotiated at ``coded`` goes: the hinted aspect, else a guess."""
        aspect = self.hints.get(coded)
        if aspect is None:
            width, height = visible_size(*coded)
            aspect = width / height
        return place(aspect, self.width, self.height)

    def unbind(self) -> None:
        """Drop the ctypes callbacks once no libVLC player can call them (player released).

        They refer back to this object; without them the buffers go as soon as no QImage
        of theirs is held.
        """
        self.format_cb = self.cleanup_cb = self.lock_cb = self.display_cb = None

    # ------------------------------------------------------------------ vout thread

    def _on_format(self, opaque: object, chroma: object, width: object, height: object,
                   pitches: object, lines: object) -> int:
        try:
            coded = (int(width[0]), int(height[0]))  # type: ignore[index]
            try:
                placement = self.placement_for(coded)
            except Exception:
                placement = Placement(0, 0, self.width, self.height)
            with self._lock:
                self._placement = placement
                self._offset = placement.y * self.pitch + placement.x * 4
                self._coded = coded
                self._generation += 1
            self.negotiations += 1
            ctypes.memmove(chroma, CHROMA, 4)  # type: ignore[call-overload]
            width[0] = placement.width  # type: ignore[index]
            height[0] = placement.height  # type: ignore[index]
            pitches[0] = self.pitch  # type: ignore[index]
            lines[0] = placement.height  # type: ignore[index]
            return 1  # one picture at a time: lock, write, display
        except BaseException:
            self.callback_errors += 1
            return 0  # libVLC gives up on this video output rather than crash

    def _on_cleanup(self, opaque: object) -> None:
        return None

    def _on_lock(self, opaque: object, planes: object) -> int:
        try:
            with self._lock:
                index = self._free()
                generation = self._generation
                stale = self._cleared[index] != generation
                offset = self._offset
            if stale:  # nobody reads this buffer now: redraw its bars for the new shape
                self._clear(index)
                self._cleared[index] = generation
            planes[0] = self._addresses[index] + offset  # type: ignore[index]
            return index + 1
        except BaseException:
            self.callback_errors += 1
            with contextlib.suppress(BaseException):
                planes[0] = self._addresses[COUNT - 1]  # type: ignore[index]
            return COUNT

    def _on_display(self, opaque: object, picture: object) -> None:
        try:
            index = (picture if isinstance(picture, int) else 0) - 1
            if 0 <= index < COUNT:
                with self._lock:
                    self._newest = index
                    self._sequence += 1
        except BaseException:
            self.callback_errors += 1

    def _free(self) -> int:
        """A buffer that is neither the newest complete one nor the GUI's (call under _lock)."""
        for step in range(COUNT):
            index = (self._next + step) % COUNT
            if index != self._newest and index != self._held:
                self._next = (index + 1) % COUNT
                return index
        return (self._held + 1) % COUNT  # unreachable with three buffers

    def _clear(self, index: int) -> None:
        """Paint buffer ``index`` opaque black, doubling the copied rows each step."""
        base = self._addresses[index]
        ctypes.memmove(base, self._black_row, self.pitch)
        done = 1
        while done < self.height:
            rows = min(done, self.height - done)
            ctypes.memmove(base + done * self.pitch, base, rows * self.pitch)
            done += rows
