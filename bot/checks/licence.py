"""F2: an OSI-approved licence file; MPL 2.0 is OS2's standard."""

from __future__ import annotations

from bot.checks.context import Context
from bot.checks.model import CheckResult, Status
from bot.licences import is_osi_approved, licence_ids
from bot.snapshot import Snapshot

ID = "licence"
OUTCOMES = ("pass", "other_osi", "not_osi", "unknown", "no_file", "none")
STANDARD = "mpl-2.0"


def _source(finding) -> str:
    if finding.how == "github":
        return "GitHubs licensgenkendelse"
    return finding.path or "–"


def check(snapshot: Snapshot, context: Context) -> CheckResult:
    evidence = context.evidence.licence
    primary = evidence.primary
    details = {
        "licence": primary.spdx if primary else None,
        "licence_files": list(evidence.licence_files),
        "findings": [{"spdx": f.spdx, "path": f.path, "how": f.how, "score": f.score} for f in evidence.findings],
        "conflicts": list(evidence.conflicts()),
    }
    if primary is None:
        if evidence.unrecognised_files:
            path = evidence.unrecognised_files[0]
            return context.result(ID, Status.FAIL, "unknown", path=path, details=details)
        return context.result(ID, Status.FAIL, "none", details=details)
    params = {"licence": primary.spdx, "source": _source(primary)}
    if not evidence.from_file:
        if evidence.unrecognised_files:
            return context.result(ID, Status.FAIL, "unknown", path=evidence.unrecognised_files[0], details=details)
        return context.result(ID, Status.FAIL, "no_file", path=primary.path, details=details, **params)
    if not is_osi_approved(primary.spdx):
        return context.result(ID, Status.FAIL, "not_osi", path=primary.path, details=details, **params)
    if any(i.casefold().startswith(STANDARD) for i in licence_ids(primary.spdx)):
        return context.result(ID, Status.PASS, "pass", path=primary.path, details=details, **params)
    return context.result(ID, Status.WARN, "other_osi", path=primary.path, details=details, **params)
