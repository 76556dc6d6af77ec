"""Event packs: written from a real config, opened into a real config folder, and hostile
zips, made here byte by byte, refused with a message that names the member and what is wrong,
leaving every file as it was."""

from __future__ import annotations

import json
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from kiosk.core import config, paths
from kiosk.core.pack import (
    MAX_MEMBER_SIZE,
    MAX_MEMBERS,
    OpenedPack,
    PackConfigInvalid,
    PackError,
    PackReplaceNeeded,
    export_pack,
    inspect_pack,
    open_pack,
)


def png(rgb: tuple[int, int, int], size: tuple[int, int] = (4, 3)) -> bytes:
    """A real PNG of one colour."""
    width, height = size
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


EVENT = """\
# The organisers' event: every venue gets this file.
event:
  title: Night of Solidarity   # on the countdown screen
  timezone: Europe/Vilnius
  start: 2030-05-18 18:00
  end: "21:00"
stream:
  max_height: 720
  cookies: cookies.txt   # my own signed-in session
  yt_dlp: tools/yt-dlp
programme:
  - title: Welcome
    start: "18:00"
    duration: 15m
  - title: Keynote
    speaker: A guest
    duration: 45m
  - title: Break
    kind: break
slides:
  - image: pictures/poster.png    # the poster, shown first
    caption: See you there
  - text: Thank you for coming
  - image: "/ABSOLUTE/Poster copy (2).PNG"
theme:
  logo: pictures/poster.png
  background_image: https://example.org/background.png
"""


@pytest.fixture
def organiser(tmp_path: Path) -> Path:
    """An organiser's event folder: the config, two pictures (one named by an absolute
    path), a cookies file and a yt-dlp program; returns the config's path."""
    folder = tmp_path / "organiser"
    (folder / "pictures").mkdir(parents=True)
    (folder / "tools").mkdir()
    (folder / "pictures" / "poster.png").write_bytes(png((200, 49, 62)))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "Poster copy (2).PNG").write_bytes(png((16, 21, 31), (7, 5)))
    (folder / "cookies.txt").write_text("# Netscape HTTP Cookie File\nsecret\n",
                                        encoding="utf-8")
    (folder / "tools" / "yt-dlp").write_text("#!/bin/sh\n", encoding="utf-8")
    path = folder / "event.yaml"
    path.write_text(EVENT.replace("/ABSOLUTE", str(elsewhere).replace("\\", "/")),
                    encoding="utf-8")
    return path


def listing(folder: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder under ``folder``."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


def test_round_trip_keeps_the_event_its_pictures_and_comments_but_no_secrets(
        organiser: Path, tmp_path: Path) -> None:
    original = config.load(organiser)
    output = tmp_path / "out" / "night.wpk"
    summary = export_pack(organiser, output)
    assert summary.output == output and output.is_file()
    assert summary.title == "Night of Solidarity"
    assert summary.files == ("media/poster.png", "media/Poster-copy-2.png")
    assert summary.removed == ("stream.cookies", "stream.yt_dlp")
    assert summary.size == output.stat().st_size
    assert any("left out stream.cookies" in line for line in summary.lines())

    with zipfile.ZipFile(output) as archive:
        names = archive.namelist()
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in archive.infolist())
        manifest = json.loads(archive.read("pack.json"))
    assert sorted(names) == ["event.yaml", "media/Poster-copy-2.png", "media/poster.png",
                             "pack.json"]
    assert manifest == {"format": "watchparty-kiosk event pack", "version": 1,
                        "title": "Night of Solidarity",
                        "files": ["media/poster.png", "media/Poster-copy-2.png"]}

    target = paths.host_event_dir()
    opened = open_pack(output, target)
    assert isinstance(opened, OpenedPack)
    assert opened.folder == target and opened.config == paths.host_event()
    assert opened.replaced is None
    assert opened.start.isoformat() == "2030-05-18T18:00:00+03:00"
    loaded = config.load(paths.host_event())
    assert loaded.event.title == original.event.title
    assert (loaded.event.start, loaded.event.end) == (original.event.start, original.event.end)
    assert [(i.title, i.start, i.end, i.kind) for i in loaded.programme.items] == \
        [(i.title, i.start, i.end, i.kind) for i in original.programme.items]
    assert len(loaded.slides) == len(original.slides) == 3
    for mine, theirs in zip(loaded.slides, original.slides, strict=True):
        assert (mine.image is None) == (theirs.image is None)
        if mine.image is not None and theirs.image is not None:
            assert mine.image.parent == target / "media"
            assert mine.image.read_bytes() == theirs.image.read_bytes()
    assert loaded.theme.logo == target / "media" / "poster.png"
    assert loaded.theme.background_image_url == "https://example.org/background.png"
    assert loaded.stream.max_height == 720
    assert loaded.stream.cookies is None and loaded.stream.yt_dlp is None

    text = paths.host_event().read_text(encoding="utf-8")
    assert text.startswith("# The organisers' event: every venue gets this file.\n")
    assert "title: Night of Solidarity   # on the countdown screen" in text
    assert "# the poster, shown first" in text
    assert 'image: "media/Poster-copy-2.png"' in text  # its quotes kept
    assert "cookies" not in text and "yt_dlp" not in text and "secret" not in text
    # The organiser's own file is untouched.
    assert "cookies: cookies.txt" in organiser.read_text(encoding="utf-8")


