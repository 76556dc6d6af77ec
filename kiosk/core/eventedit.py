"""An editing session over the host's config file: each change validated as ``check`` does,
written atomically, and undone on request.

A change that makes the config invalid is refused with ``check``'s own messages and nothing
is written. Problems the file already had (a picture on an unplugged stick) do not block
changes elsewhere; only problems a change brings do. The file is compared with what the
session last read or wrote before every write: an edit made meanwhile in a text editor is
never overwritten.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from kiosk.core import atomic
from kiosk.core.config import Config
from kiosk.core.errors import ConfigError, ConfigInvalid
from kiosk.core.yamledit import Document, KeyPath

# How many changes undo can take back.
UNDO_DEPTH = 100


def path_text(path: KeyPath) -> str:
    """A key path as ``check`` names it: ``programme[3].start``."""
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else key)
    return text


@dataclass(frozen=True)
class Refusal:
    """Why a change was not made: ``check``'s errors that the change brought."""

    errors: tuple[ConfigError, ...]
    conflict: bool = False  # the file had been changed outside the editor

    @property
    def message(self) -> str:
        """The first error's own words, for the field (where and what)."""
        if not self.errors:
            return ""
        first = self.errors[0]
        more = len(self.errors) - 1
        return first.message + (f" (and {more} more problem{'s' if more > 1 else ''})"
                                if more else "")

    def about(self, path: KeyPath) -> str:
        """The message of the first error at or under ``path``, else the first one's."""
        wanted = path_text(path)
        for error in self.errors:
            if error.path == wanted or error.path.startswith((wanted + ".", wanted + "[")):
                return error.message
        return self.message


Edit = Callable[[Document], Document]


class EventEdit:
    """One config file being edited; ``config`` is always the valid config of its text."""

    def __init__(self, path: Path, *, system_zone: tzinfo | None = None) -> None:
        self.path = path
        self._zone = system_zone
        self.document = Document.read(path)
        self._on_disk = self.document.text
        self._crlf = _uses_crlf(path)  # a file saved on Windows keeps its line ends
        self.known = self._errors(self.document)
        self.config = self._config(self.document)
        self._undo: list[str] = []
        self._redo: list[str] = []

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def change(self, edit: Edit) -> Refusal | None:
        """Make ``edit``, check it and write the file; a Refusal says why not."""
        try:
            new = edit(self.document)
        except ConfigInvalid as exc:
            return Refusal(tuple(exc.errors))
        if new.text == self.document.text:
            return None
        refused = self._write(new)
        if refused is None:
            self._undo.append(self.document.text)
            del self._undo[:-UNDO_DEPTH]
            self._redo.clear()
            self._take(new)
        return refused

    def undo(self) -> Refusal | None:
        """Back to the text before the last change (written to the file)."""
        if not self._undo:
            return None
        previous = self._document(self._undo[-1])
        refused = self._write(previous, check=False)
        if refused is None:
            self._redo.append(self.document.text)
            self._undo.pop()
            self._take(previous)
        return refused

    def redo(self) -> Refusal | None:
        """The change undo took back, made again."""
        if not self._redo:
            return None
        again = self._document(self._redo[-1])
        refused = self._write(again, check=False)
        if refused is None:
            self._undo.append(self.document.text)
            self._redo.pop()
            self._take(again)
        return refused

    def reload(self) -> None:
        """Read the file again (it was changed outside the editor); undo starts afresh.

        Raises ConfigInvalid when the file is not a valid config now; the session then
        keeps to what it had and writes nothing over the file until it is valid again.
        """
        self._undo.clear()  # what undo would write back predates the outside edit
        self._redo.clear()
        document = Document.read(self.path)
        config = self._config(document)
        self.document, self.config = document, config
        self._on_disk = document.text
        self._crlf = _uses_crlf(self.path)
        self.known = self._errors(document)

    # ------------------------------------------------------------------ inside

    def _document(self, text: str) -> Document:
        return Document(text, name=self.document.name, base_dir=self.document.base_dir)

    def _take(self, document: Document) -> None:
        self.document = document
        self._on_disk = document.text
        self.config = self._config(document)

    def _write(self, document: Document, *, check: bool = True) -> Refusal | None:
        if check:
            brought = [e for e in self._errors(document) if _key(e) not in
                       {_key(k) for k in self.known}]
            if brought:
                return Refusal(tuple(brought))
        try:
            current: str | None = self.path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            current = "\0"  # not UTF-8 any more: changed outside the editor
        except OSError:
            current = None
        if current is not None and current != self._on_disk:
            try:
                self.reload()
            except ConfigInvalid as exc:
                first = exc.errors[0] if exc.errors else None
                where = f" (line {first.line}: {first.message})" if first else ""
                return Refusal((ConfigError(str(self.path), 1, 1, "",
                                            "the file was changed outside the editor and is "
                                            f"not a valid config now{where}; nothing was "
                                            "written: put it right in the text editor, or "
                                            "close this editor and open it again"),),
                               conflict=True)
            return Refusal((ConfigError(str(self.path), 1, 1, "",
                                        "the file was changed outside the editor; it has "
                                        "been read again, so make the change once more"),),
                           conflict=True)
        text = document.text.replace("\n", "\r\n") if self._crlf else document.text
        try:
            atomic.write_text(self.path, text)
        except OSError as exc:
            return Refusal((ConfigError(str(self.path), 1, 1, "",
                                        f"cannot be saved: {exc.strerror}"),))
        return None

    def _errors(self, document: Document) -> tuple[ConfigError, ...]:
        try:
            document.check(system_zone=self._zone)
        except ConfigInvalid as exc:
            return tuple(exc.errors)
        return ()

    def _config(self, document: Document) -> Config:
        # The running kiosk's way: a missing picture is a warning there, not a failure.
        return document.check(system_zone=self._zone, lenient=True)


def _uses_crlf(path: Path) -> bool:
    try:
        return b"\r\n" in path.read_bytes()
    except OSError:
        return False


def _key(error: ConfigError) -> tuple[str, str]:
    """An error by what and where in the config, not by line (a change moves lines) nor by
    place in a list (a slide moved with its missing picture is the same problem)."""
    return re.sub(r"\[\d+\]", "[]", error.path), error.message
