"""Config errors that say where (file:line:column, key path) and what."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ConfigError:
    """One problem in a config or feed document."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        if self.path:
            return f"{where}: {self.path}: {self.message}"
        return f"{where}: {self.message}"


class ConfigInvalid(Exception):
    """Raised with every problem found in one document, in file order."""

    def __init__(self, errors: Iterable[ConfigError]) -> None:
        self.errors: tuple[ConfigError, ...] = tuple(
            sorted(errors, key=lambda e: (e.file, e.line, e.column))
        )
        super().__init__("\n".join(str(e) for e in self.errors))
