"""Event packs: one .wpk file (a zip) that carries an event's config and its pictures.

Organisers prepare an event once and send every venue the same file. ``export_pack`` writes
one from a config; ``open_pack`` makes it this computer's event. A pack comes from the
internet, so opening one trusts nothing in it: every name, size and byte is checked, and the
config is validated where it was unpacked, before anything replaces the host's event.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import stat
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from kiosk.core import atomic, paths
from kiosk.core import config as config_module
from kiosk.core.config import Config
from kiosk.core.errors import ConfigInvalid
from kiosk.core.yamledit import Document

FORMAT = "watchparty-kiosk event pack"
VERSION = 1
SUFFIX = ".wpk"
CONFIG_NAME = "event.yaml"
MANIFEST_NAME = "pack.json"
MEDIA = "media"
MEDIA_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".svg", ".ttf", ".otf")
MAX_MEMBERS = 500
MAX_MEMBER_SIZE = 50 * 1024 * 1024
MAX_TOTAL_SIZE = 200 * 1024 * 1024
# Pictures and fonts shrink a little when zipped, never a hundredfold: a member that claims
# to grow more than this (and by more than a megabyte) is a zip bomb, not a picture.
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024
# The config and the manifest are text a person wrote; feeds get the same 2 MB.
MAX_TEXT_SIZE = 2 * 1024 * 1024
CHUNK = 1024 * 1024
# Keys a pack never carries: a signed-in session is the organiser's own, and a program path
# would make every venue run whatever it names.
PRIVATE_KEYS = (("stream", "cookies"), ("stream", "yt_dlp"))
# What a pack's stream addresses may be: the network's, never a file, a device or a screen
# of the computer that opens it.
PACK_STREAM_SCHEMES = frozenset({"http", "https", "rtmp", "rtmps", "rtsp", "rtsps", "srt",
                                 "udp", "rtp", "mms", "mmsh"})
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                     *(f"LPT{i}" for i in range(1, 10))}
_WINDOWS_FORBIDDEN = set('<>:"|?*')
# A temporary folder of an opening this old was left by a process killed mid-way.
STALE_OPENING_AGE = 3600.0


class PackError(Exception):
    """A pack cannot be written or opened; the message says why, for the host."""

    def __init__(self, message: str, *, member: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.member = member  # the name inside the pack that was refused, when there is one


class PackConfigInvalid(PackError):
    """The config to pack, or the one a pack carries, does not pass ``check``."""

    def __init__(self, message: str, errors: tuple[str, ...]) -> None:
        super().__init__(message)
        self.errors = errors


class PackReplaceNeeded(PackError):
    """There is an event already; the caller asks the host, then opens again with replace."""

    def __init__(self, pack_name: str, current_title: str, pack_title: str) -> None:
        # Worded to serve as the question too: nothing is lost by saying yes.
        super().__init__(f'"{current_title}" is this computer\'s event now; opening the pack '
                         f'"{pack_name}" replaces it with "{pack_title}" (the current one is '
                         "kept in the replaced folder)")
        self.current_title = current_title
        self.pack_title = pack_title


@dataclass(frozen=True)
class PackSummary:
    """What ``export_pack`` wrote."""

    output: Path
    title: str
    files: tuple[str, ...]  # the pictures, as named in the pack (media/…)
    removed: tuple[str, ...]  # config keys left out (stream.cookies, stream.yt_dlp)
    size: int  # bytes

    def lines(self) -> tuple[str, ...]:
        """The summary as a host reads it."""
        out = [f'{self.output}: "{self.title}" with {len(self.files)} '
               f"file{'' if len(self.files) == 1 else 's'}, {_size_text(self.size)}"]
        out += [f"  {name}" for name in self.files]
        for key in self.removed:
            why = ("a signed-in session stays on this computer" if key == "stream.cookies"
                   else "each venue uses its own kiosk's yt-dlp")
            out.append(f"left out {key}: {why}")
        return tuple(out)


@dataclass(frozen=True)
class PackInfo:
    """What a pack holds, checked as ``open_pack`` checks it."""

    title: str
    start: datetime  # in the event's own time zone
    files: tuple[str, ...]  # every file in the pack, event.yaml first


@dataclass(frozen=True)
class OpenedPack:
    """An opened pack: this computer's event now."""

    title: str
    start: datetime  # in the event's own time zone
    folder: Path
    config: Path  # folder / event.yaml
    files: tuple[str, ...]
    replaced: Path | None  # where the event it replaced was moved, if there was one


