"""The command parser: a pure function, tested on examples and on arbitrary text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands import load_registry, parse_commands, parse_registry, RegistryError
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
