"""The portfolio page in a real browser (headless Chromium over the DevTools protocol), served by
the real app for a seeded organisation: it lists the products, filters by step with the form,
and follows a link of the summary. Screenshots are kept as test artifacts; with
PORTFOLIO_SCREENSHOTS=dir they are also written there (docs/img for the README)."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from bot.sandbox.world import SECRETARIAT
from tests.browser import Browser, find_chromium
from tests.e2e.test_board_review import send_to_the_board, without_steering_group

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (Debian: apt-get install chromium)")
ORG = "OS2offdig"
PRODUCTS = {"os2eksempel": "Eksempelprodukt til OS2-bottens sandkasse",
            "os2borgerbesked": "Beskeder til borgerne fra kommunens fagsystemer",
            "os2vagtplan": "Vagtplaner for hjemmeplejen",
            "os2tilskud": "Sagsbehandling af tilskud til foreninger"}


@pytest.fixture
def seeded(bot, world):
    """An organisation with four products at different points of their onboarding."""
    for name, description in PRODUCTS.items():
        if name != "os2eksempel":
            files = without_steering_group() if name == "os2tilskud" else None
            world.add_product(name, files, description=description)
        bot.transfer(f"{ORG}/{name}")
    bot.settle()
    bot.person_comments(f"{ORG}/os2eksempel", "/niveau 1\n/match", SECRETARIAT)
    bot.person_comments(f"{ORG}/os2vagtplan", "/niveau 0\n/match", SECRETARIAT)
    send_to_the_board(bot, f"{ORG}/os2tilskud")
    bot.settle()
    return bot


@pytest.fixture
def browser():
    b = Browser(CHROMIUM)
    yield b
    b.close()


def shown(browser) -> list[str]:
    return browser.evaluate("[...document.querySelectorAll('tbody th[scope=row] > a:first-child')]"
                            ".map(a => a.textContent.trim())")


def keep(name: str, browser, tmp_path: Path) -> None:
    png = browser.screenshot(tmp_path / name).read_bytes()
    target = os.environ.get("PORTFOLIO_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        (Path(target) / name).write_bytes(png)


def test_the_secretariat_sees_the_portfolio_filters_by_step_and_follows_a_link(seeded, browser, tmp_path):
    rows = httpx.get(seeded.url + "/api/onboardings", timeout=10).json()["onboardings"]
    steps = {r["name"]: r["step"]["current"] for r in rows}
    browser.go(seeded.url + "/")
    assert browser.evaluate("document.documentElement.lang") == "da"
    assert sorted(shown(browser)) == sorted(PRODUCTS)
    keep("portfolio.png", browser, tmp_path)

    # the step filter, as a person uses it: choose in the list, press the button
    later = max(steps.values())
    assert later > min(steps.values()), steps           # the seeded products stand at different steps
    browser.act(f"document.getElementById('f-step').value = '{later}';"
                "document.querySelector('form.filter button[type=submit]').click()")
    assert f"step={later}" in browser.evaluate("location.search")
    assert sorted(shown(browser)) == sorted(n for n, s in steps.items() if s == later)
    assert browser.evaluate("document.getElementById('f-step').value") == str(later)

    # a link of the summary: who the board must act for
    browser.act("[...document.querySelectorAll('#per-waiting ~ ul a')]"
                ".find(a => a.textContent.trim() === 'bestyrelsen').click()")
    assert "waiting=board" in browser.evaluate("location.search")
    assert shown(browser) == ["os2tilskud"]
    # and the issue link points at the product's onboarding issue
    number = seeded.the_issue(f"{ORG}/os2tilskud").number
    href = browser.evaluate("document.querySelector('tbody th[scope=row] a[href*=\"/issues/\"]').href")
    assert href.endswith(f"/{ORG}/os2tilskud/issues/{number}")


def test_on_a_phone_the_rows_become_cards(seeded, browser, tmp_path):
    phone = Browser(CHROMIUM, width=390, height=844)
    try:
        phone.go(seeded.url + "/")
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")   # no sideways scroll
        assert phone.evaluate("getComputedStyle(document.querySelector('tbody tr')).display") == "block"
        keep("portfolio-mobil.png", phone, tmp_path)
    finally:
        phone.close()
