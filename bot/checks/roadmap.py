"""P-4.3 (recommended): a roadmap — a plan for maintenance and further development."""

from __future__ import annotations

import re

from bot.checks.context import Context
from bot.checks.files import headings, heading_matches, is_docs_markdown, is_readme
from bot.checks.model import CheckResult, Status
from bot.snapshot import Snapshot

ID = "roadmap"
OUTCOMES = ("pass", "missing")
_LINK = re.compile(r"\]\(([^)]*)\)")


def check(snapshot: Snapshot, context: Context) -> CheckResult:
    settings = context.config.spec(ID).settings
    words = [w.casefold() for w in settings.get("file_words", ())]
    evidence = context.evidence
    for path in evidence.paths:
        depth = path.count("/")
        name = path.rsplit("/", 1)[-1].casefold()
        if (depth == 0 or (depth == 1 and path.split("/")[0].casefold() in ("docs", "doc"))) and any(w in name for w in words):
            return context.result(ID, Status.PASS, "pass", path=path, details={"where": path}, where=path)
    synonyms = settings.get("headings", ())
    for path in sorted(snapshot.files):
        if not (is_readme(path) or is_docs_markdown(path)):
            continue
        text = snapshot.files[path]
        heading = next((h for _, h in headings(text) if heading_matches(h, synonyms)), None)
        if heading:
            where = f"afsnittet '{heading}' i {path}"
            return context.result(ID, Status.PASS, "pass", path=path, details={"where": where}, where=where)
        if any(w in link.casefold() for link in _LINK.findall(text) for w in words):
            where = f"link i {path}"
            return context.result(ID, Status.PASS, "pass", path=path, details={"where": where}, where=where)
    data = evidence.publiccode.data
    if isinstance(data, dict) and isinstance(data.get("roadmap"), str) and data["roadmap"].strip():
        where = f"publiccode.yml: {data['roadmap'].strip()}"
        return context.result(ID, Status.PASS, "pass", path=evidence.publiccode.path,
                              details={"where": where}, where=where)
    return context.result(ID, Status.WARN, "missing", details={"where": None})
