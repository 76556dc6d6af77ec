"""The last config that loaded cleanly, kept so a broken edit never costs the hall its event."""

from __future__ import annotations

import hashlib
import json
from datetime import tzinfo
from pathlib import Path

from kiosk.core import atomic
from kiosk.core import config as config_module
from kiosk.core.config import Config
from kiosk.core.errors import ConfigInvalid


def _names(source: Path) -> tuple[str, str]:
    """One copy per config file: a host with two events never gets the other one's copy."""
    key = hashlib.sha256(str(source.resolve()).encode("utf-8")).hexdigest()[:16]
    return f"last-good-{key}.yaml", f"last-good-{key}.json"


def remember(source: Path, state_dir: Path) -> str:
    """Copy a config that just loaded cleanly; returns a problem text, or "" on success."""
    text_name, meta_name = _names(source)
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        atomic.write_text(state_dir / text_name, source.read_text(encoding="utf-8"))
        meta = {"source": str(source.resolve())}
        atomic.write_text(state_dir / meta_name, json.dumps(meta, ensure_ascii=False))
    except OSError as exc:
        return f"could not keep a copy of the config in {state_dir}: {exc.strerror}"
    return ""


def recall(source: Path, state_dir: Path, system_zone: tzinfo | None = None) -> Config | None:
    """The last good copy of ``source``, or None when there is none or it no longer loads."""
    text_name, meta_name = _names(source)
    try:
        text = (state_dir / text_name).read_text(encoding="utf-8")
        meta = json.loads((state_dir / meta_name).read_text(encoding="utf-8"))
        if Path(meta["source"]) != source.resolve():
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        # Relative image paths keep pointing where the original file was; a file gone
        # since is the host's to hear about, not a reason to drop the copy.
        return config_module.loads(text, f"{source} (last good copy)", base_dir=source.parent,
                                   system_zone=system_zone, lenient=True)
    except ConfigInvalid:
        return None
