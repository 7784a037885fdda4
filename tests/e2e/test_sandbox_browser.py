"""A newcomer plays the sandbox page in a real browser, from transfer to the board's approval.

Headless Chromium (Debian's `chromium`) on the GitHub stand-in's page; the stand-in sends
GitHub's signed webhooks to the real bot, which answers through the stand-in's API; Jira is
its stand-in. Five clicks, as the README shows them; each is screenshotted to docs/img/.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from bot.sandbox import play
from bot.sandbox.cli import jira_environment
from bot.sandbox.github import serve_github_standin
from bot.sandbox.harness import Bot
from bot.sandbox.world import (BOARD_MEMBER, CONTRIBUTOR, ORG, ORG_CONFIG, PRODUCT, SANDBOX_ACCESS, SECRETARIAT,
                               build_jira, build_world)
from tests.browser import Browser, find_chromium

# the test's artifacts; `SANDBOX_SCREENSHOTS=docs/img` refreshes the README's pictures
SHOTS_ENV = "SANDBOX_SCREENSHOTS"


@pytest.fixture
def sandbox(tmp_path):
    """The stand-ins and the bot as `os2bot sandbox --serve` runs them, with no product yet."""
    world = build_world(product=False)
    world.state.put_file(f"{ORG}/.github", ".github/os2bot.yml", ORG_CONFIG + SANDBOX_ACCESS)
    world.state.app.deliver_webhooks = True
    jira = build_jira()
    jira.start()
    with serve_github_standin(world.state, warm_graphql=True) as github_url:
        bot = Bot(world=world, github_url=github_url, database=tmp_path / "bot.db", env=jira_environment(jira)).start()
        try:
            yield world, jira, bot, github_url
        finally:
            bot.stop()
            jira.stop()


def see(browser: Browser, text: str, timeout: float = 30.0) -> None:
    """Wait until the page shows `text`; the page refreshes itself, and after that we press Opdater."""
    deadline = time.monotonic() + timeout
    last_reload = time.monotonic()
    while text not in browser.text():
        if time.monotonic() > deadline:
            raise AssertionError(f"the page never showed {text!r}:\n{browser.text()[:3000]}")
        if time.monotonic() - last_reload > 4:
            browser.go(browser.evaluate("location.href"))
            last_reload = time.monotonic()
        time.sleep(0.2)


def see_reply(browser: Browser, text: str, timeout: float = 30.0) -> None:
    """Wait until a comment of the bot's says `text` (the issue's own lines may say it too)."""
    deadline = time.monotonic() + timeout
    probe = (f"[...document.querySelectorAll('article.comment.bot')].some(a => a.textContent.includes({json.dumps(text)}))")
    while not browser.evaluate(probe):
        if time.monotonic() > deadline:
            raise AssertionError(f"the bot never answered {text!r}:\n{browser.text()[-3000:]}")
        time.sleep(0.5)
        if not browser.evaluate("!!document.querySelector('meta[http-equiv=refresh]')"):
            browser.go(browser.evaluate("location.href"))


def click_command(browser: Browser, command: str) -> None:
    clicked = browser.evaluate(
        f"(() => {{ const b = [...document.querySelectorAll('button.cmd')].find(b => b.value === {json.dumps(command)});"
        " if (!b) return false; b.click(); return true; })()")
    assert clicked, f"no button for {command!r} on the page"


def be(browser: Browser, login: str) -> None:
    browser.click(f'nav.personas a[href*="som={login}"]')
    browser.wait_for(f"document.querySelector('nav.personas a[aria-current]')?.textContent.includes('{login}')")


def shot(browser: Browser, shots: Path, name: str, selector: str | None = None) -> None:
    if selector:
        browser.evaluate(f"document.querySelector({json.dumps(selector)})?.scrollIntoView({{block: 'start'}})")
    browser.screenshot(shots / f"sandbox-{name}.png", full_page=False)


@pytest.mark.slow
def test_a_newcomer_plays_the_story_from_transfer_to_the_boards_approval(sandbox, tmp_path):
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("no chromium on this machine (Debian: apt install chromium)")
    world, jira, bot, github_url = sandbox
    shots = Path(os.environ.get(SHOTS_ENV) or tmp_path / "screenshots")
    full_name = f"{ORG}/{PRODUCT}"
    with Browser(chromium, width=1280, height=900) as browser:
        browser.go(f"{github_url}{play.PATH}?som={CONTRIBUTOR}")
        assert "OS2-bottens sandkasse" in browser.text()

        # 1. Karin transfers the example product, ready for level 2; the bot opens the issue
        browser.fill("#navn", PRODUCT)
        browser.evaluate("document.querySelector('#eksempel').value = 'niveau-2'")
        browser.click('form[action$="/overfoer"] button[type=submit]')
        see(browser, f"Onboarding af {PRODUCT} i OS2")
        shot(browser, shots, "1-overfoert")

        # 2. the secretariat places it on level 2 and approves the match; the bot ticks and answers
        be(browser, SECRETARIAT)
        click_command(browser, "/niveau 2\n/match")
        see_reply(browser, "Produktet er placeret på niveau 2")
        shot(browser, shots, "2-niveau-og-match", "article.comment")

        # 3. the secretariat sends it to the board; the bot writes the indstilling
        click_command(browser, "/bestyrelse")
        see_reply(browser, "Produktet er klar til bestyrelsens vurdering")
        shot(browser, shots, "3-bestyrelse", "article.comment:nth-of-type(3)")

        # 4. the board member approves; the bot creates the Jira project and ticks its line
        be(browser, BOARD_MEMBER)
        click_command(browser, "/godkend")
        see_reply(browser, "Bestyrelsen har godkendt produktet")
        see(browser, "Projektet OS2EKSEMPE er oprettet i Jira")
        bot.settle(30)
        browser.go(browser.evaluate("location.href"))
        shot(browser, shots, "4-godkendt", "article.comment:nth-last-of-type(2)")

        # 5. the secretariat ticks a line of step 2 in the issue, as in GitHub's page; the bot keeps it
        bot.settle(30)          # the bot's last edit is in: the box is ticked in the text as it stands
        be(browser, SECRETARIAT)
        ticked = f"Afkrydset af @{SECRETARIAT}"
        ticked_before = browser.text().count(ticked)
        browser.evaluate("[...document.querySelectorAll('li.task-list-item')].find(li => "
                         "li.textContent.includes('koordinationsgruppe')).querySelector('button.box').click()")
        see(browser, "Issuet er redigeret")
        deadline = time.monotonic() + 30
        while browser.text().count(ticked) <= ticked_before:
            assert time.monotonic() < deadline, browser.text()[:3000]
            time.sleep(0.5)
            browser.go(browser.evaluate("location.href"))
        browser.evaluate("[...document.querySelectorAll('h3')].find(h => h.textContent.includes('Trin 2'))"
                         ".scrollIntoView({block: 'start'})")
        shot(browser, shots, "5-flueben")
    bot.settle(30)

    # what the newcomer saw is what happened: one issue, the board's approval, one Jira project
    issue = bot.the_issue(full_name)
    assert "niveau-2" in issue.labels
    assert any(c.user == BOARD_MEMBER and c.body == "/godkend" for c in issue.comments)
    assert [p for p in jira.state.projects] == ["OS2EKSEMPE"]
    assert "- [x]" in next(line for line in issue.body.splitlines() if "koordinationsgruppe" in line)
    assert bot.dead_letters() == []
    for name in ("1-overfoert", "2-niveau-og-match", "3-bestyrelse", "4-godkendt", "5-flueben"):
        assert (shots / f"sandbox-{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
