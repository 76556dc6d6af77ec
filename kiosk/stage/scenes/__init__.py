"""The scenes: each paints one kind of ``View`` into a frame; the overlay goes on top."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter

from kiosk.core.director import Scene
from kiosk.core.view import View
from kiosk.stage.frame import Frame
from kiosk.stage.images import ImageCache
from kiosk.stage.scenes import announce, awards, backdrop, countdown, live, logo, slides


class ScenePainter:
    """Paints a view's scene (everything under the overlay), keeping what is costly to make."""

    def __init__(self, images: ImageCache | None = None) -> None:
        self._images = images if images is not None else ImageCache()
        self._logo_path: Path | None = None
        self._picture: Path | None = None

    def set_pictures(self, logo_path: Path | None, background: Path | None) -> None:
        """The theme's logo (on the countdown and closing screens) and background picture."""
        self._logo_path, self._picture = logo_path, background

    def paint_backdrop(self, painter: QPainter, fr: Frame) -> None:
        """The empty background (before there is any view)."""
        backdrop.paint(painter, fr, self._picture)

    def paint(self, painter: QPainter, fr: Frame, view: View, *, video: QImage | None = None,
              reveal_age: float | None = None, pulse: float | None = None,
              motion: bool = True) -> None:
        """Paint ``view.scene`` over the whole frame; ``video`` is the live scene's frame,
        ``pulse`` how far the countdown's last-ten-seconds pulse has got."""
        scene = view.scene
        if scene is Scene.BLACKOUT:
            painter.fillRect(fr.full, Qt.GlobalColor.black)
            return
        if scene is Scene.LIVE and video is not None and not video.isNull():
            live.paint_video(painter, fr, video)
            return
        self.paint_backdrop(painter, fr)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        if scene is Scene.COUNTDOWN and view.countdown is not None:
            countdown.paint(painter, fr, view.countdown, pulse=pulse, motion=motion,
                            logo=self._logo())
        elif scene is Scene.LIVE:
            live.paint_placeholder(painter, fr, view.live_title, view.live_waiting)
        elif scene is Scene.SLIDES and view.slide is not None:
            self._paint_slide(painter, fr, view, reveal_age)
        elif scene is Scene.AWARDS and view.board is not None:
            awards.paint(painter, fr.content, view.board, fr.u, reveal_age)
        elif scene is Scene.MESSAGE:
            announce.paint_message(painter, fr, view.message)
        elif scene is Scene.CLOSING and view.closing is not None:
            announce.paint_closing(painter, fr, view.closing, logo=self._logo())

    def _logo(self) -> logo.Logo | None:
        return (logo.Logo(self._logo_path, self._images) if self._logo_path is not None
                else None)

    def _paint_slide(self, painter: QPainter, fr: Frame, view: View,
                     reveal_age: float | None) -> None:
        slide = view.slide
        assert slide is not None
        match slide.kind:
            case "board" if view.board is not None:
                awards.paint(painter, fr.content, view.board, fr.u, reveal_age)
            case "quote":
                slides.paint_quote(painter, fr, slide)
            case "image":
                slides.paint_image(painter, fr, slide, self._images)
            case "qr":
                slides.paint_qr(painter, fr, slide, self._images)
            case _:
                slides.paint_text(painter, fr, slide)
