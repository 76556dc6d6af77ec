"""``watchparty-kiosk pack`` and ``open`` as a host runs them: real processes, real files, no
terminal (stdin is not a tty), the config folder the test's own (tests/conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from kiosk.core import config, paths

CHECKOUT = Path(__file__).resolve().parents[2]
PICTURE = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
           b"\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00"
           b"\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def kiosk(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # The config, state, cache and log folders come from os.environ (tests/conftest.py).
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=str(CHECKOUT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=120, env=env, cwd=cwd,
                          stdin=subprocess.DEVNULL)


def event(folder: Path, title: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "poster.png").write_bytes(PICTURE)
    (folder / "cookies.txt").write_text("secret\n", encoding="utf-8")
    path = folder / "event.yaml"
    path.write_text(f"# {title}, as the organisers wrote it\nevent:\n  title: {title}\n"
                    "  timezone: Europe/Warsaw\n  start: 2030-05-18 18:00\n  end: '21:00'\n"
                    "stream:\n  cookies: cookies.txt\nslides:\n  - image: poster.png\n",
                    encoding="utf-8")
    return path


def listing(folder: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


def test_pack_then_open_then_replace(tmp_path: Path) -> None:
    first = tmp_path / "first.wpk"
    made = kiosk("pack", "--config", str(event(tmp_path / "a", "First night")), "-o",
                 str(first), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert f'{first}: "First night" with 1 file' in made.stdout
    assert "left out stream.cookies" in made.stdout

    opened = kiosk("open", str(first), "--no-start", cwd=tmp_path)
    assert opened.returncode == 0, opened.stderr
    assert 'Opened "First night" (starts 2030-05-18 18:00 Europe/Warsaw)' in opened.stdout
    loaded = config.load(paths.host_event())
    assert loaded.event.title == "First night"
    assert loaded.slides[0].image == paths.host_event_dir() / "media" / "poster.png"
    assert "# First night, as the organisers wrote it" in \
        paths.host_event().read_text(encoding="utf-8")

    # The host's own event is what `pack` takes without --config.
    again = tmp_path / "again.wpk"
    assert kiosk("pack", "-o", str(again), cwd=tmp_path).returncode == 0

    second = tmp_path / "second.wpk"
    assert kiosk("pack", "--config", str(event(tmp_path / "b", "Second night")), "-o",
                 str(second), cwd=tmp_path).returncode == 0
    before = listing(paths.config_dir())
    # No terminal and no --replace: nobody to ask (offscreen), so nothing changes.
    kept = kiosk("open", str(second), "--no-start", cwd=tmp_path)
    assert kept.returncode == 1
    assert 'Nothing was opened: "First night" stays' in kept.stderr
    assert listing(paths.config_dir()) == before

    replaced = kiosk("open", str(second), "--replace", "--no-start", cwd=tmp_path)
    assert replaced.returncode == 0, replaced.stderr
    assert "The event it replaced is kept in" in replaced.stdout
    assert config.load(paths.host_event()).event.title == "Second night"
    (old,) = paths.replaced_events_dir().iterdir()
    assert config.load(old / "event.yaml").event.title == "First night"


def test_a_refused_pack_exits_1_with_the_reason_on_stderr(tmp_path: Path) -> None:
    pack = tmp_path / "evil.wpk"
    with zipfile.ZipFile(pack, "w") as archive:
        archive.writestr("event.yaml", "event: {}\n")
        archive.writestr("../evil.txt", "gotcha")
    result = kiosk("open", str(pack), "--replace", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == ('the pack "evil.wpk" holds "../evil.txt", a name that '
                                     "points outside its folder; nothing was opened")
    assert listing(paths.config_dir()) == {}
    assert not (tmp_path.parent / "evil.txt").exists()


def test_a_pack_with_an_invalid_event_exits_2(tmp_path: Path) -> None:
    pack = tmp_path / "broken.wpk"
    with zipfile.ZipFile(pack, "w") as archive:
        archive.writestr("event.yaml", "event:\n  title: Broken\n  timezone: Europe/Warsow\n"
                                       "  start: 2030-05-18 18:00\n  end: '21:00'\n")
    result = kiosk("open", str(pack), "--replace", "--no-start", cwd=tmp_path)
    assert result.returncode == 2
    assert "event.yaml:3:13: event.timezone: unknown time zone 'Europe/Warsow'" in result.stderr
    assert listing(paths.config_dir()) == {}


def test_pack_needs_a_config_and_a_valid_one(tmp_path: Path) -> None:
    nothing = kiosk("pack", "-o", str(tmp_path / "x.wpk"), cwd=tmp_path)
    assert nothing.returncode == 2
    assert "this computer has no event of its own to pack" in nothing.stderr
    broken = event(tmp_path / "c", "Broken")
    broken.write_text(broken.read_text(encoding="utf-8").replace("Europe/Warsaw", "Mars/Base"),
                      encoding="utf-8")
    invalid = kiosk("pack", "--config", str(broken), "-o", str(tmp_path / "x.wpk"),
                    cwd=tmp_path)
    assert invalid.returncode == 2
    assert "event.timezone: unknown time zone 'Mars/Base'" in invalid.stderr
    assert not (tmp_path / "x.wpk").exists()
