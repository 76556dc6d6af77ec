"""Build the one-folder bundle with PyInstaller, archive it (Linux), and self-test it.

    python packaging/build.py [--dist DIR] [--work DIR] [--clean] [--no-archive] [--no-check]

``./dev bundle`` runs this on Debian/Ubuntu; the release workflow runs it on Windows, macOS and
Linux. Steps:

1. make sure the pinned PyInstaller (the ``bundle`` extra in pyproject.toml) is installed in
   this interpreter's environment, installing it when missing;
2. ``pyinstaller packaging/watchparty-kiosk.spec`` → ``DIST/watchparty-kiosk/`` (Windows,
   Linux) or ``DIST/watchparty-kiosk.app`` (macOS);
3. Linux: ``share/`` in the bundle (the .wpk file association and ``install-desktop.sh``),
   then ``DIST/watchparty-kiosk-<version>-linux-<arch>.tar.gz``;
4. run the bundle's ``--self-test`` (offscreen) and print its report.

Prints the build time and the bundle's size. Exit code 0 when all of that worked.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
SPEC = CHECKOUT / "packaging" / "watchparty-kiosk.spec"
APP = "watchparty-kiosk"
SELF_TEST_TIMEOUT = 300
# What share/ in the Linux bundle holds: a double-clicked event pack (.wpk) opens the kiosk.
LINUX_SHARE = ("watchparty-kiosk.desktop", "watchparty-kiosk-pack.xml", "install-desktop.sh")


def version() -> str:
    text = (CHECKOUT / "kiosk" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'__version__ = "([^"]+)"', text)
    if match is None:
        raise SystemExit("build: no __version__ in kiosk/__init__.py")
    return match.group(1)


def bundle_requirements() -> list[str]:
    """The ``bundle`` extra of pyproject.toml (PyInstaller, pinned)."""
    with (CHECKOUT / "pyproject.toml").open("rb") as f:
        project = tomllib.load(f)["project"]
    return list(project["optional-dependencies"]["bundle"])


def pyinstaller_problem() -> str:
    """Why the pinned PyInstaller is not usable here ("" when it is)."""
    wanted = {re.split(r"[=<>!~ ;\[]", r, maxsplit=1)[0].lower(): r
              for r in bundle_requirements()}
    pin = wanted.get("pyinstaller", "")
    try:
        import PyInstaller
    except ImportError:
        return "PyInstaller is not installed"
    have = getattr(PyInstaller, "__version__", "")
    need = pin.split("==", 1)[1].strip() if "==" in pin else ""
    if need and have != need:
        return f"PyInstaller {have} is installed, the bundle extra pins {need}"
    return ""


def ensure_pyinstaller() -> None:
    """Install the ``bundle`` extra's packages into this environment when they are missing."""
    problem = pyinstaller_problem()
    if not problem:
        return
    requirements = bundle_requirements()
    print(f"build: {problem}; installing {' '.join(requirements)}", flush=True)
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                           "--disable-pip-version-check", *requirements], check=False)
    if proc.returncode != 0:
        raise SystemExit(f"build: could not install {' '.join(requirements)}")
    for name in [m for m in sys.modules if m == "PyInstaller" or m.startswith("PyInstaller.")]:
        del sys.modules[name]


def executable(dist: Path) -> Path:
    if sys.platform == "darwin":
        return dist / f"{APP}.app" / "Contents" / "MacOS" / APP
    return dist / APP / (f"{APP}.exe" if sys.platform.startswith("win") else APP)


def bundle_dir(dist: Path) -> Path:
    return dist / (f"{APP}.app" if sys.platform == "darwin" else APP)


def add_linux_share(folder: Path) -> Path:
    """``folder/share``: the desktop entry and MIME type for .wpk files, and the script that
    installs them for the user (copy2 keeps the script executable)."""
    share = folder / "share"
    share.mkdir(exist_ok=True)
    for name in LINUX_SHARE:
        shutil.copy2(CHECKOUT / "packaging" / "linux" / name, share / name)
    return share


def linux_archive(dist: Path) -> Path:
    machine = platform.machine().lower().replace("amd64", "x86_64")
    target = dist / f"{APP}-{version()}-linux-{machine}.tar.gz"
    # gzip level 6: the size is within 1 % of level 9, the time about half.
    with tarfile.open(target, "w:gz", compresslevel=6) as tar:
        tar.add(dist / APP, arcname=APP)
    return target


def size_of(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def self_test(dist: Path, report: Path) -> int:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WATCHPARTY_KIOSK_AUDIO="dummy")
    proc = subprocess.run([str(executable(dist)), "--self-test", "--self-test-report",
                           str(report)], env=env, timeout=SELF_TEST_TIMEOUT, check=False,
                          stdin=subprocess.DEVNULL)
    if proc.returncode != 0 and report.is_file():
        print(json.dumps(json.loads(report.read_text(encoding="utf-8")), indent=2))
    return proc.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=CHECKOUT / "dist")
    parser.add_argument("--work", type=Path, default=CHECKOUT / "build" / "pyinstaller")
    parser.add_argument("--clean", action="store_true", help="no cached analysis")
    parser.add_argument("--no-archive", action="store_true", help="skip the Linux .tar.gz")
    parser.add_argument("--no-check", action="store_true", help="skip the self-test")
    args = parser.parse_args(argv)
    dist, work = args.dist.resolve(), args.work.resolve()

    ensure_pyinstaller()
    started = time.monotonic()
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(dist), "--workpath", str(work), str(SPEC)]
    if args.clean:
        command.insert(3, "--clean")
    print("build:", " ".join(command), flush=True)
    if subprocess.run(command, cwd=CHECKOUT, check=False).returncode != 0:
        print("build: PyInstaller failed", file=sys.stderr)
        return 1
    built = time.monotonic() - started
    folder = bundle_dir(dist)
    print(f"build: {folder} in {built:.0f} s, {size_of(folder) / 1e6:.0f} MB", flush=True)

    if sys.platform.startswith("linux"):
        add_linux_share(folder)
    if sys.platform.startswith("linux") and not args.no_archive:
        started = time.monotonic()
        archive = linux_archive(dist)
        print(f"build: {archive} in {time.monotonic() - started:.0f} s, "
              f"{archive.stat().st_size / 1e6:.0f} MB", flush=True)

    if not args.no_check:
        report = work / "self-test.json"
        code = self_test(dist, report)
        if code != 0:
            print(f"build: the bundle's self-test failed (exit {code}); report: {report}",
                  file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
