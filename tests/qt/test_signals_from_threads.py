"""Guards against PySide6 6.12.0's Signal.emit() refcount bug, which kills Python 3.11
after a few hundred emits (Fatal Python error: bool_dealloc). Run in a child process so
that a crash shows as a failed test, not a dead test run."""

from __future__ import annotations

import subprocess
import sys
import textwrap

CHILD = textwrap.dedent(
    """
    import os, sys, threading
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

    class Emitter(QObject):
        ticked = Signal(int)
        flagged = Signal(bool)

    N = 20000
    app = QCoreApplication([])
    emitter = Emitter()
    got = []
    emitter.ticked.connect(got.append)
    emitter.flagged.connect(lambda flag: None)

    def work():
        for i in range(N):
            emitter.ticked.emit(i)
            emitter.flagged.emit(i % 2 == 0)

    def check():
        if len(got) == N:
            app.quit()
        else:
            QTimer.singleShot(10, check)

    worker = threading.Thread(target=work)
    worker.start()
    QTimer.singleShot(10, check)
    QTimer.singleShot(60000, lambda: app.exit(3))
    code = app.exec()
    worker.join()
    assert got == list(range(N)), "signals lost or out of order"
    print("delivered", len(got))
    sys.exit(code)
    """
)


def test_many_signals_from_a_worker_thread_are_delivered():
    result = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "delivered 20000" in result.stdout
