"""The wheel carries the built-in event and runs from outside the checkout.

Builds a wheel of the checkout (pip, with build isolation, so hatchling comes
from the package index and need not be in the test venv), installs it with
``--no-deps`` into a folder of its own and runs ``python -m kiosk check`` from
there, with the checkout not importable. The installed dependencies
(PySide6, PyYAML, ...) come from the running interpreter's environment.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.packaging

CHECKOUT = Path(__file__).resolve().parents[2]

BUILD_TIMEOUT = 300
INSTALL_TIMEOUT = 300
RUN_TIMEOUT = 120

EXPECTED_IN_WHEEL = (
    "kiosk/_data/config/solidarity-conference-2021.yaml",
    "kiosk/_data/config/watchparty-kiosk.schema.json",
    "kiosk/_data/assets/images/white-red-white.svg",
    "kiosk/_data/assets/fonts/NotoSans-Regular.ttf",
    "kiosk/_data/assets/fonts/NotoSans-Bold.ttf",
    "kiosk/_data/assets/fonts/OFL.txt",
    "kiosk/locale/be/LC_MESSAGES/watchparty-kiosk.po",
    "kiosk/locale/be@latin/LC_MESSAGES/watchparty-kiosk.po",
    "kiosk/locale/de/LC_MESSAGES/watchparty-kiosk.po",
    # The volunteers' remote: the page the kiosk serves.
    "kiosk/remote/page/index.html",
    "kiosk/remote/page/remote.js",
    "kiosk/remote/page/remote.css",
)


def _run(cmd: list[str], *, timeout: float, **kwargs) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        check=False,
        **kwargs,
    )
    return proc


def _describe(proc: subprocess.CompletedProcess[str]) -> str:
    return (
        f"command: {proc.args!r}\nexit code: {proc.returncode}\n"
        f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--disable-pip-version-check",
            "-w",
            str(out),
            str(CHECKOUT),
        ],
        timeout=BUILD_TIMEOUT,
    )
    assert proc.returncode == 0, "building the wheel failed\n" + _describe(proc)
    wheels = sorted(out.glob("watchparty_kiosk-*.whl"))
    assert len(wheels) == 1, f"expected one wheel in {out}, found {wheels}\n" + _describe(proc)
    return wheels[0]


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The wheel installed into ``<tmp>/site``; returns (work dir, environment)."""
    work = tmp_path_factory.mktemp("installed")
    site = work / "site"
    proc = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--disable-pip-version-check",
            "--target",
            str(site),
            str(wheel),
        ],
        timeout=INSTALL_TIMEOUT,
    )
    assert proc.returncode == 0, "installing the wheel failed\n" + _describe(proc)

    home = work / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(
        PYTHONPATH=str(site),
        PYTHONNOUSERSITE="1",
        PYTHONIOENCODING="utf-8",
        QT_QPA_PLATFORM="offscreen",
        # Keep the kiosk away from the user's own config, cache and data.
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_STATE_HOME=str(home / "state"),
    )
    return work, env


def test_wheel_contains_built_in_event_and_assets(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    missing = [name for name in EXPECTED_IN_WHEEL if name not in names]
    assert not missing, f"{wheel.name} lacks {missing}; it has:\n" + "\n".join(sorted(names))


def test_installed_kiosk_is_imported_from_the_wheel(
    installed: tuple[Path, dict[str, str]],
) -> None:
    work, env = installed
    proc = _run(
        [sys.executable, "-c", "import kiosk; print(kiosk.__file__)"],
        timeout=RUN_TIMEOUT,
        cwd=work,
        env=env,
    )
    assert proc.returncode == 0, _describe(proc)
    imported = Path(proc.stdout.strip()).resolve()
    assert imported.is_relative_to((work / "site").resolve()), (
        f"kiosk was imported from {imported}, not from the installed wheel"
    )


def test_installed_kiosk_check_shows_built_in_event(
    installed: tuple[Path, dict[str, str]],
) -> None:
    work, env = installed
    proc = _run(
        [sys.executable, "-m", "kiosk", "check"],
        timeout=RUN_TIMEOUT,
        cwd=work,
        env=env,
    )
    assert proc.returncode == 0, "`python -m kiosk check` failed\n" + _describe(proc)
    output = proc.stdout + proc.stderr
    assert "Solidarity Conference With the Belarusian People" in output, _describe(proc)
    assert "Sviatlana Tsikhanouskaya" in output, _describe(proc)
