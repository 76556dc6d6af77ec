#!/bin/sh
# Make a double-click on an event pack (.wpk) open it with this watchparty-kiosk.
#
#   share/install-desktop.sh            (in the unpacked Linux bundle)
#   share/install-desktop.sh --remove   (undo)
#
# For this user only, no administrator rights: the desktop entry goes to
# ~/.local/share/applications (its Exec the path of the kiosk next to this folder, as the
# bundle is not on PATH), the file type to ~/.local/share/mime/packages; then the desktop's
# caches are refreshed where their tools are installed.
set -eu

here="$(cd "$(dirname "$0")" && pwd)"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
desktop="$data/applications/watchparty-kiosk.desktop"
mime="$data/mime/packages/watchparty-kiosk-pack.xml"
type="application/x-watchparty-kiosk-pack"

refresh() {
    if command -v update-mime-database >/dev/null 2>&1; then
        update-mime-database "$data/mime"
    else
        echo "install-desktop: update-mime-database not found; log out and in again for" \
             "the .wpk file type to be known" >&2
    fi
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database "$data/applications"
    fi
}

if [ "${1:-}" = "--remove" ]; then
    rm -f "$desktop" "$mime"
    mkdir -p "$data/mime" "$data/applications"
    refresh
    echo "install-desktop: .wpk files no longer open with watchparty-kiosk"
    exit 0
fi

# The bundle's kiosk (share/ sits next to it), else one on PATH (a pip install).
kiosk="$(cd "$here/.." && pwd)/watchparty-kiosk"
if [ ! -x "$kiosk" ] || [ -d "$kiosk" ]; then
    kiosk="$(command -v watchparty-kiosk || true)"
fi
if [ -z "$kiosk" ]; then
    echo "install-desktop: no watchparty-kiosk next to $here or on PATH" >&2
    exit 1
fi
case "$kiosk" in
    *[\"\`\$\\]*)
        # The desktop entry's quoting rules would need these escaped twice over.
        echo "install-desktop: move the kiosk to a folder whose path has no" \
             "\" \` \$ or \\ in it" >&2
        exit 1 ;;
esac

mkdir -p "$data/applications" "$data/mime/packages"
cp "$here/watchparty-kiosk-pack.xml" "$mime"
while IFS= read -r line; do
    case "$line" in
        Exec=*) printf 'Exec="%s" open %%f\n' "$kiosk" ;;
        *) printf '%s\n' "$line" ;;
    esac
done < "$here/watchparty-kiosk.desktop" > "$desktop"
refresh
if command -v xdg-mime >/dev/null 2>&1; then
    xdg-mime default watchparty-kiosk.desktop "$type"
fi
echo "install-desktop: .wpk files now open with $kiosk"
