"""The portfolio through the real app: products transferred, then GET /, /api/onboardings and
the badges, as the secretariat, a browser and a README's image proxy ask for them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx
import pytest

from bot.sandbox.world import BOARD_MEMBER, SECRETARIAT
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


def test_members_only_refuses_the_page_and_the_json(world, github, tmp_path):
    from tests.e2e.harness import Bot

    bot = Bot(world=world, github_url=github.url, database=tmp_path / "m.db", env={"PORTFOLIO_ACCESS": "members"}).start()
    try:
        bot.transfer(EXAMPLE)
        bot.settle()
        assert get(bot, "/").status_code == 403 and get(bot, "/api/onboardings").status_code == 403
        assert b"ikke i OS2" in get(bot, f"/badge/{EXAMPLE}.svg").content     # tells nothing either
    finally:
        bot.stop()