# --------------------------------------------------------------------------- export


def export_pack(config_path: Path, output: Path) -> PackSummary:
    """Write ``config_path``'s event and the pictures it names into the pack ``output``;
    raises PackError (PackConfigInvalid when the config does not pass ``check``)."""
    if output.suffix.lower() != SUFFIX:
        raise PackError(f'"{output.name}": an event pack\'s name must end in {SUFFIX}')
    try:
        config = config_module.load(config_path)
    except ConfigInvalid as exc:
        lines = tuple(str(e) for e in exc.errors)
        raise PackConfigInvalid(f"{config_path} is not a valid event, so it cannot be "
                                "packed:\n" + "\n".join(f"  {line}" for line in lines),
                                lines) from None
    stream = config.event.stream
    if stream is not None and "://" not in stream:
        raise PackError(f"{config_path}: event.stream is the video file {stream}; a pack "
                        "carries no videos: give the stream's address (https://…) instead")
    try:
        document = Document.read(config_path)
    except ConfigInvalid as exc:
        raise PackError(f"{config_path} cannot be rewritten for the pack: {exc}") from None

    names: dict[Path, str] = {}  # each picture once, however many places name it
    taken: set[str] = set()
    for key, picture in _pictures(config):
        source = picture.resolve()
        if source not in names:
            names[source] = _safe_name(source, taken)
        document = document.with_value(key, f"{MEDIA}/{names[source]}")
    removed: list[str] = []
    for key in PRIVATE_KEYS:
        if document.get(key) is not None:
            document = document.without(key)
            removed.append(".".join(key))

    media = [(source, f"{MEDIA}/{name}") for source, name in names.items()]
    _check_export_sizes(media)
    manifest = {"format": FORMAT, "version": VERSION, "title": str(config.event.title),
                "files": [member for _, member in media]}
    data = _zip_bytes(document.text, manifest, media, config_path)
    # A pack that its own opener would refuse is no use to any venue: open it once here.
    try:
        with tempfile.TemporaryDirectory(prefix="watchparty-pack-") as folder, \
                zipfile.ZipFile(io.BytesIO(data)) as archive:
            _unpack(archive, output.name, Path(folder))
    except PackError as exc:
        raise PackError(f"{output} was not written: the venues' kiosks would refuse it "
                        f"({exc.message})") from None
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_bytes(output, data)
    except OSError as exc:
        raise PackError(f"cannot write {output}: {exc.strerror or exc}") from None
    return PackSummary(output=output, title=str(config.event.title),
                       files=tuple(member for _, member in media), removed=tuple(removed),
                       size=len(data))


def _pictures(config: Config) -> Iterator[tuple[tuple[str | int, ...], Path]]:
    """Every local file the config names, with the key path it is written at."""
    for i, slide in enumerate(config.slides):
        if slide.image is not None and not slide.image_url:
            yield ("slides", i, "image"), slide.image
    if config.theme.logo is not None and not config.theme.logo_url:
        yield ("theme", "logo"), config.theme.logo
    if config.theme.background_image is not None and not config.theme.background_image_url:
        yield ("theme", "background_image"), config.theme.background_image


