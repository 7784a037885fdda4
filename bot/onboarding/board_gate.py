"""The gate before the board's review: what must be in place before the board is asked.

Seed 003: the board approves a level 2 product "ved en indstilling og beslutning på
førstkommende bestyrelsesmøde", and the product is organised once the indstilling is
approved. So the gate is short and lives in config (`board_review.requires` in
config/process.yaml): the secretariat's match, a governance report the bot can read, a level
proposed. What the report or the repository still lacks, and the organisation as far as it
is known, are not refusals: they go into the indstilling (bot/onboarding/indstilling.py).
"""

from __future__ import annotations

from bot.onboarding.config import Process
from bot.onboarding.escape import escape_inline
from bot.onboarding.model import IssueView, State


def unmet(process: Process, state: State, view: IssueView, lang: str) -> list[str]:
    """What keeps the product from the board, each in the words of its refusal; empty: it may go.

    An item the product's level does not show is not required of it."""
    gate = process.board_review
    if gate is None:
        return []
    missing = []
    for requirement in gate.requires:
        reason = None
        if requirement.item is not None:
            item = view.item(requirement.item)
            if item is None or item.done:
                continue
            reason = item.reason
        elif state.level in requirement.level:
            continue
        text = requirement.missing.get(lang)
        if reason:
            text = text.replace("{reason}", _sentence(escape_inline(reason)))
        missing.append(text.replace(" {reason}", "").replace("{reason}", ""))
    return missing


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?", "…")) else text + "."
