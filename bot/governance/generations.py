"""Which of OS2's template generations a report was filled from, and what each criterion means.

Ids changed meaning between templates (F7 is operations in 2021, the documentation
template from 2024), so a criterion is known by its text in its own generation. The
generations are data (config/governance_criteria.yaml), read from OS2's templates.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Iterable, Mapping

import yaml

from bot.governance.vocabulary import plain_text

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "config" / "governance_criteria.yaml"

# How alike two requirement texts must be (Dice coefficient of their bigrams): real reports
# retype the template's text ("Løsingen", "lovformidling", a dropped "af løsningen").
SAME_ID_RATIO = 0.6       # the same id in the same generation
OTHER_ID_RATIO = 0.8      # a renumbered criterion
RECOGNISED_RATIO = 0.75   # a row counts towards a generation
MIN_RECOGNISED = 3        # ... and a generation needs at least this many rows, and half the report's

_LINK = re.compile(r"\[([^\]]{0,300})\]\([^)\s]{0,500}\)")
_OS2 = re.compile(r"\bos2\s*[´'’`]?\s*s\b")
_MARKERS = re.compile(r"\((?:anbefaling|anbefalet|anbefales)\)")
_NON_WORD = re.compile(r"[^\w]+")
_MAX_TEXT = 300


def text_key(text: str) -> str:
    """A requirement text as compared: plain, lower case, links and punctuation gone, OS2's = OS2s."""
    return _text_key(text[: _MAX_TEXT * 4])  # bounded: a cell can be megabytes of junk


@lru_cache(maxsize=4096)
def _text_key(text: str) -> str:
    key = _LINK.sub(r"\1", plain_text(text)[:_MAX_TEXT]).casefold()
    key = _MARKERS.sub(" ", _OS2.sub("os2", key))
    return _NON_WORD.sub(" ", key).strip()


@dataclass(frozen=True)
class TemplateCriterion:
    id: str
    level: int | None
    meaning: str
    text: str

    @cached_property
    def key(self) -> str:
        return text_key(self.text)


@dataclass(frozen=True)
class Generation:
    key: str
    name: str                 # Danish: "checklisten fra 2021"
    criteria: tuple[TemplateCriterion, ...]

    @cached_property
    def _by_id(self) -> dict[str, tuple[TemplateCriterion, ...]]:
        index: dict[str, list[TemplateCriterion]] = {}
        for criterion in self.criteria:
            index.setdefault(criterion.id, []).append(criterion)
        return {key: tuple(rows) for key, rows in index.items()}

    def with_id(self, criterion_id: str) -> tuple[TemplateCriterion, ...]:
        return self._by_id.get(criterion_id, ())


@dataclass(frozen=True)
class Catalogue:
    meanings: Mapping[str, str]           # meaning -> Danish description
    generations: tuple[Generation, ...]   # newest first

    def generation(self, key: str | None) -> Generation | None:
        return next((g for g in self.generations if g.key == key), None)

    def recognise(self, criteria: Iterable[tuple[str, str]]) -> Generation | None:
        """The generation whose template has most of these (id, text) rows; None when none fits."""
        rows = [(cid, text_key(text)) for cid, text in criteria]
        best, best_score, best_count = None, 0.0, 0
        for generation in self.generations:
            fits = [_fit(key, generation.with_id(cid)) for cid, key in rows if key]
            fits = [ratio for ratio in fits if ratio >= RECOGNISED_RATIO]
            if sum(fits) > best_score:  # the closest texts win; a tie keeps the newer generation
                best, best_score, best_count = generation, sum(fits), len(fits)
        if best_count < max(MIN_RECOGNISED, (len(rows) + 1) // 2):
            return None
        return best

    def identify(self, criterion_id: str, text: str, generation: Generation | None) -> TemplateCriterion | None:
        """The template row a report's criterion is: by its text, or by its id when it has no text."""
        key = text_key(text)
        if generation is None:
            if not key:
                return None
            for candidate in self.generations:
                found = _by_text(key, criterion_id, candidate, OTHER_ID_RATIO)
                if found is not None:
                    return found
            return None
        if key:
            return _by_text(key, criterion_id, generation, SAME_ID_RATIO)
        same_id = generation.with_id(criterion_id)
        return same_id[0] if len({c.meaning for c in same_id}) == 1 else None

    def template_level(self, row: TemplateCriterion) -> int | None:
        """The row's level; where OS2's own template row lost it, the level every other generation agrees on."""
        if row.level is not None:
            return row.level
        levels = {c.level for g in self.generations for c in g.criteria if c.meaning == row.meaning} - {None}
        return levels.pop() if len(levels) == 1 else None


def _ratio(a: str, b: str) -> float:
    """Dice coefficient of the two keys' character bigrams: linear, forgiving of typos and dropped words."""
    if a == b:
        return 1.0
    first, second = _bigrams(a), _bigrams(b)
    total = sum(first.values()) + sum(second.values())
    return 2 * sum((first & second).values()) / total if total else 0.0


@lru_cache(maxsize=4096)
def _bigrams(key: str) -> Counter:
    return Counter(key[i : i + 2] for i in range(len(key) - 1))


def _fit(key: str, rows: tuple[TemplateCriterion, ...]) -> float:
    return max((_ratio(key, row.key) for row in rows), default=0.0)


def _by_text(key: str, criterion_id: str, generation: Generation, same_id_ratio: float) -> TemplateCriterion | None:
    same_id = generation.with_id(criterion_id)
    scored = sorted(((_ratio(key, row.key), row) for row in same_id), key=lambda pair: -pair[0])
    if scored and scored[0][0] >= same_id_ratio:
        return scored[0][1]
    others = [(_ratio(key, row.key), row) for row in generation.criteria if row.id != criterion_id]
    ratio, row = max(others, key=lambda pair: pair[0], default=(0.0, None))
    return row if ratio >= OTHER_ID_RATIO else None


def catalogue_from_data(data: Mapping) -> Catalogue:
    """Build the catalogue from the YAML structure; raises ValueError on a broken config."""
    meanings = {str(k): str(v) for k, v in (data.get("meanings") or {}).items()}
    generations = []
    for raw in data.get("generations") or ():
        rows = []
        for entry in raw.get("criteria") or ():
            criterion_id, level, meaning, text = entry
            if meaning not in meanings:
                raise ValueError(f"generation {raw.get('key')!r}: {criterion_id} has an unknown meaning {meaning!r}")
            rows.append(TemplateCriterion(str(criterion_id), level if level is None else int(level), meaning, str(text)))
        generations.append(Generation(str(raw["key"]), str(raw["name"]), tuple(rows)))
    return Catalogue(meanings=meanings, generations=tuple(generations))


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """The generations from a YAML file (default: config/governance_criteria.yaml)."""
    if path is None:
        return _default_catalogue()
    with open(path, encoding="utf-8") as handle:
        return catalogue_from_data(yaml.safe_load(handle) or {})


@lru_cache(maxsize=1)
def _default_catalogue() -> Catalogue:
    with open(DEFAULT_PATH, encoding="utf-8") as handle:
        return catalogue_from_data(yaml.safe_load(handle) or {})
