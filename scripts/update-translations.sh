#!/usr/bin/env bash
# Re-extract the kiosk's own words (every N_, Words, gettext, ngettext and pgettext in
# kiosk/) into kiosk/locale/watchparty-kiosk.pot and merge them into each language's
# catalogue: a new word comes in untranslated (or with a fuzzy guess) and a changed one is
# marked fuzzy, and tests/i18n fails until a translator has seen to them. The kiosk reads
# the .po files themselves (compiled in memory).
#
#   scripts/update-translations.sh            (./dev translations)
#   scripts/update-translations.sh init CODE  a new language's catalogue, e.g. init fr
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYBABEL=.venv/bin/pybabel
LOCALE=kiosk/locale
POT=$LOCALE/watchparty-kiosk.pot

"$PYBABEL" -q extract -F babel.cfg -k N_ -k Words -k gettext -k ngettext:1,2 -k pgettext:1c,2 \
    --add-comments=TRANSLATORS: --add-location=file --sort-by-file --no-wrap \
    --project=watchparty-kiosk --copyright-holder="watchparty-kiosk developers" \
    -o "$POT" kiosk

if [ "${1:-}" = init ]; then
    "$PYBABEL" -q init --no-wrap -D watchparty-kiosk -i "$POT" -d "$LOCALE" -l "${2:?a language code}"
    exit 0
fi
for po in "$LOCALE"/*/LC_MESSAGES/watchparty-kiosk.po; do
    lang=$(basename "$(dirname "$(dirname "$po")")")
    "$PYBABEL" -q update --no-wrap -D watchparty-kiosk -i "$POT" -d "$LOCALE" -l "$lang"
done
echo "updated $POT and $(ls "$LOCALE"/*/LC_MESSAGES/watchparty-kiosk.po | wc -l) catalogues"
