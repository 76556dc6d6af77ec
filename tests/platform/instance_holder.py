"""A kiosk's single-instance claim in a process of its own, for the tests:

    python instance_holder.py NAME

Prints "claimed" or "refused", then (when claimed) "activated" for every later start, until
it is killed.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication

from kiosk.platform.single import SingleInstance

app = QCoreApplication([])
instance = SingleInstance(sys.argv[1])
if not instance.claim():
    print("refused", flush=True)
    sys.exit(0)
instance.activated.connect(lambda: print("activated", flush=True))
print("claimed", flush=True)
app.exec()
