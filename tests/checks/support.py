"""Example products for the check tests: the official governance template filled in,
and the files a product that follows OS2's templates has."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from bot.checks import Supplier, load_config
from bot.snapshot import Snapshot

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TEMPLATE = (FIXTURES / "checks" / "os2_governance_template.md").read_text(encoding="utf-8")
LICENCES = FIXTURES / "licences" / "spdx"
PUBLICCODE = FIXTURES / "publiccode"
SUPPLIER = "Eksempel Leverandør ApS"
REPORT = "OS2eksempel_governance_report.md"


def licence_text(spdx: str) -> str:
    return (LICENCES / f"{spdx}.txt").read_text(encoding="utf-8")


def _level(cell: str) -> int:
    cell = cell.strip().casefold()
    return 0 if cell == "sandkasse" else int(cell)


def fill_report(level: int, *, marks: dict[str, str] | None = None, docs: dict[str, str] | None = None,
                preamble: str = "") -> str:
    """The official template with every criterion up to `level` marked ✅ (others ❌), documented."""
    marks = marks or {}
    docs = docs or {}
    lines = []
    for line in TEMPLATE.splitlines():
        cells = line.split("|")
        if len(cells) >= 8 and cells[2].strip()[:1] in "RFSG" and cells[2].strip()[1:].isdigit():
            cid = cells[2].strip()
            mark = marks.get(cid, "✅" if _level(cells[5]) <= level else "❌")
            cells[1] = f" {mark} "
            cells[4] = f" {docs.get(cid, 'Se README.md')} "
            line = "|".join(cells)
        elif line.startswith("# INDSÆT NAVNET PÅ PRODUKTET"):
            line = "# OS2eksempel" + ("\n\n" + preamble if preamble else "")
        lines.append(line)
    return "\n".join(lines) + "\n"


README = """# OS2eksempel

OS2eksempel hjælper kommunernes sagsbehandlere med at registrere og følge henvendelser
fra borgerne. Løsningen er udviklet i fællesskab af flere kommuner og deles som open source
under OS2, så alle kommuner kan tage den i brug.

## Sådan virker det

Henvendelser registreres og fordeles til den rette afdeling.

## Arkitektur

En webapplikation med en database; se docs/architecture.md.

## Nøglefunktioner

- Registrering af henvendelser

## Installation

    docker compose up

## Eksempler

Se docs/examples.md.

## Roadmap

Se ROADMAP.md.
"""


def product_files(level: int = 2, **overrides: str | None) -> dict[str, str]:
    """A product that follows OS2's templates and aims at `level`; overrides replace or (None) drop files."""
    files = {
        "OS2eksempel_governance_report.md": fill_report(
            level,
            docs={"G3": "Jens Jensen, projektleder i Eksempel Kommune"},
            preamble=f"Ønsket niveau: {level}\n\nLeverandør: {SUPPLIER}",
        ),
        "LICENSE": licence_text("MPL-2.0"),
        "README.md": README,
        "docs/architecture.md": "# Arkitektur\n\nEn webapplikation.\n",
        "MAINTAINERS.md": "# Maintainers\n\n- Jens Jensen (Eksempel Kommune)\n",
        "CONTRIBUTING.md": "# Bidrag\n\nOpret et issue.\n",
        "Dockerfile": "FROM python:3.11-slim\n",
        "ROADMAP.md": "# Roadmap\n\n- 2025: version 2\n",
        "publiccode.yml": (PUBLICCODE / "danish.publiccode.yml").read_text(encoding="utf-8"),
        "src/app.py": "print('hej')\n",
    }
    for name, text in overrides.items():
        path = name
        if text is None:
            files.pop(path, None)
        else:
            files[path] = text
    return files


def snapshot(files: dict[str, str] | None = None, *, owner: str | None = "OS2offdig",
             has_issues: bool | None = True, **kwargs) -> Snapshot:
    files = dict(files or {})
    return Snapshot(name="os2eksempel", owner=owner, paths=tuple(sorted(files)), files=files,
                    has_issues=has_issues, source="github" if owner else "local", **kwargs)


def write_product(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def config_with_suppliers(*names: str):
    return dataclasses.replace(load_config(), suppliers=tuple(Supplier(n) for n in names))


def fill_report_v110(answers: dict[str, str] | None = None, *, default: str = "Ja",
                     docs: dict[str, str] | None = None) -> str:
    """Governance report 1.1.0 as the self-evaluation form writes it: Efterlevet? and Dokumentation columns."""
    import re

    answers, docs = answers or {}, docs or {}
    text = (FIXTURES / "checks" / "os2_governance_template.v1.1.0.md").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if line.startswith("| #"):
            line = line.rstrip().rstrip("|") + "| Efterlevet? | Dokumentation |"
        elif line.startswith("| ---"):
            line = line.rstrip().rstrip("|") + "| --- | --- |"
        elif re.match(r"\| [RFSG]\d+", line):
            cid = line.split("|")[1].strip()
            line = line.rstrip().rstrip("|") + f"| {answers.get(cid, default)} | {docs.get(cid, 'Se README')} |"
        out.append(line)
    return "\n".join(out) + "\n"
