"""Start the kiosk when this user logs in: ``watchparty-kiosk autostart on|off|status``.

- Linux (and other freedesktop desktops): ``$XDG_CONFIG_HOME/autostart/watchparty-kiosk.desktop``.
- macOS: the LaunchAgent ``~/Library/LaunchAgents/org.watchparty-kiosk.plist`` (RunAtLoad).
- Windows: the value ``watchparty-kiosk`` under ``HKCU\\Software\\Microsoft\\Windows\\
  CurrentVersion\\Run``, the value the installer's "start when I log in" writes, so the two
  never start the kiosk twice.

The command started is the installed program (a frozen build) or ``python -m kiosk``, always
``--supervise`` (restarted after a crash), with ``--config <absolute path>`` when given.
"""

from __future__ import annotations

import os
import plistlib
import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from kiosk.core.atomic import write_bytes, write_text
from kiosk.platform.frozen import is_frozen

APP_NAME = "watchparty-kiosk"
LAUNCH_AGENT_LABEL = "org.watchparty-kiosk"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
SUPERVISE = "--supervise"

EXIT_OK = 0
EXIT_FAILED = 1


class Autostart(Protocol):
    """Where one system keeps a program to start at login."""

    where: str

    def enable(self, command: Sequence[str]) -> None: ...

    def disable(self) -> bool:
        """Remove the entry; False when there was none."""
        ...

    def current(self) -> str | None:
        """The command the entry starts, or None when there is no entry."""
        ...


def login_command(config: Path | None = None, *, frozen: bool | None = None,
                  executable: str | None = None) -> list[str]:
    """What starts at login: this kiosk, supervised, with its config. ``frozen`` and
    ``executable`` default to this process's."""
    frozen = is_frozen() if frozen is None else frozen
    executable = executable or sys.executable
    command = [executable] if frozen else [executable, "-m", "kiosk"]
    command.append(SUPERVISE)
    if config is not None:
        command += ["--config", str(config.expanduser().absolute())]
    return command


def for_this_system(platform: str | None = None) -> Autostart:
    platform = platform if platform is not None else sys.platform
    if platform.startswith("win"):
        import winreg

        return RunKey(winreg)
    if platform == "darwin":
        return LaunchAgent(Path.home() / "Library" / "LaunchAgents")
    return XdgAutostart(_xdg_config_home())


