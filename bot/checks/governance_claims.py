"""A ✅/Ja in the governance report that the repository's own evidence contradicts.

Runs after the other checks and reads their raw results (before level
filtering). Claims are matched by the criterion's meaning in the report's own
template generation, never by its id (F7 is operations in 2021, the documentation
template today): which meaning each check speaks for, and which of its outcomes
contradict a "met" mark, are settings in config/checks.yaml. A criterion whose
meaning no check sees evidence for is not judged.

A report that names what the repository holds (F2 "MPL 2.0 og CC-BY-SA-4.0
vedtaget" in a documentation repository under CC BY-SA) agrees with it even where
the licence check finds fault (`agrees_when_named`): that verdict is the licence
check's, not a contradiction of the report.

Absence of evidence is a contradiction only where the thing claimed must be in
the repository (a licence claimed, no licence file). Where it may live elsewhere
(a container recommended and built in another repository, as OS2faktor and OS2iot
do), the rule's `not_seen` outcomes say "not seen here": the claim is not judged,
never confirmed, and the details say so.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.checks.context import Context
from bot.checks.model import CheckResult, Status
from bot.governance import Mark
from bot.governance.generations import load_catalogue
from bot.snapshot import Snapshot

_VERSION = re.compile(r"-?\d+(?:\.\d+)*(?:-only|-or-later)?$")

ID = "governance_claims"
OUTCOMES = ("pass", "confirmable", "contradicted", "no_report")
USES_RESULTS = True


def check(snapshot: Snapshot, context: Context) -> CheckResult:
    report = context.report
    if report is None or not report.criteria:
        return context.result(ID, Status.NOT_APPLICABLE, "no_report")
    settings = context.config.spec(ID).settings
    claims = settings.get("claims", {})
    meanings = load_catalogue().meanings
    checked, contradicted, confirmable, reasons, lines, not_seen = [], [], [], [], [], []
    for criterion in report.criteria:
        rule = claims.get(criterion.meaning) if criterion.meaning else None
        evidence = context.results.get(rule["check"]) if rule else None
        if evidence is None:
            continue
        if evidence.status is Status.NOT_APPLICABLE:
            continue  # the repository cannot tell (e.g. a local folder's organisation)
        outcome = evidence.details.get("outcome")
        if outcome in rule.get("not_seen", ()):
            if criterion.mark is Mark.MET:
                not_seen.append({"criterion": criterion.id, "meaning": meanings.get(criterion.meaning, criterion.meaning),
                                 "line": criterion.line, "evidence": evidence.message})
            continue
        checked.append(criterion.id)
        says_no = outcome in rule.get("contradicts", ()) and not _documented(criterion.documentation, evidence, rule)
        if criterion.mark is Mark.MET and says_no:
            contradicted.append(criterion.id)
            lines.append(criterion.line)
            reasons.append(f"{criterion.id}: {evidence.message}")
        elif criterion.mark in (Mark.NOT_MET, Mark.NOT_EVALUATED, Mark.IN_DOUBT, Mark.PLANNED) and not says_no \
                and evidence.status in (Status.PASS, Status.WARN):
            confirmable.append(criterion.id)
    details = {"checked": checked, "contradicted": contradicted, "confirmable": confirmable,
               "not_seen": not_seen, "generation": report.generation}
    path = context.report_path
    if contradicted:
        result = context.result(ID, Status.FAIL, "contradicted", path=path, line=lines[0], details=details,
                                contradicted=contradicted, reasons=" ".join(reasons))
    elif confirmable:
        result = context.result(ID, Status.PASS, "confirmable", path=path, details=details, confirmable=confirmable)
    else:
        result = context.result(ID, Status.PASS, "pass", path=path, details=details, checked=checked or "ingen")
    return replace(result, message=result.message + _not_seen_note(not_seen, settings)) if not_seen else result


def _documented(documentation: str, evidence: CheckResult, rule: dict) -> bool:
    """The report names what the repository has ('MPL 2.0 og CC-BY-SA-4.0 vedtaget' and a
    CC BY-SA LICENSE): for the rule's `agrees_when_named` outcomes, the report and the
    repository agree; whether that licence suffices is the licence check's verdict."""
    if evidence.details.get("outcome") not in rule.get("agrees_when_named", ()):
        return False
    found = evidence.details.get(rule.get("named_detail", ""))
    if not isinstance(found, str):
        return False
    written = _key(documentation)
    # "CC-BY-SA-4.0" is named by "CC BY-SA 4.0" and by "CC BY SA" without its version
    keys = {_key(found), _key(_VERSION.sub("", found))}
    return any(len(key) >= 3 and key in written for key in keys)


def _key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _not_seen_note(not_seen: list[dict], settings: dict) -> str:
    """' F19 (containerformat) … er ikke vurderet.': what the message adds for claims not seen here."""
    claims = ", ".join(f"{n['criterion']} ({n['meaning']})" for n in not_seen)
    return " " + settings.get("not_seen_text", "{claims}").format(claims=claims)
