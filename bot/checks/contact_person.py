"""P-2.1 / G3: a named contact person (MAINTAINERS.md, publiccode contacts, or G3)."""

from __future__ import annotations

import re

from bot.checks.context import Context
from bot.checks.files import find_first
from bot.checks.model import CheckResult, Status
from bot.snapshot import Snapshot

ID = "contact_person"
OUTCOMES = ("pass", "missing")
_NAME_WORDS = re.compile(r"[^\W\d_]{2,}")
# A person in free text: two capitalised words ("Jens Jensen", "Anne-Mette Ø. Sørensen") or an e-mail.
_PERSON = re.compile(
    r"\b[A-ZÆØÅÉ][a-zæøåéü'\-]+(?:\s+[A-ZÆØÅ]\.)?\s+[A-ZÆØÅÉ][a-zæøåéü'\-]+|[\w.+-]+@[\w-]+\.[\w.]+"
)
_MAX_NAMES = 5


def maintainers_names(text: str) -> list[str]:
    """Names in a MAINTAINERS file: list items and table rows holding a word, headings skipped."""
    names = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "<!--", "|-", "| -", "|:")) or set(stripped) <= set("|-: "):
            continue
        if stripped.startswith(("-", "*", "+")) or stripped.startswith("|") or "@" in stripped:
            cell = stripped.lstrip("-*+ ").strip("| ").split("|")[0].strip()
            cell = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", cell).strip("* _")
            if _NAME_WORDS.search(cell) and cell.casefold() not in ("navn", "name", "rolle", "role"):
                names.append(cell)
    return names


def check(snapshot: Snapshot, context: Context) -> CheckResult:
    settings = context.config.spec(ID).settings
    evidence = context.evidence
    found: list[tuple[str, str]] = []
    path = find_first(evidence.paths, settings.get("maintainers_files", ()))
    if path and snapshot.files.get(path):
        found += [(n, path) for n in maintainers_names(snapshot.files[path])]
    data = evidence.publiccode.data
    maintenance = data.get("maintenance") if isinstance(data, dict) else None
    contacts = maintenance.get("contacts") if isinstance(maintenance, dict) else None
    for contact in contacts if isinstance(contacts, list) else []:
        if isinstance(contact, dict) and isinstance(contact.get("name"), str) and contact["name"].strip():
            found.append((contact["name"].strip(), evidence.publiccode.path or "publiccode.yml"))
    report = context.report
    g3 = report.criterion("G3") if report else None
    placeholders = {p.casefold() for p in settings.get("placeholders", ())}
    if g3 and g3.documentation.strip().casefold() not in placeholders and _PERSON.search(g3.documentation):
        found.append((g3.documentation.strip()[:80], f"{context.report_path} (G3)"))
    if not found:
        return context.result(ID, Status.FAIL, "missing", details={"contacts": []})
    details = {"contacts": [{"name": n, "source": s} for n, s in found]}
    names = list(dict.fromkeys(n for n, _ in found))[:_MAX_NAMES]
    sources = list(dict.fromkeys(s for _, s in found))
    return context.result(ID, Status.PASS, "pass", path=path, details=details, names=names, sources=sources)
