"""F11: public issue tracking (GitHub Issues) is switched on."""

from __future__ import annotations

from bot.checks.context import Context
from bot.checks.model import CheckResult, Status
from bot.snapshot import Snapshot

ID = "issues_enabled"
OUTCOMES = ("pass", "disabled", "unknown")


def check(snapshot: Snapshot, context: Context) -> CheckResult:
    if snapshot.has_issues is None:
        return context.result(ID, Status.NOT_APPLICABLE, "unknown", details={"has_issues": None})
    if snapshot.has_issues:
        return context.result(ID, Status.PASS, "pass", details={"has_issues": True})
    return context.result(ID, Status.FAIL, "disabled", details={"has_issues": False})
