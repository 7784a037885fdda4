"""Which level a parsed report reaches, and what stands in the way of the next one."""

from __future__ import annotations

from bot.governance.model import LEVELS, Criterion, LevelGaps, Mark, Report
from bot.governance.vocabulary import load_vocabulary

# A required criterion counts as fulfilled only with one of these marks.
FULFILLED = frozenset({Mark.MET, Mark.NOT_RELEVANT})


def parse_level(value: object) -> int | None:
    """'sandkasse', '0'..'3', 'Niveau 2', 'N3', 'level 1' (any case) -> 0..3; else None."""
    return load_vocabulary().parse_level(value)


def _applies(criterion: Criterion, target: int) -> bool:
    return criterion.level is None or criterion.level <= target


def _blocks(criterion: Criterion) -> bool:
    # A required criterion whose level could not be read blocks every level, even
    # when marked met: its row is damaged (a shifted or missing cell), so its mark
    # cannot be trusted either. It blocks until someone fixes the report.
    return criterion.level is None or criterion.mark not in FULFILLED


def level_gaps(report: Report, target: int) -> LevelGaps:
    """Required criteria at or below `target` that are not fulfilled, and open advice."""
    blocking = tuple(
        c for c in report.criteria if not c.recommendation and _applies(c, target) and _blocks(c)
    )
    advised = tuple(
        c for c in report.criteria if c.recommendation and _applies(c, target) and c.mark not in FULFILLED
    )
    return LevelGaps(target=target, blocking=blocking, advised=advised)


def achieved_level(report: Report) -> int | None:
    """The highest level whose required criteria (and all below) are met or not relevant.

    A level the report holds no required criterion for cannot be reached: a report
    cut short after its sandkasse criteria says nothing about level 3.
    None when not even sandkasse is reached (or the report has no criteria).
    """
    required = [c for c in report.criteria if not c.recommendation]
    achieved: int | None = None
    for level in LEVELS:
        if not any(c.level == level for c in required):
            break
        if level_gaps(report, level).blocking:
            break
        achieved = level
    return achieved