def _safe_name(source: Path, taken: set[str]) -> str:
    """A name for ``source`` under media/ that every OS can write and no other file has."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", source.stem).strip("-_")[:60] or "picture"
    if stem.upper() in _WINDOWS_RESERVED:
        stem += "-1"
    suffix = source.suffix.lower()
    name, n = stem + suffix, 1
    # Case-insensitive: on Windows and macOS a.png and A.png are one file.
    while name.casefold() in taken:
        n += 1
        name = f"{stem}-{n}{suffix}"
    taken.add(name.casefold())
    return name


def _check_export_sizes(media: list[tuple[Path, str]]) -> None:
    if len(media) + 2 > MAX_MEMBERS:
        raise PackError(f"the event names {len(media)} pictures; a pack carries at most "
                        f"{MAX_MEMBERS - 2}")
    total = 0
    for source, _ in media:
        try:
            size = source.stat().st_size
        except OSError as exc:
            raise PackError(f"cannot read {source}: {exc.strerror or exc}") from None
        if size > MAX_MEMBER_SIZE:
            raise PackError(f"{source} is {_size_text(size)}; a pack carries pictures of up "
                            f"to {_size_text(MAX_MEMBER_SIZE)} each")
        total += size
    if total > MAX_TOTAL_SIZE:
        raise PackError(f"the pictures come to {_size_text(total)}; a pack carries at most "
                        f"{_size_text(MAX_TOTAL_SIZE)}")


def _zip_bytes(text: str, manifest: dict[str, object], media: list[tuple[Path, str]],
               config_path: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        stamp = _mtime(config_path)
        _add(archive, CONFIG_NAME, text.encode("utf-8"), stamp)
        _add(archive, MANIFEST_NAME,
             (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), stamp)
        for source, member in media:
            try:
                data = source.read_bytes()
            except OSError as exc:
                raise PackError(f"cannot read {source}: {exc.strerror or exc}") from None
            _add(archive, member, data, _mtime(source))
    return buffer.getvalue()


def _add(archive: zipfile.ZipFile, name: str, data: bytes, stamp: float) -> None:
    info = zipfile.ZipInfo(name, date_time=_zip_time(stamp))
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    if len(data) > RATIO_FLOOR and len(zlib.compress(data, 1)) * MAX_RATIO < len(data):
        # A picture that deflates a hundredfold (a big blank BMP) would look like a zip
        # bomb to the opener: store it as it is.
        info.compress_type = zipfile.ZIP_STORED
    archive.writestr(info, data)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return time.time()


def _zip_time(stamp: float) -> tuple[int, int, int, int, int, int]:
    # A zip's clock starts in 1980; a file dated earlier (a camera's unset clock) gets that.
    parts = time.localtime(max(stamp, 315_532_800 + 86_400))[:6]
    return (parts[0], parts[1], parts[2], parts[3], parts[4], parts[5])


# --------------------------------------------------------------------------- open


def inspect_pack(pack: Path) -> PackInfo:
    """What ``pack`` holds, after the same checks as ``open_pack``; raises PackError."""
    with tempfile.TemporaryDirectory(prefix="watchparty-pack-") as folder, \
            _open_zip(pack) as archive:
        config, files = _unpack(archive, pack.name, Path(folder))
    return PackInfo(title=str(config.event.title), start=_event_start(config), files=files)


def open_pack(pack: Path, target: Path, *, replace: bool = False,
              replaced_dir: Path | None = None, now: datetime | None = None) -> OpenedPack:
    """Make ``pack`` the event in ``target`` (normally ``paths.host_event_dir()``).

    Everything is checked before ``target`` changes; on any refusal (PackError) nothing is
    written. An event already in ``target`` is replaced only with ``replace`` (else
    PackReplaceNeeded), and is kept under ``replaced_dir`` (default
    ``paths.replaced_events_dir()``) in a folder named for ``now``.
    """
    with _open_zip(pack) as archive:
        # The listing alone refuses most hostile packs, before any folder is made.
        infos = _members(archive, pack.name)
        made = _make_folders(target.parent)
        try:
            staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.opening-",
                                            dir=target.parent))
        except OSError as exc:
            _remove_made(made)
            raise PackError(f'the pack "{pack.name}" cannot be opened into {target.parent}: '
                            f"{exc.strerror or exc}; nothing was opened") from None
        try:
            config, files = _unpack(archive, pack.name, staging, infos)
            replaced = _swap(pack.name, staging, target, str(config.event.title),
                             replace=replace,
                             replaced_dir=replaced_dir or paths.replaced_events_dir(),
                             now=now or datetime.now())
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            _remove_made(made)
            raise
    _remove_stale_openings(target)
    return OpenedPack(title=str(config.event.title), start=_event_start(config), folder=target,
                      config=target / CONFIG_NAME, files=files, replaced=replaced)


def _event_start(config: Config) -> datetime:
    return config.event.start.astimezone(config.event.timezone)


def _open_zip(pack: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(pack)
    except FileNotFoundError:
        raise PackError(f'there is no file "{pack}"; nothing was opened') from None
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError):
        raise PackError(_damaged(pack.name)) from None
    except OSError as exc:
        raise PackError(f'the file "{pack}" cannot be read: {exc.strerror or exc}; '
                        "nothing was opened") from None


def _damaged(pack_name: str) -> str:
    return (f'the file "{pack_name}" is not a complete event pack: it is damaged or was cut '
            "short while copying (ask for it again); nothing was opened")


def _refusal(pack_name: str, what: str) -> str:
    return f'the pack "{pack_name}" {what}; nothing was opened'


def _refuse(pack_name: str, name: str, what: str) -> PackError:
    return PackError(_refusal(pack_name, f'holds "{_shown(name)}", {what}'), member=name)


def _shown(name: str) -> str:
    """A member's name as it can be printed: control characters written out."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in name)


