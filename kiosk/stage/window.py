"""The audience window: paints the current View, cross-fades between scenes, hides the mouse."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractAnimation,
    QEasingCurve,
    QElapsedTimer,
    QRectF,
    QSize,
    Qt,
    QTimer,
    QVariantAnimation,
    Signal,
)
from PySide6.QtGui import QImage, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import QWidget

from kiosk.core.director import Scene
from kiosk.core.view import View
from kiosk.platform.windows import bring_to_front
from kiosk.stage import help as help_card
from kiosk.stage import overlay
from kiosk.stage.frame import BADGE_ROW, Frame, frame
from kiosk.stage.images import ImageCache
from kiosk.stage.scenes import ScenePainter
from kiosk.stage.scenes.awards import GLOW_END, INTRO

TRANSITION_MS = 350
# The reveal's entrance is smooth at 60 fps; its slow glow needs far fewer frames.
REVEAL_INTRO_MS = 16
REVEAL_GLOW_MS = 100


class Stage(QWidget):
    """Paints whatever View it is given; decides nothing about what the hall sees."""

    # The scene's name, at the end of every paint: lets a benchmark time keypress → pixels.
    painted = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, images: ImageCache | None = None
                 ) -> None:
        super().__init__(parent)
        # Every paint covers every pixel, so Qt need not clear the background first.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setCursor(Qt.CursorShape.BlankCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._view: View | None = None
        self._video: QImage | None = None
        self._scenes = ScenePainter(images)
        self._fade_from: QPixmap | None = None
        self._fade = QVariantAnimation(self)
        self._fade.setStartValue(1.0)
        self._fade.setEndValue(0.0)
        self._fade.setDuration(TRANSITION_MS)
        self._fade.setEasingCurve(QEasingCurve.Type.InOutQuad)
        self._fade.valueChanged.connect(self._on_fade_value_changed)
        self._fade.finished.connect(self._on_fade_finished)
        # The overlay over moving video, painted once per view change and blitted per frame.
        self._overlay_layer: QPixmap | None = None
        self._overlay_key: tuple[object, ...] | None = None
        # Extrapolates the reveal's age between the app's updates, for a smooth entrance.
        self._since_view = QElapsedTimer()
        self._since_view.start()
        self._reveal_timer = QTimer(self)
        self._reveal_timer.timeout.connect(self._on_reveal_timer_timeout)

    # ------------------------------------------------------------------ public

    @property
    def view(self) -> View | None:
        """The view being shown (None before the first ``set_view``)."""
        return self._view

    def bring_forward(self) -> None:
        """Another start of the kiosk asked for this one: out of a minimised state, on top,
        with the keyboard."""
        bring_to_front(self)

    def set_view(self, view: View) -> None:
        """Show ``view``; repaints only if it differs, cross-fading when the picture changes."""
        if view == self._view:
            return
        old = self._view
        if old is not None and _fades(old, view):
            self._start_fade()
        elif old is None or Scene.BLACKOUT in (old.scene, view.scene):
            self._stop_fade()  # blackout is instant, both ways
        self._view = view
        self._since_view.restart()
        self._schedule_reveal()
        self.update()

    def set_frame(self, image: QImage | None) -> None:
        """The player's latest frame (None: no stream yet); painted by the live scene.

        Call on the GUI thread. The stage keeps ``image`` until the next call and paints it
        as it then is, so hand over a frame whose pixels stay put (a copy, or a buffer the
        player no longer writes to).
        """
        self._video = image
        if self._view is not None and self._view.scene is Scene.LIVE:
            self.update()

    def render_image(self, size: QSize) -> QImage:
        """The current view at ``size``, without any transition in progress."""
        if size.isEmpty():
            return QImage()  # a painter on a null image only logs a warning
        image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.black)
        painter = QPainter(image)
        try:
            self._paint_view(painter, image.width(), image.height(),
                             self._reveal_age(live=False))
        finally:
            painter.end()  # an active painter outliving its device crashes Qt
        return image

    def transition_active(self) -> bool:
        """Whether a cross-fade is running."""
        return self._fade.state() == QAbstractAnimation.State.Running

    # ------------------------------------------------------------------ Qt overrides

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self._paint_screen(painter)
        finally:
            painter.end()
        self.painted.emit(self._view.scene.value if self._view is not None else "")

    # ------------------------------------------------------------------ painting

    def _paint_screen(self, painter: QPainter) -> None:
        """What the screen shows now: the view, and the fading previous picture over it."""
        self._paint_view(painter, self.width(), self.height(), self._reveal_age(live=True))
        if self._fade_from is not None and self.transition_active():
            painter.setOpacity(float(self._fade.currentValue()))
            painter.drawPixmap(0, 0, self._fade_from)
            painter.setOpacity(1.0)

    def _paint_view(self, painter: QPainter, width: int, height: int,
                    reveal_age: float | None) -> None:
        view = self._view
        fr = frame(width, height, view.overlay.position
                   if view is not None and view.overlay is not None else None)
        if view is None:
            self._scenes.paint_backdrop(painter, fr)
            return
        self._scenes.paint(painter, fr, view, video=self._video, reveal_age=reveal_age)
        if view.scene is Scene.BLACKOUT:
            return  # nothing at all over a blackout: not even the badges
        video_on = view.scene is Scene.LIVE and self._video is not None
        if video_on and view.diagnostics is None and painter.device() is self:
            # Up to 60 times a second over the stream: blit what changes once a second.
            self._blit_overlay(painter, fr, view)
        else:
            # The host's notice never covers the stream itself; the badge still says F1.
            overlay.paint(painter, fr, view, notice=not video_on)
        if view.help is not None:
            help_card.paint(painter, fr, view.help)

    def _blit_overlay(self, painter: QPainter, fr: Frame, view: View) -> None:
        dpr = self.devicePixelRatioF()
        key = (view, self.width(), self.height(), dpr)
        if key != self._overlay_key or self._overlay_layer is None:
            layer = QPixmap(QSize(round(self.width() * dpr), round(self.height() * dpr)))
            layer.setDevicePixelRatio(dpr)
            layer.fill(Qt.GlobalColor.transparent)
            layer_painter = QPainter(layer)
            try:
                overlay.paint(layer_painter, fr, view, notice=False)
            finally:
                layer_painter.end()
            self._overlay_layer, self._overlay_key = layer, key
        # Only the bar and the badge row hold pixels; blending the transparent rest of a
        # full-screen layer would cost more than the overlay itself.
        badges = QRectF(0, 0, fr.width, fr.badges_top + BADGE_ROW * fr.u)
        for area in (badges, fr.bar):
            if area is None or area.isEmpty():
                continue
            source = QRectF(area.left() * dpr, area.top() * dpr, area.width() * dpr,
                            area.height() * dpr)
            painter.drawPixmap(area, self._overlay_layer, source)

    # ------------------------------------------------------------------ transitions

    def _start_fade(self) -> None:
        # The picture on screen right now (itself maybe mid-fade) is what fades out.
        if self.width() <= 0 or self.height() <= 0:
            self._stop_fade()  # nothing on screen to fade from
            return
        dpr = self.devicePixelRatioF()
        snapshot = QPixmap(QSize(round(self.width() * dpr), round(self.height() * dpr)))
        snapshot.setDevicePixelRatio(dpr)
        painter = QPainter(snapshot)
        try:
            self._paint_screen(painter)
        finally:
            painter.end()
        self._fade.stop()
        self._fade_from = snapshot
        self._fade.start()

    def _stop_fade(self) -> None:
        self._fade.stop()
        self._fade_from = None

    def _on_fade_value_changed(self, value: object) -> None:
        del value
        self.update()

    def _on_fade_finished(self) -> None:
        self._fade_from = None
        self.update()

    # ------------------------------------------------------------------ award reveal

    def _reveal_age(self, *, live: bool) -> float | None:
        board = self._view.board if self._view is not None else None
        if board is None or board.reveal_age is None:
            return None
        if not live:
            return board.reveal_age
        return board.reveal_age + self._since_view.elapsed() / 1000

    def _schedule_reveal(self) -> None:
        age = self._reveal_age(live=True)
        if age is None or age >= GLOW_END:
            self._reveal_timer.stop()
            return
        interval = REVEAL_INTRO_MS if age < INTRO else REVEAL_GLOW_MS
        if not self._reveal_timer.isActive() or self._reveal_timer.interval() != interval:
            self._reveal_timer.start(interval)

    def _on_reveal_timer_timeout(self) -> None:
        self.update()
        self._schedule_reveal()


def _fades(old: View, new: View) -> bool:
    """Whether going from ``old`` to ``new`` cross-fades (a blackout never does)."""
    if Scene.BLACKOUT in (old.scene, new.scene):
        return False
    if old.scene is not new.scene:
        return True
    if new.scene is Scene.SLIDES and old.slide is not None and new.slide is not None:
        return new.slide.fade and old.slide.index != new.slide.index
    return False
