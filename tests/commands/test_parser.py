"""The command parser: a pure function, tested on examples, on attacks and on arbitrary text.

The rule: a command is run only from a line GitHub shows as plain text, so nothing
quoted, in code, folded into <details>, in an HTML block or hidden in a comment or an
attribute is ever run, and no comment, however large or odd, slows the bot down.
"""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands import (MAX_COMMAND_CHARS, MAX_COMMENT_CHARS, MAX_LINES, load_registry, parse_commands,
                          parse_registry, RegistryError)
from bot.onboarding.config import load_process
from bot.onboarding.escape import quote_for_reply

import pytest


def names(body):
    return [(c.name, c.args) for c in parse_commands(body)]


def test_a_command_is_a_slash_word_at_the_start_of_a_line_in_any_case():
    assert names("/approve") == [("approve", "")]
    assert names("Tak!\n/LEVEL 2\n  /return   Mangler fit  \n") == [("level", "2"), ("return", "Mangler fit")]


def test_quotes_code_and_html_comments_are_not_commands():
    body = "\n".join([
        "> /approve", ">> /approve", "```", "/approve", "```", "~~~~", "/approve", "~~~~",
        "    /approve", "\t/approve", "`/approve`", "Skriv /approve her", "<!-- /approve -->",
        "<!--", "/approve", "-->", "/approve<!-- skjult -->",
    ])
    assert names(body) == [("approve", "")]          # only the last line, with its comment removed


def test_an_unclosed_fence_or_comment_hides_the_rest():
    assert names("```\n/approve") == []
    assert names("<!-- \n/approve") == []


def test_a_reply_quoting_a_command_never_holds_one():
    assert names(quote_for_reply("/approve\n/level 3")) == []


def test_a_command_inside_details_is_not_run():
    assert names("<details>\n<summary>x</summary>\n\n/approve\n\n</details>") == []
    assert names("<details><summary>Log</summary>\n\n/approve\n\n</details>\n\n/level 2") == [("level", "2")]


def test_a_command_inside_pre_script_or_style_is_not_run():
    for tag in ("pre", "PRE", "script", "style"):
        assert names(f"<{tag}>\n/approve\n\n/approve\n</{tag}>\n/level 2") == [("level", "2")]


def test_a_command_inside_an_html_block_is_not_run():
    assert names("<div>\n/approve") == []              # a block tag: the block ends at a blank line
    assert names("<span>\n/approve") == []             # a lone tag on its line starts a block too
    assert names('<img src="x.png">\n/approve') == []
    assert names("<div>\n/approve\n\n</div>\n\n/level 2") == [("level", "2")]


def test_an_html_element_hides_commands_until_its_close_even_across_blank_lines():
    for tag in ("details", "div", "table", "blockquote", "code", "Details"):
        assert names(f"<{tag}>\n\n/approve\n\n</{tag.lower()}>\n\n/level 2") == [("level", "2")]
    nested = "<details>\n\n<details>\n\n</details>\n\n/approve\n\n</details>\n\n/level 2"
    assert names(nested) == [("level", "2")]
    assert names("Se loggen <details>\n/approve\n</details>") == []          # opened inside a paragraph
    assert names("<details>\n\n</div>\n\n/approve") == []                   # a stray close closes nothing


def test_a_close_tag_github_does_not_see_closes_nothing():
    for fake in ("`</details>`", '<div title="</details>"></div>', "<!-- </details> -->"):
        assert names(f"<details>\n\n{fake}\n\n/approve\n\n</details>") == []


def test_a_command_hidden_in_an_attribute_a_link_title_or_a_definition_is_not_run():
    assert names("Se <span title='\n/approve\n'>her</span>") == []
    assert names("<div title='\n\n/approve\n\n'>") == []
    assert names('[link](https://example.org "\n/approve\n")') == []
    assert names("[ref]: https://example.org '\n/approve\n'") == []


def test_a_line_continuing_a_quote_is_quoted():
    assert names("> Citat\n/approve") == []
    assert names("> Citat\n\n/approve") == [("approve", "")]


def test_code_blocks_close_only_as_commonmark_closes_them():
    assert names("```\n/x\n``` tekst\n/approve") == []          # a fence with text after it does not close
    assert names("````\n/x\n```\n/approve") == []                # nor does a shorter one
    assert names("~~~\n/x\n```\n/approve") == []                 # nor one of the other kind
    assert names("```\n/x\n`````\n/approve") == [("approve", "")]
    assert names("```x`\n```\n/approve") == []                    # backticks in the info: no fence, so the next opens
    assert names("- punkt\n\n    ```\n  /approve\n    ```") == []   # code inside a list item


def test_inline_code_over_several_lines_is_code():
    assert names("Se `kode\n/approve` her") == []


