#!/usr/bin/env bash
# Put the Developer ID certificate into a temporary keychain for this CI job, when the
# secrets are there; otherwise exit 0 and leave the build ad-hoc signed.
#
# Needs: MACOS_CERTIFICATE_P12 (base64 of a .p12 with the "Developer ID Application"
# certificate and key), MACOS_CERTIFICATE_PASSWORD. Writes MACOS_CODESIGN_IDENTITY to
# $GITHUB_ENV so the following steps (PyInstaller, sign-and-notarize.sh) sign with it.
set -euo pipefail

say() { printf 'import-certificate: %s\n' "$*"; }
if [ -z "${MACOS_CERTIFICATE_P12:-}" ] || [ -z "${MACOS_CERTIFICATE_PASSWORD:-}" ]; then
    say "no signing certificate in the secrets: skipped (ad-hoc signing)"
    exit 0
fi
keychain="${RUNNER_TEMP:-/tmp}/watchparty-kiosk-signing.keychain-db"
keychain_password="$(uuidgen)"
p12="${RUNNER_TEMP:-/tmp}/developer-id.p12"
printf '%s' "$MACOS_CERTIFICATE_P12" | base64 --decode > "$p12"
security create-keychain -p "$keychain_password" "$keychain"
security set-keychain-settings -lut 21600 "$keychain"
security unlock-keychain -p "$keychain_password" "$keychain"
security import "$p12" -k "$keychain" -P "$MACOS_CERTIFICATE_PASSWORD" -T /usr/bin/codesign
security set-key-partition-list -S apple-tool:,apple:,codesign: -s -k "$keychain_password" "$keychain"
# shellcheck disable=SC2046  # the existing keychains are one word each
security list-keychains -d user -s "$keychain" $(security list-keychains -d user | tr -d '"')
rm -f "$p12"
identity="$(security find-identity -v -p codesigning "$keychain" \
    | sed -n 's/.*"\(Developer ID Application: .*\)"/\1/p' | head -n 1)"
if [ -z "$identity" ]; then
    say "the certificate holds no 'Developer ID Application' identity" >&2
    exit 1
fi
echo "MACOS_CODESIGN_IDENTITY=$identity" >> "${GITHUB_ENV:-/dev/null}"
say "signing as: $identity"
