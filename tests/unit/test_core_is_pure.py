"""kiosk.core stays free of Qt, libVLC and the stage, so it can be tested and run headless."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "kiosk" / "core"
FORBIDDEN = ("PySide6", "shiboken6", "vlc", "kiosk.stage", "kiosk.player", "kiosk.app")


def _core_modules() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def _dotted(path: Path, core: Path = CORE) -> str:
    parts = path.relative_to(core.parents[1]).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_forbidden(name: str) -> bool:
    return any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module an ``from ... import`` names, relative imports included."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def forbidden_imports(path: Path, core: Path = CORE) -> list[str]:
    """``file:line: imports X`` for every forbidden import in ``path`` (a module of ``core``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    module = _dotted(path, core)
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node, module, path.name == "__init__.py")
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        elif (isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))
              and getattr(node.func, "attr", getattr(node.func, "id", "")) in
              ("import_module", "__import__")
              and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)):
            names = [node.args[0].value]
        bad = sorted({n for n in names if _is_forbidden(n)})
        if bad:
            found.append(f"{path.relative_to(core.parents[1])}:{node.lineno}: imports "
                         f"{', '.join(bad)}")
    return found


def test_the_core_has_modules():
    names = {p.name for p in _core_modules()}
    assert {"config.py", "schema.py", "programme.py", "director.py", "view.py"} <= names


@pytest.mark.parametrize("path", _core_modules(), ids=lambda p: p.name)
def test_core_module_imports_no_qt_vlc_or_stage(path):
    problems = forbidden_imports(path)
    assert not problems, "kiosk.core must stay pure:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import PySide6\n", "imports PySide6"),
        ("from PySide6.QtCore import QTimer\n", "imports PySide6.QtCore"),
        ("import shiboken6\n", "imports shiboken6"),
        ("x = 1\nimport vlc\n", ":2: imports vlc"),
        ("from kiosk.stage import window\n", "imports kiosk.stage"),
        ("from kiosk import player\n", "imports kiosk.player"),
        ("from .. import app\n", "imports kiosk.app"),
        ("from ..stage.window import Window\n", "imports kiosk.stage"),
        ("def f():\n    import kiosk.player.vlcplayer\n", ":2: imports kiosk.player"),
        ("import importlib\nimportlib.import_module('PySide6.QtGui')\n", ":2: imports PySide6"),
    ],
)
def test_the_checker_catches_forbidden_imports(tmp_path, source, expected):
    # A throwaway module laid out like kiosk/core/x.py, so that relative imports resolve.
    fake_core = tmp_path / "kiosk" / "core"
    fake_core.mkdir(parents=True)
    module = fake_core / "sneaky.py"
    module.write_text(source, encoding="utf-8")
    problems = forbidden_imports(module, fake_core)
    assert len(problems) == 1
    assert problems[0].startswith("kiosk/core/sneaky.py:")
    assert expected in problems[0]


@pytest.mark.parametrize("source", ["import yaml\n", "from vlcutils import x\n",
                                    "from kiosk.core import config\n", "import PySide6x\n"])
def test_the_checker_allows_other_imports(tmp_path, source):
    fake_core = tmp_path / "kiosk" / "core"
    fake_core.mkdir(parents=True)
    module = fake_core / "fine.py"
    module.write_text(source, encoding="utf-8")
    assert forbidden_imports(module, fake_core) == []


def test_importing_the_core_loads_no_qt_or_vlc():
    modules = [_dotted(p) for p in _core_modules()]
    code = (
        f"import {', '.join(modules)}\n"
        "import sys\n"
        "bad = sorted(m for m in sys.modules\n"
        "             if m.startswith(('PySide6', 'shiboken6', 'vlc', 'kiosk.stage',\n"
        "                              'kiosk.player', 'kiosk.app')))\n"
        "assert not bad, bad\n"
    )
    root = CORE.parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(root), *filter(None, [os.environ.get("PYTHONPATH")])])}
    result = subprocess.run([sys.executable, "-c", code], cwd=root, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
