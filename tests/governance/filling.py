"""Fill the official templates the way a product's steering group would."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Mapping

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "governance"
CHECKLIST = FIXTURES / "os2_governance_template.md"      # 🔽 mark column
FORM = FIXTURES / "os2_governance_template.v1.1.0.md"     # 1.1.0, no mark column

_CHECKLIST_ROW = re.compile(r"\|\s*\|\s*([A-Z]\d+)\s*\|")
_FORM_ROW = re.compile(r"\|\s*([A-Z]\d+)\s*\|")

# Level and recommendation of every criterion in both official templates.
LEVEL_OF = {
    **{i: lvl for i, lvl in (("R1", 0), ("R2", 2), ("R3", 2), ("R4", 3))},
    **{f"F{n}": 0 for n in range(1, 6)},
    **{f"F{n}": 1 for n in (6, 7, 10, 11)},
    **{f"F{n}": 2 for n in range(12, 21)},
    "F21": 3, "F22": 3,
    "S1": 1, "S2": 1, "S3": 2, "S4": 2, "S5": 3,
    **{f"G{n}": 1 for n in range(1, 5)},
    **{f"G{n}": 2 for n in range(5, 11)},
    **{f"G{n}": 3 for n in range(11, 15)},
}
RECOMMENDATIONS = {"F19", "F20", "G7", "G8", "G9", "G10"}
IDS = list(LEVEL_OF)


def checklist_text() -> str:
    return CHECKLIST.read_text(encoding="utf-8")


def form_text() -> str:
    return FORM.read_text(encoding="utf-8")


def fill_checklist(marks: Mapping[str, str], template: str | None = None) -> str:
    """Put each criterion's mark in the 🔽 column (unlisted criteria stay empty)."""
    out = []
    for line in (template or checklist_text()).split("\n"):
        row = _CHECKLIST_ROW.match(line)
        if row and row.group(1) in marks:
            line = f"| {marks[row.group(1)]} " + line[line.index("|", 1):]
        out.append(line)
    return "\n".join(out)


def fill_form(marks: Mapping[str, str], documentation: Mapping[str, str] | None = None,
              template: str | None = None) -> str:
    """The 1.1.0 self-evaluation: 'Efterlevet?' and 'Dokumentation' columns added."""
    documentation = documentation or {}
    out = []
    lines = (template or form_text()).split("\n")
    for index, line in enumerate(lines):
        stripped = line.rstrip()
        if stripped.startswith("| #"):
            line = stripped + " Efterlevet? | Dokumentation |"
        elif stripped.startswith("| ---") and index and lines[index - 1].startswith("| #"):
            line = stripped + " --- | --- |"
        else:
            row = _FORM_ROW.match(line)
            if row:
                cid = row.group(1)
                line = stripped + f" {marks.get(cid, '')} | {documentation.get(cid, '')} |"
        out.append(line)
    return "\n".join(out)


def marks_reaching(level: int | None, met: str = "✅", not_met: str = "❌",
                   recommendation: str | None = None) -> dict[str, str]:
    """Marks that reach exactly `level`: required criteria up to it met, the rest not.

    Recommendations get `recommendation` (default: not met, to show they never block).
    """
    marks = {}
    for cid, lvl in LEVEL_OF.items():
        if cid in RECOMMENDATIONS:
            marks[cid] = not_met if recommendation is None else recommendation
        else:
            marks[cid] = met if level is not None and lvl <= level else not_met
    return marks


FILLERS: dict[str, Callable[[Mapping[str, str]], str]] = {
    "checklist": fill_checklist,
    "form-1.1.0": fill_form,
}
