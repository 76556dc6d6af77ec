"""kiosk.core.feedcache: round trips, damaged copies, pictures, and saves killed mid-write."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from kiosk.core.feedcache import CachedDocument, FeedCache

ROOT = Path(__file__).resolve().parents[2]
URL = "https://example.org/watchparty/feed.yaml"
WHEN = datetime(2021, 2, 6, 15, 0, tzinfo=UTC)


def doc(body: bytes = b"programme: []\n", **changes) -> CachedDocument:
    fields = dict(url=URL, body=body, content_type="application/yaml", fetched_at=WHEN,
                  etag='"v1"', last_modified="Sat, 06 Feb 2021 14:00:00 GMT")
    return CachedDocument(**{**fields, **changes})


@pytest.fixture
def cache(tmp_path: Path) -> FeedCache:
    return FeedCache(tmp_path / "feeds")


def test_a_document_comes_back_as_it_was_saved(cache: FeedCache):
    assert cache.load(URL) is None
    saved = doc(b"\xef\xbb\xbfprogramme:\n  - title: \xc3\x89tape\n\n\x00\n")
    cache.save(saved)
    assert cache.load(URL) == saved
    assert cache.load(URL + "?other") is None


def test_the_time_is_kept_as_the_same_instant_in_utc(cache: FeedCache):
    moscow = datetime(2021, 2, 6, 18, 0, tzinfo=timezone(timedelta(hours=3)))
    cache.save(doc(fetched_at=moscow))
    loaded = cache.load(URL)
    assert loaded is not None
    assert loaded.fetched_at == moscow and loaded.fetched_at.utcoffset() == timedelta(0)


def test_a_naive_time_is_refused(cache: FeedCache):
    with pytest.raises(ValueError):
        cache.save(doc(fetched_at=datetime(2021, 2, 6, 15, 0)))


def test_a_save_replaces_the_copy_and_feeds_do_not_mix(cache: FeedCache):
    cache.save(doc(b"one"))
    cache.save(doc(b"two", etag='"v2"'))
    other = doc(b"other", url="https://example.org/other.json")
    cache.save(other)
    assert cache.load(URL) == doc(b"two", etag='"v2"')
    assert cache.load(other.url) == other
    assert sorted(p.suffix for p in cache.root.iterdir()) == [".feed", ".feed"]


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    head, _, body = data.partition(b"\n")
    damaged = {
        "cut in the body": data[: len(data) - 5],
        "cut in the header": data[: len(head) // 2],
        "bytes appended": data + b"more",
        "a byte changed": head + b"\n" + bytes([body[0] ^ 1]) + body[1:],
        "empty": b"",
        "not JSON": b"programme: []\n" + body,
        "JSON of another shape": b'["format", 1]\n' + body,
        "a newer format": head.replace(b'"format":1', b'"format":2') + b"\n" + body,
        "a naive time": head.replace(b"+00:00", b"") + b"\n" + body,
        "binary junk": os.urandom(4096),
    }[how]
    path.write_bytes(damaged)


@pytest.mark.parametrize("how", ["cut in the body", "cut in the header", "bytes appended",
                                 "a byte changed", "empty", "not JSON", "JSON of another shape",
                                 "a newer format", "a naive time", "binary junk"])
def test_a_damaged_copy_is_no_copy(cache: FeedCache, how):
    cache.save(doc(b"programme:\n  - title: Opening\n"))
    _damage(cache.document_path(URL), how)
    assert cache.load(URL) is None
    cache.save(doc(b"fresh"))  # and a good save mends it
    assert cache.load(URL) == doc(b"fresh")


def test_another_feeds_copy_under_this_name_is_no_copy(cache: FeedCache):
    other = "https://example.org/other.json"
    cache.save(doc(url=other))
    cache.root.joinpath(cache.document_path(URL).name).write_bytes(
        cache.document_path(other).read_bytes())
    assert cache.load(URL) is None


def test_a_folder_where_the_copy_should_be(cache: FeedCache):
    cache.document_path(URL).mkdir(parents=True)
    assert cache.load(URL) is None
    with pytest.raises(OSError):
        cache.save(doc())


def test_a_save_that_cannot_write_raises_oserror(tmp_path: Path):
    (tmp_path / "feeds").write_text("a file, not a folder")
    cache = FeedCache(tmp_path / "feeds")
    with pytest.raises(OSError):
        cache.save(doc())
    with pytest.raises(OSError):
        cache.save_image("https://example.org/a.png", b"\x89PNG")
    assert cache.load(URL) is None and not cache.has_image("https://example.org/a.png")


def test_touch_records_a_confirmation(cache: FeedCache):
    later = WHEN + timedelta(minutes=5)
    cache.touch(URL, later)
    assert cache.load(URL) is None and not cache.root.exists()  # nothing to confirm
    cache.save(doc())
    cache.touch(URL, later)
    assert cache.load(URL) == doc(fetched_at=later)


def test_pictures(cache: FeedCache):
    url = "https://example.org/slides/poster.png?v=2"
    path = cache.image_path(url)
    assert path == cache.image_path(url) and path.parent == cache.images
    assert path != cache.image_path("https://example.org/slides/poster.png")
    assert not cache.has_image(url)
    assert cache.save_image(url, b"\x89PNG first") == path
    assert cache.has_image(url) and path.read_bytes() == b"\x89PNG first"
    cache.save_image(url, b"\x89PNG second")
    assert path.read_bytes() == b"\x89PNG second"
    assert [p.name for p in cache.images.iterdir()] == [path.name]


def test_leftovers_of_a_killed_writer_are_ignored_then_cleared(cache: FeedCache):
    cache.save(doc(b"good"))
    name = cache.document_path(URL).name
    old = cache.root / f"{name}.abc123.tmp"
    old.write_bytes(b'{"format":1,"url":"' + URL.encode() + b'"')  # half a header
    fresh = cache.root / f"{name}.def456.tmp"
    fresh.write_bytes(b"another writer's, still busy")
    hour_ago = time.time() - 3600
    os.utime(old, (hour_ago, hour_ago))
    assert cache.load(URL) == doc(b"good")
    cache.save(doc(b"newer"))
    assert not old.exists() and fresh.exists()
    assert cache.load(URL) == doc(b"newer")


# --------------------------------------------------------------------------- killed mid-write

ROUNDS = 20
# Two documents of different lengths, each a few MB, so a save takes a while; the child
# and the parent build them the same way.
MAKE_DOCS = """
from datetime import UTC, datetime
from kiosk.core.feedcache import CachedDocument
def make(name, size):
    line = (name * 40 + "\\n").encode()
    return CachedDocument(url="https://example.org/feed.yaml",
                          body=line * (size // len(line)), content_type="text/" + name,
                          fetched_at=datetime(2021, 2, 6, tzinfo=UTC), etag=name)
DOCS = [make("A", 3_000_000), make("B", 1_500_000)]
"""
CHILD = MAKE_DOCS + """
import sys
from pathlib import Path
from kiosk.core.feedcache import FeedCache
cache = FeedCache(Path(sys.argv[1]))
n = 0
while True:
    n += 1
    print(n, flush=True)  # save number n starts now (so n - 1 have finished)
    cache.save(DOCS[n % 2])
"""


def test_a_save_killed_at_any_moment_leaves_one_whole_document(tmp_path: Path):
    namespace: dict[str, object] = {}
    exec(textwrap.dedent(MAKE_DOCS), namespace)  # the very code the child runs
    docs = namespace["DOCS"]
    assert isinstance(docs, list)
    root = tmp_path / "feeds"
    cache = FeedCache(root)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    rng = random.Random(5)
    mid_write = 0
    started = time.monotonic()
    for round_ in range(ROUNDS):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(root)], cwd=ROOT, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert child.stdout is not None
        try:
            # Wait for save number `wanted` to start, then let it run for a varied moment.
            wanted = 2 + round_ % 4
            while (line := child.stdout.readline()) and int(line) < wanted:
                pass
            assert line, child.stderr.read().decode() if child.stderr else ""
            time.sleep(rng.uniform(0, 0.03))
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(10)
            child.stdout.close()
            if child.stderr:
                child.stderr.close()
        assert child.returncode == -signal.SIGKILL
        mid_write += any(root.glob("*.tmp"))
        loaded = cache.load("https://example.org/feed.yaml")
        assert any(loaded == d for d in docs), f"round {round_}: torn or missing ({loaded!r:.80})"
    # The kills did land in the middle of saves (a temporary file was left behind).
    assert mid_write >= 3, mid_write
    assert time.monotonic() - started < 15
