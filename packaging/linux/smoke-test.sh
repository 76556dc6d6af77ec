#!/usr/bin/env bash
# Self-test a Linux release archive the way a host would get it: unpacked somewhere new,
# with python-vlc and libVLC pointed at the system's VLC on purpose, no display, no sound.
#
#   packaging/linux/smoke-test.sh dist/watchparty-kiosk-<version>-linux-x86_64.tar.gz [REPORT]
#
# Passes when the kiosk's --self-test passes and every libVLC file it loaded came from the
# archive. Writes the JSON report to REPORT (default: ./selftest-linux.json).
set -euo pipefail

archive="$(cd "$(dirname "${1:?usage: smoke-test.sh ARCHIVE [REPORT]}")" && pwd)/$(basename "$1")"
report="$(realpath -m "${2:-selftest-linux.json}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

tar -xzf "$archive" -C "$work"
app="$work/watchparty-kiosk"
libdir="/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)"

cd "$work"
env -u LD_LIBRARY_PATH HOME="$work/home" WATCHPARTY_KIOSK_STATE="$work/state" \
    QT_QPA_PLATFORM=offscreen WATCHPARTY_KIOSK_AUDIO=dummy \
    PYTHON_VLC_LIB_PATH="$libdir/libvlc.so.5" VLC_PLUGIN_PATH="$libdir/vlc/plugins" \
    PYTHON_VLC_MODULE_PATH="$work/no-such-folder" \
    timeout 300 "$app/watchparty-kiosk" --self-test --self-test-report "$report"

python3 - "$report" "$app/_internal" <<'PY'
import json, sys
from pathlib import Path
report, bundle = json.load(open(sys.argv[1])), Path(sys.argv[2]).resolve()
checks = {c["name"]: c for c in report["checks"]}
inside = lambda p: Path(p).resolve().is_relative_to(bundle)
assert report["ok"], "self-test failed"
assert inside(checks["libvlc"]["library"]), checks["libvlc"]
assert checks["libvlc"]["mapped"] and all(map(inside, checks["libvlc"]["mapped"])), checks["libvlc"]
assert checks["video"]["plugins_outside_bundle"] == [], checks["video"]
print(f"smoke-test: OK, libVLC {checks['libvlc']['version']} and "
      f"{checks['video']['plugins_loaded']} plugins, all from the archive")
PY
