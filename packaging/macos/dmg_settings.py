"""dmgbuild settings for watchparty-kiosk.app (dmgbuild writes the .DS_Store itself, no Finder).

    dmgbuild -s packaging/macos/dmg_settings.py -D app=dist/watchparty-kiosk.app \
        "watchparty-kiosk" dist/watchparty-kiosk-<version>-macos-<arch>.dmg

``defines`` is given by dmgbuild; ``-D app=…`` names the .app to put in the image.
"""

import os.path

application = defines.get("app", "dist/watchparty-kiosk.app")  # noqa: F821 (dmgbuild's)
appname = os.path.basename(application)

format = "UDZO"  # zlib-compressed, read-only; opens on every supported macOS
filesystem = "HFS+"
files = [application]
symlinks = {"Applications": "/Applications"}
hide_extension = [appname]
icon_locations = {appname: (140, 160), "Applications": (500, 160)}
window_rect = ((200, 200), (640, 360))
default_view = "icon-view"
show_status_bar = False
show_tab_view = False
show_toolbar = False
show_pathbar = False
show_sidebar = False
icon_size = 128
text_size = 14