def autostart_command(action: str, *, config: Path | None,
                      autostart: Autostart | None = None) -> int:
    """``autostart on|off|status``: prints what it did or found; 0, or 1 with a reason."""
    try:
        target = autostart if autostart is not None else for_this_system()
    except (ImportError, RuntimeError) as exc:  # no winreg; no home folder
        print(f"autostart is not available here: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if action == "status":
        return _status(target)
    if action == "off":
        try:
            removed = target.disable()
        except OSError as exc:
            print(f"cannot turn autostart off: {target.where}: {_reason(exc)}", file=sys.stderr)
            return EXIT_FAILED
        print("Autostart is off." if removed else "Autostart was already off.")
        return _others_note(target)
    if action == "on":
        if config is not None and not config.expanduser().is_file():
            print(f"--config {config}: no such file", file=sys.stderr)
            return EXIT_FAILED
        problem = _unstable_location(sys.executable)
        if problem:
            print(f"cannot turn autostart on: {problem}", file=sys.stderr)
            return EXIT_FAILED
        command = login_command(config)
        try:
            target.enable(command)
        except OSError as exc:
            print(f"cannot turn autostart on: {target.where}: {_reason(exc)}", file=sys.stderr)
            return EXIT_FAILED
        return _status(target)
    print(f"unknown autostart action {action!r} (on, off or status)", file=sys.stderr)
    return EXIT_FAILED


def _status(target: Autostart) -> int:
    try:
        command = target.current()
    except OSError as exc:
        print(f"cannot read {target.where}: {_reason(exc)}", file=sys.stderr)
        return EXIT_FAILED
    if command is None:
        print(f"Autostart is off ({target.where}).")
    else:
        print(f"Autostart is on: at login this user starts\n  {command}\n({target.where})")
    return _others_note(target)


def _others_note(target: Autostart) -> int:
    """Windows: an all-users install's entry starts the kiosk too, and only an administrator
    (or the uninstaller) can take it away."""
    others = getattr(target, "machine_wide", None)
    command = others() if callable(others) else None
    if command:
        print(f"Also for every user of this computer (set by the installer): {command}\n"
              "Only an administrator can remove that one (or uninstall, or run the installer "
              "again without \"start when I log in\").")
    return EXIT_OK


def _unstable_location(executable: str) -> str:
    """A macOS app run from its disk image or from Gatekeeper's translocated copy lives at a
    path that is gone at the next login."""
    if sys.platform != "darwin":
        return ""
    if "/AppTranslocation/" in executable or executable.startswith("/Volumes/"):
        return ("the app is running from the disk image or a temporary copy; drag it to "
                "Applications, open it from there, then turn autostart on again")
    return ""


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _xdg_config_home() -> Path:
    configured = os.environ.get("XDG_CONFIG_HOME", "")
    # The specification ignores a relative path.
    return Path(configured) if os.path.isabs(configured) else Path.home() / ".config"


# ---------------------------------------------------------------------- Linux


class _EntryFile:
    """An autostart entry that is one file: removing the file turns it off."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = str(path)

    def disable(self) -> bool:
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        return True


class XdgAutostart(_EntryFile):
    """A desktop entry in the XDG autostart folder."""

    def __init__(self, config_home: Path) -> None:
        super().__init__(config_home / "autostart" / f"{APP_NAME}.desktop")

    def enable(self, command: Sequence[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_text(self.path, desktop_entry(command))

    def current(self) -> str | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        entry = _desktop_entry_keys(text)
        if entry.get("Hidden", "").lower() == "true":
            return None  # the desktop's way of switching an entry off
        if entry.get("X-GNOME-Autostart-enabled", "").lower() == "false":
            return None
        return shlex.join(parse_exec(entry.get("Exec", "")))


def desktop_entry(command: Sequence[str]) -> str:
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        f"Name={APP_NAME}\n"
        "Comment=Show the event on this screen (watchparty-kiosk autostart off stops this)\n"
        f"Exec={exec_line(command)}\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


_EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`%")
_STRING_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def exec_line(command: Sequence[str]) -> str:
    """An ``Exec=`` value that gives back exactly ``command``, quoted as the Desktop Entry
    specification says: arguments with reserved characters in double quotes with ``"`$\\``
    escaped, ``%`` doubled, and then every backslash doubled for the string value."""
    parts = []
    for argument in command:
        if argument and not (set(argument) & _EXEC_RESERVED):
            parts.append(argument)
            continue
        quoted = "".join("\\" + c if c in '"`$\\' else c for c in argument)
        parts.append(f'"{quoted}"'.replace("%", "%%"))
    return "".join(_STRING_ESCAPES.get(c, c) for c in " ".join(parts))


def parse_exec(value: str) -> list[str]:
    """The arguments of an ``Exec=`` value written by ``exec_line`` (or by hand)."""
    # The string value's own escapes first (\\ \s \n \t \r), then the quoting rules.
    text = []
    i = 0
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            text.append({"s": " ", "n": "\n", "t": "\t", "r": "\r"}.get(nxt, nxt))
            i += 2
            continue
        text.append(c)
        i += 1
    line = "".join(text)
    arguments: list[str] = []
    current: list[str] = []
    started = False
    quoted = False
    i = 0
    while i < len(line):
        c = line[i]
        if quoted:
            if c == "\\" and i + 1 < len(line) and line[i + 1] in '"`$\\':
                current.append(line[i + 1])
                i += 1
            elif c == '"':
                quoted = False
            else:
                current.append(c)
        elif c == '"':
            quoted = started = True
        elif c in " \t":
            if started:
                arguments.append("".join(current))
                current, started = [], False
        else:
            current.append(c)
            started = True
        i += 1
    if started:
        arguments.append("".join(current))
    return [a.replace("%%", "%") for a in arguments]


def _desktop_entry_keys(text: str) -> dict[str, str]:
    keys: dict[str, str] = {}
    group = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            group = line[1:-1]
        elif group == "Desktop Entry" and "=" in line:
            key, value = line.split("=", 1)
            keys.setdefault(key.strip(), value.strip())
    return keys


# ---------------------------------------------------------------------- macOS


class LaunchAgent(_EntryFile):
    """A per-user LaunchAgent that runs the kiosk once at login."""

    def __init__(self, agents_dir: Path) -> None:
        super().__init__(agents_dir / f"{LAUNCH_AGENT_LABEL}.plist")

    def enable(self, command: Sequence[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(self.path, launch_agent(command))

    def current(self) -> str | None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            agent = plistlib.loads(data)
            arguments = [str(a) for a in agent["ProgramArguments"]]
        except (plistlib.InvalidFileException, KeyError, TypeError, ValueError) as exc:
            raise OSError(f"not a LaunchAgent the kiosk wrote ({exc})") from exc
        if agent.get("Disabled") is True:
            return None
        return shlex.join(arguments)


def launch_agent(command: Sequence[str]) -> bytes:
    return plistlib.dumps({
        "Label": LAUNCH_AGENT_LABEL,
        "ProgramArguments": list(command),
        "RunAtLoad": True,
        # The supervisor restarts the kiosk; launchd only starts it once per login.
        "KeepAlive": False,
        # Only in a graphical login, not over ssh.
        "LimitLoadToSessionType": "Aqua",
        "ProcessType": "Interactive",
    })


# ---------------------------------------------------------------------- Windows


class RunKey:
    """The current user's ``Run`` value, through ``winreg`` (or a stand-in with its API)."""

    def __init__(self, winreg: Any) -> None:
        self._reg = winreg
        self.where = f"HKEY_CURRENT_USER\\{RUN_KEY}\\{APP_NAME}"

    def enable(self, command: Sequence[str]) -> None:
        reg = self._reg
        with reg.CreateKeyEx(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_SET_VALUE) as key:
            reg.SetValueEx(key, APP_NAME, 0, reg.REG_SZ, subprocess.list2cmdline(command))

    def disable(self) -> bool:
        reg = self._reg
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_SET_VALUE) as key:
                reg.DeleteValue(key, APP_NAME)
        except FileNotFoundError:
            return False
        return True

    def current(self) -> str | None:
        return self._read(self._reg.HKEY_CURRENT_USER)

    def machine_wide(self) -> str | None:
        """The all-users install's entry (HKEY_LOCAL_MACHINE), if any."""
        try:
            return self._read(self._reg.HKEY_LOCAL_MACHINE)
        except OSError:
            return None

    def _read(self, root: Any) -> str | None:
        reg = self._reg
        try:
            with reg.OpenKey(root, RUN_KEY, 0, reg.KEY_READ) as key:
                value, _kind = reg.QueryValueEx(key, APP_NAME)
        except FileNotFoundError:
            return None
        return str(value)
