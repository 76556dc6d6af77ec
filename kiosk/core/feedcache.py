"""The last good copy of every feed and of every remote picture, kept on disk for offline starts.

One file per feed: a line of JSON (address, media type, when last confirmed, validators, and
the body's length and SHA-256), then the body. A file is written whole to a temporary file
in the same folder, flushed to disk and renamed over the old one, so a reader sees either the
old copy or the new one; a copy that does not match its own header (torn, damaged, edited)
is treated as absent. Pictures are plain files, written the same way, named after their
address so their place is known before they arrive.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kiosk.core import atomic

FORMAT = 1
DOCUMENT_SUFFIX = ".feed"


@dataclass(frozen=True)
class CachedDocument:
    url: str
    body: bytes
    content_type: str
    fetched_at: datetime  # aware; when this body was last confirmed good (fetched or 304)
    etag: str = ""
    last_modified: str = ""


class FeedCache:
    """Feeds and pictures under ``root`` (created on the first save).

    Safe to use from several threads; a save never leaves a half-written copy behind.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.images = root / "images"

    def document_path(self, url: str) -> Path:
        return self.root / (_key(url) + DOCUMENT_SUFFIX)

    def load(self, url: str) -> CachedDocument | None:
        """The kept copy of ``url``'s document; None when there is none or it is damaged."""
        try:
            data = self.document_path(url).read_bytes()
            head, _, body = data.partition(b"\n")
            meta = json.loads(head)
            if (meta["format"] != FORMAT or meta["url"] != url or meta["length"] != len(body)
                    or meta["sha256"] != hashlib.sha256(body).hexdigest()):
                return None
            fetched_at = datetime.fromisoformat(meta["fetched_at"])
            if fetched_at.tzinfo is None:
                return None
            return CachedDocument(url=url, body=body, content_type=str(meta["content_type"]),
                                  fetched_at=fetched_at, etag=str(meta["etag"]),
                                  last_modified=str(meta["last_modified"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, doc: CachedDocument) -> None:
        """Keep ``doc`` in place of the previous copy, atomically; raises OSError."""
        if doc.fetched_at.tzinfo is None:
            raise ValueError("fetched_at must be an aware datetime")
        meta = {
            "format": FORMAT,
            "url": doc.url,
            "content_type": doc.content_type,
            "fetched_at": doc.fetched_at.astimezone(UTC).isoformat(),
            "etag": doc.etag,
            "last_modified": doc.last_modified,
            "length": len(doc.body),
            "sha256": hashlib.sha256(doc.body).hexdigest(),
        }
        head = json.dumps(meta, ensure_ascii=True, separators=(",", ":")).encode("ascii")
        self.root.mkdir(parents=True, exist_ok=True)
        atomic.write_bytes(self.document_path(doc.url), head + b"\n" + doc.body)

    def touch(self, url: str, when: datetime) -> None:
        """Record that the kept copy was confirmed at ``when`` (a 304); nothing if none."""
        doc = self.load(url)
        if doc is not None:
            self.save(dataclasses.replace(doc, fetched_at=when))

    def image_path(self, url: str) -> Path:
        """Where the picture at ``url`` is kept (no suffix: readers go by its content)."""
        return self.images / _key(url)

    def save_image(self, url: str, body: bytes) -> Path:
        """Keep a picture, atomically; returns its path. Raises OSError."""
        self.images.mkdir(parents=True, exist_ok=True)
        path = self.image_path(url)
        atomic.write_bytes(path, body)
        return path

    def has_image(self, url: str) -> bool:
        return self.image_path(url).is_file()


def _key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]


