"""P-2.1 / G3: a named contact person (MAINTAINERS.md, publiccode contacts, or the report).

The report's criterion is found by its meaning (`project_lead`, G3 in every known
generation), by id only in a report of no known generation. Only people's names
count (bot/checks/contact_names.py): "TBD", template rows and paragraphs do not.
"""

from __future__ import annotations

from bot.checks.contact_names import NameRules, clean_name, contact_emails, maintainers_contacts, person_names
from bot.checks.context import Context
from bot.checks.files import find_first
from bot.checks.model import CheckResult, Status
from bot.governance import Criterion, Report
from bot.snapshot import Snapshot

ID = "contact_person"
OUTCOMES = ("pass", "missing")
_MAX_NAMES = 5


def lead_criterion(report: Report | None, settings: dict) -> Criterion | None:
    """The report's project lead criterion: by meaning, by id when the generation is unknown."""
    if report is None:
        return None
    found = report.by_meaning(settings.get("report_meaning", "project_lead"))
    if found is None and report.generation is None and settings.get("report_fallback_id"):
        found = report.criterion(settings["report_fallback_id"])
    return found


def check(snapshot: Snapshot, context: Context) -> CheckResult:
    settings = context.config.spec(ID).settings
    rules = NameRules.from_settings(settings)
    evidence = context.evidence
    found: list[dict] = []
    path = find_first(evidence.paths, settings.get("maintainers_files", ()))
    if path and snapshot.files.get(path):
        found += [{"name": n, "source": path, "line": line}
                  for n, line in maintainers_contacts(snapshot.files[path], rules)]
    data = evidence.publiccode.data
    maintenance = data.get("maintenance") if isinstance(data, dict) else None
    contacts = maintenance.get("contacts") if isinstance(maintenance, dict) else None
    for contact in contacts if isinstance(contacts, list) else []:
        name = clean_name(contact["name"], rules) if isinstance(contact, dict) and isinstance(contact.get("name"), str) else None
        if name:
            found.append({"name": name, "source": evidence.publiccode.path or "publiccode.yml"})
    lead = lead_criterion(context.report, settings)
    if lead is not None:
        source = f"{context.report_path} ({lead.id})"
        names = person_names(lead.documentation, rules) or contact_emails(lead.documentation, rules)
        found += [{"name": n, "source": source, "line": lead.line} for n in names]
    if not found:
        return context.result(ID, Status.FAIL, "missing", details={"contacts": []})
    names = list(dict.fromkeys(c["name"] for c in found))[:_MAX_NAMES]
    sources = list(dict.fromkeys(c["source"] for c in found))
    return context.result(ID, Status.PASS, "pass", path=path, details={"contacts": found}, names=names, sources=sources)