def _members(archive: zipfile.ZipFile, pack_name: str) -> list[zipfile.ZipInfo]:
    """The pack's files (folders left out), every name, kind and size checked; raises
    PackError naming the first member refused."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise PackError(_refusal(pack_name, f"holds {len(infos)} files; an event pack holds "
                                            f"at most {MAX_MEMBERS}"))
    files: list[zipfile.ZipInfo] = []
    seen: set[str] = set()
    total = 0
    for info in infos:
        # orig_filename: zipfile cuts a name at a NUL and turns a Windows sep into "/".
        name = info.orig_filename
        problem = _name_problem(name)
        if problem:
            raise _refuse(pack_name, name, problem)
        kind = stat.S_IFMT(info.external_attr >> 16)
        if kind == stat.S_IFLNK:
            raise _refuse(pack_name, name, "a link to another file on the computer, not a "
                                           "file of its own")
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise _refuse(pack_name, name, "a special file (a device or a pipe), not a "
                                           "picture")
        folder = name.endswith("/") or kind == stat.S_IFDIR
        if folder:
            if name.rstrip("/") != MEDIA:
                raise _refuse(pack_name, name, "a folder an event pack never has (only "
                                               f"{MEDIA}/)")
            continue
        if not _allowed(name):
            raise _refuse(pack_name, name, "a kind of file an event pack never carries (only "
                                           f"{CONFIG_NAME}, {MANIFEST_NAME}, and pictures and "
                                           f"fonts under {MEDIA}/)")
        if name.casefold() in seen:
            raise _refuse(pack_name, name, "twice (one would overwrite the other)")
        seen.add(name.casefold())
        if info.flag_bits & 0x1:
            raise _refuse(pack_name, name, "which is locked with a password")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse(pack_name, name, "which is packed in a way the kiosk does not read")
        limit = _limit(name)
        if info.file_size > limit:
            raise _refuse(pack_name, name, f"{_size_text(info.file_size)} when unpacked; an "
                                           f"event pack's files may be at most "
                                           f"{_size_text(limit)} each"
                                           + (" (text files 2 MB)" if limit < MAX_MEMBER_SIZE
                                              else ""))
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * info.compress_size:
            raise _refuse(pack_name, name, f"which would grow from "
                                           f"{_size_text(info.compress_size)} to "
                                           f"{_size_text(info.file_size)} when unpacked, far "
                                           "more than any picture does (a booby-trapped file)")
        total += info.file_size
        files.append(info)
    if total > MAX_TOTAL_SIZE:
        raise PackError(_refusal(pack_name, f"holds {_size_text(total)} of files unpacked; an "
                                            f"event pack may hold at most "
                                            f"{_size_text(MAX_TOTAL_SIZE)}"))
    if CONFIG_NAME not in seen:
        raise PackError(_refusal(pack_name, f"holds no {CONFIG_NAME}, so there is no event in "
                                            "it"))
    return files


def _name_problem(name: str) -> str:
    """What is wrong with a member's name ("" when nothing is)."""
    if any(not c.isprintable() for c in name):
        return "a name with invisible control characters in it"
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
        return "a name that points to a fixed place on the computer"
    if "\\" in name:
        return ("a name with a backslash (\\) in it, which Windows reads as a folder it may "
                "not have")
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        return "a name that points outside its folder"
    if len(name) > 200 or any(part in ("", ".") for part in parts):
        return "a name no event pack uses"
    for part in parts:
        if part.split(".")[0].upper() in _WINDOWS_RESERVED or part[-1] in ". " \
                or _WINDOWS_FORBIDDEN & set(part):
            return "a name Windows cannot give a file"
    return ""


