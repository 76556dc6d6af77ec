"""Start at login: the XDG desktop entry for real, the LaunchAgent and the Run value in a
temporary folder and a stand-in registry."""

from __future__ import annotations

import os
import plistlib
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.platform import autostart
from kiosk.platform.autostart import (
    LaunchAgent,
    RunKey,
    XdgAutostart,
    autostart_command,
    exec_line,
    login_command,
    parse_exec,
)

CHECKOUT = Path(__file__).resolve().parents[2]


@pytest.fixture
def event(tmp_path: Path) -> Path:
    path = tmp_path / "my event.yaml"
    path.write_text("# the config itself is not read by autostart\n", encoding="utf-8")
    return path


def test_the_login_command_is_supervised_and_names_the_config_absolutely(event, monkeypatch):
    monkeypatch.chdir(event.parent)
    assert login_command(Path(event.name), frozen=False, executable="/venv/bin/python") == [
        "/venv/bin/python", "-m", "kiosk", "--supervise", "--config", str(event)]
    assert login_command(None, frozen=True, executable="/opt/watchparty-kiosk/watchparty-kiosk") \
        == ["/opt/watchparty-kiosk/watchparty-kiosk", "--supervise"]
    assert login_command()[:4] == [sys.executable, "-m", "kiosk", "--supervise"]


# ---------------------------------------------------------------------- Linux, for real


