"""Download the official VLC build for Windows or macOS, check its SHA-256, lay it out for
the spec, and print the folder (VLC_DIR).

    python packaging/fetch_vlc.py windows-x64  --out build/vlc [--cache build/vlc-download]
    python packaging/fetch_vlc.py macos-arm64  --out build/vlc
    python packaging/fetch_vlc.py macos-x86_64 --out build/vlc

What is fetched and its SHA-256 are pinned in ``packaging/vlc-release.json``; any other bytes
stop the build. The archive is cached (``--cache``), so CI can keep it between runs.

- Windows: the ``vlc-<v>-win64.7z`` is extracted with 7-Zip; VLC_DIR is its ``vlc-<v>/``
  folder (``libvlc.dll``, ``libvlccore.dll``, ``plugins/``, ``vlc-cache-gen.exe``,
  ``COPYING.txt``).
- macOS: the DMG is mounted read-only and ``VLC.app/Contents/MacOS/{lib,plugins}`` copied
  with ``ditto``; VLC's licence files go to ``licences/``. There is no vlc-cache-gen for
  macOS in the DMG, so the bundle ships without a plugin cache.

In GitHub Actions, ``VLC_DIR`` is also appended to ``$GITHUB_ENV``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
PINS = HERE / "vlc-release.json"
CHUNK = 1 << 20


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def download(url: str, target: Path, expected: str, attempts: int = 4) -> Path:
    if target.is_file() and sha256(target) == expected:
        print(f"fetch_vlc: cached {target}")
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".part")
    for attempt in range(1, attempts + 1):
        try:
            print(f"fetch_vlc: downloading {url} (attempt {attempt})", flush=True)
            request = urllib.request.Request(url, headers={"User-Agent": "watchparty-kiosk-ci"})
            with urllib.request.urlopen(request, timeout=120) as response, partial.open(
                    "wb") as out:
                shutil.copyfileobj(response, out, CHUNK)
            break
        except OSError as exc:
            print(f"fetch_vlc: {exc}", file=sys.stderr)
            if attempt == attempts:
                raise SystemExit(f"fetch_vlc: could not download {url}") from exc
            time.sleep(5 * attempt)
    actual = sha256(partial)
    if actual != expected:
        partial.unlink()
        raise SystemExit(f"fetch_vlc: SHA-256 mismatch for {url}\n  expected {expected}\n"
                         f"  got      {actual}")
    partial.replace(target)
    print(f"fetch_vlc: {target.name} SHA-256 {actual} (as pinned)")
    published = _published_sha256(url)
    if published and published != expected:
        raise SystemExit(f"fetch_vlc: VideoLAN's {url}.sha256 says {published}, the pin says "
                         f"{expected}")
    if published:
        print("fetch_vlc: matches VideoLAN's published .sha256 too")
    return target


def _published_sha256(url: str) -> str:
    """VideoLAN's own ``.sha256`` next to the file, if it can be read ("" otherwise)."""
    try:
        with urllib.request.urlopen(url + ".sha256", timeout=30) as response:
            word = response.read(4096).decode("ascii", "replace").split()[0].lower()
    except (OSError, IndexError):
        return ""
    return word if len(word) == 64 and all(c in "0123456789abcdef" for c in word) else ""


def seven_zip() -> str:
    for candidate in (shutil.which("7z"), r"C:\Program Files\7-Zip\7z.exe"):
        if candidate and Path(candidate).is_file():
            return candidate
    raise SystemExit("fetch_vlc: 7-Zip (7z) is needed to unpack the Windows archive")


def layout_windows(archive: Path, out: Path, version: str) -> Path:
    target = out / f"vlc-{version}"
    if (target / "libvlc.dll").is_file():
        return target
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([seven_zip(), "x", "-y", f"-o{out}", str(archive)], check=True,
                   stdout=subprocess.DEVNULL)
    if not (target / "libvlc.dll").is_file():
        raise SystemExit(f"fetch_vlc: {archive.name} did not unpack to {target}")
    return target


def layout_macos(dmg: Path, out: Path, version: str, arch: str) -> Path:
    target = out / f"vlc-{version}-{arch}-MacOS"
    if (target / "lib" / "libvlc.dylib").is_file():
        return target
    mount = Path(tempfile.mkdtemp(prefix="vlc-dmg-"))
    subprocess.run(["hdiutil", "attach", "-nobrowse", "-readonly", "-noautoopen",
                    "-mountpoint", str(mount), str(dmg)], check=True)
    try:
        contents = mount / "VLC.app" / "Contents"
        target.mkdir(parents=True, exist_ok=True)
        for name in ("lib", "plugins"):
            subprocess.run(["ditto", str(contents / "MacOS" / name), str(target / name)],
                           check=True)
        licences = target / "licences"
        licences.mkdir(exist_ok=True)
        for folder in (mount, contents / "Resources", contents / "MacOS"):
            for path in sorted(folder.glob("*")):
                if path.is_file() and path.name.upper().startswith(("COPYING", "LICENSE",
                                                                    "AUTHORS", "THANKS")):
                    shutil.copy2(path, licences / path.name)
    finally:
        subprocess.run(["hdiutil", "detach", str(mount)], check=False)
    if not (target / "lib" / "libvlc.dylib").is_file():
        raise SystemExit(f"fetch_vlc: no VLC.app/Contents/MacOS/lib/libvlc.dylib in {dmg.name}")
    return target


def main(argv: list[str] | None = None) -> int:
    pins = json.loads(PINS.read_text(encoding="utf-8"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=sorted(pins["files"]))
    parser.add_argument("--out", type=Path, default=HERE.parent / "build" / "vlc")
    parser.add_argument("--cache", type=Path, default=HERE.parent / "build" / "vlc-download")
    args = parser.parse_args(argv)
    entry = pins["files"][args.target]
    url = f"{pins['base_url']}/{entry['path']}"
    archive = download(url, args.cache / Path(entry["path"]).name, entry["sha256"].lower())
    out = args.out.resolve()
    if args.target.startswith("windows"):
        vlc_dir = layout_windows(archive, out, pins["version"])
    else:
        vlc_dir = layout_macos(archive, out, pins["version"], args.target.split("-", 1)[1])
    print(f"VLC_DIR={vlc_dir}")
    github_env = os.environ.get("GITHUB_ENV")
    if github_env:
        with open(github_env, "a", encoding="utf-8") as f:
            f.write(f"VLC_DIR={vlc_dir}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
