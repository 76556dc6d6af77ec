"""Debian's own Chromium, headless, driven by Selenium through Debian's chromedriver (nothing
is downloaded), at a phone's size; and a wait that keeps the kiosk's Qt event loop turning
while the page works (the remote's answers reach the GUI thread as queued signals)."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# A phone in CSS pixels (a 6.3" Android phone), and its pixel ratio for sharp pictures.
PHONE = (412, 915)
PHONE_RATIO = 2.0


def available() -> str:
    """"" when the browser and its driver are here, else what is missing."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if shutil.which(p) is None]
    return ", ".join(missing)


class Phone:
    """One phone's browser (its own profile: its own cookies)."""

    def __init__(self, size: tuple[int, int] = PHONE, ratio: float = PHONE_RATIO) -> None:
        self.profile = Path(tempfile.mkdtemp(prefix="wpk-chromium-"))
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        # Headless as root in a container; and no calls home (this network is closed).
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--no-first-run", "--disable-quic",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--disable-extensions", "--mute-audio",
                     f"--user-data-dir={self.profile}"):
            options.add_argument(flag)
        options.add_experimental_option("mobileEmulation", {
            "deviceMetrics": {"width": size[0], "height": size[1], "pixelRatio": ratio,
                              "touch": True}})
        self.driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
        self.driver.set_page_load_timeout(20)

    def open(self, url: str) -> None:
        self.driver.get(url)

    def find(self, selector: str) -> Any:
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def all(self, selector: str) -> list[Any]:
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def text(self, selector: str) -> str:
        return str(self.driver.execute_script(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : '';",
            selector))

    def visible(self, selector: str) -> bool:
        return bool(self.driver.execute_script(
            "const e = document.querySelector(arguments[0]);"
            "return !!e && !e.closest('[hidden]') && e.getClientRects().length > 0;", selector))

    def tap(self, selector: str) -> None:
        self.find(selector).click()

    def button(self, action: str) -> Any:
        return self.find(f'#groups button[data-action="{action}"]')

    def screenshot(self, path: Path) -> None:
        # The whole page, as tall as it is, at the phone's width.
        height = int(self.driver.execute_script(
            "return document.documentElement.scrollHeight"))
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": PHONE[0], "height": max(PHONE[1], height),
            "deviceScaleFactor": PHONE_RATIO, "mobile": True})
        self.driver.save_screenshot(str(path))
        self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def quit(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)


def until(pump: Callable[[int], None], condition: Callable[[], Any], timeout: float = 10.0,
          what: str = "the condition") -> Any:
    """Wait for ``condition`` while ``pump(ms)`` runs the kiosk's event loop; its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not come within {timeout} s")
        pump(50)
