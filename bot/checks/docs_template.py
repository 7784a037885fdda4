"""F7: the documentation follows OS2's documentation template (either layout).

The layouts (files and README sections) and the Danish/English heading synonyms
are settings in config/checks.yaml. The closest layout's gaps are reported.
"""

from __future__ import annotations

from bot.checks.context import Context
from bot.checks.files import find_first, heading_matches
from bot.checks.model import CheckResult, Status
from bot.snapshot import Snapshot

ID = "docs_template"
OUTCOMES = ("pass", "missing")


def _gaps(layout: dict, paths: tuple[str, ...], headings: list[str], settings: dict, has_readme: bool) -> list[str]:
    missing = []
    if layout.get("readme_sections") and not has_readme:
        missing.append("README")
    for accepted in layout.get("files", ()):
        accepted = [accepted] if isinstance(accepted, str) else list(accepted)
        if find_first(paths, accepted) is None:
            missing.append(accepted[0])
    synonyms = settings.get("section_synonyms", {})
    names = settings.get("section_names", {})
    if has_readme:
        for section in layout.get("readme_sections", ()):
            if not any(heading_matches(h, synonyms.get(section, [section])) for h in headings):
                missing.append(names.get(section, section))
    return missing


def check(snapshot: Snapshot, context: Context) -> CheckResult:
    settings = context.config.spec(ID).settings
    evidence = context.evidence
    headings = [h for _, h in evidence.readme_headings]
    results = []
    for layout in settings.get("layouts", ()):
        gaps = _gaps(layout, evidence.paths, headings, settings, evidence.readme_path is not None)
        started = any(
            find_first(evidence.paths, [a] if isinstance(a, str) else a) for a in layout.get("files", ())
        )
        results.append((len(gaps), layout.get("name", "?"), gaps, started))
        if not gaps:
            return context.result(ID, Status.PASS, "pass", details={"layout": layout.get("name"), "missing": []},
                                  layout=layout.get("name"))
    if not results:
        return context.result(ID, Status.FAIL, "missing", details={"layout": None, "missing": []}, missing="–")
    # The gaps of the closest layout the repository has begun on; the current
    # (first) layout when it has begun on none.
    begun = [r for r in results if r[3]] or results[:1]
    _, name, gaps, _ = min(begun, key=lambda r: r[0])
    return context.result(ID, Status.FAIL, "missing", details={"layout": name, "missing": gaps}, missing=gaps)