def _limit(name: str) -> int:
    return MAX_TEXT_SIZE if name in (CONFIG_NAME, MANIFEST_NAME) else MAX_MEMBER_SIZE


def _allowed(name: str) -> bool:
    if name in (CONFIG_NAME, MANIFEST_NAME):
        return True
    return name.startswith(MEDIA + "/") and Path(name).suffix.lower() in MEDIA_SUFFIXES


def _unpack(archive: zipfile.ZipFile, pack_name: str, folder: Path,
            infos: list[zipfile.ZipInfo] | None = None) -> tuple[Config, tuple[str, ...]]:
    """Extract the members (``_members``, checked) into the empty ``folder`` and validate
    the config there as ``check`` would; raises PackError."""
    if infos is None:
        infos = _members(archive, pack_name)
    manifest = b""
    for info in infos:
        target = folder.joinpath(*info.orig_filename.split("/"))
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("xb") as sink:
                _copy(archive, info, pack_name, sink, _limit(info.orig_filename))
        except OSError as exc:
            raise PackError(_refusal(pack_name, f'cannot be unpacked ("{info.orig_filename}": '
                                                f"{exc.strerror or exc})")) from None
        if info.orig_filename == MANIFEST_NAME:
            manifest = target.read_bytes()
    if manifest:
        _check_manifest(manifest, pack_name)
    config = _load(folder, pack_name)
    names = sorted((i.orig_filename for i in infos), key=lambda n: (n != CONFIG_NAME, n))
    return config, tuple(names)


def _copy(archive: zipfile.ZipFile, info: zipfile.ZipInfo, pack_name: str, sink: IO[bytes],
          limit: int) -> None:
    """One member's bytes into ``sink``, counted as they come: a header that lies about the
    size gets no further than what it declared, nor than ``limit``."""
    name = info.orig_filename
    cap = min(info.file_size, limit)
    count = 0
    try:
        with archive.open(info) as source:
            while True:
                chunk = source.read(min(CHUNK, cap - count + 1))
                if not chunk:
                    break
                count += len(chunk)
                if count > cap:
                    raise _refuse(pack_name, name, "which is larger than the pack says "
                                                   "(a booby-trapped file)")
                sink.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError):
        raise _refuse(pack_name, name, "which is damaged (its contents do not match the "
                                       "pack's record of them); ask for the pack again") \
            from None
    except (RuntimeError, NotImplementedError):  # a password, an unknown compression
        raise _refuse(pack_name, name, "which the kiosk cannot unpack") from None
    if count != info.file_size:
        raise _refuse(pack_name, name, "which is damaged (shorter than the pack says); ask "
                                       "for the pack again")


def _check_manifest(data: bytes, pack_name: str) -> None:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _refuse(pack_name, MANIFEST_NAME, "which is not readable") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refuse(pack_name, MANIFEST_NAME, "which does not describe an event pack")
    version = manifest.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _refuse(pack_name, MANIFEST_NAME, "which does not say which kind of pack it is")
    if version > VERSION:
        raise _refuse(pack_name, MANIFEST_NAME, "which says it was made by a newer "
                                                "watchparty-kiosk; update this one first")


