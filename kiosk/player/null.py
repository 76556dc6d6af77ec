"""The player used when libVLC is missing or broken: never plays, says how to install VLC."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QSize

from kiosk.core.director import Health
from kiosk.core.i18n import Words
from kiosk.core.media import PlayableMedia
from kiosk.player.base import PlayerBase, PlayerStats

VLC_SITE = "https://www.videolan.org/vlc/"


def install_hint(platform: str | None = None) -> str:
    """How to get libVLC on this kind of machine, in one sentence for the host."""
    platform = platform if platform is not None else sys.platform
    if getattr(sys, "frozen", False):
        # An installed kiosk carries its own VLC: a system VLC would not help.
        return Words("The kiosk's own copy of VLC is damaged: install the kiosk again (its "
                     "settings are kept).")
    if platform.startswith("win"):
        return Words("Install VLC 3 (64-bit) from {address} and start the kiosk again.",
                     address=VLC_SITE)
    if platform == "darwin":
        return Words("Install VLC 3 from {address} into Applications and start the kiosk "
                     "again.", address=VLC_SITE)
    return Words("Install VLC: {command} (or just {packages}), then start the kiosk again.",
                 command="sudo apt install vlc", packages="libvlc5 vlc-plugin-base")


def problem_text(reason: str, platform: str | None = None) -> str:
    """The host-facing message for a missing or broken libVLC."""
    reason = reason.strip().rstrip(".")
    if reason:
        return Words("No video: VLC could not be loaded ({reason}). {hint}", reason=reason,
                     hint=install_hint(platform))
    return Words("No video: VLC could not be loaded. {hint}", hint=install_hint(platform))


class NullPlayer(PlayerBase):
    """Same signals and methods as ``VlcPlayer``; health is always OFFLINE, frames always None."""

    def __init__(self, render_size: QSize | None = None, *, problem: str = "",
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.problem = problem or problem_text("")
        self._render_size = QSize(render_size) if render_size is not None else QSize()

    @property
    def render_size(self) -> QSize:
        return QSize(self._render_size)

    def play(self, media: PlayableMedia) -> None:
        self._media = media

    def stop(self) -> None:
        self._media = None

    def close(self) -> None:
        self._media = None

    def stats(self) -> PlayerStats:
        return PlayerStats(health=Health.OFFLINE.value, state="unavailable",
                           host=self._media.host if self._media else "", input_kbps=0.0,
                           frames_displayed=0, frames_lost=0, frames_delivered=0,
                           frames_shown=0, reconnects=0)
