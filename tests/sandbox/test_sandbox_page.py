"""The sandbox page on the stand-in: a newcomer acts as a persona, and only as one of them.

Every form posts a person's change into the stand-in's world and redirects back; what
people typed is shown as text, never as markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import httpx
import pytest

from bot.onboarding.state_block import MARKER
from bot.sandbox import play
from bot.sandbox.github import GitHubStandin
from bot.sandbox.world import CONTRIBUTOR, ORG, PERSONAS, PRODUCT, SECRETARIAT, build_world

FULL = f"{ORG}/{PRODUCT}"
BODY = f"""{MARKER}
### Trin 1

- [ ] 👤 Match vurderet <!-- item:match -->
- [x] 🤖 Licens <!-- item:licence -->

<sub>Vedligeholdes af os2bot.</sub>
<!-- os2bot:state hemmelig -->
"""


@pytest.fixture
def world():
    w = build_world()
    w.state.add_issue(FULL, f"Onboarding af {PRODUCT} i OS2", BODY, user=w.state.app.bot_login)
    return w


@pytest.fixture
def page(world) -> Iterator[httpx.Client]:
    with GitHubStandin(world.state) as server, httpx.Client(base_url=server.url) as client:
        yield client


def act(page: httpx.Client, action: str, **form: str) -> httpx.Response:
    return page.post(f"{play.PATH}/{action}", data=form)


def issue(world):
    return world.state.issue(FULL, 1)


def test_the_page_shows_the_issue_as_github_would_with_a_box_per_task_line(page, world):
    answer = page.get(play.PATH, params={"som": SECRETARIAT, "repo": PRODUCT})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    text = answer.text
    assert f"Onboarding af {PRODUCT} i OS2" in text and "<h3>Trin 1</h3>" in text
    assert text.count('<button class="box"') == 2 and "☑" in text and "☐" in text
    assert "<sub>Vedligeholdes af os2bot.</sub>" in text                    # GitHub keeps bare <sub>
    assert "hemmelig" not in text and "item:match" not in text              # comments are hidden, as on GitHub
    assert "<script" not in text and " src=" not in text                    # no JavaScript, no external assets
    assert "default-src 'none'" in answer.headers["content-security-policy"]
    for login in PERSONAS:
        assert f"som={login}" in text


def test_without_a_persona_the_page_offers_no_forms(page):
    for query in ({}, {"som": "octocat"}, {"som": "os2bot[bot]"}):
        text = page.get(play.PATH, params={**query, "repo": PRODUCT}).text
        assert "<form" not in text, query


def test_a_persona_comments_and_the_page_redirects_back_to_the_issue(page, world):
    answer = act(page, "kommenter", som=SECRETARIAT, repo=PRODUCT, tekst="/niveau 1\r\n/match")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith(f"{play.PATH}?som={SECRETARIAT}&repo={PRODUCT}")
    [comment] = issue(world).comments
    assert (comment.user, comment.body) == (SECRETARIAT, "/niveau 1\n/match")


@pytest.mark.parametrize("who", ["octocat", "os2bot[bot]", "", "Sekretariat-Sofie ", "sekretariat-sofie\n"])
def test_one_can_act_only_as_a_listed_persona(page, world, who):
    before = (len(issue(world).comments), issue(world).body, len(world.state.repos))
    for action, form in (("kommenter", {"tekst": "/match"}), ("kryds", {"line": "3", "hash": "x"}),
                         ("push", {"fil": "licens"}), ("overfoer", {"navn": "os2ondt", "eksempel": "niveau-1"})):
        answer = act(page, action, som=who, repo=PRODUCT, **form)
        assert answer.status_code == 403, (who, action)
    assert (len(issue(world).comments), issue(world).body, len(world.state.repos)) == before


def test_what_people_type_is_shown_as_text(page, world):
    attack = ('<script>alert("x")</script>\n\n<img src=x onerror=alert(1)> [klik](javascript:alert(1)) '
              '<a href="javascript:alert(2)">a</a> <details open ontoggle=alert(3)>')
    act(page, "kommenter", som=CONTRIBUTOR, repo=PRODUCT, tekst=attack)
    text = page.get(play.PATH, params={"som": CONTRIBUTOR, "repo": PRODUCT}).text
    assert "&lt;script&gt;" in text and "<script" not in text
    assert "<img" not in text and "onerror=alert" not in html.unescape(re.sub(r"&lt;.*?&gt;", "", text))
    assert 'href="javascript:' not in text and "<details open" not in text
    # the persona bar and hidden fields do not reflect a hostile query either
    reflected = page.get(play.PATH, params={"som": "<b>x</b>", "repo": '"><script>alert(1)</script>'}).text
    assert "<script>alert(1)" not in reflected and "<b>x</b>" not in reflected


def test_a_tick_edits_the_issue_body_as_the_persona(page, world):
    text = page.get(play.PATH, params={"som": SECRETARIAT, "repo": PRODUCT}).text
    line = re.search(r'name="line" value="(\d+)"[^>]*>☐', text).group(1)
    seen = re.search(r'name="hash" value="([0-9a-f]+)"', text).group(1)
    assert act(page, "kryds", som=SECRETARIAT, repo=PRODUCT, line=line, hash=seen).status_code == 303
    body = issue(world).body
    assert "- [x] 👤 Match vurderet <!-- item:match -->" in body and "- [x] 🤖 Licens" in body
    assert issue(world).last_editor == SECRETARIAT
    # the same box again, from the page as it was: the issue changed meanwhile, nothing is written
    answer = act(page, "kryds", som=SECRETARIAT, repo=PRODUCT, line=line, hash=seen)
    assert "besked=aendret" in answer.headers["location"] and issue(world).body == body
    # a line that holds no box, or no line at all, changes nothing
    fresh = play.body_hash(body)
    for bad in ("0", "999", "-1", "x"):
        assert "besked=ugyldig" in act(page, "kryds", som=SECRETARIAT, repo=PRODUCT, line=bad,
                                       hash=fresh).headers["location"]
    assert issue(world).body == body


def test_a_push_adds_the_chosen_example_file(page, world):
    world.state.delete_file(FULL, "LICENSE")
    assert act(page, "push", som=CONTRIBUTOR, repo=PRODUCT, fil="licens").status_code == 303
    assert b"Mozilla Public License" in world.state.repo(FULL).files["LICENSE"]
    assert world.state.repo(FULL).license_spdx() == "MPL-2.0"
    assert "besked=ugyldig" in act(page, "push", som=CONTRIBUTOR, repo=PRODUCT, fil="../etc/passwd").headers["location"]
    assert "besked=ugyldig" in act(page, "push", som=CONTRIBUTOR, repo="../x", fil="licens").headers["location"]


def test_a_transfer_brings_a_new_repository_into_the_organisation(page, world):
    answer = act(page, "overfoer", som=CONTRIBUTOR, navn="os2nyt", eksempel="uden-licens")
    assert "repo=os2nyt" in answer.headers["location"]
    repo = world.state.repo(f"{ORG}/os2nyt")
    assert "LICENSE" not in repo.files and "README.md" in repo.files
    assert "besked=findes" in act(page, "overfoer", som=CONTRIBUTOR, navn="os2nyt",
                                  eksempel="niveau-1").headers["location"]
    for name, example in (("../x", "niveau-1"), (".github", "niveau-1"), ("a b", "niveau-1"), ("ok", "bogus")):
        assert "besked=ugyldig" in act(page, "overfoer", som=CONTRIBUTOR, navn=name,
                                       eksempel=example).headers["location"]


def test_after_an_action_the_page_refreshes_itself_a_few_times_then_stops(page):
    text = page.get(play.PATH, params={"som": CONTRIBUTOR, "repo": PRODUCT, "vent": "2"}).text
    refresh = re.search(r'<meta http-equiv="refresh" content="2;url=([^"]+)">', text)
    assert refresh and "vent=1" in html.unescape(refresh.group(1))
    assert "http-equiv" not in page.get(play.PATH, params={"som": CONTRIBUTOR, "repo": PRODUCT}).text
    capped = html.unescape(page.get(play.PATH, params={"som": CONTRIBUTOR, "vent": "9999"}).text)
    assert "vent=4" in capped and "vent=9998" not in capped          # at most play.REFRESHES reloads


def test_an_oversized_form_is_refused(page, world):
    answer = act(page, "kommenter", som=CONTRIBUTOR, repo=PRODUCT, tekst="x" * (300 * 1024))
    assert answer.status_code == 413 and issue(world).comments == []
