"""F7: the documentation follows OS2's documentation template (OS2offdig/os2-docs-template).

The template is a README with fixed sections (how it works, architecture, key
features, install and run, examples), docs/architecture.md, MAINTAINERS.md and a
contributing guide. Real products keep these parts in other places and forms:
docs/src/tech-docs/architecture.md, doc/Arkitektur.docx, .github/CONTRIBUTING.md,
Danish names. So a part is a document whose name holds one of the part's words
(`names`, whole words, any case) with a documentation extension, in one of the
part's folders (the root, docs/, doc/, .github/ … at any depth under a docs folder);
a README section may also be its own document under docs/. A README or MAINTAINERS
file that still holds the template's placeholder text ("Replace with …") is a gap.
Layouts, words and texts are settings in config/checks.yaml; the closest layout's
gaps are reported, each with an example of what would satisfy it.
"""

from __future__ import annotations

import re
from typing import Iterable

from bot.checks.context import Context
from bot.checks.files import heading_matches
from bot.checks.model import CheckResult, Status
from bot.snapshot import Snapshot

ID = "docs_template"
OUTCOMES = ("pass", "missing")

_WORDS = re.compile(r"[\W_]+")


def _stem(name: str, extensions: tuple[str, ...]) -> str | None:
    """'Rollekataloget - Arkitektur.docx' -> 'rollekataloget arkitektur'; None if not a document."""
    folded = name.casefold()
    for ext in sorted(extensions, key=len, reverse=True):
        if ext and folded.endswith(ext):
            folded = folded[: -len(ext)]
            break
    else:
        if "" not in extensions or "." in folded.lstrip("."):
            return None
    return " ".join(w for w in _WORDS.split(folded) if w)


def _holds(stem: str, names: Iterable[str]) -> bool:
    padded = f" {stem} "
    return any(f" {' '.join(w for w in _WORDS.split(n.casefold()) if w)} " in padded for n in names)


def find_document(paths: Iterable[str], part: dict, settings: dict) -> str | None:
    """The first path (shallowest) that is this part of the template."""
    extensions = tuple(settings.get("extensions", (".md",)))
    docs_folders = {f.casefold() for f in settings.get("docs_folders", ("docs", "doc"))}
    folders = {f.casefold() for f in part.get("folders", ("", *docs_folders))}
    names = part.get("names", ())
    found = []
    for path in paths:
        parts = path.split("/")
        top = parts[0].casefold() if len(parts) > 1 else ""
        if top not in folders or (len(parts) > 2 and top not in docs_folders):
            continue
        file_stem = _stem(parts[-1], extensions)
        if file_stem is None:
            continue
        # docs/architecture/index.md and docs/arkitektur/README.md name the part by their folder
        stems = [file_stem] + [" ".join(_WORDS.split(p.casefold())).strip() for p in parts[1:-1]]
        if any(_holds(s, names) for s in stems if s):
            found.append(path)
    return min(found, key=lambda p: (p.count("/"), len(p), p)) if found else None


def _placeholders(text: str | None, phrases: Iterable[str]) -> str | None:
    folded = (text or "").casefold()
    return next((p for p in phrases if p.casefold() in folded), None)


def _gaps(layout: dict, context: Context, settings: dict) -> tuple[list[str], dict[str, str]]:
    """(what is missing, as Danish phrases; what was found: part -> path)."""
    evidence = context.evidence
    texts = settings.get("texts", {})
    missing: list[str] = []
    found: dict[str, str] = {}
    has_readme = evidence.readme_path is not None
    if layout.get("readme_sections") and not has_readme:
        missing.append(texts.get("no_readme", "README"))
    for part in layout.get("files", ()):
        path = find_document(evidence.paths, part, settings)
        if path is None:
            missing.append(texts["file_gap"].format(what=part["what"], example=part["example"]))
            continue
        found[part["what"]] = path
        phrase = _placeholders(evidence.snapshot.files.get(path), settings.get("placeholders", ()))
        if phrase:
            missing.append(texts["placeholder_gap"].format(path=path, phrase=phrase))
    headings = [h for _, h in evidence.readme_headings]
    sections = settings.get("sections", {})
    if has_readme:
        for key in layout.get("readme_sections", ()):
            section = sections.get(key, {"what": key, "headings": [key]})
            if any(heading_matches(h, section.get("headings", ())) for h in headings):
                continue
            document = find_document(evidence.paths, {"names": section.get("names", ()),
                                                      "folders": settings.get("docs_folders", ())}, settings)
            if document:
                found[section["what"]] = document
                continue
            example = " eller ".join(f"'{h.capitalize()}'" for h in section.get("headings", ())[:2])
            missing.append(texts["section_gap"].format(what=section["what"], example=example))
        phrase = _placeholders(evidence.readme_text, settings.get("placeholders", ()))
        if phrase:
            missing.append(texts["placeholder_gap"].format(path=evidence.readme_path, phrase=phrase))
    return missing, found


def check(snapshot: Snapshot, context: Context) -> CheckResult:
    settings = context.config.spec(ID).settings
    results = []
    for layout in settings.get("layouts", ()):
        gaps, found = _gaps(layout, context, settings)
        name = layout.get("name", "?")
        if not gaps:
            where = ", ".join(f"{what}: {path}" for what, path in found.items())
            return context.result(ID, Status.PASS, "pass", details={"layout": name, "missing": [], "found": found},
                                  layout=name, found=where or "–")
        results.append((len(gaps), name, gaps, found))
    if not results:
        return context.result(ID, Status.FAIL, "missing", details={"layout": None, "missing": [], "found": {}},
                              missing="–")
    # The gaps of the closest layout the repository has begun on; the current (first) layout
    # when it has begun on none.
    begun = [r for r in results if r[3]] or results[:1]
    _, name, gaps, found = min(begun, key=lambda r: r[0])
    return context.result(ID, Status.FAIL, "missing", details={"layout": name, "missing": gaps, "found": found},
                          missing="; ".join(gaps), layout=name)

