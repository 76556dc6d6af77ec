#!/usr/bin/env bash
# Set up a checkout of watchparty-kiosk on a Debian 12 / Ubuntu machine.
#
#   bash scripts/bootstrap.sh          system packages + .venv with '.[test]'
#   bash scripts/bootstrap.sh --test   the same, plus what the test suite needs
#
# Idempotent: apt packages are installed only when missing, .venv is created
# only when absent (or broken), and 'pip install' runs again only when
# pyproject.toml is newer than .venv/.installed-stamp. A second run does no
# network access and takes well under a second.
set -euo pipefail

# System packages: libVLC and its base plugins for playback, ffmpeg for test
# media, a fallback font, and the X11/EGL libraries PySide6's xcb platform
# plugin loads. Every name here exists on Debian 12 (bookworm).
APT_PACKAGES=(
    python3-venv
    python3-pip
    libvlc5
    libvlccore9
    vlc-plugin-base
    libvlc-bin
    ffmpeg
    fonts-dejavu-core
    libegl1
    libgl1
    libxkbcommon0
    libxkbcommon-x11-0
    libfontconfig1
    libdbus-1-3
    libxcb-cursor0
    libxcb-icccm4
    libxcb-keysyms1
    libxcb-shape0
    libxcb-xinerama0
    libxcb-randr0
    libxcb-render-util0
    libxcb-image0
    libglib2.0-0
)

# Extra system packages for --test (more are added below, once .venv exists).
APT_TEST_PACKAGES=(
    # tests/screens: a real X server whose monitors come and go, and a window lister
    xvfb
    x11-xserver-utils
    x11-utils
    # tests/platform: a private session bus for the sleep-inhibit tests
    dbus-daemon
    # tests/remote: the phone remote in a real browser, headless, and its driver
    chromium
    chromium-driver
    # tests/supervisor, bench/slate.py: a window manager, for the slate under the stage
    openbox
)

PYTHON_CANDIDATES=(python3.12 python3.11 python3)
MIN_PYTHON="3.11"

say() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }

usage() {
    sed -n '2,11s/^# \{0,1\}//p' "$0"
}

WITH_TEST=0
for arg in "$@"; do
    case "$arg" in
        --test) WITH_TEST=1 ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown argument: $arg (try --help)" ;;
    esac
done

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
VENV="$REPO_ROOT/.venv"
STAMP="$VENV/.installed-stamp"

# --- system packages ---------------------------------------------------------

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    fi
fi

is_installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

ensure_apt_packages() {
    local missing=() pkg
    if ! command -v dpkg-query >/dev/null 2>&1; then
        say "no dpkg-query: not a Debian-like system, skipping system packages"
        return 0
    fi
    for pkg in "$@"; do
        is_installed "$pkg" || missing+=("$pkg")
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        say "system packages: all $# present"
        return 0
    fi
    if [ "$(id -u)" -ne 0 ] && [ "${#SUDO[@]}" -eq 0 ]; then
        die "missing system packages (${missing[*]}), and not root and no sudo to install them"
    fi
    say "installing system packages: ${missing[*]}"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${missing[@]}"
}

ensure_apt_packages "${APT_PACKAGES[@]}"

# --- Python virtual environment ----------------------------------------------

# True when "$1" runs and is at least MIN_PYTHON with a working venv module.
# (A pyenv shim for a version that is not selected exists but fails to run.)
python_ok() {
    "$1" - "$MIN_PYTHON" >/dev/null 2>&1 <<'PY'
import sys
import venv  # noqa: F401
want = tuple(int(p) for p in sys.argv[1].split("."))
sys.exit(0 if sys.version_info[:2] >= want else 1)
PY
}

find_python() {
    local cand
    for cand in "${PYTHON_CANDIDATES[@]}"; do
        if command -v "$cand" >/dev/null 2>&1 && python_ok "$cand"; then
            printf '%s\n' "$cand"
            return 0
        fi
    done
    return 1
}

if [ -d "$VENV" ] && ! python_ok "$VENV/bin/python"; then
    say ".venv is broken or too old: recreating it"
    rm -rf "$VENV"
fi

if [ ! -d "$VENV" ]; then
    PYTHON="$(find_python)" || die "no Python >= $MIN_PYTHON found (tried: ${PYTHON_CANDIDATES[*]})"
    say "creating .venv with $PYTHON ($("$PYTHON" -c 'import sys; print(sys.version.split()[0])'))"
    "$PYTHON" -m venv "$VENV"
fi

if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
    say "upgrading pip"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    say "installing the project: pip install -e '.[test]'"
    "$VENV/bin/python" -m pip install -q -e '.[test]'
    touch "$STAMP"
else
    say ".venv is up to date with pyproject.toml"
fi

# --- extras for the test suite -----------------------------------------------

if [ "$WITH_TEST" -eq 1 ]; then
    # Hook: whatever the test suite needs beyond '.[test]' goes here.
    # The bundle test (tests/packaging/test_bundle.py) freezes the kiosk with PyInstaller,
    # which needs objdump and this interpreter's shared libpython (Debian ships it apart).
    APT_TEST_PACKAGES+=(binutils)
    libpython="$("$VENV/bin/python" - <<'PY'
import os, sys, sysconfig
name = sysconfig.get_config_var("INSTSONAME") or ""
libdir = sysconfig.get_config_var("LIBDIR") or ""
if name.endswith(".so.1.0") and sys.base_prefix == "/usr" and not os.path.exists(
        os.path.join(libdir, name)):
    print(f"libpython{sys.version_info[0]}.{sys.version_info[1]}")
PY
)"
    if [ -n "$libpython" ]; then APT_TEST_PACKAGES+=("$libpython"); fi
    if [ "${#APT_TEST_PACKAGES[@]}" -gt 0 ]; then
        ensure_apt_packages "${APT_TEST_PACKAGES[@]}"
    fi
    say "--test: nothing more to set up"
fi

say "ready: $("$VENV/bin/python" -c 'import sys; print("Python", sys.version.split()[0])') in .venv"
