"""Headless Chromium for the HTML report tests, and the README screenshot.

Regenerate ``docs/report.png`` from the repository root with::

    python tests/report/report_browser.py docs/report.png
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

    from eval.values import Report

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed"


def _find(env: str, names: tuple[str, ...], default: str) -> str | None:
    """``$env`` if set (None when it names no file), else the first name on PATH, else ``default``."""
    given = os.environ.get(env)
    if given:
        return given if Path(given).is_file() else None
    for name in names:
        if found := shutil.which(name):
            return found
    return default if Path(default).is_file() else None


def chromium_paths() -> tuple[str | None, str | None]:
    """The Chromium binary and its chromedriver ($TADQIQ_CHROMIUM, $TADQIQ_CHROMEDRIVER), or None."""
    return (
        _find("TADQIQ_CHROMIUM", ("chromium", "chromium-browser"), "/usr/bin/chromium"),
        _find("TADQIQ_CHROMEDRIVER", ("chromedriver",), "/usr/bin/chromedriver"),
    )


def missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed"
    binary, driver = chromium_paths()
    if binary is None:
        return "chromium is not installed"
    if driver is None:
        return "chromedriver is not installed"
    return None


def make_driver(width: int = 1400, height: int = 1000) -> WebDriver:
    """A headless Chromium with the browser console log enabled."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver = chromium_paths()
    if binary is None or driver is None:
        raise RuntimeError(missing_reason() or "chromium is missing")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
                f"--window-size={width},{height}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(driver))


def seed_report(folder: Path = SEED) -> Report:
    """The report of the bundled example, checked with its precomputed back-translation."""
    from tadqiq.pipeline import CheckRequest, check

    return check(CheckRequest(article=folder / "article.ar.txt", reference=folder / "reference.en.txt",
                              hypothesis=folder / "hypothesis.en.txt"))


# The README view: only flagged segments, the first flag's reference span focused (its tooltip open).
README_VIEW = """
document.getElementById("only-flagged").click();
document.querySelector("td.col-ref [data-flags~='F1']").focus({preventScroll: true});
"""


def screenshot(driver: WebDriver, url: str, png: Path, *, width: int = 1400, height: int = 1000,
               script: str | None = None) -> None:
    """Open ``url`` in a ``width`` × ``height`` viewport, run ``script``, save what shows."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    driver.get(url)
    driver.execute_script("window.localStorage.clear()")
    driver.get(url)
    if script:
        driver.execute_script(script)
    png.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(png))


def main(argv: list[str]) -> int:
    """Write a screenshot of the seed report to the path given (default docs/report.png)."""
    from eval.reports.html import render_html

    out = Path(argv[0]).resolve() if argv else ROOT / "docs" / "report.png"
    os.chdir(ROOT)  # so that the report shows the paths as a user would type them
    report = seed_report(SEED.relative_to(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(render_html(report), encoding="utf-8")
        driver = make_driver()
        try:
            screenshot(driver, page.as_uri(), out, script=README_VIEW)
        finally:
            driver.quit()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
