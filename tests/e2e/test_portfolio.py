"""The portfolio through the real app: products transferred, then GET /, /api/onboardings and
the badges, as the secretariat, a browser and a README's image proxy ask for them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx
import pytest

from bot.sandbox.world import BOARD_MEMBER, CONTRIBUTOR, SECRETARIAT
from tests.e2e.test_board_review import send_to_the_board, without_steering_group

EXAMPLE = "OS2offdig/os2eksempel"
HOSTILE = "OS2offdig/os2hostile"
LEVEL2 = "OS2offdig/os2niveau2"
ATTACK = '<script>alert(1)</script><img src=x onerror=alert(2)> & "quoted"'


@pytest.fixture
def portfolio(bot, world):
    """Three products: the example at step 1, a hostile description, and one sent to the board."""
    world.add_product("os2hostile", description=ATTACK)
    world.add_product("os2niveau2", without_steering_group())
    for repo in (EXAMPLE, HOSTILE, LEVEL2):
        bot.transfer(repo)
    bot.settle()
    send_to_the_board(bot, LEVEL2)
    return bot


def get(bot, path, **kw) -> httpx.Response:
    return httpx.get(bot.url + path, timeout=10, **kw)


def test_the_page_lists_every_transferred_product_with_its_issue(portfolio):
    response = get(portfolio, "/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    for repo in (EXAMPLE, HOSTILE, LEVEL2):
        number = portfolio.the_issue(repo).number
        assert f"/{repo}/issues/{number}" in html
    assert "Produkter (3 af 3)" in html
    assert "Sendt til vurdering" in html                     # the board's review, with its date


def test_a_hostile_description_renders_inert(portfolio):
    html = get(portfolio, "/").text
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_json_has_the_documented_fields(portfolio):
    data = get(portfolio, "/api/onboardings").json()
    assert data["schema"] == 1 and data["total"] == 3
    rows = {r["repository"]: r for r in data["onboardings"]}
    assert set(rows) == {EXAMPLE, HOSTILE, LEVEL2}
    sent = rows[LEVEL2]
    assert sent["board"]["status"] == "requested" and sent["board"]["requested_at"]
    assert sent["level"]["placed"] == 2 and "board" in sent["waiting_for"]
    assert "board-approved" in {b["key"] for b in sent["blocking"]}
    assert sent["issue"]["number"] == portfolio.the_issue(LEVEL2).number
    assert rows[HOSTILE]["description"] == ATTACK             # the data as it is; the page escapes it
    for row in rows.values():
        assert 1 <= row["step"]["current"] <= row["step"]["total"] == 5
        assert 0 <= row["progress"]["done"] < row["progress"]["total"]


def test_filters_and_sort_are_plain_links(portfolio):
    waiting_board = get(portfolio, "/api/onboardings?waiting=board").json()["onboardings"]
    assert [r["repository"] for r in waiting_board] == [LEVEL2]
    placed = get(portfolio, "/api/onboardings?level=none").json()["onboardings"]
    assert LEVEL2 not in {r["repository"] for r in placed} and len(placed) == 2
    ordered = [r["repository"] for r in get(portfolio, "/api/onboardings?sort=product&dir=desc").json()["onboardings"]]
    assert ordered == sorted(ordered, key=str.lower, reverse=True)
    html = get(portfolio, "/?waiting=board").text
    assert "Produkter (1 af 3)" in html and HOSTILE not in html.split("<tbody>")[1]
    # nonsense in the query is ignored, not echoed
    odd = get(portfolio, '/?step="><script>x</script>&sort=<b>&level=9')
    assert odd.status_code == 200 and "<script>x" not in odd.text and "Produkter (3 af 3)" in odd.text


def test_the_board_approval_shows_with_its_date(portfolio):
    portfolio.person_comments(LEVEL2, "/godkend", BOARD_MEMBER)
    portfolio.settle()
    row = next(r for r in get(portfolio, "/api/onboardings").json()["onboardings"] if r["repository"] == LEVEL2)
    assert row["board"]["status"] == "approved" and row["board"]["approved_at"] >= row["board"]["requested_at"]
    assert "board-approved" not in {b["key"] for b in row["blocking"]}
    assert "Godkendt" in get(portfolio, "/?level=2").text


def test_the_badge_is_valid_svg_cached_by_etag(portfolio):
    response = get(portfolio, f"/badge/{LEVEL2}.svg")
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(response.content)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["OS2", "onboarding trin 1/5"]
    assert "max-age" in response.headers["cache-control"]
    again = get(portfolio, f"/badge/{LEVEL2}.svg", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and not again.content
    english = get(portfolio, f"/badge/{LEVEL2}.svg?lang=en")
    assert english.headers["etag"] != response.headers["etag"]


def test_an_unknown_repository_gets_a_neutral_badge_with_its_name_escaped(portfolio):
    response = get(portfolio, '/badge/OS2offdig/%3Cx%20a=%22%26%22%3E.svg')
    assert response.status_code == 200
    root = ET.fromstring(response.content)                      # valid XML despite <&">
    assert root.find("{http://www.w3.org/2000/svg}title").text.endswith('(OS2offdig/<x a="&">)')
    neutral = get(portfolio, "/badge/OS2offdig/findes-ikke.svg").content
    other_org = get(portfolio, f"/badge/{EXAMPLE.replace('OS2offdig', 'andenorg')}.svg").content
    assert b"ikke i OS2" in neutral and b"ikke i OS2" in other_org


@pytest.fixture
def members_only(world, github, tmp_path):
    """The bot with PORTFOLIO_ACCESS=members and the App's OAuth client, one product onboarding."""
    from bot.sandbox.oauth import client_secret
    from tests.e2e.harness import Bot

    app = world.state.app
    bot = Bot(world=world, github_url=github.url, database=tmp_path / "m.db", env={
        "PORTFOLIO_ACCESS": "members", "GITHUB_CLIENT_ID": app.client_id,
        "GITHUB_CLIENT_SECRET": client_secret(app)}).start()
    bot.transfer(EXAMPLE)
    bot.settle()
    yield bot
    bot.stop()


