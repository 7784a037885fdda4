"""The OS2 governance report: parse any generation of it and compute levels."""

from bot.governance.levels import achieved_level, level_gaps, parse_level
from bot.governance.model import (
    LEVEL_NAMES,
    LEVELS,
    SANDBOX,
    Criterion,
    LevelGaps,
    Mark,
    Problem,
    Report,
)
from bot.governance.parser import parse_report
from bot.governance.paths import find_report_paths
from bot.governance.vocabulary import Vocabulary, load_vocabulary

__all__ = [
    "LEVEL_NAMES",
    "LEVELS",
    "SANDBOX",
    "Criterion",
    "LevelGaps",
    "Mark",
    "Problem",
    "Report",
    "Vocabulary",
    "achieved_level",
    "find_report_paths",
    "level_gaps",
    "load_vocabulary",
    "parse_level",
    "parse_report",
]
