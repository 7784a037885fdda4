"""People's text in the bot's issue pings nobody, injects nothing, and breaks nothing."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import Environment

from bot.onboarding.desired import compute_desired
from bot.onboarding.escape import (
    ZWSP,
    escape_block,
    escape_inline,
    login,
    quote_for_reply,
    register_filters,
    safe_url,
)
from bot.onboarding.model import RepoFacts, State
from bot.onboarding.ticks import read_ticks

MENTION = re.compile(r"(?<![\w`])@[A-Za-z0-9]")  # what GitHub would turn into a ping
EVIL = ("Hej @OS2offdig/bestyrelsen og @all! <img src=x onerror=alert(1)> <script>x</script> "
        "--> <!-- os2bot:onboarding --> | kolonne | #1 GH-2 \n# Overskrift\n/approve \\")


def test_a_description_full_of_mentions_html_and_markers_is_harmless(process, settings):
    repo = RepoFacts("OS2offdig", "os2x", EVIL, "https://github.com/OS2offdig/os2x")
    issue = compute_desired(process, settings, repo, {}, State())
    row = next(line for line in issue.body.splitlines() if line.startswith("| Beskrivelse |"))
    assert row == (
        f"| Beskrivelse | Hej @{ZWSP}OS2offdig/bestyrelsen og @{ZWSP}all! &lt;img src=x onerror=alert(1)&gt; "
        f"&lt;script&gt;x&lt;/script&gt; --&gt; &lt;!-- os2bot:onboarding --&gt; \\| kolonne \\| #{ZWSP}1 "
        f"GH-{ZWSP}2 # Overskrift /approve \\\\ |"
    )
    assert not MENTION.search(issue.body)
    assert "<img" not in issue.body and "<script" not in issue.body
    assert issue.body.count("<!-- os2bot:onboarding -->") == 1
    assert cell_borders(row) == 3  # still exactly two cells


def cell_borders(row: str) -> int:
    """Pipes a Markdown table sees: a backslash escapes the next character."""
    count, i = 0, 0
    while i < len(row):
        if row[i] == "\\":
            i += 2
            continue
        count += row[i] == "|"
        i += 1
    return count


@given(st.text())
def test_inline_text_never_escapes_its_line(text):
    out = escape_inline(text)
    assert "\n" not in out and "\r" not in out
    assert "<" not in out and ">" not in out
    assert not MENTION.search(out)
    assert not re.search(r"(?<!\\)\|", out)
    assert not re.match(r"\s*[#>/]", out)


@settings(deadline=None)   # a whole issue per example: what is tested is the ticks, not the time
@given(st.text())
def test_text_in_a_rendered_issue_cannot_add_or_hide_items(text):
    from bot.onboarding.config import load_org_defaults, load_process, org_settings
    process, settings = load_process(), org_settings(load_org_defaults())
    plain = compute_desired(process, settings, RepoFacts("o", "r", None), {}, State())
    withtext = compute_desired(process, settings, RepoFacts("o", "r", text), {}, State())
    assert read_ticks(withtext.body) == read_ticks(plain.body)


def test_a_quoted_reply_can_never_trigger_a_command():
    quoted = quote_for_reply("/level 3\n  /approve\nSpørg @bo\n\n-->")
    assert quoted == f"> \\/level 3\n>   \\/approve\n> Spørg @{ZWSP}bo\n>\n> --&gt;"
    assert not re.search(r"^\s*/", quoted, re.MULTILINE)
    assert all(line.startswith(">") for line in quoted.splitlines())


@given(st.text())
def test_any_quoted_text_stays_quoted_and_commandless(text):
    quoted = quote_for_reply(text)
    for line in quoted.split("\n"):
        assert line.startswith(">")
        assert not re.match(r">\s*/", line)
    assert "<" not in quoted


def test_block_text_keeps_its_lines_but_not_its_pings():
    assert escape_block("linje 1\n@bo <b>\n/approve") == f"linje 1\n@{ZWSP}bo &lt;b&gt;\n\\/approve"


def test_logins_are_shown_without_pinging():
    assert login("anne") == "`@anne`"
    assert login("os2bot[bot]") == "`@os2bot[bot]`"
    assert login("`evil` @x") == f"\\`evil\\` @{ZWSP}x"


def test_only_plain_https_links_are_linked():
    assert safe_url("https://github.com/o/r/issues/1#issuecomment-2") == "https://github.com/o/r/issues/1#issuecomment-2"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("https://x.dk/a) [y](https://evil") is None
    assert safe_url("https://x.dk/<script>") is None


def test_plain_http_links_only_to_this_machine():
    assert safe_url("http://127.0.0.1:8080/browse/OS2EKSEMPE") == "http://127.0.0.1:8080/browse/OS2EKSEMPE"
    assert safe_url("http://localhost/browse/X") == "http://localhost/browse/X"
    for url in ("http://jira.kommune.dk/browse/X", "http://localhost.evil.dk/x", "http://127.0.0.1.evil.dk/",
                "http://127.0.0.1@evil.dk/", "http://localhost:80@evil.dk/"):
        assert safe_url(url) is None, url


def test_filters_are_registered_for_jinja():
    env = Environment(autoescape=False)
    register_filters(env)
    assert env.from_string("{{ d|md }} {{ u|url }}").render(d="@x <b>", u="ftp://x") == f"@{ZWSP}x &lt;b&gt; "


def test_a_long_command_is_quoted_shortened():
    from bot.onboarding.escape import QUOTE_MAX, quote_for_reply
    quoted = quote_for_reply("/approve " + "x" * 65_000)
    assert len(quoted) < QUOTE_MAX + 20 and quoted.endswith("…")
