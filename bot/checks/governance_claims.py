"""A ✅/Ja in the governance report that the repository's own evidence contradicts.

Runs after the other checks and reads their raw results (before level
filtering). Claims are matched by the criterion's meaning in the report's own
template generation, never by its id (F7 is operations in 2021, the documentation
template today): which meaning each check speaks for, and which of its outcomes
contradict a "met" mark, are settings in config/checks.yaml. A criterion whose
meaning no check sees evidence for is not judged.
"""

from __future__ import annotations

from bot.checks.context import Context
from bot.checks.model import CheckResult, Status
from bot.governance import Mark
from bot.snapshot import Snapshot

ID = "governance_claims"
OUTCOMES = ("pass", "confirmable", "contradicted", "no_report")
USES_RESULTS = True


def check(snapshot: Snapshot, context: Context) -> CheckResult:
    report = context.report
    if report is None or not report.criteria:
        return context.result(ID, Status.NOT_APPLICABLE, "no_report")
    claims = context.config.spec(ID).settings.get("claims", {})
    checked, contradicted, confirmable, reasons, lines = [], [], [], [], []
    for criterion in report.criteria:
        rule = claims.get(criterion.meaning) if criterion.meaning else None
        evidence = context.results.get(rule["check"]) if rule else None
        if evidence is None:
            continue
        if evidence.status is Status.NOT_APPLICABLE:
            continue  # the repository cannot tell (e.g. a local folder's organisation)
        outcome = evidence.details.get("outcome")
        checked.append(criterion.id)
        says_no = outcome in rule.get("contradicts", ())
        if criterion.mark is Mark.MET and says_no:
            contradicted.append(criterion.id)
            lines.append(criterion.line)
            reasons.append(f"{criterion.id}: {evidence.message}")
        elif criterion.mark in (Mark.NOT_MET, Mark.NOT_EVALUATED, Mark.IN_DOUBT, Mark.PLANNED) and not says_no \
                and evidence.status in (Status.PASS, Status.WARN):
            confirmable.append(criterion.id)
    details = {"checked": checked, "contradicted": contradicted, "confirmable": confirmable,
               "generation": report.generation}
    path = context.report_path
    if contradicted:
        return context.result(
            ID, Status.FAIL, "contradicted", path=path, line=lines[0], details=details,
            contradicted=contradicted, reasons=" ".join(reasons),
        )
    if confirmable:
        return context.result(ID, Status.PASS, "confirmable", path=path, details=details, confirmable=confirmable)
    return context.result(ID, Status.PASS, "pass", path=path, details=details, checked=checked or "ingen")
