"""Danish texts name the Danish commands; every name works the same; a typo gets its own language back."""

from __future__ import annotations

import pytest

from bot.commands import Command, RegistryError, load_registry, parse_registry
from bot.onboarding.commands import unknown

DANISH = {"help": "/hjælp", "recheck": "/tjek", "level": "/niveau", "approve-match": "/match",
          "coordinator": "/koordinator", "request-board-review": "/bestyrelse", "approve": "/godkend",
          "return": "/tilbageløb", "adgang": "/adgang", "create-jira": "/opret-jira"}


def test_every_command_has_a_danish_name_that_works():
    registry = load_registry()
    assert {c.name: c.shown("da") for c in registry.commands} == DANISH
    for name, shown in DANISH.items():
        assert registry.find(shown.lstrip("/")).name == name
        assert registry.find(name).usage_in("da").startswith(shown)      # the usage says the Danish name


def test_the_english_texts_name_the_english_commands():
    registry = load_registry()
    assert registry.shown("/approve", "en") == "/approve" and registry.shown("/godkend", "en") == "/approve"
    assert registry.find("return").usage_in("en") == "/return <reason>"


@pytest.mark.parametrize("typed, meant", [("godkent", "/godkend"), ("tilbagelob", "/tilbageløb"),
                                          ("niveu", "/niveau"), ("aprove", "/approve"), ("retrun", "/return")])
def test_a_typo_is_answered_with_the_name_in_the_typists_language(typed, meant):
    reply = unknown(Command(typed, "", 1, f"/{typed}"), load_registry(), "da")
    assert reply == f"Kommandoen `/{typed}` findes ikke. Mente du `{meant}`? (`/hjælp` viser alle kommandoer.)"


def test_other_bots_commands_get_no_answer():
    assert unknown(Command("lgtm", "", 1, "/lgtm"), load_registry(), "da") is None


def test_the_danish_help_lists_the_danish_usage_and_the_other_names():
    registry = load_registry()
    help_da = registry.help("da", lambda r: r)
    assert "| `/godkend` (`/approve`) |" in help_da
    assert "| `/tilbageløb <begrundelse>` (`/return`, `/tilbageloeb`) |" in help_da
    help_en = registry.help("en", lambda r: r)
    assert "| `/approve` (`/godkend`) |" in help_en


def test_a_shown_name_that_is_not_one_of_the_commands_names_is_refused():
    spec = {"name": "approve", "aliases": ["godkend"], "roles": ["anyone"], "help": {"da": "x"},
            "names": {"da": "godkendt"}}
    with pytest.raises(RegistryError, match="names"):
        parse_registry({"commands": [spec]})
