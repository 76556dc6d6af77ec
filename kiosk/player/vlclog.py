"""libVLC's log, read for what the kiosk must act on and never printed.

Without a sound device (a PC with no sound card, a TV switched off that took its HDMI audio
with it), libVLC tries to open an audio output for every block of sound it decodes, about
fifty times a second, and ALSA prints eight lines each time: 20 MB of errors in ten
minutes. The kiosk hears of it here: libVLC's log goes to this callback instead of stderr,
and the callback only counts the messages that say an audio output could not be made
(matched on their format strings, which libVLC passes unformatted). The player reads the
count on its own tick and plays on without sound until a device is back.

The callback runs on libVLC's threads: it never raises, never calls Qt or libVLC, and only
bumps a counter under a lock.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys
import threading
from typing import Any

import vlc

log = logging.getLogger(__name__)

LIBVLC_ERROR = 4  # libvlc_log_level: DEBUG 0, NOTICE 2, WARNING 3, ERROR 4
# The formats of libVLC 3's messages when an audio output cannot be opened (decoder.c,
# aout/output.c): the decoder's is logged once per try.
AUDIO_FAILURES = (b"failed to create audio output", b"Audio output failed")


class VlcLog:
    """Counts libVLC's "no audio output" errors; everything else libVLC logs is dropped."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._audio_failures = 0
        self._callback: Any = vlc.CallbackDecorators.LogCb(self._on_log)
        self._instance: Any = None

    def attach(self, instance: Any) -> None:
        """Take ``instance``'s log (until ``detach``, which must come before its release)."""
        vlc.libvlc_log_set(instance, self._callback, None)
        self._instance = instance

    def detach(self) -> None:
        if self._instance is not None:
            vlc.libvlc_log_unset(self._instance)
            self._instance = None

    def audio_failures(self) -> int:
        """How many times an audio output could not be made, so far."""
        with self._lock:
            return self._audio_failures

    def _on_log(self, data: object, level: int, ctx: object, fmt: bytes | None,
                args: object) -> None:
        try:
            if level >= LIBVLC_ERROR and fmt in AUDIO_FAILURES:
                with self._lock:
                    self._audio_failures += 1
        except BaseException:  # never into libVLC
            pass


def silence_alsa() -> None:
    """Keep ALSA's own error lines (eight for every failed try to open a device) off stderr;
    the kiosk says once, in its own words, that there is no sound. Linux only; a no-op
    where ALSA is not there."""
    if not sys.platform.startswith("linux"):
        return
    global _alsa_handler
    if _alsa_handler is not None:
        return
    name = ctypes.util.find_library("asound") or "libasound.so.2"
    try:
        alsa = ctypes.CDLL(name)
        setter = alsa.snd_lib_error_set_handler
    except (OSError, AttributeError):
        return
    # snd_lib_error_handler_t(file, line, function, err, fmt, ...): the fixed arguments are
    # enough to ignore the call.
    handler_type = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                                    ctypes.c_int, ctypes.c_char_p)
    _alsa_handler = handler_type(_ignore)
    setter.argtypes = (handler_type,)
    if setter(_alsa_handler) != 0:
        log.info("ALSA's error output could not be redirected")


def _ignore(*_args: object) -> None:
    return None


_alsa_handler: Any = None