def test_inspect_tells_what_a_pack_holds(organiser: Path, tmp_path: Path) -> None:
    output = tmp_path / "night.wpk"
    export_pack(organiser, output)
    info = inspect_pack(output)
    assert info.title == "Night of Solidarity"
    assert info.start.isoformat() == "2030-05-18T18:00:00+03:00"
    assert info.files == ("event.yaml", "media/Poster-copy-2.png", "media/poster.png",
                          "pack.json")


def test_export_of_an_invalid_config_lists_its_problems(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(EVENT.replace("Europe/Vilnius", "Europe/Vilnus"), encoding="utf-8")
    with pytest.raises(PackConfigInvalid) as caught:
        export_pack(path, tmp_path / "broken.wpk")
    assert f"{path}:4:13: event.timezone: unknown time zone 'Europe/Vilnus'" in str(caught.value)
    assert not (tmp_path / "broken.wpk").exists()


def test_export_refuses_a_stream_that_is_a_video_file(tmp_path: Path) -> None:
    (tmp_path / "clip.mp4").write_bytes(b"\x00" * 64)
    path = tmp_path / "event.yaml"
    path.write_text("event:\n  title: Film night\n  timezone: UTC\n  start: 2030-05-18 18:00\n"
                    "  end: '21:00'\n  stream: clip.mp4\n", encoding="utf-8")
    with pytest.raises(PackError, match="a pack carries no videos"):
        export_pack(path, tmp_path / "film.wpk")
    assert not (tmp_path / "film.wpk").exists()


def test_a_picture_that_deflates_like_a_bomb_is_stored_and_the_pack_opens(
        tmp_path: Path) -> None:
    # A large blank BMP shrinks far more than a hundredfold when deflated.
    (tmp_path / "blank.bmp").write_bytes(b"BM" + b"\x00" * (3 * 1024 * 1024))
    path = tmp_path / "event.yaml"
    path.write_text("event:\n  title: Blank\n  timezone: UTC\n  start: 2030-05-18 18:00\n"
                    "  end: '21:00'\nslides:\n  - image: blank.bmp\n", encoding="utf-8")
    output = tmp_path / "blank.wpk"
    export_pack(path, output)
    with zipfile.ZipFile(output) as archive:
        assert archive.getinfo("media/blank.bmp").compress_type == zipfile.ZIP_STORED
    opened = open_pack(output, paths.host_event_dir())
    assert (opened.folder / "media" / "blank.bmp").read_bytes() == \
        (tmp_path / "blank.bmp").read_bytes()


# --------------------------------------------------------------------------- hostile packs

GOOD_EVENT = ("event:\n  title: Hostile night\n  timezone: UTC\n  start: 2030-05-18 18:00\n"
              "  end: '21:00'\nslides:\n  - image: media/a.png\n")
Member = tuple[str, bytes] | tuple[zipfile.ZipInfo, bytes]


def write_zip(path: Path, members: list[Member], *, event: str | None = GOOD_EVENT) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        if event is not None:
            archive.writestr("event.yaml", event)
        for name, data in members:
            archive.writestr(name, data)
    return path


def patch_header(path: Path, name: str, central: dict[int, tuple[str, int]],
                 local: dict[int, tuple[str, int]]) -> None:
    """Overwrite fields (offset: struct format and value) of a member's central directory
    entry and of its local header, as a forger would."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    entry = data.find(b"PK\x01\x02")
    while entry != -1:
        length = struct.unpack_from("<H", data, entry + 28)[0]
        if bytes(data[entry + 46:entry + 46 + length]) == encoded:
            break
        entry = data.find(b"PK\x01\x02", entry + 4)
    else:
        raise AssertionError(f"{name} not in {path}")
    header = struct.unpack_from("<I", data, entry + 42)[0]
    for offset, (fmt, value) in central.items():
        struct.pack_into(fmt, data, entry + offset, value)
    for offset, (fmt, value) in local.items():
        struct.pack_into(fmt, data, header + offset, value)
    path.write_bytes(bytes(data))


def patch_sizes(path: Path, name: str, *, file_size: int,
                compress_size: int | None = None) -> None:
    """Rewrite the sizes a member declares."""
    central = {24: ("<I", file_size)}
    local = {22: ("<I", file_size)}
    if compress_size is not None:
        central[20] = local[18] = ("<I", compress_size)
    patch_header(path, name, central, local)


def symlink_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


PICTURE = png((1, 2, 3))


def _named(name: str) -> Callable[[Path], Path]:
    return lambda path: write_zip(path, [("media/a.png", PICTURE), (name, PICTURE)])


def _nul_name(path: Path) -> Path:
    write_zip(path, [("media/a.png", PICTURE), ("media/aXb.png", PICTURE)])
    path.write_bytes(path.read_bytes().replace(b"media/aXb.png", b"media/a\x00b.png"))
    return path


def _locked(path: Path) -> Path:
    # zipfile writes no encrypted members: set the "encrypted" flag bit by hand.
    write_zip(path, [("media/a.png", PICTURE), ("media/locked.png", PICTURE)])
    patch_header(path, "media/locked.png", {8: ("<H", 0x1)}, {6: ("<H", 0x1)})
    return path


def _too_many(path: Path) -> Path:
    return write_zip(path, [("media/a.png", PICTURE)]
                     + [(f"media/p{i}.png", b"") for i in range(MAX_MEMBERS)])


def _too_big(path: Path) -> Path:
    return write_zip(path, [("media/a.png", PICTURE),
                            ("media/big.png", b"\x00" * (60 * 1024 * 1024))])


def _bomb(path: Path) -> Path:
    return write_zip(path, [("media/a.png", PICTURE), ("media/bomb.png", b"\x00" * 2_000_000)])


def _too_much_in_all(path: Path) -> Path:
    write_zip(path, [("media/a.png", PICTURE)]
              + [(f"media/p{i}.png", b"x" * 10) for i in range(5)])
    for i in range(5):  # each just under the per-file limit, 225 MB in all
        patch_sizes(path, f"media/p{i}.png", file_size=45 * 1024 * 1024,
                    compress_size=45 * 1024 * 1024)
    return path


def _lying_header(path: Path) -> Path:
    # Declares 1000 bytes; holds 5 MB (which deflates to a few kilobytes).
    write_zip(path, [("media/a.png", PICTURE), ("media/liar.png", b"\x00" * 5_000_000)])
    patch_sizes(path, "media/liar.png", file_size=1000)
    return path


def _bad_crc(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("event.yaml", GOOD_EVENT)
        archive.writestr("media/a.png", PICTURE)
    data = path.read_bytes()
    at = data.index(PICTURE) + len(PICTURE) // 2
    path.write_bytes(data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:])
    return path


def _truncated(path: Path) -> Path:
    write_zip(path, [("media/a.png", PICTURE)])
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])
    return path


def _not_a_zip(path: Path) -> Path:
    path.write_text("event:\n  title: just YAML\n", encoding="utf-8")
    return path


def _no_event(path: Path) -> Path:
    return write_zip(path, [("media/a.png", PICTURE)], event=None)


def _newer(path: Path) -> Path:
    return write_zip(path, [("media/a.png", PICTURE), ("pack.json", json.dumps(
        {"format": "watchparty-kiosk event pack", "version": 2, "title": "x"}).encode())])


def _sets(line: str) -> Callable[[Path], Path]:
    return lambda path: write_zip(path, [("media/a.png", PICTURE)],
                                  event=GOOD_EVENT.replace("slides:", line + "\nslides:"))


def _streams(line: str) -> Callable[[Path], Path]:
    """The event's stream set to ``line``'s address."""
    return lambda path: write_zip(path, [("media/a.png", PICTURE)],
                                  event=GOOD_EVENT.replace("  end: '21:00'\n",
                                                           f"  end: '21:00'\n  {line}\n"))


def _local_backup(path: Path) -> Path:
    """A backup stream that is a file of the computer opening the pack."""
    private = path.parent / "private.mp4"
    private.write_bytes(b"\x00" * 64)
    return _sets(f"stream:\n  backup: {private.as_posix()}")(path)


def _outside_picture(path: Path) -> Path:
    outside = path.parent / "private.png"
    outside.write_bytes(PICTURE)
    return write_zip(path, [("media/a.png", PICTURE)],
                     event=GOOD_EVENT + f"  - image: {outside.as_posix()}\n")


HOSTILE = {
    "parent": (_named("../evil.txt"), "../evil.txt", "a name that points outside its folder"),
    "parent inside": (_named("media/../../evil.png"), "media/../../evil.png",
                      "a name that points outside its folder"),
    "posix absolute": (_named("/etc/evil.png"), "/etc/evil.png",
                       "a name that points to a fixed place on the computer"),
    "windows drive": (_named("C:\\Windows\\evil.png"), "C:\\Windows\\evil.png",
                      "a name that points to a fixed place on the computer"),
    "windows drive slash": (_named("C:/evil.png"), "C:/evil.png",
                            "a name that points to a fixed place on the computer"),
    "leading backslash": (_named("\\evil.png"), "\\evil.png",
                          "a name that points to a fixed place on the computer"),
    "backslash": (_named("media\\evil.png"), "media\\evil.png", "a backslash"),
    "control character": (_named("media/a\x1b[2J.png"), "media/a\x1b[2J.png",
                          "invisible control characters"),
    "nul": (_nul_name, "media/a\x00b.png", "invisible control characters"),
    "windows reserved": (_named("media/con.png"), "media/con.png",
                         "a name Windows cannot give a file"),
    "symlink": (lambda path: write_zip(path, [("media/a.png", PICTURE),
                                              (symlink_info("media/link.png"),
                                               b"/etc/passwd")]),
                "media/link.png", "a link to another file"),
    "script": (_named("run.sh"), "run.sh", "a kind of file an event pack never carries"),
    "program in media": (_named("media/setup.exe"), "media/setup.exe",
                         "a kind of file an event pack never carries"),
    "other folder": (_named("other/a.png"), "other/a.png",
                     "a kind of file an event pack never carries"),
    "twice": (_named("media/A.PNG"), "media/A.PNG", "twice"),
    "password": (_locked, "media/locked.png", "locked with a password"),
    "too many": (_too_many, None, f"holds {MAX_MEMBERS + 2} files; an event pack holds at "
                                  f"most {MAX_MEMBERS}"),
    "too big": (_too_big, "media/big.png",
                f"60 MB when unpacked; an event pack's files may be at most "
                f"{MAX_MEMBER_SIZE // (1024 * 1024)} MB each"),
    "bomb": (_bomb, "media/bomb.png", "1.9 MB when unpacked, far more than any picture"),
    "too much in all": (_too_much_in_all, None, "holds 225 MB of files unpacked"),
    "lying header": (_lying_header, "media/liar.png", "damaged"),
    "bad checksum": (_bad_crc, "media/a.png", "damaged"),
    "truncated": (_truncated, None, "is not a complete event pack"),
    "not a zip": (_not_a_zip, None, "is not a complete event pack"),
    "no event": (_no_event, None, "holds no event.yaml"),
    "newer": (_newer, "pack.json", "made by a newer watchparty-kiosk"),
    "yt-dlp": (_sets("stream:\n  yt_dlp: media/a.png"), "event.yaml",
               "sets stream.yt_dlp; a pack never carries"),
    "cookies": (_sets("stream:\n  cookies: media/a.png"), "event.yaml",
                "sets stream.cookies"),
    "a file as the stream": (_streams("stream: file:///etc/passwd"), "event.yaml",
                             "whose event.stream is not a stream on the internet"),
    "the screen as the stream": (_streams("stream: screen://"), "event.yaml",
                                 "whose event.stream is not a stream on the internet"),
    "a file as the backup": (_local_backup, "event.yaml", "whose stream.backup is not a stream"),
    "picture outside": (_outside_picture, "event.yaml",
                        "slides[1].image names"),
}


@pytest.fixture
def hall(tmp_path: Path) -> Path:
    """A hall whose computer already has an event; returns its config folder."""
    good = write_zip(tmp_path / "first.wpk", [("media/a.png", PICTURE)],
                     event=GOOD_EVENT.replace("Hostile night", "Our own evening"))
    open_pack(good, paths.host_event_dir())
    return paths.config_dir()


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_pack_is_refused_by_name_and_nothing_is_written(
        case: str, hall: Path, tmp_path: Path) -> None:
    build, member, what = HOSTILE[case]
    pack = build(tmp_path / "x.wpk")
    before = listing(hall)
    with pytest.raises(PackError) as caught:
        open_pack(pack, paths.host_event_dir(), replace=True)
    message = str(caught.value)
    assert not isinstance(caught.value, PackReplaceNeeded)
    assert '"x.wpk"' in message, message
    if member is not None:
        assert caught.value.member == member
        # Shown as it can be printed: a control character written out as \xNN.
        shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in member)
        assert f'"{shown}"' in message, message
    assert what in message, message
    assert message.endswith("; nothing was opened"), message
    assert listing(hall) == before
    assert config.load(paths.host_event()).event.title == "Our own evening"


def test_the_message_for_a_name_outside_its_folder(tmp_path: Path) -> None:
    pack = _named("../evil.txt")(tmp_path / "x.wpk")
    with pytest.raises(PackError) as caught:
        open_pack(pack, paths.host_event_dir())
    assert str(caught.value) == ('the pack "x.wpk" holds "../evil.txt", a name that points '
                                 "outside its folder; nothing was opened")
    assert not (tmp_path.parent / "evil.txt").exists()
    # Nor next to the event, where "../" from the event's folder would land.
    assert not (paths.host_event_dir().parent / "evil.txt").exists()
    assert not paths.host_event_dir().exists()


def test_a_lying_header_with_a_forged_checksum_gets_no_more_than_it_declared(
        tmp_path: Path) -> None:
    pack = _lying_header(tmp_path / "x.wpk")
    # The checksum of what the header declares: the reader's own check then passes.
    crc = zlib.crc32(b"\x00" * 1000)
    patch_header(pack, "media/liar.png", {16: ("<I", crc)}, {14: ("<I", crc)})
    opened = open_pack(pack, paths.host_event_dir())
    assert (opened.folder / "media" / "liar.png").read_bytes() == b"\x00" * 1000


def test_inspect_refuses_what_open_refuses(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="a link to another file"):
        inspect_pack(HOSTILE["symlink"][0](tmp_path / "x.wpk"))


def test_a_pack_whose_config_is_invalid_says_where_in_its_event_yaml(
        hall: Path, tmp_path: Path) -> None:
    pack = write_zip(tmp_path / "x.wpk", [("media/a.png", PICTURE)],
                     event=GOOD_EVENT.replace("UTC", "Europe/Moskow"))
    before = listing(hall)
    with pytest.raises(PackConfigInvalid) as caught:
        open_pack(pack, paths.host_event_dir(), replace=True)
    message = str(caught.value)
    assert message.startswith('the pack "x.wpk" holds an event.yaml that is not a valid '
                              "event; nothing was opened:")
    assert "event.yaml:3:13: event.timezone: unknown time zone 'Europe/Moskow'" in message
    assert "opening-" not in message  # the temporary folder it was checked in is not named
    assert listing(hall) == before


def test_a_missing_picture_is_named_as_the_pack_names_it(tmp_path: Path) -> None:
    pack = write_zip(tmp_path / "x.wpk", [])
    with pytest.raises(PackConfigInvalid) as caught:
        open_pack(pack, paths.host_event_dir())
    assert "event.yaml:7:12: slides[0].image: image not found: 'media/a.png'" in \
        str(caught.value)


def test_nothing_is_made_where_there_was_no_config_folder(tmp_path: Path) -> None:
    target = tmp_path / "new" / "config" / "event"
    with pytest.raises(PackError):
        open_pack(_lying_header(tmp_path / "x.wpk"), target)
    assert not (tmp_path / "new").exists()


# --------------------------------------------------------------------------- replacing


def test_replacing_asks_first_and_keeps_the_old_event(hall: Path, tmp_path: Path) -> None:
    pack = write_zip(tmp_path / "second.wpk", [("media/a.png", png((9, 9, 9)))],
                     event=GOOD_EVENT.replace("Hostile night", "The organisers' night"))
    before = listing(hall)
    with pytest.raises(PackReplaceNeeded) as caught:
        open_pack(pack, paths.host_event_dir())
    assert caught.value.current_title == "Our own evening"
    assert caught.value.pack_title == "The organisers' night"
    assert str(caught.value) == ('"Our own evening" is this computer\'s event now; opening '
                                 'the pack "second.wpk" replaces it with "The organisers\' '
                                 'night" (the current one is kept in the replaced folder)')
    assert listing(hall) == before

    old_event = listing(paths.host_event_dir())
    when = datetime(2030, 5, 18, 17, 5, 9)
    opened = open_pack(pack, paths.host_event_dir(), replace=True, now=when)
    kept = paths.replaced_events_dir() / "20300518-170509"
    assert opened.replaced == kept
    assert listing(kept) == old_event
    assert config.load(kept / "event.yaml").event.title == "Our own evening"
    assert config.load(paths.host_event()).event.title == "The organisers' night"
    assert (paths.host_event_dir() / "media" / "a.png").read_bytes() == png((9, 9, 9))
    assert not [p for p in hall.iterdir() if p.name.startswith(".")], "a temporary folder stayed"

    again = open_pack(pack, paths.host_event_dir(), replace=True, now=when)
    assert again.replaced == paths.replaced_events_dir() / "20300518-170509-2"
    elsewhere = tmp_path / "kept"
    third = open_pack(pack, paths.host_event_dir(), replace=True, replaced_dir=elsewhere,
                      now=when)
    assert third.replaced == elsewhere / "20300518-170509"
    assert (elsewhere / "20300518-170509" / "event.yaml").is_file()


def test_an_empty_event_folder_is_not_an_event_to_ask_about(tmp_path: Path) -> None:
    paths.host_event_dir().mkdir(parents=True)
    opened = open_pack(write_zip(tmp_path / "x.wpk", [("media/a.png", PICTURE)]),
                       paths.host_event_dir())
    assert opened.replaced is None
    assert not paths.replaced_events_dir().exists()
