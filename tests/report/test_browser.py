"""The HTML report in headless Chromium: highlights, counterparts, filters, navigation, decisions.

Without Chromium these tests skip, except in CI (the CI environment variable is
set), where a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hostile import hostile_report
from report_browser import ROOT, make_driver, missing_reason

from eval.reports.html import render_html
from eval.reports.review import FALSE_ALARM, apply_decisions, load_decisions
from eval.values import Flag, Report, Severity

pytestmark = pytest.mark.browser

TRANSPARENT = {"rgba(0, 0, 0, 0)", "transparent"}


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One headless Chromium for the module; None in CI when it is missing (each test then fails)."""
    reason = missing_reason()
    if reason is not None:
        if not _in_ci():
            pytest.skip(f"{reason} (in CI this is a failure)")
        yield None
        return
    driver = make_driver(1400, 1000)
    try:
        yield driver
    finally:
        driver.quit()


def open_page(driver: Any, path: Path) -> Any:
    """Open a report page with empty local storage and an empty console log."""
    if driver is None:
        pytest.fail(f"browser tests run in CI but {missing_reason()}")
    driver.get(path.as_uri())
    driver.execute_script("window.localStorage.clear()")
    driver.get(path.as_uri())
    return driver


def js(driver: Any, script: str, *args: object) -> Any:
    return driver.execute_script(script, *args)


def flag_elements(driver: Any, flag_id: str, column: str | None = None) -> list[Any]:
    from selenium.webdriver.common.by import By

    scope = f"td.col-{column} " if column else ""
    return driver.find_elements(By.CSS_SELECTOR, f'{scope}[data-flags~="{flag_id}"]')


def critical(seed: Report) -> Flag:
    return next(f for f in seed.flags if f.severity is Severity.CRITICAL)


def test_page_loads_cleanly_and_arabic_is_right_to_left(chromium: Any, seed_page: Path) -> None:
    driver = open_page(chromium, seed_page)
    severe = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert severe == []
    directions = js(driver, "return [...document.querySelectorAll('td.col-ar')]"
                            ".map(td => getComputedStyle(td).direction)")
    assert directions and set(directions) == {"rtl"}
    assert js(driver, "return getComputedStyle(document.querySelector('td.col-ar')).textAlign") == "right"
    out = Path(os.environ.get("TADQIQ_ARTIFACTS") or ROOT / "test-artifacts")
    out.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(out / "report.png"))


def test_flagged_spans_are_visible_and_highlighted(chromium: Any, seed_page: Path, seed: Report) -> None:
    driver = open_page(chromium, seed_page)
    for f in seed.flags:
        [target] = [e for e in flag_elements(driver, f.id) if f.id in (e.get_attribute("data-primary") or "").split()]
        assert target.is_displayed(), f.id
        background = target.value_of_css_property("background-color")
        assert background not in TRANSPARENT, (f.id, background)
    mark = flag_elements(driver, critical(seed).id, "ar")[0]
    assert mark.tag_name == "mark"
    assert mark.value_of_css_property("text-decoration-style") == "wavy"


def test_hover_and_focus_highlight_the_counterparts(chromium: Any, seed_page: Path, seed: Report) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    driver = open_page(chromium, seed_page)
    flag = critical(seed)
    [ar] = flag_elements(driver, flag.id, "ar")
    [ref] = flag_elements(driver, flag.id, "ref")
    assert "is-active" not in ref.get_attribute("class")
    js(driver, "arguments[0].scrollIntoView({block: 'center'})", ar)
    ActionChains(driver).move_to_element(ar).perform()
    assert "is-active" in ref.get_attribute("class")
    assert "is-active" in flag_elements(driver, flag.id, "hyp")[0].get_attribute("class")
    tip = driver.find_element(By.ID, "tip")
    assert tip.is_displayed()
    for text in (flag.id, flag.severity.value, flag.category.value, f"confidence {flag.confidence:.2f}"):
        assert text in tip.text
    ActionChains(driver).move_to_element(driver.find_element(By.CSS_SELECTOR, "h1")).perform()
    assert "is-active" not in ref.get_attribute("class")
    assert not tip.is_displayed()

    other = next(f for f in seed.flags if f.severity is Severity.MINOR and f.reference.text)
    js(driver, "arguments[0].focus()", flag_elements(driver, other.id, "ar")[0])
    assert all("is-active" in e.get_attribute("class") for e in flag_elements(driver, other.id, "ref"))
    assert tip.is_displayed() and other.id in tip.text


def test_unticking_a_severity_hides_its_flags(chromium: Any, seed_page: Path, seed: Report) -> None:
    from selenium.webdriver.common.by import By

    driver = open_page(chromium, seed_page)
    minor = [f for f in seed.flags if f.severity is Severity.MINOR]
    others = {f.id for f in seed.flags} - {f.id for f in minor}
    driver.find_element(By.CSS_SELECTOR, 'input.f-sev[value="minor"]').click()
    for f in minor:
        for el in flag_elements(driver, f.id):
            if set((el.get_attribute("data-flags") or "").split()) & others:
                continue  # shared with a flag still shown
            assert "off" in el.get_attribute("class")
            assert el.value_of_css_property("background-color") in TRANSPARENT
        assert not driver.find_element(By.ID, f"card-{f.id}").is_displayed()
    crit = critical(seed)
    assert flag_elements(driver, crit.id, "ar")[0].value_of_css_property("background-color") not in TRANSPARENT
    # with "only flagged segments", a segment whose flags are all minor disappears
    driver.find_element(By.ID, "only-flagged").click()
    minor_only = {f.segment for f in minor} - {f.segment for f in seed.flags if f.id in others}
    assert minor_only
    for seg in minor_only:
        assert not driver.find_element(By.ID, f"seg-{seg}").is_displayed()
    assert driver.find_element(By.ID, f"seg-{crit.segment}").is_displayed()


