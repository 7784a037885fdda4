"""What a newcomer reads first: `os2bot --help` in one language, the sandbox's issue panel whole."""

from __future__ import annotations

import re

from rich.console import Console
from rich.panel import Panel

from bot.cli import build_parser
from bot.sandbox.cli import panel_title

DANISH = re.compile(r"[æøåÆØÅ]|\b(og|eller|af|til|der|ikke|niveauet|mappe|uddata|tjek)\b")


def _helps(parser):
    """Every help text and description of the parser and its subcommands."""
    yield parser.description or ""
    for action in parser._actions:
        if action.help and action.help != "==SUPPRESS==":
            yield action.help
        for choice in getattr(action, "_choices_actions", []):
            yield choice.help or ""
        for sub in (getattr(action, "choices", None) or {}).values() if hasattr(action, "_choices_actions") else ():
            yield from _helps(sub)


def test_os2bot_help_is_english_throughout():
    texts = list(_helps(build_parser()))
    assert len(texts) > 20
    danish = [t for t in texts if DANISH.search(t)]
    assert danish == []


def test_the_sandbox_panel_shows_the_issue_state_and_a_title_with_brackets():
    console = Console(record=True, width=100)
    console.print(Panel("x", title=panel_title(1, "Onboarding af [bold]x[/bold] i OS2", "open")))
    assert "#1 Onboarding af [bold]x[/bold] i OS2 [open]" in console.export_text()
