"""The licence notices every bundle carries in its ``licenses/`` folder.

PyInstaller copies no licence file on its own. The spec puts these into the bundle:

- ``packaging/notices/*``: THIRD-PARTY-NOTICES.md and the licence texts it names;
- the project's LICENSE (as ``LICENSE-watchparty-kiosk.txt`` and ``GPL-3.0.txt``) and the
  font's OFL (``OFL-1.1.txt``);
- ``python-packages/<name>-<version>/``: the licence files of every Python distribution the
  kiosk depends on (walked from the installed metadata), plus ``python-packages.txt``, a table
  of name, version and declared licence;
- ``vlc/``: VLC's own COPYING (Windows, macOS) or Debian's copyright files (Linux), and on
  Linux ``debian/<package>.copyright`` for every system library the bundle copied.

``kiosk/selftest.py`` checks that the fixed ones are there in a frozen build.
"""

from __future__ import annotations

import importlib.metadata as metadata
import re
from dataclasses import dataclass
from pathlib import Path

# The PyPA library (a PyInstaller dependency), not this folder: a folder without __init__.py
# never shadows an installed package.
from packaging.requirements import Requirement

ROOT_DISTRIBUTION = "watchparty-kiosk"
_LICENCE_FILE = re.compile(r"(^|/)(LICEN[CS]E|COPYING|NOTICE|AUTHORS)[^/]*$", re.IGNORECASE)


@dataclass(frozen=True)
class Distribution:
    name: str
    version: str
    licence: str
    files: tuple[Path, ...]


def dependencies(root: str = ROOT_DISTRIBUTION) -> list[Distribution]:
    """Every installed distribution ``root`` needs at run time (extras it names included)."""
    seen: dict[str, Distribution] = {}
    todo: list[tuple[str, frozenset[str]]] = [(root, frozenset())]
    while todo:
        name, extras = todo.pop()
        key = _key(name)
        if key in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen[key] = Distribution(dist.metadata["Name"], dist.version, _licence(dist),
                                 _licence_files(dist))
        for text in dist.requires or ():
            requirement = Requirement(text)
            environments = [{"extra": e} for e in extras] or [{"extra": ""}]
            if requirement.marker is not None and not any(
                    requirement.marker.evaluate(env) for env in environments):
                continue
            todo.append((requirement.name, frozenset(requirement.extras)))
    return sorted(seen.values(), key=lambda d: d.name.lower())


def summary(distributions: list[Distribution]) -> str:
    width = max((len(d.name) for d in distributions), default=4)
    lines = ["Python distributions in this bundle (declared licence; texts in the folder "
             "of the same name)", ""]
    lines += [f"{d.name:<{width}}  {d.version:<18}  {d.licence}" for d in distributions]
    return "\n".join(lines) + "\n"


def datas(checkout: Path, generated: Path) -> list[tuple[str, str]]:
    """(source, destination folder) for PyInstaller: the notices and every licence text.

    ``generated`` is a scratch folder (the build's work path) for the files made here.
    """
    notices = checkout / "packaging" / "notices"
    out: list[tuple[str, str]] = [(str(p), "licenses") for p in sorted(notices.iterdir())
                                  if p.is_file()]
    generated.mkdir(parents=True, exist_ok=True)
    for name, source in (("LICENSE-watchparty-kiosk.txt", checkout / "LICENSE"),
                         ("GPL-3.0.txt", checkout / "LICENSE"),
                         ("OFL-1.1.txt", checkout / "assets" / "fonts" / "OFL.txt")):
        target = generated / name
        target.write_bytes(source.read_bytes())
        out.append((str(target), "licenses"))
    distributions = dependencies()
    table = generated / "python-packages.txt"
    table.write_text(summary(distributions), encoding="utf-8")
    out.append((str(table), "licenses"))
    for dist in distributions:
        folder = f"licenses/python-packages/{dist.name}-{dist.version}"
        out += [(str(p), folder) for p in dist.files]
    return out


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _licence(dist: metadata.Distribution) -> str:
    text = dist.metadata.get("License-Expression") or dist.metadata.get("License") or ""
    text = text.strip().splitlines()[0] if text.strip() else ""
    if not text or len(text) > 80:
        classifiers = [c.split("::")[-1].strip() for c in dist.metadata.get_all("Classifier")
                       or [] if c.startswith("License ::")]
        text = ", ".join(classifiers) or text[:80] or "see its files"
    return text


def _licence_files(dist: metadata.Distribution) -> tuple[Path, ...]:
    found = []
    for item in dist.files or ():
        if _LICENCE_FILE.search(str(item)) and ".dist-info" in str(item):
            path = Path(str(dist.locate_file(item)))
            if path.is_file():
                found.append(path)
    return tuple(found)
