#!/usr/bin/env bash
# Rebuilds the README's pictures from the built-in event, offscreen: `snapshot` for the
# scenes, and a short real run (the demo clip through libVLC) for the live stream.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=.venv/bin/python
out=docs/screens
mkdir -p "$out"
export QT_QPA_PLATFORM=offscreen WATCHPARTY_KIOSK_AUDIO=dummy TZ=Europe/London
export WATCHPARTY_KIOSK_STATE="$(mktemp -d)"
shot() { "$PY" -m kiosk snapshot --size 960x540 "$@" >/dev/null; }
shot --at 2021-02-06T17:48 -o "$out/countdown.png"
shot --at 2021-02-06T20:01:30 -o "$out/slides.png"
shot --at 2021-02-06T20:45 --scene awards -o "$out/awards.png"
"$PY" -m kiosk --windowed --at 2021-02-06T18:20 --exit-after 6 \
    --screenshot "$out/live.png" >/dev/null 2>&1
"$PY" - "$out/live.png" <<'PY'
import sys
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage
app = QGuiApplication([])
image = QImage(sys.argv[1])
image.scaled(960, 540, Qt.AspectRatioMode.KeepAspectRatio,
             Qt.TransformationMode.SmoothTransformation).save(sys.argv[1])
PY
ls -l "$out"
