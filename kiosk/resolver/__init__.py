"""Stream resolution out of process: a yt-dlp worker, its answers, and a Qt driver.

Import ``kiosk.resolver.resolver`` for the Qt side; ``worker`` and ``outcome`` import no Qt, so
``python -m kiosk.resolver.worker`` stays light.
"""
