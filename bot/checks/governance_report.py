"""P-1.2: a governance report exists and can be read."""

from __future__ import annotations

from bot.checks.context import Context
from bot.checks.model import CheckResult, Status
from bot.governance import LEVEL_NAMES
from bot.governance.generations import load_catalogue
from bot.snapshot import Snapshot

ID = "governance_report"
OUTCOMES = ("pass", "repaired", "problems", "draft", "unreadable", "missing")
MAX_LISTED = 5


def check(snapshot: Snapshot, context: Context) -> CheckResult:
    report, path = context.report, context.report_path
    if path is None:
        return context.result(ID, Status.FAIL, "missing")
    if report is None or not report.criteria:
        return context.result(
            ID, Status.FAIL, "unreadable", path=path, line=_first_line(report), details={"problems": _problems(report)},
            count=len(report.problems) if report else 1, lines=_lines(report),
        )
    details = {"criteria": len(report.criteria), "problems": _problems(report), "draft": report.draft,
               "template_version": report.template_version, "generation": report.generation,
               "repairs": [_repair_details(r) for r in report.repairs]}
    if report.repairs:
        texts = context.config.spec(ID).settings.get("repairs", {})
        return context.result(
            ID, Status.WARN, "repaired", path=path, line=min(r.line for r in report.repairs), details=details,
            count=len(report.repairs),
            repairs="; ".join(describe_repair(r, texts) for r in report.repairs), lines=_lines(report),
        )
    if report.problems:
        return context.result(
            ID, Status.WARN, "problems", path=path, line=_first_line(report), details=details,
            count=len(report.problems), lines=_lines(report),
        )
    if report.draft:
        return context.result(ID, Status.WARN, "draft", path=path, details=details)
    return context.result(ID, Status.PASS, "pass", path=path, details=details, criteria=len(report.criteria))


def describe_repair(repair, texts: dict) -> str:
    """Danish: which row was repaired and how (the wording is config, governance_report.settings.repairs)."""
    generation = load_catalogue().generation(repair.generation)
    return texts.get(repair.source, "{line}").format(
        line=repair.line, id=repair.criterion_id, level=LEVEL_NAMES.get(repair.level, str(repair.level)),
        cell=repair.cell, generation=generation.name if generation else repair.generation,
    )


def _repair_details(repair) -> dict:
    return {"line": repair.line, "criterion": repair.criterion_id, "level": repair.level,
            "source": repair.source, "cell": repair.cell, "generation": repair.generation}


def _problems(report) -> list[dict]:
    return [{"line": p.line, "message": p.message} for p in report.problems] if report else []


def _first_line(report) -> int | None:
    """The first line a person should look at (the annotation's line in `--format github`)."""
    lines = [p.line for p in report.problems if p.line] if report else []
    return min(lines) if lines else None


def _lines(report) -> str:
    """'3, 7, 12 …': where a person should look; the parser's English messages go to details."""
    lines = sorted({p.line for p in report.problems if p.line}) if report else []
    if not lines:
        return "–"
    shown = ", ".join(str(n) for n in lines[:MAX_LISTED])
    return shown + (" …" if len(lines) > MAX_LISTED else "")
