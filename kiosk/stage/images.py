"""Pictures for the slides: images scaled once per size, and QR codes drawn module-exact."""

from __future__ import annotations

from collections import OrderedDict
from functools import cache, lru_cache
from pathlib import Path

import segno
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QColor, QImage, QImageReader, QPainter, QPixmap

QR_QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks


class ImageCache:
    """Scaled pixmaps by file and target size; a file that cannot be read is remembered as None.

    Scaling happens once per (file, size), not per frame: a full-screen smooth scale costs
    more than a whole frame's budget.
    """

    def __init__(self, max_items: int = 32) -> None:
        self._items: OrderedDict[tuple[str, str, int, int], QPixmap | None] = OrderedDict()
        self._max_items = max_items

    def image(self, path: str, bound: QSize) -> QPixmap | None:
        """``path`` scaled to fit inside ``bound`` (device pixels), or None if it is unreadable.

        A file replaced since (a new picture at the same feed address) is read again."""
        try:
            stamp = str(Path(path).stat().st_mtime_ns)
        except OSError:
            stamp = ""
        key = ("image", f"{path}\0{stamp}", bound.width(), bound.height())
        if key not in self._items:
            image = load_image(Path(path), bound)
            self._put(key, QPixmap.fromImage(image) if image is not None else None)
        self._items.move_to_end(key)
        return self._items[key]

    def qr(self, url: str, side: int) -> QPixmap | None:
        """A QR code for ``url`` at most ``side`` device pixels wide, quiet zone included."""
        key = ("qr", url, side, side)
        if key not in self._items:
            image = qr_image(url, side)
            self._put(key, QPixmap.fromImage(image) if image is not None else None)
        self._items.move_to_end(key)
        return self._items[key]

    def _put(self, key: tuple[str, str, int, int], value: QPixmap | None) -> None:
        self._items[key] = value
        while len(self._items) > self._max_items:
            self._items.popitem(last=False)


def load_image(path: Path, bound: QSize) -> QImage | None:
    """Read ``path`` scaled to fit ``bound``; vector images are rendered at that size."""
    if bound.isEmpty() or not path.is_file():
        return None
    is_svg = path.suffix.lower() in (".svg", ".svgz")
    if is_svg and not _svg_plugin():
        return _render_svg(path, bound)
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)  # honour a photo's EXIF rotation
    if is_svg:
        natural = reader.size()
        if natural.isEmpty():
            return None
        reader.setScaledSize(natural.scaled(bound, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        return None
    if image.size() != image.size().scaled(bound, Qt.AspectRatioMode.KeepAspectRatio):
        image = image.scaled(bound, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    return image


# A downloaded picture larger than this (in pixels) is refused: a small file can unpack into
# gigabytes (a "decompression bomb"), and no TV shows more than 8K anyway.
MAX_PIXELS = 7680 * 4320


def check_image_bytes(data: bytes) -> str | None:
    """Decode a downloaded picture fully; None when it is whole and drawable, else why not.

    Safe on any thread (QImage and QImageReader are reentrant). Run before a picture is
    cached, so a broken or truncated file is never shown half-drawn.
    """
    cut = _cut_short(data)
    if cut:
        return cut
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    if not buffer.open(QIODevice.OpenModeFlag.ReadOnly):
        return "could not be read"
    reader = QImageReader(buffer)
    size = reader.size()
    if not size.isValid() or size.isEmpty():
        return f"not a picture Qt can read ({reader.errorString()})"
    if size.width() * size.height() > MAX_PIXELS:
        return f"too large: {size.width()}x{size.height()} pixels (at most 7680x4320)"
    image = reader.read()
    if image.isNull():
        return f"broken picture: {reader.errorString()}"
    return None


# Pictures are kept no larger than a 4K TV shows: a bigger one costs the screen a long
# decode the first time its slide comes up.
KEEP_AT_MOST = QSize(3840, 2160)


def shrink_image_bytes(data: bytes) -> bytes:
    """``data`` (a picture ``check_image_bytes`` passed) scaled down to fit a 4K screen and
    stored as PNG, or unchanged when it already fits (or cannot be read)."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    if not buffer.open(QIODevice.OpenModeFlag.ReadOnly):
        return data
    reader = QImageReader(buffer)
    size = reader.size()
    if not size.isValid() or (size.width() <= KEEP_AT_MOST.width()
                              and size.height() <= KEEP_AT_MOST.height()):
        return data
    reader.setScaledSize(size.scaled(KEEP_AT_MOST, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        return data
    out = QByteArray()
    target = QBuffer(out)
    target.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(target, "PNG"):
        return data
    target.close()
    return bytes(out.data())


def _cut_short(data: bytes) -> str | None:
    """Some decoders draw what they got of a truncated file and call it good (JPEG, BMP):
    check that the file ends where its own format says it does."""
    end = data.rstrip(b"\0\r\n ")
    if data.startswith(b"\xff\xd8") and not end.endswith(b"\xff\xd9"):
        return "broken picture: the JPEG data stops before its end"
    if data.startswith(b"\x89PNG") and not end.endswith(b"IEND\xaeB`\x82"):
        return "broken picture: the PNG data stops before its end"
    if data.startswith(b"BM") and len(data) >= 6 and int.from_bytes(data[2:6], "little") > len(
            data):
        return "broken picture: the BMP data stops before its end"
    if (data.startswith(b"RIFF") and data[8:12] == b"WEBP"
            and int.from_bytes(data[4:8], "little") + 8 > len(data)):
        return "broken picture: the WebP data stops before its end"
    if data.startswith(b"GIF8") and not end.endswith(b"\x3b"):
        return "broken picture: the GIF data stops before its end"
    return None


@cache
def _svg_plugin() -> bool:
    # A frozen build may leave out the SVG image-format plugin; QtSvg then renders instead.
    return b"svg" in [bytes(f.data()) for f in QImageReader.supportedImageFormats()]


def _render_svg(path: Path, bound: QSize) -> QImage | None:
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(path))
    if not renderer.isValid() or renderer.defaultSize().isEmpty():
        return None
    size = renderer.defaultSize().scaled(bound, Qt.AspectRatioMode.KeepAspectRatio)
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    return image


@lru_cache(maxsize=64)
def qr_matrix(url: str) -> tuple[bytes, ...] | None:
    """The QR code's modules (1 = dark), or None if ``url`` is too long for any QR code."""
    try:
        # micro=False: segno picks a Micro QR for short data, which phone cameras ignore.
        code = segno.make(url, error="m", micro=False)
    except ValueError:
        return None
    return tuple(bytes(row) for row in code.matrix)


def qr_image(url: str, side: int) -> QImage | None:
    """The code with its quiet zone, whole pixels per module so every edge stays sharp."""
    matrix = qr_matrix(url)
    if matrix is None:
        return None
    modules = len(matrix) + 2 * QR_QUIET_ZONE
    scale = side // modules
    if scale < 1:
        return None
    # One pixel per module, then a nearest-neighbour scale by a whole factor: exact squares.
    small = QImage(modules, modules, QImage.Format.Format_RGB32)
    small.fill(QColor("white"))
    black = QColor("black").rgb()
    for y, row in enumerate(matrix, start=QR_QUIET_ZONE):
        for x, dark in enumerate(row, start=QR_QUIET_ZONE):
            if dark:
                small.setPixel(x, y, black)
    return small.scaled(modules * scale, modules * scale, Qt.AspectRatioMode.IgnoreAspectRatio,
                        Qt.TransformationMode.FastTransformation)
