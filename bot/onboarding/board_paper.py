"""The indstilling for the board: the recommendation the secretariat otherwise writes by hand.

When a review by the board is requested, `take` gathers the facts the board weighs (the
product, what it does, the level sought and why, what the governance report shows and
lacks, the proposed organisation, licence, suppliers) as plain data. That data is sealed in
the issue's state, so the comment can always be written again from the bot's own record: a
person's edit of the comment is put back, and a new request after a tilbageløb replaces the
facts while the history of earlier requests and answers (from the decisions) stays.
`render` turns data into the comment, in the issue's language, with the same text as a
Markdown block to paste into the meeting papers. Pure: no I/O, no clock.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from bot.checks.files import find_readme, outside_code
from bot.governance import level_gaps
from bot.onboarding.checklist import environment
from bot.onboarding.config import Process
from bot.onboarding.desired import board_review_status
from bot.onboarding.model import IssueView, RepoFacts, State

MARKER = "<!-- os2bot:board-paper -->"
MAX_LISTED = 30      # criteria, lines and names listed per section: the comment stays far below GitHub's limit
MAX_TEXT = 400       # characters kept of one free text (a README's opening, a report's documentation cell)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HEADING = re.compile(r"^ {0,3}#{1,6}(\s|$)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_VERSION = re.compile(r"\d{1,3}(?:\.\d{1,3}){0,3}")


def _short(text: Any, limit: int = MAX_TEXT) -> str | None:
    value = " ".join(str(text or "").split())
    if not value:
        return None
    return value if len(value) <= limit else value[:limit - 1].rstrip() + "…"


def readme_intro(text: str | None) -> str | None:
    """The README's first paragraph of prose (what the product is), without badges, HTML or code."""
    lines = (text or "").splitlines()
    paragraph: list[str] = []
    for index, line in outside_code(lines):
        stripped = line.strip()
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if _HEADING.match(line) or _SETEXT.match(line) or (stripped and _SETEXT.match(following)):
            if paragraph:
                break
            continue
        if not stripped or stripped.startswith(("|", "<", "[!", "![", "[![", ">", "```", "~~~")):
            if paragraph:
                break
            continue
        paragraph.append(_LINK.sub(r"\1", stripped))
    return _short(" ".join(paragraph))


def _version(value: str | None) -> str | None:
    """The report template's version, kept only when it looks like one ("1.1.0"): shown as is."""
    return value if value and _VERSION.fullmatch(value) else None


def _criterion(c, doc: bool = True) -> dict[str, Any]:
    return {"id": c.id, "text": _short(c.text, 160), "mark": c.mark.value,
            "doc": _short(c.documentation, 200) if doc else None}


