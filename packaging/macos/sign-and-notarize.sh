#!/usr/bin/env bash
# Sign the DMG and have Apple notarize it, when the credentials are there; otherwise say so
# and exit 0 (an ad-hoc signed build is still made and tested).
#
#   packaging/macos/sign-and-notarize.sh dist/watchparty-kiosk-<version>-macos-<arch>.dmg
#
# Needs (as environment variables, from repository secrets):
#   MACOS_CODESIGN_IDENTITY   "Developer ID Application: Name (TEAMID)", already in a keychain
#                             (import-certificate.sh puts it there); the .app inside was
#                             signed with it by PyInstaller (see the spec)
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD   an app-specific password for notarytool
set -euo pipefail

dmg="${1:?usage: sign-and-notarize.sh DMG}"
say() { printf 'sign-and-notarize: %s\n' "$*"; }

if [ -z "${MACOS_CODESIGN_IDENTITY:-}" ]; then
    say "no MACOS_CODESIGN_IDENTITY: skipped (the app is ad-hoc signed, not notarized)"
    exit 0
fi
codesign --force --timestamp --sign "$MACOS_CODESIGN_IDENTITY" "$dmg"
codesign --verify --verbose=2 "$dmg"
say "signed $dmg"

if [ -z "${APPLE_ID:-}" ] || [ -z "${APPLE_TEAM_ID:-}" ] || [ -z "${APPLE_APP_PASSWORD:-}" ]; then
    say "no APPLE_ID / APPLE_TEAM_ID / APPLE_APP_PASSWORD: notarization skipped"
    exit 0
fi
xcrun notarytool submit "$dmg" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
    --password "$APPLE_APP_PASSWORD" --wait --timeout 30m
xcrun stapler staple "$dmg"
xcrun stapler validate "$dmg"
spctl --assess --type open --context context:primary-signature --verbose=2 "$dmg"
say "notarized and stapled $dmg"