def sign_in(bot, who: str) -> httpx.Client:
    """A browser: the portfolio sends it to GitHub, `who` agrees, GitHub sends it back."""
    browser = httpx.Client(base_url=bot.url, timeout=10)
    to_github = browser.get("/?step=1")
    assert to_github.status_code == 302
    assert to_github.headers["location"].startswith(bot.github_url + "/login/oauth/authorize?")
    back = httpx.get(to_github.headers["location"] + f"&login={who}", timeout=10)
    assert back.status_code == 302 and back.headers["location"].startswith(bot.url + "/auth/callback?code=")
    home = browser.get(back.headers["location"])
    assert home.status_code == 302 and home.headers["location"] == "/?step=1"    # back where they were going
    return browser


def test_members_sign_in_with_github_and_see_the_portfolio(members_only):
    bot = members_only
    assert httpx.get(bot.url + "/api/onboardings", timeout=10).status_code == 401
    browser = sign_in(bot, SECRETARIAT)
    page = browser.get("/")
    assert page.status_code == 200 and f"/{EXAMPLE}/issues/" in page.text
    assert f"Logget ind som {SECRETARIAT}" in page.text and "no-store" in page.headers["cache-control"]
    assert browser.get("/api/onboardings").json()["total"] == 1
    assert b"ikke i OS2" in browser.get(f"/badge/{EXAMPLE}.svg").content     # badges tell no one anything
    browser.post("/auth/logout")
    assert browser.get("/").status_code == 302


def test_someone_outside_the_organisation_is_refused(members_only):
    browser = sign_in(members_only, CONTRIBUTOR)
    refused = browser.get("/")
    assert refused.status_code == 403 and EXAMPLE not in refused.text
    assert browser.get("/api/onboardings").status_code == 403


def test_a_forged_or_replayed_sign_in_lets_no_one_in(members_only):
    bot = members_only
    browser = httpx.Client(base_url=bot.url, timeout=10)
    browser.cookies.set("os2bot_session", "eyJsb2dpbiI6Im1hbGxvcnkifQ.AAAA")
    assert browser.get("/").status_code == 302                                   # a forged session: sign in first
    to_github = browser.get("/")
    back = httpx.get(to_github.headers["location"] + f"&login={SECRETARIAT}", timeout=10)
    stranger = httpx.Client(base_url=bot.url, timeout=10)                       # no state cookie: not the one who started
    assert stranger.get(back.headers["location"]).status_code == 400
    assert browser.get(back.headers["location"]).status_code == 302             # the right browser gets in
    replay = httpx.Client(base_url=bot.url, timeout=10, cookies=browser.cookies)
    assert replay.get(back.headers["location"]).status_code in (400, 403)      # the code is spent


def test_a_private_repository_is_not_on_the_public_page_the_json_or_a_badge(portfolio, world):
    world.add_product("os2hemmelig", private=True, description="Et internt produkt")
    portfolio.transfer("OS2offdig/os2hemmelig")
    portfolio.settle()
    assert portfolio.onboarding_issues("OS2offdig/os2hemmelig")          # onboarded as any other
    assert "os2hemmelig" not in get(portfolio, "/").text
    names = [r["repository"] for r in get(portfolio, "/api/onboardings").json()["onboardings"]]
    assert "OS2offdig/os2hemmelig" not in names and EXAMPLE in names
    hidden = get(portfolio, "/badge/OS2offdig/os2hemmelig.svg").text.replace("os2hemmelig", "ukendt")
    assert hidden == get(portfolio, "/badge/OS2offdig/ukendt.svg").text               # the neutral badge