def test_on_status_off_through_xdg_config_home(event, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    entry = tmp_path / "config" / "autostart" / "watchparty-kiosk.desktop"

    assert autostart_command("status", config=None) == 0
    assert "Autostart is off" in capsys.readouterr().out

    assert autostart_command("on", config=event) == 0
    out = capsys.readouterr().out
    command = [sys.executable, "-m", "kiosk", "--supervise", "--config", str(event)]
    assert f"Autostart is on: at login this user starts\n  {shlex.join(command)}\n" in out
    assert str(entry) in out
    text = entry.read_text(encoding="utf-8")
    assert text.startswith("[Desktop Entry]\nType=Application\nName=watchparty-kiosk\n")
    assert "\nTerminal=false\n" in text
    exec_value = re.search(r"^Exec=(.*)$", text, re.MULTILINE).group(1)
    assert parse_exec(exec_value) == command
    assert f'"{event}"' in exec_value  # the space in "my event.yaml" is quoted

    assert autostart_command("status", config=None) == 0
    assert shlex.join(command) in capsys.readouterr().out

    assert autostart_command("off", config=None) == 0
    assert capsys.readouterr().out == "Autostart is off.\n"
    assert not entry.exists()
    assert autostart_command("off", config=None) == 0
    assert capsys.readouterr().out == "Autostart was already off.\n"


def test_a_relative_xdg_config_home_is_ignored(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/config")
    target = autostart.for_this_system("linux")
    assert target.where == str(tmp_path / ".config" / "autostart" / "watchparty-kiosk.desktop")


def test_an_entry_the_desktop_switched_off_counts_as_off(tmp_path):
    target = XdgAutostart(tmp_path)
    target.enable(["/opt/kiosk", "--supervise"])
    assert target.current() == "/opt/kiosk --supervise"
    target.path.write_text(target.path.read_text() + "Hidden=true\n", encoding="utf-8")
    assert target.current() is None


def test_a_missing_config_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert autostart_command("on", config=tmp_path / "nowhere.yaml") == 1
    assert f"--config {tmp_path / 'nowhere.yaml'}: no such file" in capsys.readouterr().err
    assert not (tmp_path / "autostart").exists()


def test_a_folder_that_cannot_be_written_is_a_clear_error(tmp_path, capsys):
    blocker = tmp_path / "config"
    blocker.write_text("a file where the folder should be")
    assert autostart_command("on", config=None, autostart=XdgAutostart(blocker)) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"cannot turn autostart on: {blocker / 'autostart'}")
    assert "Traceback" not in err


@pytest.mark.parametrize("argument", [
    "/home/ana/watchparty-kiosk/watchparty-kiosk",
    "/home/ana maria/my event.yaml",
    'say "hi"', "cost $5 `now`", r"C:\Users\ana\event.yaml", "100% sure", "tab\there",
    "new\nline", "it's (ok); really & <fine> | ~ * ? #", "",
])
def test_exec_quoting_gives_back_every_argument(argument):
    command = ["/usr/bin/python3", argument, "--supervise"]
    line = exec_line(command)
    assert "\n" not in line
    assert parse_exec(line) == command


def test_exec_quoting_follows_the_desktop_entry_specification():
    assert exec_line(["/opt/kiosk", "--supervise"]) == "/opt/kiosk --supervise"
    assert exec_line(["/home/a b/k"]) == '"/home/a b/k"'
    assert exec_line(["100%"]) == '"100%%"'
    # A backslash in a quoted argument is escaped for the quoting, then again for the string.
    assert exec_line(["a\\b"]) == '"a\\\\\\\\b"'
    assert exec_line(['"$`']) == '"\\\\"\\\\$\\\\`"'


def test_the_command_line_wires_it(tmp_path):
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "kiosk", "autostart", "status"],
                            cwd=CHECKOUT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Autostart is off (")


# ---------------------------------------------------------------------- macOS, in a folder


def test_the_launch_agent_runs_the_kiosk_at_login(tmp_path, event, capsys):
    agents = tmp_path / "Library" / "LaunchAgents"
    target = LaunchAgent(agents)
    assert autostart_command("on", config=event, autostart=target) == 0
    path = agents / "org.watchparty-kiosk.plist"
    with path.open("rb") as file:
        agent = plistlib.load(file)
    assert agent == {
        "Label": "org.watchparty-kiosk",
        "ProgramArguments": [sys.executable, "-m", "kiosk", "--supervise", "--config",
                             str(event)],
        "RunAtLoad": True,
        "KeepAlive": False,
        "LimitLoadToSessionType": "Aqua",
        "ProcessType": "Interactive",
    }
    assert path.read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist')
    assert "Autostart is on" in capsys.readouterr().out
    assert autostart_command("off", config=None, autostart=target) == 0
    assert not path.exists()


def test_a_broken_launch_agent_is_reported_not_raised(tmp_path, capsys):
    target = LaunchAgent(tmp_path)
    target.path.write_bytes(b"not a plist")
    assert autostart_command("status", config=None, autostart=target) == 1
    assert "not a LaunchAgent the kiosk wrote" in capsys.readouterr().err


# ---------------------------------------------------------------------- Windows, stand-in registry


class Registry:
    """The part of ``winreg`` the kiosk uses, over a dict: {(root, key): {name: value}}."""

    HKEY_CURRENT_USER = "HKCU"
    HKEY_LOCAL_MACHINE = "HKLM"
    KEY_READ = 1
    KEY_SET_VALUE = 2
    REG_SZ = 1

    def __init__(self) -> None:
        self.keys: dict[tuple[str, str], dict[str, str]] = {}

    class _Key:
        def __init__(self, values: dict[str, str]) -> None:
            self.values = values

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def CreateKeyEx(self, root, sub, reserved, access):
        return self._Key(self.keys.setdefault((root, sub), {}))

    def OpenKey(self, root, sub, reserved, access):
        if (root, sub) not in self.keys:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return self._Key(self.keys[(root, sub)])

    def SetValueEx(self, key, name, reserved, kind, value):
        assert kind == self.REG_SZ
        key.values[name] = value

    def QueryValueEx(self, key, name):
        if name not in key.values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return key.values[name], self.REG_SZ

    def DeleteValue(self, key, name):
        if name not in key.values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        del key.values[name]


RUN = r"Software\Microsoft\Windows\CurrentVersion\Run"


def test_the_run_value_holds_the_quoted_command(capsys):
    registry = Registry()
    target = RunKey(registry)
    command = [r"C:\Program Files\watchparty-kiosk\watchparty-kiosk.exe", "--supervise",
               "--config", r"C:\Users\Ana\My Event.yaml"]
    target.enable(command)
    value = registry.keys[("HKCU", RUN)]["watchparty-kiosk"]
    assert value == (r'"C:\Program Files\watchparty-kiosk\watchparty-kiosk.exe" --supervise '
                     r'--config "C:\Users\Ana\My Event.yaml"')
    assert autostart_command("status", config=None, autostart=target) == 0
    assert value in capsys.readouterr().out
    assert autostart_command("off", config=None, autostart=target) == 0
    assert registry.keys[("HKCU", RUN)] == {}
    assert autostart_command("status", config=None, autostart=target) == 0
    assert "Autostart is off" in capsys.readouterr().out


def test_an_all_users_install_entry_is_pointed_out(capsys):
    registry = Registry()
    installed = r'"C:\Program Files\wk\watchparty-kiosk.exe"'
    registry.keys[("HKLM", RUN)] = {"watchparty-kiosk": installed}
    assert autostart_command("off", config=None, autostart=RunKey(registry)) == 0
    out = capsys.readouterr().out
    assert "Autostart was already off." in out
    assert "Also for every user of this computer" in out and "administrator" in out


def test_the_installer_and_the_kiosk_share_one_run_value():
    """Inno Setup's "start when I log in" and ``autostart on`` must write the same value, or a
    kiosk switched on in both ways starts twice."""
    script = (CHECKOUT / "packaging" / "windows" / "watchparty-kiosk.iss").read_text(
        encoding="utf-8")
    app_name = re.search(r'^#define AppName "([^"]+)"', script, re.MULTILINE).group(1)
    # The installer writes other keys too (the .wpk file type); the Run ones are these.
    run_entries = [(subkey, name) for subkey, name in re.findall(
        r'Subkey: "([^"]+)"; ValueType: \w+; ValueName: "([^"]+)"', script)
        if subkey.endswith("\\Run")]
    assert run_entries, "the installer writes no Run value any more"
    for subkey, name in run_entries:
        assert subkey == RUN == autostart.RUN_KEY
        assert name.replace("{#AppName}", app_name) == autostart.APP_NAME
