#!/usr/bin/env bash
# Rebuilds the README's pictures from the built-in event, offscreen and deterministically:
# `snapshot` for every scene, a short real run (the demo clip through libVLC) for the
# live stream under the programme bar, the host's setup and editor driven offscreen, and the
# volunteers' remote on a phone.
# The built-in event names no laureates and has no QR slide, so the awards and QR pictures
# use a copy of it with the example feed's laureates and an example address added.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=.venv/bin/python
out=docs/screens
mkdir -p "$out"
rm -f "$out"/*.png
export QT_QPA_PLATFORM=offscreen WATCHPARTY_KIOSK_AUDIO=dummy TZ=Europe/London
export WATCHPARTY_KIOSK_STATE="$(mktemp -d)" WATCHPARTY_KIOSK_CACHE="$(mktemp -d)"
# An empty config folder: a first start, with no event of the host's own yet.
export WATCHPARTY_KIOSK_CONFIG_DIR="$(mktemp -d)"
work="$(mktemp -d)"
trap 'rm -rf "$work" "$WATCHPARTY_KIOSK_STATE" "$WATCHPARTY_KIOSK_CACHE" \
    "$WATCHPARTY_KIOSK_CONFIG_DIR"' EXIT

# The built-in event plus a QR slide and two laureates (one announced, one to reveal).
"$PY" - config/solidarity-conference-2021.yaml "$work/event.yaml" <<'PY'
import sys
from pathlib import Path
source, target = Path(sys.argv[1]), Path(sys.argv[2])
text = source.read_text(encoding="utf-8")
image = (source.parent / "../assets/images/white-red-white.svg").resolve()
text = text.replace("../assets/images/white-red-white.svg", str(image))
qr = ("  - qr: https://example.org/\n"
      "    title: {en: Follow the conference, be: Сачыце за канферэнцыяй}\n"
      "    caption: {en: Live on the YouTube channel «Беларусы Замежжа», "
      "be: Наўпрост на YouTube-канале «Беларусы Замежжа»}\n")
laureates = ("        laureates:\n"
             "          - name: Example Laureate\n"
             "            citation: For a sample citation (from config/feed-example.yaml)\n"
             "            announced: true\n"
             "          - name: Second Example Laureate\n"
             "            citation: Named at the conference\n")
assert "\nawards:\n" in text and "        laureates: []\n" in text
text = text.replace("\nawards:\n", "\n" + qr + "\nawards:\n", 1)
text = text.replace("        laureates: []\n", laureates, 1)
target.write_text(text, encoding="utf-8")
PY

shot() { "$PY" -m kiosk snapshot --size 960x540 "$@" >/dev/null; }
# Before the start, and in its last ten seconds (the digits pulse in the accent colour).
shot --at 2021-02-06T17:48 -o "$out/countdown.png"
shot --at 2021-02-06T17:59:53 -o "$out/countdown-final.png"
# The slides between sessions (the break at 19:55: text, image, quote, ... in turn).
shot --at 2021-02-06T19:55:05 -o "$out/slides-text.png"
shot --at 2021-02-06T19:55:15 -o "$out/slides-image.png"
shot --at 2021-02-06T19:55:30 -o "$out/slides-quote.png"
shot --config "$work/event.yaml" --at 2021-02-06T19:56:26 -o "$out/slides-qr.png"
# The awards board, a laureate revealed half a second ago (its entrance under way).
shot --config "$work/event.yaml" --at 2021-02-06T20:45 --scene awards --reveal 0.6 \
    -o "$out/awards.png"
shot --at 2021-02-06T18:20 --scene message -o "$out/message.png"
shot --at 2021-02-06T23:45 -o "$out/closing.png"
shot --at 2021-02-06T18:20 --scene live --key-card -o "$out/keys.png"
# A screen turned to portrait: sizes follow its width.
"$PY" -m kiosk snapshot --size 540x960 --at 2021-02-06T18:20 --scene live \
    -o "$out/portrait.png" >/dev/null

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
# The host's side: the first start's welcome, the setup, the editor and its timeline.
"$PY" scripts/make-host-screens.py "$out" 2>/dev/null
# The volunteers' remote: the page on a phone (Debian's Chromium, headless) and the host's
# window that pairs it.
"$PY" scripts/make-remote-screens.py "$out" 2>/dev/null
ls -l "$out"
