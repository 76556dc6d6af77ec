"""The video player: libVLC behind one class, or a null player that says how to install VLC.

Nothing outside this package imports ``vlc``. ``make_player`` never raises for a missing or
broken libVLC: it returns a ``NullPlayer`` whose ``problem`` tells the host what to do.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize

from kiosk.core.media import PlayableMedia
from kiosk.player.base import PlayerBase, PlayerStats
from kiosk.player.null import NullPlayer, problem_text

if TYPE_CHECKING:
    from kiosk.player.vlcplayer import VlcPlayer

__all__ = ["NO_VLC_ENV", "NullPlayer", "PlayableMedia", "PlayerBase", "PlayerStats",
           "make_player"]

log = logging.getLogger(__name__)

# Set to 1 to get the null player without touching libVLC (tests, a machine without VLC).
NO_VLC_ENV = "WATCHPARTY_KIOSK_NO_VLC"


def make_player(render_size: QSize, **options: Any) -> VlcPlayer | NullPlayer:
    """A libVLC player rendering at ``render_size``; a NullPlayer when libVLC is unusable.

    ``options`` go to ``VlcPlayer`` (stall_after, start_timeout, offline_after,
    fresh_retries, backoff, clock, tick_ms, vlc_args, parent).
    """
    if os.environ.get(NO_VLC_ENV, "").strip() not in ("", "0"):
        return NullPlayer(render_size, problem=problem_text(f"{NO_VLC_ENV} is set"))
    try:
        # A frozen bundle loads its own libVLC, never one installed on the machine; this
        # must run before ``import vlc``. (No-op from source; raises if the bundle lacks it.)
        from kiosk.platform import vlcenv

        vlcenv.configure()
        # python-vlc loads libVLC at import; on a broken library path it may raise OSError,
        # NameError, AttributeError or NotImplementedError, or call sys.exit().
        from kiosk.player.vlcplayer import PlayerUnavailable, VlcPlayer
    except (Exception, SystemExit) as exc:
        log.warning("libVLC is not usable: %r", exc)
        return NullPlayer(render_size, problem=problem_text(_reason(exc)))
    try:
        return VlcPlayer(render_size, **options)
    except (PlayerUnavailable, OSError, AttributeError, NameError) as exc:
        log.warning("libVLC could not start: %r", exc)
        return NullPlayer(render_size, problem=problem_text(_reason(exc)))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, SystemExit):
        return "python-vlc gave up looking for the library"
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
