"""The level a governance report says the product aims at.

Reports state it in two ways: as a keyed line ("Ønsket niveau: 2", front matter
`niveau: 2`) or in a sentence ("OS2loop har en målsætning om at efterleve:
**Niveau 2.**", the OS2loop report of the 2021 generation). A sentence counts only
when one of the configured aim phrases comes before the level in the same
sentence, with no word between them that makes it the level reached ("opnået
niveau"); criteria rows, code blocks and HTML comments are never read. OS2's
1.1.0 template has no field for the aim (its form asks for none).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Mapping

from bot.checks.statements import stated_level
from bot.governance import load_vocabulary, parse_level
from bot.governance.vocabulary import plain_text

_MAX_LINES = 5000
_MAX_LINE = 1000  # longer lines are not a sentence stating an aim, and regexes stay linear
_LINK = re.compile(r"\[([^\]\n]{0,300})\]\([^)\n]{0,500}\)")
_SENTENCE_END = re.compile(r"[.!?;](?=\s|$)")


@lru_cache(maxsize=1)
def _mention() -> re.Pattern[str]:
    """'niveau 2', 'level 1', 'sandkasse': the level words of config/governance_marks.yaml."""
    vocabulary = load_vocabulary()
    prefixes = sorted((p for p in vocabulary.level_prefixes if len(p) >= 3), key=len, reverse=True)
    names = sorted(vocabulary.level_names, key=len, reverse=True)
    alternatives = [rf"(?:{'|'.join(map(re.escape, prefixes))})\s*[0-3]"] if prefixes else []
    alternatives += [re.escape(n) for n in names]
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)")


def _prose(text: str) -> Iterable[str]:
    """Lines a person reads as text: no code blocks, HTML comments or table rows."""
    fence = comment = False
    for number, line in enumerate(text.splitlines()):
        if number >= _MAX_LINES:
            break
        stripped = line.strip()
        if comment:
            comment = "-->" not in stripped
            continue
        if stripped.startswith(("```", "~~~")):
            fence = not fence
            continue
        if fence or not stripped or len(stripped) > _MAX_LINE or stripped.startswith("|"):
            continue
        if stripped.startswith("<!--"):
            comment = "-->" not in stripped
            continue
        yield plain_text(_LINK.sub(r"\1", stripped)).casefold()


def _phrase_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({w.casefold().strip() for w in words if w and w.strip()}, key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, words))})") if words else None


def phrased_level(text: str | None, aims: Iterable[str], not_between: Iterable[str] = ()) -> int | None:
    """The level a sentence says the product aims at ('har en målsætning om … Niveau 2')."""
    aim = _phrase_pattern(aims)
    if not text or aim is None:
        return None
    reached = _phrase_pattern(not_between)
    for line in _prose(text):
        for found in aim.finditer(line):
            rest = line[found.end():]
            end = _SENTENCE_END.search(rest)
            clause = rest[:end.end() - 1] if end else rest
            mention = _mention().search(clause)
            if mention is None or (reached and reached.search(clause[:mention.start()])):
                continue
            level = parse_level(mention.group(0))
            if level is not None:
                return level
    return None


def stated_target(
    text: str | None, front_matter: Mapping | None, keys: Iterable[str], phrases: Mapping | None = None
) -> int | None:
    """The level the report aims at: a keyed line first, else a sentence; None when it says none."""
    level = stated_level(text, front_matter, keys) if text or front_matter else None
    if level is None and phrases:
        level = phrased_level(text, phrases.get("aims") or (), phrases.get("not_between") or ())
    return level