def test_table_rows_are_not_commands():
    assert names("| a | b |\n|---|---|\n/approve") == []
    assert names("a | b\n-|-|-\n/approve") == [("approve", "")]      # columns differ: no table


def test_html_that_cannot_be_followed_hides_the_rest_of_the_comment():
    assert names("x <!-- a -- b -->\n\n/approve") == []       # a comment in CommonMark 0.31, not in cmark-gfm
    assert names("x <script a='<!--'>\n\n/approve") == []     # the tag filter leaves `<!--` open
    assert names("<svg>\n\n/approve") == []


def test_ordinary_html_and_text_do_not_hide_later_commands():
    for before in ("Tak<br>", "Tryk <kbd>Ctrl</kbd>", '<img src="x.png">\n', "Brug `<details>` til at folde",
                   '<p align="center">\n<img src="x.png">\n</p>\n', "[Se her](https://example.org)",
                   "- punkt", "# Overskrift", "<!-- note -->\n"):
        assert names(f"{before}\n/approve") == [("approve", "")], before


def test_crlf_and_lone_cr_end_lines():
    assert names("Tak\r\n/approve\r\n/level 2") == [("approve", ""), ("level", "2")]
    assert names("/approve\r/level 2") == [("approve", ""), ("level", "2")]


def test_a_command_line_longer_than_the_cap_is_not_a_command():
    reason = "x" * (MAX_COMMAND_CHARS - len("/return "))
    assert names(f"/return {reason}") == [("return", reason)]
    assert names(f"/return {reason}y") == []        # rejected, never run with its reason cut short


def test_only_the_first_characters_and_lines_of_a_comment_are_read():
    assert names("\n" * (MAX_LINES - 1) + "/approve") == [("approve", "")]
    assert names("\n" * MAX_LINES + "/approve") == []
    command = "/return " + "x" * 500
    fits = "a" * (MAX_COMMENT_CHARS - len(command) - 1) + "\n" + command
    assert names(fits) == [("return", "x" * 500)]
    assert names("a" + fits) == []      # the cap cuts its last line: dropped, never shortened


@given(st.text(max_size=2000))
@settings(max_examples=300, deadline=None)
def test_any_text_parses_without_error_and_every_command_sits_on_its_own_line(text):
    for command in parse_commands(text):
        assert command.name == command.name.lower() and command.text.lstrip().startswith("/")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=500))
@settings(max_examples=300, deadline=None)
def test_quoting_any_text_leaves_no_command(text):
    assert parse_commands(quote_for_reply(text)) == []


@given(st.lists(st.sampled_from(["/approve", "/level 2", "> /approve", "```", "tekst", "<!--", "-->", ""]),
                max_size=30))
def test_parsing_is_deterministic_and_line_numbers_increase(lines):
    body = "\n".join(lines)
    first, second = parse_commands(body), parse_commands(body)
    assert first == second
    assert [c.line for c in first] == sorted(c.line for c in first)


N = MAX_COMMENT_CHARS