def test_only_flagged_segments(chromium: Any, seed_page: Path, seed: Report) -> None:
    from selenium.webdriver.common.by import By

    driver = open_page(chromium, seed_page)
    flagged = {f.segment for f in seed.flags}
    unflagged = [s.id for s in seed.segments if s.id not in flagged]
    assert driver.find_element(By.ID, f"seg-{unflagged[0]}").is_displayed()
    driver.find_element(By.ID, "only-flagged").click()
    shown = js(driver, "return [...document.querySelectorAll('tbody.seg')]"
                       ".filter(t => t.offsetParent !== null || t.getClientRects().length).map(t => t.dataset.seg)")
    assert sorted(int(s) for s in shown) == sorted(flagged)


def test_false_alarm_is_exported(chromium: Any, seed_page: Path, seed: Report, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    driver = open_page(chromium, seed_page)
    flag = critical(seed)
    button = driver.find_element(By.CSS_SELECTOR, f'#card-{flag.id} button.decide[data-decision="false-alarm"]')
    js(driver, "arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    exported = json.loads(js(driver, "return window.tadqiqDecisions()"))
    assert exported["schema"] == "tadqiq.decisions/1"
    assert exported["article"] == {"path": seed.article.path, "sha256": seed.article.sha256}
    assert exported["decisions"] == [{
        "fingerprint": flag.fingerprint, "flag": flag.id, "decision": "false-alarm",
        "category": flag.category.value, "ar": flag.ar.text, "reference": flag.reference.text,
    }]
    # hidden while "hide dismissed" is on, greyed when it is off
    assert not driver.find_element(By.ID, f"card-{flag.id}").is_displayed()
    assert "off" in flag_elements(driver, flag.id, "ar")[0].get_attribute("class")
    driver.find_element(By.ID, "hide-dismissed").click()
    assert "dismissed" in flag_elements(driver, flag.id, "ar")[0].get_attribute("class")
    assert button.get_attribute("aria-pressed") == "true"
    # the export is what load_decisions reads
    path = tmp_path / "decisions.json"
    path.write_text(js(driver, "return window.tadqiqDecisions()"), encoding="utf-8")
    applied = apply_decisions(seed, load_decisions(path, seed))
    assert [f.id for f in applied.flags if f.review == FALSE_ALARM] == [flag.id]
    # kept in local storage across a reload
    driver.refresh()
    assert json.loads(js(driver, "return window.tadqiqDecisions()"))["decisions"][0]["flag"] == flag.id


def test_n_and_p_keys_move_between_flags(chromium: Any, seed_page: Path, seed: Report) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    driver = open_page(chromium, seed_page)
    focused = "return (document.activeElement.dataset.primary || '').split(' ')"
    ActionChains(driver).send_keys("n").perform()
    assert seed.flags[0].id in js(driver, focused)
    ActionChains(driver).send_keys("n").perform()
    assert seed.flags[1].id in js(driver, focused)
    ActionChains(driver).send_keys("n").send_keys("p").perform()
    assert seed.flags[1].id in js(driver, focused)
    # the counterparts of the focused flag light up too
    assert all("is-active" in e.get_attribute("class") for e in flag_elements(driver, seed.flags[1].id))


def test_prior_false_alarm_is_dismissed(chromium: Any, seed: Report, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    flag = critical(seed)
    report = replace(seed, flags=[replace(f, review=FALSE_ALARM) if f is flag else f for f in seed.flags])
    page = tmp_path / "dismissed.html"
    page.write_text(render_html(report), encoding="utf-8")
    driver = open_page(chromium, page)
    card = driver.find_element(By.ID, f"card-{flag.id}")
    assert not card.is_displayed()
    driver.find_element(By.ID, "hide-dismissed").click()
    assert card.is_displayed()
    assert "dismissed" in flag_elements(driver, flag.id, "ar")[0].get_attribute("class")
    pressed = card.find_element(By.CSS_SELECTOR, 'button[data-decision="false-alarm"]').get_attribute("aria-pressed")
    assert pressed == "true"
    assert json.loads(js(driver, "return window.tadqiqDecisions()"))["decisions"][0]["fingerprint"] == flag.fingerprint


def test_hostile_page_runs_nothing(chromium: Any, tmp_path: Path) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(render_html(hostile_report()), encoding="utf-8")
    driver = open_page(chromium, page)
    assert js(driver, "return document.querySelectorAll('img').length") == 0
    assert js(driver, "return document.querySelectorAll('script').length") == 2
    assert [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"] == []
    assert "<script>alert(1)</script>" in js(driver, "return document.body.innerText")


def test_keyboard_decisions_and_undo(chromium: Any, seed_page: Path, seed: Report) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    driver = open_page(chromium, seed_page)
    first, second = seed.flags[0], seed.flags[1]

    def decided() -> list[tuple[str, str]]:
        return [(d["flag"], d["decision"]) for d in json.loads(js(driver, "return window.tadqiqDecisions()"))["decisions"]]

    ActionChains(driver).send_keys("n").send_keys("f").perform()
    assert decided() == [(first.id, "false-alarm")]
    # the dismissed flag is hidden, so focus moves on to the next one
    assert second.id in js(driver, "return (document.activeElement.dataset.primary || '').split(' ')")
    driver.find_element(By.ID, "toast-undo").click()
    assert decided() == []
    ActionChains(driver).send_keys("a").perform()
    assert decided() == [(second.id, "accepted")]
    assert "1 of" in driver.find_element(By.ID, "progress").text
