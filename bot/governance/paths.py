"""Which files in a repository are governance reports."""

from __future__ import annotations

import re
from typing import Iterable

_SUFFIXES = (".md", ".markdown")
_SEPARATORS = re.compile(r"[\s_.\-]+")
_REPORT_NAMES = ("governancereport", "governancerapport")
_DOCS_DIRS = ("docs", "doc")


def find_report_paths(paths: Iterable[str]) -> list[str]:
    """Governance report files among `paths`, best candidate first.

    A report sits at the root or one level under docs/. Its name holds
    "governance report" or "governancerapport" (any case and separators).
    GOVERNANCE.md alone is a governance *policy* file and not the report, and
    names holding "template"/"skabelon" are ranked last (an unfilled copy).
    Order: root before docs/, then exact names (GOVERNANCE_REPORT.md,
    Governancerapport.md) before product-prefixed ones, then the rest; ties by name.
    """
    ranked: dict[str, tuple[int, int, str]] = {}
    for original in paths:
        if not isinstance(original, str):
            continue
        path = original.replace("\\", "/")
        while path.startswith("./"):
            path = path[2:]
        path = path.lstrip("/")
        parts = path.split("/")
        if len(parts) == 1:
            depth = 0
        elif len(parts) == 2 and parts[0].casefold() in _DOCS_DIRS:
            depth = 1
        else:
            continue
        rank = _name_rank(parts[-1])
        if rank is not None and original not in ranked:
            ranked[original] = (depth, rank, path.casefold())
    return sorted(ranked, key=lambda p: (ranked[p], p))


def _name_rank(name: str) -> int | None:
    folded = name.casefold()
    suffix = next((s for s in _SUFFIXES if folded.endswith(s)), None)
    if suffix is None:
        return None
    compact = _SEPARATORS.sub("", folded[: -len(suffix)])
    if not any(word in compact for word in _REPORT_NAMES):
        return None
    if "template" in compact or "skabelon" in compact:
        return 3
    if compact in _REPORT_NAMES:
        return 0
    if compact.endswith(_REPORT_NAMES):
        return 1
    return 2
