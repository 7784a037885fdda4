"""'Key: value' statements in free text (governance report, README), e.g. 'Leverandør: Magenta'.

Reports state things the tables do not hold — the level aimed at, the supplier —
as simple lines, in front matter, as '> **Key:** value' or '- Key: value'.
"""

from __future__ import annotations

import re
from typing import Iterable

from bot.governance import parse_level

_LINE = re.compile(r"^[\s>*+\-]*(?:\*\*|__)?\s*([^:*_=|]{1,60}?)\s*(?:\*\*|__)?\s*[:=]\s*(?:\*\*|__)?\s*(.*?)\s*$")
_SPLIT = re.compile(r"\s*(?:,|;|\bog\b|\band\b|&|/(?!S\b))\s*", re.IGNORECASE)
_MAX_LINES = 5000
_MAX_LINE = 1000  # longer lines are prose or junk, and regexes stay linear


def statements(text: str | None, keys: Iterable[str]) -> list[tuple[str, str]]:
    """(key as written, value) for each line stating one of `keys` (case-insensitive)."""
    if not text:
        return []
    wanted = {k.casefold() for k in keys}
    found = []
    fence = False
    for number, line in enumerate(text.splitlines()):
        if number >= _MAX_LINES:
            break
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fence = not fence
            continue
        if fence or not stripped or len(stripped) > _MAX_LINE or stripped.startswith("|") or ":" not in stripped and "=" not in stripped:
            continue
        match = _LINE.match(stripped.replace("**", "").replace("__", ""))
        if match and match.group(1).strip().casefold() in wanted and match.group(2):
            found.append((match.group(1).strip(), match.group(2).strip().strip("*_ ")))
    return found


def split_names(value: str) -> list[str]:
    """'Magenta ApS, Netcompany A/S og Miracle' -> three names."""
    value = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", value)
    return [n.strip(" .'\"") for n in _SPLIT.split(value) if n and n.strip(" .'\"")]


def stated_level(text: str | None, front_matter: dict | None, keys: Iterable[str]) -> int | None:
    """The level a report says it aims at ('Ønsket niveau: 2'), None when it says none."""
    keys = list(keys)
    folded = {k.casefold() for k in keys}
    for key, value in (front_matter or {}).items():
        if str(key).casefold() in folded:
            level = parse_level(value)
            if level is not None:
                return level
    for _, value in statements(text, keys):
        level = parse_level(value)
        if level is not None:
            return level
    return None
