"""Point python-vlc at the libVLC inside a frozen bundle, before anything imports ``vlc``.

From a checkout or a wheel nothing changes: python-vlc finds the system's VLC. In a
PyInstaller bundle (``sys.frozen``) the bundled libVLC must win over any VLC installed on the
machine, so ``configure``:

- sets ``PYTHON_VLC_LIB_PATH`` to the bundled libvlc, so python-vlc loads exactly that file
  (without it python-vlc tries /Applications/VLC.app first on macOS and the registry or
  Program Files on Windows);
- removes an inherited ``VLC_PLUGIN_PATH`` and ``PYTHON_VLC_MODULE_PATH``: python-vlc only
  ``setdefault``s the plugin path and libVLC also scans every path in ``VLC_PLUGIN_PATH``,
  so another VLC's plugins would load into this process (notes/packaging.md §2.4, §5.4);
- on macOS also pre-loads libvlccore and names the plugin folder, because python-vlc pre-loads
  the core only on its VLC.app path and libVLC's default plugin path there is derived from
  the image that loaded it (``src/darwin/dirs.c``).

python-vlc calls ``sys.exit(1)`` inside ``import vlc`` when one of those paths is wrong,
so the files are checked first and a missing one raises ``BundledVlcMissing``.

Bundle layout (``sys._MEIPASS``: ``_internal/`` on Windows and Linux, ``Contents/Frameworks``
in a macOS .app), as ``packaging/watchparty-kiosk.spec`` makes it::

    Windows  libvlc.dll       libvlccore.dll     plugins/
    macOS    libvlc.dylib     libvlccore.dylib   vlc/plugins/
    Linux    libvlc.so.5      libvlccore.so.9    vlc/plugins/
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path

LIB_ENV = "PYTHON_VLC_LIB_PATH"
MODULE_ENV = "PYTHON_VLC_MODULE_PATH"
PLUGIN_ENV = "VLC_PLUGIN_PATH"


class BundledVlcMissing(RuntimeError):
    """The bundle's own libVLC (library or plugin folder) is not where the build put it."""


@dataclass(frozen=True)
class BundledVlc:
    """Where libVLC lives inside a bundle."""

    lib: Path
    core: Path
    plugins: Path

    def missing(self) -> list[Path]:
        return [p for p in (self.lib, self.core) if not p.is_file()] + (
            [] if self.plugins.is_dir() else [self.plugins])


def bundle_root() -> Path | None:
    """The frozen bundle's folder of libraries (``sys._MEIPASS``); None from source."""
    if not getattr(sys, "frozen", False):
        return None
    base = getattr(sys, "_MEIPASS", None)
    return Path(base) if base else Path(sys.executable).resolve().parent


def layout(root: Path, platform: str | None = None) -> BundledVlc:
    """The bundled libVLC's paths under ``root`` for ``platform`` (default: this one)."""
    platform = platform if platform is not None else sys.platform
    if platform.startswith("win"):
        return BundledVlc(root / "libvlc.dll", root / "libvlccore.dll", root / "plugins")
    if platform == "darwin":
        return BundledVlc(root / "libvlc.dylib", root / "libvlccore.dylib",
                          root / "vlc" / "plugins")
    return BundledVlc(root / "libvlc.so.5", root / "libvlccore.so.9", root / "vlc" / "plugins")


_configured: BundledVlc | None = None
_keep: list[object] = []  # DLL directory handles and the pre-loaded core: alive for good


def configure(environ: MutableMapping[str, str] | None = None) -> BundledVlc | None:
    """Make python-vlc load the bundled libVLC; None (and nothing changed) from source.

    Idempotent. Raises ``BundledVlcMissing`` when frozen and the bundle lacks its libVLC.
    """
    global _configured
    root = bundle_root()
    if root is None:
        return None
    env = os.environ if environ is None else environ
    vlc = layout(root)
    missing = vlc.missing()
    if missing:
        raise BundledVlcMissing(
            "the VLC bundled with watchparty-kiosk is incomplete (missing "
            + ", ".join(str(p) for p in missing)
            + "); reinstall watchparty-kiosk")
    env.pop(PLUGIN_ENV, None)
    env.pop(MODULE_ENV, None)
    env[LIB_ENV] = str(vlc.lib)
    if sys.platform == "darwin":
        env[MODULE_ENV] = str(vlc.plugins)
        env[PLUGIN_ENV] = str(vlc.plugins)
    if _configured is None:
        if sys.platform.startswith("win"):
            # Python 3.8+ ignores PATH for the DLLs a DLL needs (libvlc.dll needs
            # libvlccore.dll next to it).
            _keep.append(os.add_dll_directory(str(vlc.lib.parent)))
        elif sys.platform == "darwin":
            _keep.append(ctypes.CDLL(str(vlc.core), mode=ctypes.RTLD_GLOBAL))
        _configured = vlc
    return vlc