def _fill(unit: str, prefix: str = "") -> str:
    return (prefix + unit * (N // len(unit) + 1))[:N]


ADVERSARIAL = {
    "a command line padded with spaces": "/a b" + " " * (N - 4),
    "a command line padded with spaces then text": "/a b" + " " * (N - 5) + "x",
    "comment openers": _fill("<!--"),
    "comment openers on lines": _fill("<!--a\n"),
    "comment closers": _fill("-->"),
    "broken comments": _fill("<!-- -- "),
    "backticks": "`" * N,
    "backtick runs": _fill("`` ` "),
    "backticks on lines": _fill("`a\n"),
    "fences": _fill("```\n"),
    "details tags": _fill("<details>"),
    "details tags in a paragraph": _fill("x <details>"),
    "details tags on lines": _fill("<details>\n"),
    "tags without an end": _fill("<a"),
    "attributes without an end": _fill(" b='c'", "x <a"),
    "attributes in an html block": _fill(" b=c", "<div"),
    "processing instructions": _fill("x <?"),
    "carriage returns": "\r" * N,
    "slashes": "/" * N,
    "tabs": "/a b" + "\t" * (N - 4),
    "unicode": _fill("ø ", "/æ"),
    "quote markers": _fill("> "),
    "list markers": _fill("1. "),
    "link openers": _fill("[x]("),
    "autolinks": _fill("<http://a"),
    "table cells": _fill("|", "a|b\n-|-\n"),
    "commands": _fill("/approve\n"),
}


@pytest.mark.parametrize("body", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_a_64_kb_comment_is_parsed_in_linear_time(body):
    assert len(body) <= MAX_COMMENT_CHARS
    parse_commands(body[:100])       # warm up
    start = time.perf_counter()
    parse_commands(body)
    assert time.perf_counter() - start < 0.25      # quadratic took 4 to 35 s; linear takes a few ms


MARKDOWN = ["/approve", "/level 2", "> /approve", ">", "```", "~~~", "    /approve", "- punkt", "1. punkt",
            "  /approve", "<details>", "</details>", "<!--", "-->", "<pre>", "</pre>", "<div title='", "'>",
            "`", "x <span a=\"", "\">", "| a | b |", "|---|---|", "[a]: /u '", "tekst", "", "\r", "\t/x",
            "/return " + "x" * MAX_COMMAND_CHARS]


@given(st.lists(st.one_of(st.sampled_from(MARKDOWN), st.text(max_size=40)), max_size=40))
@settings(max_examples=300, deadline=None)
def test_no_comment_makes_the_parser_fail_or_return_an_over_long_command(lines):
    for command in parse_commands("\n".join(lines)):
        assert len(command.text) <= MAX_COMMAND_CHARS and command.name == command.name.lower()


class _Rendered(HTMLParser):
    """Where each command's text lands in HTML rendered by another CommonMark parser."""

    PLAIN = {"p", "li", "ul", "ol", "em", "strong", "h1", "h2", "a", "b", "i", "span", "br", "img", "del"}
    VOID = {"br", "img", "hr", "input", "source", "track", "wbr", "col"}
    TABLE_PARTS = {"td", "th", "tr", "tbody", "thead", "tfoot", "caption", "col", "colgroup"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.places, self.after_tag = [], {}, False

    def handle_starttag(self, tag, attrs):
        if tag in self.TABLE_PARTS and "table" not in self.stack:
            return                                   # HTML5 drops these outside a table
        if tag not in self.VOID:
            self.stack.append(tag)
        self.after_tag = True

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        for m in re.finditer(r"/(c\d+)\b", data):
            before = data[:m.start()]
            at_start = (not before and self.after_tag) or before.rstrip(" ").endswith("\n")
            self.places.setdefault(m.group(1), []).append((set(self.stack) <= self.PLAIN, at_start))
        self.after_tag = False


@given(st.lists(st.sampled_from([
    "CMD", "CMD x", "  CMD", "> CMD", ">", "```", "~~~", "    CMD", "- a", "- CMD", "2. a", "  - b", "    ```",
    "  ```", "<details>", "</details>", "<summary>s</summary>", "<!--", "-->", "<!-- x -->", "<pre>", "</pre>",
    "<div>", "</div>", "<span title='", "'>", "x <span title=\"a", "b\">", "`", "x `y", "[a]: /u '", "[a](b 'c",
    "| a | b |", "|---|---|", "# h", "---", "===", "<b>", "</b>", "tekst", "", "<code>", "</code>", "x <details>",
    "<table>", "</table>", "<td>", "<br>", "<!-- a -- b -->", "<a href='x'>", "</a>", "<div title='", "x <!--",
    "<details", "open>", "<kbd>", "</kbd>", "`<details>`", "CMD <!-- c -->", "<!-->"]), max_size=14))
@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_command_found_is_plain_text_for_another_commonmark_parser(fragments):
    """markdown-it (beside rich) renders the comment; each command must land in plain text at a line start."""
    markdown_it = pytest.importorskip("markdown_it")
    numbers = iter(range(1000))
    body = "\n".join(re.sub("CMD", lambda _: f"/c{next(numbers)}", f) for f in fragments)
    found = parse_commands(body)
    if not found:
        return
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(body)
    rendered = _Rendered()
    rendered.feed(html.replace("<!--->", "<!---->").replace("<!-->", "<!---->"))   # HTML5's short comments
    for command in found:
        places = rendered.places.get(command.name)
        assert places and all(plain and at_start for plain, at_start in places), (command, body, html)


def test_the_registry_knows_every_command_by_name_and_danish_alias():
    registry = load_registry()
    assert registry.find("godkend").name == "approve" and registry.find("NIVEAU").name == "level"
    assert registry.suggest("aprove") == "/approve" and registry.suggest("lgtm") is None


def test_every_command_in_the_registry_has_an_effect_and_known_roles():
    from bot.onboarding.commands import EFFECTS

    registry = load_registry()
    assert {c.name for c in registry.commands} == set(EFFECTS)
    roles = set(load_process().roles) | {"anyone", "writer"}
    assert all(set(c.roles) <= roles for c in registry.commands)


def test_a_broken_registry_is_refused_with_what_is_wrong():
    with pytest.raises(RegistryError, match="unknown role 'bestyrelse'.*'approve' is used twice"):
        parse_registry({"commands": [
            {"name": "approve", "roles": ["bestyrelse"], "help": {"da": "x"}},
            {"name": "approve", "roles": ["board"], "help": {"da": "x"}},
        ]}, known_roles={"board"})
