"""Sleep inhibit on Windows and macOS, through stand-ins for kernel32 and IOKit.

Only the calls the kiosk makes are checked here; the real libraries cannot load on Linux, so
whether Windows and macOS honour them is proven on those systems only.
"""

from __future__ import annotations

import ctypes
import logging
import threading

from kiosk.platform.inhibit import (
    ES_CONTINUOUS,
    ES_DISPLAY_REQUIRED,
    ES_SYSTEM_REQUIRED,
    SleepInhibitor,
)


class Kernel32:
    def __init__(self, answer: int = ES_CONTINUOUS) -> None:
        self.answer = answer
        self.calls: list[int] = []

    def SetThreadExecutionState(self, flags: int) -> int:
        self.calls.append(flags)
        return self.answer


def test_windows_asks_for_system_and_display_and_resets_on_stop():
    kernel32 = Kernel32()
    inhibitor = SleepInhibitor(platform="win32", kernel32=kernel32)
    assert inhibitor.start("shown") == ""
    assert inhibitor.start("shown") == ""  # once
    assert kernel32.calls == [ES_CONTINUOUS | ES_SYSTEM_REQUIRED | ES_DISPLAY_REQUIRED]
    assert kernel32.calls[0] == 0x80000003
    inhibitor.stop()
    inhibitor.stop()
    assert kernel32.calls[1:] == [ES_CONTINUOUS]


def test_windows_refusal_is_a_problem():
    inhibitor = SleepInhibitor(platform="win32", kernel32=Kernel32(answer=0))
    assert inhibitor.start("shown") == ("the screen may go to sleep: Windows refused "
                                        "SetThreadExecutionState")
    assert not inhibitor.active


def test_windows_stop_from_another_thread_leaves_the_state_to_its_thread(caplog):
    kernel32 = Kernel32()
    inhibitor = SleepInhibitor(platform="win32", kernel32=kernel32)
    inhibitor.start("shown")
    worker = threading.Thread(target=inhibitor.stop)
    with caplog.at_level(logging.WARNING):
        worker.start()
        worker.join()
    assert kernel32.calls == [0x80000003]  # a reset there would not reach the GUI thread
    assert "another thread" in caplog.text
    assert not inhibitor.active


def test_a_library_that_raises_is_a_problem_not_an_error():
    class Broken:
        def SetThreadExecutionState(self, flags: int) -> int:
            raise OSError("no kernel32 here")

    inhibitor = SleepInhibitor(platform="win32", kernel32=Broken())
    assert inhibitor.start("shown") == "the screen may go to sleep: OSError: no kernel32 here"
    inhibitor.stop()


class CoreFoundation:
    def __init__(self) -> None:
        self.strings: dict[int, bytes] = {}
        self.released: list[int] = []

    def CFStringCreateWithCString(self, allocator, text: bytes, encoding: int) -> int:
        assert allocator is None and encoding == 0x08000100  # UTF-8
        handle = 0x1000 + len(self.strings)
        self.strings[handle] = text
        return handle

    def CFRelease(self, handle: int) -> None:
        self.released.append(handle)


class IOKit:
    def __init__(self, cf: CoreFoundation, answer: int = 0) -> None:
        self.cf = cf
        self.answer = answer
        self.created: list[tuple[bytes, int, bytes]] = []
        self.released: list[int] = []

    def IOPMAssertionCreateWithName(self, kind, level, name, assertion_id) -> int:
        assert isinstance(assertion_id, ctypes._Pointer)
        self.created.append((self.cf.strings[kind], level, self.cf.strings[name]))
        if self.answer == 0:
            assertion_id.contents.value = 4242
        return self.answer

    def IOPMAssertionRelease(self, assertion_id: int) -> int:
        self.released.append(assertion_id)
        return 0


def test_macos_holds_a_display_assertion_named_for_the_event_and_releases_it():
    cf = CoreFoundation()
    iokit = IOKit(cf)
    inhibitor = SleepInhibitor(platform="darwin", iokit=iokit, corefoundation=cf)
    assert inhibitor.start("Night of solidarity — ўсё is being shown") == ""
    assert iokit.created == [(b"PreventUserIdleDisplaySleep", 255,
                              "Night of solidarity — ўсё is being shown".encode())]
    assert sorted(cf.released) == sorted(cf.strings)  # both strings given back at once
    assert inhibitor.start("again") == ""
    assert len(iokit.created) == 1
    inhibitor.stop()
    inhibitor.stop()
    assert iokit.released == [4242]


def test_macos_refusal_is_a_problem():
    cf = CoreFoundation()
    inhibitor = SleepInhibitor(platform="darwin", iokit=IOKit(cf, answer=-536870212),
                               corefoundation=cf)
    problem = inhibitor.start("shown")
    # kIOReturnError, as the unsigned number Apple's headers write.
    assert problem == ("the screen may go to sleep: macOS refused the power assertion "
                       "(IOReturn 0xe00002bc)")
    assert not inhibitor.active
    inhibitor.stop()
