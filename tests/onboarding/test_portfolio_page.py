"""The portfolio page, JSON rows and badges from records: filters, sort, summary, escaping."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from bot.portfolio.badge import etag, render_badge
from bot.portfolio.render import render_page
from bot.portfolio.view import Query, language, page

SVG = "{http://www.w3.org/2000/svg}"


def rec(name, *, step=1, placed=None, waiting=("secretariat",), onboarded=False, activity="2026-11-01T10:00:00Z",
        description="", jira=None, repo_url=None):
    return {"schema": 1, "repository": f"OS2offdig/{name}", "owner": "OS2offdig", "name": name, "product": name,
            "description": description, "repository_url": repo_url or f"https://github.com/OS2offdig/{name}",
            "issue": {"number": 1, "url": f"https://github.com/OS2offdig/{name}/issues/1"},
            "level": {"placed": placed, "target": 1, "achieved": 1},
            "step": {"current": None if onboarded else step, "total": 5, "done": 5 if onboarded else step - 1},
            "progress": {"done": 3, "total": 10}, "blocking": [{"key": "x", "name": "Licens", "step": step}],
            "waiting_for": list(waiting), "board": {"status": None, "requested_at": None, "approved_at": None,
                                                   "returned_at": None},
            "jira": jira, "last_activity": activity, "onboarded": onboarded, "onboarded_at": None,
            "state": "open", "recorded_at": activity}


RECORDS = [rec("alfa", step=1), rec("beta", step=3, placed=2, waiting=("board",), activity="2026-11-20T10:00:00Z"),
           rec("gamma", onboarded=True, placed=1, waiting=()), rec("Delta", step=3, placed=0, waiting=("contributor",))]


def names(p):
    return [r["name"] for r in p.rows]


def test_the_summary_counts_the_whole_portfolio_whatever_the_filter():
    p = page(RECORDS, Query.parse({"step": "3"}))
    assert names(p) == ["beta", "Delta"] and p.total == 4
    assert dict(p.per_step) == {"1": 1, "2": 0, "3": 2, "4": 0, "5": 0, "onboarded": 1}
    assert dict(p.per_level) == {"0": 1, "1": 1, "2": 1, "3": 0, "none": 1}
    assert dict(p.per_waiting) == {"secretariat": 1, "coordinator": 0, "board": 1, "contributor": 1}


@pytest.mark.parametrize("params, expected", [
    ({"level": "none"}, ["alfa"]),
    ({"waiting": "board"}, ["beta"]),
    ({"step": "onboarded"}, ["gamma"]),
    ({"sort": "activity", "dir": "desc"}, ["beta", "gamma", "Delta", "alfa"]),
    ({"sort": "level"}, ["Delta", "gamma", "beta", "alfa"]),
    ({"sort": "step"}, ["alfa", "beta", "Delta", "gamma"]),
    ({"sort": "product"}, ["alfa", "beta", "Delta", "gamma"]),
    ({"step": "<script>", "level": "7", "waiting": "'; drop", "sort": "__class__"}, ["alfa", "beta", "Delta", "gamma"]),
])
def test_filters_and_sort(params, expected):
    assert names(page(RECORDS, Query.parse(params))) == expected


def test_language_is_danish_unless_asked_for_english():
    assert language(None, None) == "da" and language(None, "da,en;q=0.8") == "da"
    assert language(None, "en-GB,en;q=0.9") == "en" and language("da", "en") == "da" and language("fr", "en") == "en"


class Landmarks(HTMLParser):
    """What a screen reader needs: landmarks, headings, captions, scoped headers, labelled fields."""

    def __init__(self):
        super().__init__()
        self.tags, self.labels_for, self.ids, self.selects = [], set(), set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "label" and a.get("for"):
            self.labels_for.add(a["for"])
        if tag == "select":
            self.selects.append(a.get("id"))


def test_the_page_is_accessible_and_readable_on_a_phone():
    html = render_page(RECORDS, {}, "da")
    parsed = Landmarks()
    parsed.feed(html)
    tags = [t for t, _ in parsed.tags]
    assert {"header", "main", "footer", "nav", "h1", "h2", "caption"} <= set(tags)
    assert tags.count("h1") == 1
    assert all(a.get("scope") in ("col", "row") for t, a in parsed.tags if t == "th")
    assert parsed.selects and all(s in parsed.labels_for for s in parsed.selects)
    assert '<html lang="da">' in html and 'name="viewport"' in html and "@media (max-width" in html
    assert ":focus-visible" in html
    assert "<script" not in html and "http" not in html.split("<body>")[0].replace("http-equiv", "")  # no external assets


def test_people_controlled_text_is_inert_and_links_stay_http():
    hostile = rec('x"><script>alert(1)</script>', description="<img src=x onerror=alert(1)>",
                  repo_url="javascript:alert(1)", jira={"key": "<b>K</b>", "url": "javascript:alert(2)"})
    html = render_page([hostile], {}, "da")
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>K</b>" not in html
    assert "javascript:" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_the_sort_links_keep_the_filter_and_the_language():
    html = render_page(RECORDS, {"step": "3", "lang": "en"}, "en")
    assert 'href="/?step=3&amp;sort=activity&amp;lang=en"' in html
    assert "Products (2 of 4)" in html and '<html lang="en">' in html


@pytest.mark.parametrize("record, text", [
    (rec("a", step=3), "onboarding trin 3/5"),
    (rec("a", onboarded=True, placed=2), "niveau 2"),
    (rec("a", onboarded=True, placed=0), "sandkasse"),
    (None, "ikke i OS2's onboarding"),
])
def test_the_badge_says_where_the_product_is(record, text):
    root = ET.fromstring(render_badge(record, "da", name='a<b>&"c"'))
    assert [t.text for t in root.iter(SVG + "text")] == ["OS2", text]
    assert root.find(SVG + "title").text == f'OS2: {text} (a<b>&"c")'
    assert root.get("role") == "img" and int(root.get("width")) > 0


def test_the_etag_follows_the_badge():
    assert etag(render_badge(rec("a", step=2))) != etag(render_badge(rec("a", step=3)))
    assert etag(render_badge(rec("a", step=2))) == etag(render_badge(rec("a", step=2)))


def test_the_phone_labels_in_the_style_cannot_end_it():
    from bot.portfolio.render import css_string
    label = css_string('Niveau"; } </style><script>x</script>')
    assert '"' not in label and "<" not in label and "Niveau" in label
