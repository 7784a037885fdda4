"""The words and glyphs governance reports use, loaded from config/governance_marks.yaml.

Kept as data so OS2 (or we) can teach the parser a new mark without touching code.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Mapping

import yaml

from bot.governance.model import Mark

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "config" / "governance_marks.yaml"

_ROLES = ("id", "text", "level", "mark", "documentation", "guidelines")

# Cells are bounded-size markup; every pattern here is linear (no nested quantifiers).
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<!--[^<>]{0,500}-->|</?[A-Za-z][^<>\n]{0,300}>")
_WS = re.compile(r"\s+")
_BOX_EMPTY = re.compile(r"\[\s*\]")
_BOX_TICKED = re.compile(r"\[\s*[xX]\s*\]")
_INVISIBLE = str.maketrans(
    {
        "\ufe0e": None,  # variation selectors: "☑︎" and "☑" are the same mark
        "\ufe0f": None,
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\u00ad": None,
        "\ufeff": None,
        "\xa0": " ",
    }
)
_EMPHASIS = "*_~` "
MAX_MARK_CHARS = 200  # a "mark" longer than this is prose, not a mark


def strip_markup(cell: str, *, line_breaks: str = " ") -> str:
    """Cell text without HTML, entities, invisible characters or emphasis."""
    if "<" in cell:
        cell = _BR.sub(line_breaks, cell)
        cell = _TAG.sub(" ", cell)
    if "&" in cell:
        cell = html.unescape(cell)
    cell = cell.translate(_INVISIBLE)
    if "**" in cell or "__" in cell:
        cell = cell.replace("**", "").replace("__", "")
    return cell


def plain_text(cell: str) -> str:
    """One-line plain text of a cell, as a person reads it."""
    text = _WS.sub(" ", strip_markup(cell)).strip()
    while len(text) >= 2 and text[0] == text[-1] and text[0] in "_*":
        text = text[1:-1].strip()
    return text


def multiline_text(cell: str) -> str:
    """Plain text keeping the author's <br/> line breaks (documentation cells)."""
    text = strip_markup(cell, line_breaks="\n")
    lines = (_WS.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def normalise(cell: str) -> str:
    """The key a cell is looked up by: plain, case-folded, ticked boxes written one way."""
    text = _WS.sub(" ", strip_markup(cell)).strip(_EMPHASIS).casefold()
    if "[" in text:
        text = _BOX_TICKED.sub("[x]", _BOX_EMPTY.sub("[ ]", text))
    return text


@dataclass(frozen=True)
class Vocabulary:
    marks: Mapping[str, Mark]          # normalised entry -> mark
    columns: Mapping[str, str]         # normalised header -> role
    mark_columns: tuple[str, ...]      # normalised mark headers, in precedence order
    documentation_columns: tuple[str, ...]
    level_names: Mapping[str, int]
    level_prefixes: tuple[str, ...]
    recommendation: tuple[str, ...]
    draft: tuple[str, ...]

    @cached_property
    def _prefix_keys(self) -> tuple[str, ...]:
        return tuple(sorted(self.marks, key=len, reverse=True))

    @cached_property
    def _mark_in_text(self) -> re.Pattern[str]:
        # Marks that can be told apart inside a comment: words, glyphs and "?".
        # Bare dashes are left out: "Ja - se README" is a "Ja".
        keys = [k for k in self.marks if k == "?" or any(ch.isalnum() or ord(ch) > 127 for ch in k)]
        keys.sort(key=len, reverse=True)
        return re.compile("|".join(_bounded(k) for k in keys))

    @cached_property
    def _level_pattern(self) -> re.Pattern[str]:
        prefixes = "|".join(re.escape(p) for p in sorted(self.level_prefixes, key=len, reverse=True))
        return re.compile(rf"(?:(?:{prefixes})\s*[.:]?\s*)?([0-3])\.?")

    @cached_property
    def _draft_pattern(self) -> re.Pattern[str]:
        words = "|".join(re.escape(w) for w in self.draft)
        return re.compile(rf"(?<!\w)(?:{words})(?!\w)")

    def classify_mark(self, raw: str) -> Mark | None:
        """The mark a cell states; None when it states none we know (unreadable)."""
        key = normalise(raw)
        if not key:
            return Mark.NOT_EVALUATED
        exact = self.marks.get(key)
        if exact is not None:
            return exact
        if len(key) > MAX_MARK_CHARS:
            return None
        for prefix in self._prefix_keys:
            if key.startswith(prefix) and _ends_word(key, len(prefix)):
                mark = self.marks[prefix]
                rest = key[len(prefix):]
                others = {self.marks[m.group(0)] for m in self._mark_in_text.finditer(rest)}
                return mark if others <= {mark} else None
        return None

    def parse_level(self, raw: object) -> int | None:
        if isinstance(raw, bool):
            return None
        if isinstance(raw, int):
            return raw if 0 <= raw <= 3 else None
        if not isinstance(raw, str):
            return None
        key = normalise(raw)
        if len(key) > 60:
            return None
        found = self._level_of(key)
        if found is None and key.endswith(")") and "(" in key:
            outer, _, inner = key[:-1].partition("(")
            levels = {self._level_of(outer.strip()), self._level_of(inner.strip())} - {None}
            found = levels.pop() if len(levels) == 1 else None
        return found

    def _level_of(self, key: str) -> int | None:
        if key in self.level_names:
            return self.level_names[key]
        match = self._level_pattern.fullmatch(key)
        return int(match.group(1)) if match else None

    def is_recommendation(self, text: str) -> bool:
        folded = text.casefold()
        return any(marker in folded for marker in self.recommendation)

    def is_draft(self, title: str) -> bool:
        return bool(self._draft_pattern.search(title.casefold()))


def _bounded(key: str) -> str:
    """Pattern for a key as a whole word where it starts or ends with a letter."""
    before = r"(?<!\w)" if re.match(r"\w", key[0]) else ""
    after = r"(?!\w)" if re.match(r"\w", key[-1]) else ""
    return before + re.escape(key) + after


def _ends_word(key: str, end: int) -> bool:
    """A prefix mark must be followed by a non-word character ("ja," yes, "januar" no)."""
    if end >= len(key):
        return True
    last, following = key[end - 1], key[end]
    return not (last.isalnum() and following.isalnum())


def vocabulary_from_data(data: Mapping) -> Vocabulary:
    """Build a vocabulary from the YAML structure; raises ValueError on a broken config."""
    marks: dict[str, Mark] = {}
    for name, entries in (data.get("marks") or {}).items():
        try:
            mark = Mark(name)
        except ValueError:
            raise ValueError(f"unknown mark category {name!r} in governance vocabulary") from None
        for entry in entries or ():
            key = normalise(str(entry))
            if key and marks.setdefault(key, mark) is not mark:
                raise ValueError(f"mark {entry!r} is listed under two categories")
    columns: dict[str, str] = {}
    ordered: dict[str, list[str]] = {role: [] for role in _ROLES}
    for role, headers in (data.get("columns") or {}).items():
        if role not in _ROLES:
            raise ValueError(f"unknown column role {role!r} in governance vocabulary")
        for header in headers or ():
            key = normalise(str(header))
            columns.setdefault(key, role)
            ordered[role].append(key)
    levels = data.get("levels") or {}
    names = {normalise(str(k)): int(v) for k, v in (levels.get("names") or {}).items()}
    return Vocabulary(
        marks=marks,
        columns=columns,
        mark_columns=tuple(ordered["mark"]),
        documentation_columns=tuple(ordered["documentation"]),
        level_names=names,
        level_prefixes=tuple(normalise(str(p)) for p in levels.get("prefixes") or ()),
        recommendation=tuple(str(r).casefold() for r in data.get("recommendation") or ()),
        draft=tuple(str(d).casefold() for d in data.get("draft") or ()),
    )


def load_vocabulary(path: str | Path | None = None) -> Vocabulary:
    """The vocabulary from a YAML file (default: config/governance_marks.yaml)."""
    if path is None:
        return _default_vocabulary()
    with open(path, encoding="utf-8") as handle:
        return vocabulary_from_data(yaml.safe_load(handle) or {})


@lru_cache(maxsize=1)
def _default_vocabulary() -> Vocabulary:
    with open(DEFAULT_PATH, encoding="utf-8") as handle:
        return vocabulary_from_data(yaml.safe_load(handle) or {})