def take(process: Process, state: State, facts: RepoFacts, view: IssueView, sought, stated,
         *, by: str, at: str) -> dict[str, Any]:
    """The indstilling's facts now: `sought` is the checks run at the level sought, `stated`
    the checks run at the level the governance report states (its own aim)."""
    report = sought.report
    level = state.level
    gaps = level_gaps(report, level) if report is not None and report.criteria and level is not None else None
    relevance = [c for c in (report.criteria if report else ()) if c.section.casefold() == "relevans"]
    snapshot = sought.snapshot
    readme = None
    if snapshot is not None:
        path = find_readme(tuple(dict.fromkeys((*snapshot.paths, *snapshot.files))))
        readme = snapshot.files.get(path) if path else None
    gate = process.board_review
    follows = gate.follows_approval if gate else frozenset()
    blocking = gaps.blocking if gaps else ()
    lacking = [c for c in blocking if c.id not in follows]
    organisation = []
    for key, criterion_id in (gate.organisation if gate else ()):
        item = view.item(key)
        if item is None:
            continue
        criterion = report.criterion(criterion_id) if report is not None and criterion_id else None
        organisation.append({"name": item.name, "done": item.done, "by": item.ticked_by,
                             "criterion": _criterion(criterion) if criterion else None})
    supplier = sought.get("supplier_agreement")
    named = [n.get("name") for n in (supplier.details.get("named") or [])] if supplier else []
    unsigned = set(supplier.details.get("unsigned") or []) if supplier else set()
    contacts = sought.get("contact_person")
    licence = sought.get("licence")
    skip = {"governance_level"}   # what the report lacks is its own section
    gaps_in_repo = [{"name": i.name, "reason": _short(i.reason, 300)} for s in view.steps for i in s.items
                    if i.kind == "check" and not i.done and not i.recommended and i.status != "pending"
                    and _check_of(process, i.key) not in skip]
    return {
        "level": level,
        "aim": stated.target_level if stated is not None and stated.target_source == "report" else None,
        "achieved": sought.achieved_level,
        "report": sought.report_path,
        "template_version": _version(report.template_version if report else None),
        "description": _short(facts.description),
        "purpose": readme_intro(readme),
        "relevance": [_criterion(c) for c in relevance[:MAX_LISTED]],
        "lacking": [_criterion(c, doc=False) for c in lacking[:MAX_LISTED]],
        "lacking_count": len(lacking),
        "follows": [_criterion(c, doc=False) for c in blocking if c.id in follows][:MAX_LISTED],
        "advised": [c.id for c in (gaps.advised if gaps else ())[:MAX_LISTED]],
        "repo_gaps": gaps_in_repo[:MAX_LISTED],
        "coordinators": list(state.coordinators[:MAX_LISTED]),
        "organisation": organisation,
        # signed: None when OS2's list of suppliers is not configured (the bot cannot tell)
        "suppliers": [{"name": _short(n, 120),
                       "signed": None if supplier.status.value == "not_configured" else n not in unsigned}
                      for n in named[:MAX_LISTED]],
        "contacts": list(dict.fromkeys(_short(c.get("name"), 120) for c in (contacts.details.get("contacts") or [])
                                       if c.get("name")))[:5] if contacts and contacts.ok else [],
        "licence": licence.details.get("licence") if licence else None,
        "licence_ok": bool(licence and licence.ok),
        "licence_note": _short(licence.message, 300) if licence and licence.status.value != "pass" else None,
        "by": by,
        "at": at,
    }


def _check_of(process: Process, key: str) -> str | None:
    item = process.item(key)
    return item.check if item else None


def history(state: State) -> list[dict[str, Any]]:
    """Every request for the board's review and every answer, oldest first (the decisions)."""
    rows = []
    for d in state.decisions:
        if d.kind == "board_review" and d.value == "requested":
            rows.append({"kind": "requested", "by": d.by, "at": d.at, "url": d.comment_url, "note": None})
        elif d.kind == "board_approval":
            kind = "approved" if d.value == "approved" else "returned"
            rows.append({"kind": kind, "by": d.by, "at": d.at, "url": d.comment_url, "note": d.note})
    return rows


_EMPTY: dict[str, Any] = {
    "level": None, "aim": None, "achieved": None, "report": None, "template_version": None, "description": None,
    "purpose": None, "relevance": [], "lacking": [], "lacking_count": 0, "follows": [], "advised": [], "repo_gaps": [],
    "coordinators": [], "organisation": [], "suppliers": [], "contacts": [], "licence": None, "licence_ok": False,
    "licence_note": None, "by": "", "at": "",
}


def fence_for(text: str) -> str:
    """A code fence longer than any run of backticks in `text`, so the block cannot be closed early."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def render(process: Process, state: State, facts: RepoFacts, lang: str) -> str | None:
    """The indstilling comment for the state's latest request; None when the board was never asked."""
    if not state.board_paper:
        return None
    paper = {**_EMPTY, **state.board_paper}   # a field added later is absent from older states
    env = environment()
    level = paper.get("level")
    values = dict(
        repo=facts, paper=paper, history=history(state), status=board_review_status(state), process=process,
        level_name=process.level_label(level, lang) if level in process.levels else None,
        aim_name=process.level_label(paper["aim"], lang) if paper.get("aim") in process.levels else None,
        achieved_name=process.level_label(paper["achieved"], lang) if paper.get("achieved") in process.levels
        else None,
    )
    text = env.get_template(f"board-paper.{lang}.md.j2").render(**values).strip() + "\n"
    return env.get_template(f"board-paper-comment.{lang}.md.j2").render(
        paper=text, fence=fence_for(text), marker=MARKER).strip() + "\n"
