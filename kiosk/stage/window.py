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

from kiosk.core import palette
from kiosk.core.config import Display, Theme
from kiosk.core.director import Scene
from kiosk.core.view import View
from kiosk.platform.windows import bring_to_front
from kiosk.stage import drawn, overlay, sprites, theme
from kiosk.stage import help as help_card
from kiosk.stage.frame import BAR_HEIGHT, Frame, frame
from kiosk.stage.images import ImageCache
from kiosk.stage.scenes import ScenePainter
from kiosk.stage.scenes.awards import GLOW_END, INTRO
from kiosk.stage.scenes.countdown import PULSE_S, final_seconds

TRANSITION_MS = 350
OPAQUE = 0.999  # a fading picture this opaque hides everything under it
# The reveal's entrance and the countdown's pulse are smooth at 60 fps; the reveal's slow
# glow needs far fewer frames.
ANIMATION_MS = 16
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
        self._fade_buffers: list[QPixmap] = []
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
        self._overlay_areas: list[QRectF] = []
        # Extrapolates the reveal's age between the app's updates, for a smooth entrance.
        self._since_view = QElapsedTimer()
        self._since_view.start()
        # The countdown's pulse starts with each new second, whatever else the view changes.
        self._since_digits = QElapsedTimer()
        self._since_digits.start()
        self._reveal_timer = QTimer(self)
        self._reveal_timer.timeout.connect(self._on_reveal_timer_timeout)
        self._display = Display()
        self._theme = Theme()
        self._palette = palette.DEFAULT

    # ------------------------------------------------------------------ public

    @property
    def view(self) -> View | None:
        """The view being shown (None before the first ``set_view``)."""
        return self._view

    def bring_forward(self) -> None:
        """Another start of the kiosk asked for this one: out of a minimised state, on top,
        with the keyboard."""
        bring_to_front(self)

    def set_look(self, theme_config: Theme, display: Display) -> None:
        """The config's theme (colours, logo, background picture) and display settings
        (overscan, motion); repaints if they changed."""
        if (theme_config, display) == (self._theme, self._display):
            return
        self._theme, self._display = theme_config, display
        self._palette, _ = palette.derive(theme_config.accent, theme_config.background,
                                          theme_config.text,
                                          picture=theme_config.background_image is not None)
        self._scenes.set_pictures(theme_config.logo, theme_config.background_image)
        if not display.motion:
            self._stop_fade()
        # Sprites hold colours and pictures of the old look.
        sprites.clear()
        self._overlay_key = None
        self._schedule_animation()
        self.update()

    @property
    def display(self) -> Display:
        return self._display

    def safe_margin(self) -> float:
        """The share of each edge kept clear for the TV's overscan."""
        return self._display.overscan

    def set_view(self, view: View) -> None:
        """Show ``view``; repaints only if it differs, cross-fading when the picture changes."""
        if view == self._view:
            return
        old = self._view
        if old is not None and self._display.motion and _fades(old, view):
            self._start_fade()
        elif old is None or Scene.BLACKOUT in (old.scene, view.scene) or not self._display.motion:
            self._stop_fade()  # blackout is instant, both ways; without motion, all cuts
        self._view = view
        self._since_view.restart()
        if _digits(old) != _digits(view):
            self._since_digits.restart()  # a new second: a new pulse
        self._schedule_animation()
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
                             self._reveal_age(live=False), self._pulse(live=False))
        finally:
            painter.end()  # an active painter outliving its device crashes Qt
        return image

    def frame_for(self, width: float, height: float) -> Frame:
        """The layout the current view gets on a ``width`` × ``height`` screen."""
        view = self._view
        ov = view.overlay if view is not None else None
        position = ov.position if ov is not None else None
        fr = frame(width, height, position, margin=self._display.overscan)
        if ov is not None and fr.bar is not None:
            needed = overlay.bar_height(fr, ov)
            if needed > BAR_HEIGHT:
                fr = frame(width, height, position, margin=self._display.overscan,
                           bar_height=needed)
        return fr

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
        fading = self._fade_from is not None and self.transition_active()
        opacity = float(self._fade.currentValue()) if fading else 0.0
        if opacity < OPAQUE:
            self._paint_view(painter, self.width(), self.height(),
                             self._reveal_age(live=True), self._pulse(live=True))
        # (A fade's first frame is the old picture alone: the new one would not show.)
        if fading and self._fade_from is not None:
            painter.setOpacity(opacity)
            painter.drawPixmap(0, 0, self._fade_from)
            painter.setOpacity(1.0)

    def _paint_view(self, painter: QPainter, width: int, height: int,
                    reveal_age: float | None, pulse: float | None) -> None:
        theme.use(self._palette)
        view = self._view
        fr = self.frame_for(width, height)
        if view is None:
            self._scenes.paint_backdrop(painter, fr)
            return
        self._scenes.paint(painter, fr, view, video=self._video, reveal_age=reveal_age,
                           pulse=pulse, motion=self._display.motion)
        if view.scene is Scene.BLACKOUT:
            return  # nothing at all over a blackout: not even the badges
        video_on = view.scene is Scene.LIVE and self._video is not None
        if (video_on and view.diagnostics is None and painter.device() is self
                and not drawn.active()):
            # Up to 60 times a second over the stream: blit what changes once a second.
            self._blit_overlay(painter, fr, view)
        else:
            # The host's notice never covers the stream itself; the badge still says F1.
            with drawn.part("overlay"):
                overlay.paint(painter, fr, view, notice=not video_on)
        if view.help is not None:
            with drawn.part("help"):
                help_card.paint(painter, fr, view.help)

    def _blit_overlay(self, painter: QPainter, fr: Frame, view: View) -> None:
        dpr = self.devicePixelRatioF()
        key = (view, self.width(), self.height(), dpr, self._palette)
        if key != self._overlay_key or self._overlay_layer is None:
            layer = QPixmap(QSize(round(self.width() * dpr), round(self.height() * dpr)))
            layer.setDevicePixelRatio(dpr)
            layer.fill(Qt.GlobalColor.transparent)
            layer_painter = QPainter(layer)
            try:
                areas = overlay.paint(layer_painter, fr, view, notice=False)
            finally:
                layer_painter.end()
            self._overlay_layer, self._overlay_key = layer, key
            self._overlay_areas = areas
        # Only the bar, the announcement and the badges hold pixels; blending the transparent
        # rest of a full-screen layer would cost more than the overlay itself.
        for area in self._overlay_areas:
            # Whole pixels (a fractional edge would resample the row it cuts through), and one
            # more all round: sprites are blitted snapped to whole pixels.
            area = QRectF(area.toAlignedRect().adjusted(-1, -1, 1, 1)).intersected(fr.full)
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
        size = QSize(round(self.width() * dpr), round(self.height() * dpr))
        # Two screen-sized buffers, taken in turn (a fade may start while one still fades
        # out): a fresh 8 MB pixmap per switch costs a millisecond in page faults alone.
        self._fade_buffers = [b for b in self._fade_buffers if b.size() == size]
        spare = [b for b in self._fade_buffers if b is not self._fade_from]
        if spare:
            snapshot = spare[0]
        else:
            snapshot = QPixmap(size)
            self._fade_buffers.append(snapshot)
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

    # ------------------------------------------------------------------ animations

    def _reveal_age(self, *, live: bool) -> float | None:
        board = self._view.board if self._view is not None else None
        if board is None or board.reveal_age is None:
            return None
        if not self._display.motion:
            return INTRO  # no entrance: the laureate is there at once, highlighted
        if not live:
            return board.reveal_age
        return board.reveal_age + self._since_view.elapsed() / 1000

    def _pulse(self, *, live: bool) -> float | None:
        """Seconds into the current second of the countdown's last ten (None otherwise)."""
        view = self._view
        if view is None or view.scene is not Scene.COUNTDOWN or view.countdown is None:
            return None
        if final_seconds(view.countdown.countdown) is None:
            return None
        if not self._display.motion or not live:
            return PULSE_S  # the settled look: special, but still
        return self._since_digits.elapsed() / 1000

    def _schedule_animation(self) -> None:
        """Repaint on a timer while something moves without new views: the reveal's
        entrance and glow, the countdown's pulse."""
        interval = 0
        age = self._reveal_age(live=True)
        if self._display.motion and age is not None and age < GLOW_END:
            interval = ANIMATION_MS if age < INTRO else REVEAL_GLOW_MS
        pulse = self._pulse(live=True)
        if self._display.motion and pulse is not None and pulse < PULSE_S:
            interval = ANIMATION_MS
        if not interval:
            self._reveal_timer.stop()
        elif not self._reveal_timer.isActive() or self._reveal_timer.interval() != interval:
            self._reveal_timer.start(interval)

    def _on_reveal_timer_timeout(self) -> None:
        self.update()
        self._schedule_animation()


def _digits(view: View | None) -> str:
    """The countdown's digits, if the view shows them."""
    if view is None or view.scene is not Scene.COUNTDOWN or view.countdown is None:
        return ""
    return view.countdown.countdown


def _fades(old: View, new: View) -> bool:
    """Whether going from ``old`` to ``new`` cross-fades (a blackout never does)."""
    if Scene.BLACKOUT in (old.scene, new.scene):
        return False
    if old.scene is not new.scene:
        return True
    if new.scene is Scene.SLIDES and old.slide is not None and new.slide is not None:
        return new.slide.fade and old.slide.index != new.slide.index
    return False
