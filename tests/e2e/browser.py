"""A real browser for the web page tests: Debian's Chromium driven by Selenium.

``chromium(tmp_path)`` starts headless Chromium (``/usr/bin/chromium`` through
``/usr/bin/chromedriver``, both from deploy/test-env.sh) with a fresh profile
and the flags this machine's closed network needs, at a laptop's window size.
:class:`Page` wraps the driver with the few verbs the stories use and saves a
screenshot of every page it is asked to (``shot``) under the test's output.
"""

from __future__ import annotations

import time
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1366,900",
    "--lang=en-US",
)


def chromium(profile: Path) -> webdriver.Chrome:
    """Headless Chromium with a fresh profile in ``profile``."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # console errors (CSP violations) readable
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    return driver


class Page:
    """The browser at the pantau page on ``base``; screenshots go to ``shots``."""

    def __init__(self, driver: webdriver.Chrome, base: str, shots: Path) -> None:
        self.driver, self.base, self.shots = driver, base.rstrip("/"), shots
        shots.mkdir(parents=True, exist_ok=True)
        self._count = 0

    def open(self, path: str) -> None:
        """Go to ``path`` on the page."""
        self.driver.get(self.base + path)

    def find(self, css: str) -> WebElement:
        """The first element matching ``css`` (waits up to 10 s for it)."""
        return self.wait(lambda: self.driver.find_element(By.CSS_SELECTOR, css), what=css)

    def all(self, css: str) -> list[WebElement]:
        """Every element matching ``css`` now."""
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self) -> str:
        """The visible text of the page."""
        return self.driver.find_element(By.TAG_NAME, "body").text

    def wait(self, probe, *, timeout: float = 10.0, what: str = "condition"):
        """Poll ``probe()`` until it returns something truthy (exceptions count as not yet)."""
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                value = probe()
                if value:
                    return value
            except (StaleElementReferenceException, Exception) as exc:  # noqa: B014 - not found yet
                last = exc
            time.sleep(0.1)
        raise AssertionError(
            f"timed out waiting for {what} on {self.driver.current_url}: {last!r}\n{self.text()[:1500]}"
        )

    def wait_text(self, needle: str, *, timeout: float = 10.0) -> str:
        """Wait until ``needle`` is in the visible text; returns the text."""
        return self.wait(lambda: needle in self.text() and self.text(), timeout=timeout, what=repr(needle))

    def fill(self, css: str, value: str) -> None:
        """Replace the value of a field the way a person would (select all, type)."""
        field = self.find(css)
        field.clear()
        field.send_keys(value)

    def set_value(self, css: str, value: str) -> None:
        """Set a (long) textarea's value and fire ``input`` as typing would (send_keys is slow for pages of YAML)."""
        field = self.find(css)
        self.driver.execute_script(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
            field,
            value,
        )

    def console_errors(self) -> list[str]:
        """Console errors since the last call (CSP violations, failed scripts)."""
        return [e["message"] for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]

    def overflows(self) -> bool:
        """True when the page scrolls sideways (a long word or line not wrapped)."""
        return self.driver.execute_script(
            "return document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )

    def shot(self, name: str) -> Path:
        """Save a full-page screenshot as ``NN-name.png``."""
        self._count += 1
        path = self.shots / f"{self._count:02d}-{name}.png"
        width = self.driver.execute_script("return document.documentElement.scrollWidth")
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(max(1366, width), min(max(900, height), 4000))
        self.driver.save_screenshot(str(path))
        self.driver.set_window_size(1366, 900)
        return path

    def log_in(self, *, name: str = "", password: str = "", token: str = "") -> None:
        """Log in through the form."""
        self.open("/login")
        if token:
            self.fill("#token", token)
            self.find("#token").submit()
        else:
            self.fill("#name", name)
            self.fill("#password", password)
            self.find("#password").submit()
        self.wait(lambda: "/login" not in self.driver.current_url, what="the login to finish")
