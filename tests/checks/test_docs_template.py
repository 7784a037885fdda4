"""F7 on real OS2 repositories: the template's parts are found where products keep them, and
what is missing is said precisely (trees and files in tests/fixtures/checks/real)."""

from __future__ import annotations

import dataclasses

import pytest

from bot.checks import Status, load_config, run_checks
from bot.checks.docs_template import find_document
from tests.checks.support import FIXTURES, product_files, snapshot

REAL = FIXTURES / "checks" / "real"
SETTINGS = load_config().spec("docs_template").settings
TEMPLATE_README = (REAL / "docs-template" / "README.md").read_text(encoding="utf-8")
TEMPLATE_MAINTAINERS = (REAL / "docs-template" / "MAINTAINERS.md").read_text(encoding="utf-8")
SECTIONS = "# X\n\n## How it works\n\n## Architecture\n\n## Key features\n\n## How to install and run\n\n## Examples\n"


def tree(repo: str) -> list[str]:
    return (REAL / "trees" / f"{repo}.txt").read_text(encoding="utf-8").splitlines()


def docs(files: dict[str, str | None], paths: list[str] = ()):
    base = {k: v for k, v in product_files(2).items()
            if k not in ("docs/architecture.md", "MAINTAINERS.md", "CONTRIBUTING.md")}
    base.update({k: v for k, v in files.items() if v is not None})
    snap = snapshot(base)
    snap = dataclasses.replace(snap, paths=tuple(sorted({*snap.paths, *paths})))
    return run_checks(snap, level=2)["docs_template"]


def part(what: str) -> dict:
    return next(p for p in SETTINGS["layouts"][0]["files"] if p["what"] == what)


def test_os2mo_keeps_its_architecture_deep_in_docs_and_lacks_only_maintainers_and_readme_sections():
    paths = [p for p in tree("OS2mo+os2mo")]
    readme = (REAL / "readme" / "OS2mo+os2mo.md").read_text(encoding="utf-8")
    r = docs({"README.md": readme}, paths)
    assert r.status is Status.FAIL
    assert r.details["found"]["arkitekturbeskrivelse"] == "docs/src/tech-docs/architecture.md"
    assert r.details["found"]["retningslinjer for bidrag"] == "CONTRIBUTING.md"
    assert "liste over vedligeholdere (fx MAINTAINERS.md)" in r.message
    assert "arkitektur" not in " ".join(r.details["missing"])


def test_rollekatalog_keeps_word_documents_in_doc_and_has_no_architecture_document():
    paths = tree("OS2rollekatalog+OS2rollekatalog")
    assert find_document(paths, part("arkitekturbeskrivelse"), SETTINGS) is None
    assert find_document(paths, part("liste over vedligeholdere"), SETTINGS) is None
    section = SETTINGS["sections"]["examples"]
    assert find_document(paths, {"names": section["names"], "folders": SETTINGS["docs_folders"]},
                         SETTINGS) == "doc/Rollekataloget - Brugermanual.docx"


def test_the_template_itself_is_found_but_its_placeholders_are_gaps():
    paths = tree("OS2offdig+os2-docs-template")
    r = docs({"README.md": TEMPLATE_README, "MAINTAINERS.md": TEMPLATE_MAINTAINERS,
              "docs/architecture.md": "# Arkitektur\n\nEn webapplikation.\n"}, paths)
    assert r.status is Status.FAIL
    assert r.details["found"]["liste over vedligeholdere"] == "MAINTAINERS.md"
    assert r.details["found"]["retningslinjer for bidrag"] == "PROJECT_CONTRIBUTING_TEMPLATE.md"
    assert "MAINTAINERS.md indeholder stadig skabelonens pladsholdertekst »[Maintainer 1]«" in r.details["missing"]
    assert any(g.startswith("README.md indeholder stadig skabelonens pladsholdertekst") for g in r.details["missing"])
    # every README section of the template is there
    assert not any(g.startswith("afsnit i README") for g in r.details["missing"])


@pytest.mark.parametrize("where", [
    {"docs/ARCHITECTURE.MD": "x"},                           # the template's README links this spelling
    {"docs/arkitektur.md": "x"},
    {"doc/Rollekataloget - Arkitektur.docx": None},         # binary: listed, not read
    {"docs/architecture/index.md": "x"},
    {"docs/source/arkitektur.rst": "x"},
    {"ARCHITECTURE.pdf": None},
    {"dokumentation/Teknisk arkitektur.odt": None},
])
def test_the_architecture_document_in_its_real_places_and_forms(where):
    files = {"README.md": SECTIONS, "MAINTAINERS.md": "# Maintainers\n\n- Jens Jensen\n", ".github/CONTRIBUTING.md": "x"}
    r = docs(files | {k: v for k, v in where.items() if v is not None}, list(where))
    assert r.status is Status.PASS and r.details["found"]["arkitekturbeskrivelse"] == next(iter(where))


@pytest.mark.parametrize("path", [
    "Valghalla.Internal.Architecture.Tests/ArchitectureTests.cs",   # code, not documentation
    "src/architecture.md",                                          # not a documentation folder
    "docs/src/graphics/GIR_architecture.svg",                       # a picture
    "docs/adr/001-record-architectural-decisions.md",               # another word
    ".backstage/rammearkitektur.yaml",
])
def test_files_that_only_look_like_the_architecture_document_are_not(path):
    assert find_document([path], part("arkitekturbeskrivelse"), SETTINGS) is None


def test_a_readme_section_may_be_its_own_document_under_docs():
    readme = "# X\n\n## How it works\n\n## Architecture\n\n## Key features\n\n## Examples\n"
    files = {"README.md": readme, "MAINTAINERS.md": "- Jens\n", "CONTRIBUTING.md": "x", "docs/architecture.md": "x"}
    r = docs(files)
    assert r.status is Status.FAIL and r.details["missing"] == [
        "afsnit i README om installation og kørsel (en overskrift som 'How to install and run' eller 'Installation')"]
    r = docs(files | {"docs/Installationsvejledning.pdf": "x"})
    assert r.status is Status.PASS and "installation og kørsel: docs/Installationsvejledning.pdf" in r.message


def test_nothing_at_all_lists_every_part_of_the_current_template():
    r = docs({"README.md": "# X\n"})
    assert r.details["layout"] == "nuværende skabelon"
    assert [g.split(" (")[0] for g in r.details["missing"]] == [
        "arkitekturbeskrivelse", "liste over vedligeholdere", "retningslinjer for bidrag",
        "afsnit i README om hvordan løsningen virker", "afsnit i README om arkitektur",
        "afsnit i README om nøglefunktioner", "afsnit i README om installation og kørsel",
        "afsnit i README med eksempler"]
