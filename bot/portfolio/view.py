"""The page's rows: filter, sort and summary over the stored records, from query parameters.

Pure. Unknown or hostile parameter values are ignored (the whole portfolio is shown), never
echoed into the page unescaped and never an error.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Mapping

import yaml

from bot.onboarding.config import ROOT
from bot.portfolio.record import ROLES

LANGS = ("da", "en")
SORTS = ("product", "level", "step", "waiting", "activity")
STEP_DONE = "onboarded"          # the step filter's value for products through all steps
LEVEL_NONE = "none"              # the level filter's value for products not placed yet


@lru_cache(maxsize=1)
def texts() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "config" / "portfolio.yaml").read_text(encoding="utf-8"))


def language(query: str | None, accept: str | None) -> str:
    """?lang wins; else a browser whose first language is English gets English; else Danish."""
    if query in LANGS:
        return query
    first = (accept or "").split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "da"


@dataclass(frozen=True)
class Query:
    step: str = ""
    level: str = ""
    waiting: str = ""
    sort: str = "product"
    desc: bool = False

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> "Query":
        step = params.get("step", "")
        level = params.get("level", "")
        waiting = params.get("waiting", "")
        sort = params.get("sort", "product")
        return cls(step=step if step == STEP_DONE or (step.isdigit() and len(step) < 3) else "",
                   level=level if level == LEVEL_NONE or level in ("0", "1", "2", "3") else "",
                   waiting=waiting if waiting in ROLES else "",
                   sort=sort if sort in SORTS else "product",
                   desc=params.get("dir") == "desc")

    def params(self, **change) -> dict[str, str]:
        """The query string's parameters with `change` applied; empty ones left out."""
        values = {"step": self.step, "level": self.level, "waiting": self.waiting, "sort": self.sort,
                  "dir": "desc" if self.desc else "", **change}
        return {k: v for k, v in values.items() if v and not (k == "sort" and v == "product" and not values["dir"])}


def step_of(record: Mapping[str, Any]) -> str:
    return STEP_DONE if record.get("onboarded") else str((record.get("step") or {}).get("current") or "")


def level_of(record: Mapping[str, Any]) -> str:
    placed = (record.get("level") or {}).get("placed")
    return LEVEL_NONE if placed is None else str(placed)


def matches(record: Mapping[str, Any], q: Query) -> bool:
    return ((not q.step or step_of(record) == q.step)
            and (not q.level or level_of(record) == q.level)
            and (not q.waiting or q.waiting in (record.get("waiting_for") or ())))


def _sort_key(sort: str):
    def key(r: Mapping[str, Any]):
        name = str(r.get("repository", "")).lower()
        if sort == "level":
            placed = (r.get("level") or {}).get("placed")
            return (placed is None, placed if placed is not None else 0, name)
        if sort == "step":
            return (r.get("onboarded", False), (r.get("step") or {}).get("current") or 0, name)
        if sort == "waiting":
            return (",".join(r.get("waiting_for") or ()) or "~", name)
        if sort == "activity":
            return (str(r.get("last_activity") or ""), name)
        return (name,)
    return key


@dataclass(frozen=True)
class Page:
    rows: tuple[Mapping[str, Any], ...]
    total: int
    query: Query
    per_step: tuple[tuple[str, int], ...]
    per_level: tuple[tuple[str, int], ...]
    per_waiting: tuple[tuple[str, int], ...]
    steps: tuple[str, ...] = field(default=())


def page(records: Iterable[Mapping[str, Any]], q: Query) -> Page:
    """The rows to show and the summary over the whole portfolio (not only the filtered rows)."""
    everything = [r for r in records if isinstance(r, Mapping) and r.get("repository")]
    rows = sorted((r for r in everything if matches(r, q)), key=_sort_key(q.sort), reverse=q.desc)
    total_steps = max([(r.get("step") or {}).get("total") or 0 for r in everything] + [5])
    steps = tuple(str(n) for n in range(1, total_steps + 1)) + (STEP_DONE,)
    by_step = Counter(step_of(r) for r in everything)
    by_level = Counter(level_of(r) for r in everything)
    by_role = Counter(role for r in everything for role in r.get("waiting_for") or ())
    return Page(rows=tuple(rows), total=len(everything), query=q,
                per_step=tuple((s, by_step[s]) for s in steps),
                per_level=tuple((lv, by_level[lv]) for lv in ("0", "1", "2", "3", LEVEL_NONE)),
                per_waiting=tuple((role, by_role[role]) for role in ROLES),
                steps=steps)
