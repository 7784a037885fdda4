"""F6 / P-3.2: the code lives in one of OS2's GitHub organisations."""

from __future__ import annotations

from bot.checks.context import Context
from bot.checks.model import CheckResult, Status
from bot.snapshot import Snapshot

ID = "in_os2_org"
OUTCOMES = ("pass", "outside", "unknown")


def check(snapshot: Snapshot, context: Context) -> CheckResult:
    organisations = context.config.spec(ID).settings.get("organisations", [])
    if not snapshot.owner:
        return context.result(ID, Status.NOT_APPLICABLE, "unknown", details={"owner": None})
    details = {"owner": snapshot.owner}
    if snapshot.owner.casefold() in {o.casefold() for o in organisations}:
        return context.result(ID, Status.PASS, "pass", details=details, owner=snapshot.owner)
    return context.result(
        ID, Status.FAIL, "outside", details=details, owner=snapshot.owner, organisations=organisations
    )
