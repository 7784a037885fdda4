"""What every check sees besides the snapshot: target level, report, config, evidence.

Evidence that several checks share (the README, publiccode.yml, the licence) is
computed once per run, lazily, here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import yaml

from bot.checks.config import ChecksConfig
from bot.checks.files import PUBLICCODE_NAMES, find_first, find_readme, headings
from bot.checks.model import CheckResult, Status
from bot.governance import Report
from bot.licences import LicenceEvidence, detect_licence
from bot.snapshot import Snapshot


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return _Placeholder("{" + key + "}")


class _Placeholder(str):
    """A placeholder no finding fills stays as written, whatever its format spec."""

    def __format__(self, spec: str) -> str:
        return str(self)


class _Number(str):
    """A count in a message: `{count:sted|steder}` gives "1 sted" and "2 steder"."""

    def __format__(self, spec: str) -> str:
        if "|" in spec:
            one, many = spec.split("|", 1)
            return f"{self} {one if self == '1' else many}"
        return format(str(self), spec)


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(v) for v in value) or "–"
    if isinstance(value, int) and not isinstance(value, bool):
        return _Number(value)
    return "–" if value is None or value == "" else str(value)


@dataclass(frozen=True)
class PubliccodeFile:
    path: str | None
    data: Any = None
    error: str | None = None     # YAML error, when it could not be read


class Evidence:
    """Facts drawn from the snapshot that more than one check needs."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot

    @cached_property
    def paths(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.snapshot.paths, *self.snapshot.files)))

    @cached_property
    def readme_path(self) -> str | None:
        return find_readme(self.paths)

    @cached_property
    def readme_text(self) -> str | None:
        return self.snapshot.files.get(self.readme_path) if self.readme_path else None

    @cached_property
    def readme_headings(self) -> list[tuple[int, str]]:
        return headings(self.readme_text or "")

    @cached_property
    def publiccode(self) -> PubliccodeFile:
        path = find_first(self.paths, PUBLICCODE_NAMES)
        if path is None:
            return PubliccodeFile(None)
        text = self.snapshot.files.get(path)
        if text is None:
            return PubliccodeFile(path, error="filen kunne ikke hentes")
        try:
            return PubliccodeFile(path, data=_stringify_dates(yaml.safe_load(text)))
        except _TooBig:
            return PubliccodeFile(path, error="filen er for stor eller for dybt indlejret (YAML-aliaser?)")
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"linje {mark.line + 1}" if mark is not None else "ukendt linje"
            return PubliccodeFile(path, error=f"{where}: {getattr(exc, 'problem', None) or exc}")

    @cached_property
    def licence(self) -> LicenceEvidence:
        return detect_licence(self.paths, self.snapshot.files, self.snapshot.licence_spdx)


class _TooBig(ValueError):
    pass


_MAX_NODES = 20_000
_MAX_DEPTH = 40


def _stringify_dates(value: Any) -> Any:
    """YAML reads unquoted 2024-01-31 as a date; publiccode's schema wants strings.

    Also copies the data into a plain tree with a node budget: YAML aliases can make
    a small file expand into a huge (or self-referencing) structure.
    """
    budget = [_MAX_NODES]

    def convert(item: Any, depth: int) -> Any:
        budget[0] -= 1
        if budget[0] < 0 or depth > _MAX_DEPTH:
            raise _TooBig
        if isinstance(item, (dt.date, dt.datetime)):
            return item.isoformat()[:10]
        if isinstance(item, dict):
            return {str(k): convert(v, depth + 1) for k, v in item.items()}
        if isinstance(item, list):
            return [convert(v, depth + 1) for v in item]
        return item

    return convert(value, 0)


@dataclass
class Context:
    target: int
    config: ChecksConfig
    evidence: Evidence
    report: Report | None = None
    report_path: str | None = None
    report_text: str | None = None
    today: dt.date = field(default_factory=dt.date.today)
    results: dict[str, CheckResult] = field(default_factory=dict)  # raw results so far
    follows_approval: frozenset[str] = frozenset()  # report criteria only the board's approval can meet

    def result(
        self,
        check: str,
        status: Status,
        outcome: str,
        *,
        path: str | None = None,
        line: int | None = None,
        details: dict | None = None,
        **params: Any,
    ) -> CheckResult:
        """A result whose Danish message and hint come from config for `outcome`."""
        spec = self.config.spec(check)
        values = _Keep({k: _text(v) for k, v in params.items()})
        if path is not None:
            values.setdefault("path", path)
        message = spec.messages.get(outcome, outcome).format_map(values)
        hint = spec.hints.get(outcome, "").format_map(values) if status is not Status.PASS else ""
        return CheckResult(
            check=check,
            status=status,
            message=message,
            hint=hint,
            path=path,
            line=line if path is not None else None,
            requirements=spec.requirements,
            details={"outcome": outcome, **(details or {})},
        )
