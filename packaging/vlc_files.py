"""Which libVLC files go into the bundle, from where, and the plugin cache after the build.

Used by ``watchparty-kiosk.spec`` (and its tests). The source of libVLC:

- Windows: ``VLC_DIR`` = the official ``vlc-3.0.x-win64`` archive, extracted
  (``libvlc.dll``, ``libvlccore.dll``, ``plugins/``, ``vlc-cache-gen.exe``, ``COPYING.txt``);
- macOS: ``VLC_DIR`` = a copy of ``VLC.app/Contents/MacOS`` from the official per-arch DMG
  (``lib/libvlc.dylib``, ``lib/libvlccore.dylib``, ``plugins/``), see ``fetch_vlc.py``;
- Linux: Debian's packages (``libvlc5 libvlccore9 vlc-plugin-base libvlc-bin``), or
  ``VLC_DIR`` laid out like ``/usr/lib/<multiarch>`` (``libvlc.so.5``, ``vlc/plugins``).

The bundle layout is the one ``kiosk/platform/vlcenv.py`` expects: the two libraries at the
top of ``_MEIPASS`` and the plugins where libVLC looks by itself (``plugins/`` next to
libvlccore.dll on Windows; ``vlc/plugins/`` next to libvlccore on Linux and macOS).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

# Plugin categories an embedded player does not use: VLC's own interfaces (gui/ on Debian
# holds a Qt5 plugin that must never sit next to Qt6), Lua scripts (YouTube goes through
# yt-dlp), remote control, network discovery, streaming out and muxing, key stores, and
# audio visualisations. misc/ stays: it holds gnutls (HTTPS) and the XML parser.
SKIP_CATEGORIES = frozenset({
    "gui", "lua", "control", "services_discovery", "access_output", "stream_out", "mux",
    "keystore", "visualization",
})
# Single plugins with no use here: video encoders (only stream_out transcodes).
SKIP_PLUGINS = frozenset({"libx264_plugin", "libx26410b_plugin", "libx265_plugin"})


class VlcNotFound(RuntimeError):
    pass


@dataclass(frozen=True)
class VlcSource:
    libs: tuple[Path, ...]  # libvlc and libvlccore
    plugins: Path  # the folder holding <category>/lib*_plugin.*
    plugin_dest: str  # where the plugins go inside the bundle
    cache_gen: Path | None  # vlc-cache-gen for this libVLC (None on macOS)
    licences: tuple[Path, ...]  # VLC's own COPYING and the like (Windows, macOS)
    version_hint: str


def find(platform: str | None = None, vlc_dir: str | None = None) -> VlcSource:
    platform = platform or sys.platform
    vlc_dir = vlc_dir if vlc_dir is not None else os.environ.get("VLC_DIR", "")
    if platform.startswith("win"):
        root = _required_dir(vlc_dir, "the extracted vlc-3.0.x-win64 archive")
        return _checked(VlcSource(
            libs=(root / "libvlc.dll", root / "libvlccore.dll"), plugins=root / "plugins",
            plugin_dest="plugins", cache_gen=root / "vlc-cache-gen.exe",
            licences=_existing(root / n for n in ("COPYING.txt", "AUTHORS.txt", "THANKS.txt")),
            version_hint=root.name))
    if platform == "darwin":
        root = _required_dir(vlc_dir, "a copy of VLC.app/Contents/MacOS (see fetch_vlc.py)")
        return _checked(VlcSource(
            libs=(root / "lib" / "libvlc.dylib", root / "lib" / "libvlccore.dylib"),
            plugins=root / "plugins", plugin_dest="vlc/plugins", cache_gen=None,
            licences=_existing(sorted((root / "licences").glob("*"))), version_hint=root.name))
    if vlc_dir:
        libdir = Path(vlc_dir)
    else:
        multiarch = sysconfig.get_config_var("MULTIARCH") or _dpkg_multiarch()
        libdir = Path("/usr/lib") / multiarch
    return _checked(VlcSource(
        libs=(libdir / "libvlc.so.5", libdir / "libvlccore.so.9"),
        plugins=libdir / "vlc" / "plugins", plugin_dest="vlc/plugins",
        cache_gen=libdir / "vlc" / "vlc-cache-gen",
        # Debian's copyright files come with every other bundled library's, under
        # licenses/debian/<package>.copyright (see debian_copyrights).
        licences=(), version_hint=str(libdir)))


def plugin_binaries(source: VlcSource) -> list[tuple[str, str]]:
    """(source file, destination folder) for every plugin kept; plugins.dat never (it is
    regenerated for the bundle, or left out on macOS where PyInstaller re-signs every file)."""
    kept: list[tuple[str, str]] = []
    for path in sorted(source.plugins.rglob("*")):
        rel = path.relative_to(source.plugins)
        if not path.is_file() or path.name == "plugins.dat" or rel.parts[0] in SKIP_CATEGORIES:
            continue
        if path.name.split(".")[0] in SKIP_PLUGINS:
            continue
        kept.append((str(path), str(Path(source.plugin_dest) / rel.parent)))
    if not kept:
        raise VlcNotFound(f"no libVLC plugins under {source.plugins}")
    return kept


def regenerate_cache(source: VlcSource, bundle_plugins: Path) -> str:
    """Write ``plugins.dat`` for the bundled plugins (libVLC then skips a full scan at start,
    3–6 ms instead of 60–100 ms); returns what was done, for the build log."""
    if source.cache_gen is None:
        stale = bundle_plugins / "plugins.dat"
        stale.unlink(missing_ok=True)
        return "no vlc-cache-gen on this OS: the bundle has no plugin cache"
    if not source.cache_gen.is_file():
        raise VlcNotFound(f"{source.cache_gen} is missing (Debian: apt install libvlc-bin)")
    proc = subprocess.run([str(source.cache_gen), str(bundle_plugins)], capture_output=True,
                          text=True, check=False, timeout=600)
    cache = bundle_plugins / "plugins.dat"
    if proc.returncode != 0 or not cache.is_file():
        raise RuntimeError(f"{source.cache_gen} {bundle_plugins} failed ({proc.returncode}): "
                           f"{proc.stderr.strip()[-2000:]}")
    return f"plugins.dat regenerated ({cache.stat().st_size} bytes)"


def debian_copyrights(binaries: list[str]) -> dict[str, Path]:
    """Debian package → its copyright file, for every system library in ``binaries``."""
    if shutil.which("dpkg-query") is None:
        return {}
    candidates: dict[str, None] = {}
    for name in binaries:
        path = Path(name)
        if not str(path).startswith(("/usr/", "/lib")):
            continue
        candidates[str(path)] = None
        candidates[str(path.resolve())] = None
    if not candidates:
        return {}
    proc = subprocess.run(["dpkg-query", "-S", *candidates], capture_output=True, text=True,
                          check=False, timeout=300)
    packages: set[str] = set()
    for line in proc.stdout.splitlines():
        owner = line.split(": ", 1)[0]
        for package in owner.split(", "):
            packages.add(package.split(":")[0])
    found = {}
    for package in sorted(packages):
        copyright_file = Path("/usr/share/doc") / package / "copyright"
        if copyright_file.is_file():
            found[package] = copyright_file
    return found


def _dpkg_multiarch() -> str:
    try:
        return subprocess.run(["dpkg-architecture", "-qDEB_HOST_MULTIARCH"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "x86_64-linux-gnu"


def _required_dir(value: str, what: str) -> Path:
    if not value:
        raise VlcNotFound(f"set VLC_DIR to {what}")
    path = Path(value).resolve()
    if not path.is_dir():
        raise VlcNotFound(f"VLC_DIR={value} is not a folder ({what})")
    return path


def _existing(paths: object) -> tuple[Path, ...]:
    return tuple(p for p in paths if isinstance(p, Path) and p.is_file())  # type: ignore[attr-defined]


def _checked(source: VlcSource) -> VlcSource:
    missing = [str(p) for p in source.libs if not p.is_file()]
    if not source.plugins.is_dir():
        missing.append(str(source.plugins))
    if missing:
        raise VlcNotFound("libVLC is not where expected: missing " + ", ".join(missing)
                          + " (Debian: apt install libvlc5 libvlccore9 vlc-plugin-base "
                            "libvlc-bin)")
    return source
