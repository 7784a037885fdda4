"""F19 (a recommendation): the solution can be built and run as a container."""

from __future__ import annotations

from bot.checks.context import Context
from bot.checks.files import match_basename
from bot.checks.model import CheckResult, Status
from bot.snapshot import Snapshot

ID = "container"
OUTCOMES = ("pass", "missing")


def check(snapshot: Snapshot, context: Context) -> CheckResult:
    patterns = context.config.spec(ID).settings.get("patterns", ())
    found = match_basename(context.evidence.paths, patterns)
    if found:
        found.sort(key=lambda p: (p.count("/"), p))
        return context.result(ID, Status.PASS, "pass", path=found[0], details={"files": found[:10]})
    return context.result(ID, Status.WARN, "missing", details={"files": []})
