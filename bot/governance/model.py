"""Data the governance report parser returns; shared by checks, CLI and onboarding.

Levels are ints: 0 is "sandkasse" (the sandbox level the governance report adds
below level 1), then 1, 2, 3 as in OS2's governance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

SANDBOX = 0
LEVELS = (0, 1, 2, 3)
LEVEL_NAMES = {0: "sandkasse", 1: "1", 2: "2", 3: "3"}


class Mark(str, Enum):
    """What a report says about one criterion, whatever glyph or word it used."""

    MET = "met"
    NOT_MET = "not_met"
    NOT_RELEVANT = "not_relevant"
    IN_DOUBT = "in_doubt"
    PLANNED = "planned"
    NOT_EVALUATED = "not_evaluated"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class Criterion:
    id: str                 # as the report writes it, normalised to upper case: "F2"
    text: str               # the "Krav" cell, plain text
    level: int | None       # 0..3, None when the level cell could not be read
    level_raw: str
    recommendation: bool    # "(anbefaling)" in the text: advised, never blocking
    mark: Mark
    mark_raw: str           # the raw cell, kept so a person can see what was written
    documentation: str      # "Dokumentation" / "Beskrivelse / Dokumentation" cell
    section: str            # "RELEVANS", "FORMKRAV", ...
    line: int               # 1-based line in the file
    meaning: str | None = None  # concept key from config/governance_criteria.yaml ("docs_template")


@dataclass(frozen=True)
class Problem:
    """Something in the report the parser could not read; reported, never guessed."""

    line: int
    message: str            # English, for logs; Danish rendering lives in templates


@dataclass(frozen=True)
class Repair:
    """A broken row (a missing or an extra '|') whose level was recovered, and how."""

    line: int
    criterion_id: str
    level: int
    source: str             # "cells": read from the row's own cells; "template": from the generation's template
    cell: int | None = None         # 1-based cell the level was read from ("cells")
    generation: str | None = None   # the template generation the level came from ("template")


@dataclass(frozen=True)
class Report:
    path: str | None
    title: str | None
    template_version: str | None        # "1.1.0" where the report states it
    draft: bool                         # "[KLADDE]" in the title
    criteria: tuple[Criterion, ...] = ()
    problems: tuple[Problem, ...] = ()
    extra: dict = field(default_factory=dict)
    generation: str | None = None       # the template generation it was filled from ("2021", "1.1.0")
    repairs: tuple[Repair, ...] = ()

    def criterion(self, criterion_id: str) -> Criterion | None:
        wanted = criterion_id.upper()
        return next((c for c in self.criteria if c.id == wanted), None)

    def by_meaning(self, meaning: str) -> Criterion | None:
        """The criterion that states `meaning` in this report's own generation, whatever its id."""
        return next((c for c in self.criteria if c.meaning == meaning), None)


@dataclass(frozen=True)
class LevelGaps:
    """What stands between a report and a level: blocking criteria and advice."""

    target: int
    blocking: tuple[Criterion, ...] = ()   # required, not met / not relevant (or level unread)
    advised: tuple[Criterion, ...] = ()    # recommendations not met

    @property
    def reached(self) -> bool:
        return not self.blocking