def _load(folder: Path, pack_name: str) -> Config:
    """The unpacked config, as strict as ``check``, naming only files inside the pack."""
    path = folder / CONFIG_NAME
    try:
        config = config_module.load(path)
    except ConfigInvalid as exc:
        # Said as the pack names it, not by the temporary folder it was checked in.
        lines = tuple(str(e).replace(str(folder) + os.sep, "") for e in exc.errors)
        raise PackConfigInvalid(
            _refusal(pack_name, f"holds an {CONFIG_NAME} that is not a valid event") + ":\n"
            + "\n".join(f"  {line}" for line in lines), lines) from None
    # A hand-made pack may set them; the kiosk would run the program it names.
    for dotted, value in (("stream.cookies", config.stream.cookies),
                          ("stream.yt_dlp", config.stream.yt_dlp)):
        if value is not None:
            raise _refuse(pack_name, CONFIG_NAME, f"which sets {dotted}; a pack never carries "
                                                  "a signed-in session or a program to run")
    for dotted, stream in (("event.stream", config.event.stream),
                           ("stream.backup", config.stream.backup)):
        scheme = stream.split("://", 1)[0].lower() if stream and "://" in stream else ""
        if stream is not None and scheme not in PACK_STREAM_SCHEMES:
            raise _refuse(pack_name, CONFIG_NAME, f"whose {dotted} is not a stream on the "
                                                  "internet (a file, a device or the screen of "
                                                  "this computer); a pack's stream must be an "
                                                  "http(s) or streaming address")
    inside = folder.resolve()
    for key, picture in _pictures(config):
        if not picture.resolve().is_relative_to(inside):
            where = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in key)
            raise _refuse(pack_name, CONFIG_NAME, f'whose {where.lstrip(".")} names '
                                                  f'"{picture}", a file outside the pack')
    return config


def _make_folders(folder: Path) -> list[Path]:
    """``folder`` and its missing parents made; returns the ones made, deepest first."""
    missing: list[Path] = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _remove_made(missing)
        raise PackError(f"cannot make the folder {folder}: {exc.strerror or exc}; nothing was "
                        "opened") from None
    return missing


def _remove_made(made: list[Path]) -> None:
    for folder in made:  # deepest first; one that is no longer empty stays
        with contextlib.suppress(OSError):
            folder.rmdir()


def _swap(pack_name: str, staging: Path, target: Path, title: str, *, replace: bool,
          replaced_dir: Path, now: datetime) -> Path | None:
    """Put ``staging`` in ``target``'s place; the event there before goes to
    ``replaced_dir``."""
    moved: Path | None = None
    if target.is_dir() and not target.is_symlink() and not any(target.iterdir()):
        target.rmdir()  # an empty folder holds no event to ask about
    elif target.exists() or target.is_symlink():
        if not replace:
            raise PackReplaceNeeded(pack_name, _current_title(target), title)
        made = _make_folders(replaced_dir)
        moved = _free_name(replaced_dir, now.strftime("%Y%m%d-%H%M%S"))
        try:
            os.replace(target, moved)
        except OSError as exc:
            _remove_made(made)
            raise PackError(f"the event in {target} cannot be moved aside to {moved}: "
                            f"{exc.strerror or exc}; nothing was opened") from None
    try:
        os.replace(staging, target)
    except OSError as exc:
        if moved is not None:
            with contextlib.suppress(OSError):
                os.replace(moved, target)  # the host's event back where it was
        raise PackError(f"the pack \"{pack_name}\" cannot be put in {target}: "
                        f"{exc.strerror or exc}; nothing was opened") from None
    return moved


def _free_name(folder: Path, stamp: str) -> Path:
    candidate, n = folder / stamp, 1
    while candidate.exists() or candidate.is_symlink():
        n += 1
        candidate = folder / f"{stamp}-{n}"
    return candidate


def _current_title(target: Path) -> str:
    try:
        return str(config_module.load(target / CONFIG_NAME, lenient=True).event.title)
    except ConfigInvalid:
        return "the event now on this computer"


def _remove_stale_openings(target: Path) -> None:
    """Temporary folders of openings killed mid-way; a fresh one may be another's."""
    now = time.time()
    for folder in target.parent.glob(f".{target.name}.opening-*"):
        with contextlib.suppress(OSError):
            if now - folder.stat().st_mtime > STALE_OPENING_AGE:
                shutil.rmtree(folder)


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        megabytes = size / (1024 * 1024)
        return f"{megabytes:.0f} MB" if megabytes >= 10 else f"{megabytes:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


__all__ = [
    "OpenedPack",
    "PackConfigInvalid",
    "PackError",
    "PackInfo",
    "PackReplaceNeeded",
    "PackSummary",
    "export_pack",
    "inspect_pack",
    "open_pack",
]
