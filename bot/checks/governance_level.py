"""P-1.3: the level the report reaches against the level the product aims at."""

from __future__ import annotations

from bot.checks.context import Context
from bot.checks.model import CheckResult, Status
from bot.governance import LEVEL_NAMES, achieved_level, level_gaps
from bot.snapshot import Snapshot

ID = "governance_level"
OUTCOMES = ("pass", "advised", "follows_approval", "blocking", "no_report")


def level_name(level: int | None) -> str:
    return "ingen" if level is None else LEVEL_NAMES.get(level, str(level))


def check(snapshot: Snapshot, context: Context) -> CheckResult:
    report = context.report
    if report is None or not report.criteria:
        return context.result(ID, Status.FAIL, "no_report", path=context.report_path)
    achieved = achieved_level(report)
    gaps = level_gaps(report, context.target)
    later = [c for c in gaps.blocking if c.id in context.follows_approval]
    blocking = [c for c in gaps.blocking if c.id not in context.follows_approval]
    details = {
        "achieved_level": achieved,
        "target_level": context.target,
        "blocking": [c.id for c in blocking],
        "follows_approval": [c.id for c in later],
        "advised": [c.id for c in gaps.advised],
        # rows whose level was recovered (a broken row); governance_report says how, in Danish
        "repaired": [r.criterion_id for r in report.repairs],
    }
    params = {"achieved": level_name(achieved), "target": level_name(context.target)}
    if blocking:
        return context.result(
            ID, Status.FAIL, "blocking", path=context.report_path, line=blocking[0].line, details=details,
            blocking=[_describe(c) for c in blocking], **params,
        )
    if later:
        return context.result(
            ID, Status.WARN, "follows_approval", path=context.report_path, line=later[0].line, details=details,
            later=[_describe(c) for c in later], **params,
        )
    if gaps.advised:
        return context.result(
            ID, Status.WARN, "advised", path=context.report_path, line=gaps.advised[0].line, details=details,
            count=len(gaps.advised), advised=[_describe(c) for c in gaps.advised], **params,
        )
    return context.result(ID, Status.PASS, "pass", path=context.report_path, details=details, **params)


def _describe(criterion) -> str:
    text = criterion.text if len(criterion.text) <= 60 else criterion.text[:57].rstrip() + "…"
    return f"{criterion.id} ({text})"
