"""P-3.1: supplier names are read where real OS2 products write them, and without the
secretariat's list the agreement awaits the secretariat (files in tests/fixtures/checks/real)."""

from __future__ import annotations

import pytest

from bot.checks import Status, run_checks
from bot.checks.config import for_organisation, load_config
from tests.checks.support import FIXTURES, REPORT, config_with_suppliers, fill_report, product_files, snapshot

REAL = FIXTURES / "checks" / "real"


def supplier(files: dict[str, str | None], config=None):
    base = product_files(2, **{"publiccode.yml": None, "MAINTAINERS.md": None})
    base[REPORT] = fill_report(2, preamble="Ønsket niveau: 2")
    base.update({k: v for k, v in files.items() if v is not None})
    for k, v in files.items():
        if v is None:
            base.pop(k, None)
    return run_checks(snapshot(base), level=2, config=config or load_config())["supplier_agreement"]


def named(result) -> list[tuple[str, str]]:
    return [(n["name"], n["source"]) for n in result.details["named"]]


def test_kitos_maintained_by_strongminds_in_its_readme():
    readme = (REAL / "readme" / "os2kitos+kitos.md").read_text(encoding="utf-8")
    r = supplier({"README.md": readme})
    assert named(r) == [("STRONGMINDS ApS", "README.md")]
    assert r.status is Status.NOT_CONFIGURED and "STRONGMINDS ApS (README.md)" in r.message


@pytest.mark.parametrize(("fixture", "path"), [
    ("OS2borgerPC+os2borgerpc-client.README.rst", "README.rst"),     # "The code was developed by Magenta ApS"
    ("OS2borgerPC+os2borgerpc-admin-site.README.md", "README.md"),   # "Main code contributor is Magenta Aps"
])
def test_magenta_named_in_a_borgerpc_readme(fixture, path):
    text = (REAL / "suppliers" / fixture).read_text(encoding="utf-8")
    r = supplier({"README.md": None, path: text})
    assert [n.casefold() for n, _ in named(r)] == ["magenta aps"]


def test_os2mo_publiccode_contractor():
    text = (REAL / "suppliers" / "OS2mo+os2mo.publiccode.yml").read_text(encoding="utf-8")
    r = supplier({"publiccode.yml": text})
    assert named(r) == [("Magenta ApS", "publiccode.yml")]
    # with the secretariat's list the same names are judged
    assert supplier({"publiccode.yml": text}, config_with_suppliers("Magenta")).status is Status.PASS
    assert supplier({"publiccode.yml": text}, config_with_suppliers("Netcompany")).status is Status.FAIL


def test_every_place_a_supplier_is_written_is_read_once():
    files = {
        "publiccode.yml": "publiccodeYmlVersion: '0.4'\nmaintenance:\n  type: contract\n  contractors:\n"
                          "    - name: Netcompany A/S\n      until: '2030-01-01'\n  maintainers: [Miracle]\n",
        "README.md": "# X\n\nX er et system til sager.\n\nLeverandør: Magenta ApS\n\nUdviklet af Netcompany A/S for OS2.\n",
        "MAINTAINERS.md": "# Maintainers\n\n| Navn | Firma |\n|---|---|\n| Jens Jensen | Strongminds ApS |\n",
        REPORT: fill_report(2, preamble="Ønsket niveau: 2\n\n> **Leverandører:** Septima P/S og Frontit A/S"),
    }
    assert named(supplier(files)) == [
        ("Netcompany A/S", "publiccode.yml"), ("Miracle", "publiccode.yml"), ("Septima P/S", REPORT),
        ("Frontit A/S", REPORT), ("Magenta ApS", "README.md"), ("Strongminds ApS", "MAINTAINERS.md")]


@pytest.mark.parametrize("readme", [
    "# X\n\nX er udviklet af Aarhus Kommune.\n",                       # a municipality, not a supplier
    "# X\n\nMaintained by OS2 - Offentligt digitaliseringsfællesskab.\n",
    "# X\n\nLeverandør: ikke valgt endnu\n",
    "# X\n\nThis was developed by (see AUTHORS).\n",
    "# X\n\nmaintained by   \n",
    "# X\n\n" + "developed by " * 5000,
])
def test_no_supplier_is_made_up(readme):
    assert named(supplier({"README.md": readme})) == []


def test_without_a_list_the_check_awaits_the_secretariat_and_does_not_block_readiness():
    r = supplier({})
    assert r.status is Status.NOT_CONFIGURED and r.ok and r.awaits_people
    assert r.details["outcome"] == "not_configured_unnamed"
    assert "Repositoriet nævner ingen leverandør" in r.message and "Leverandør: Navn" in r.hint


def test_an_organisations_own_list_makes_the_check_judge():
    config = for_organisation(load_config(), suppliers=[{"name": "STRONGMINDS ApS"}])
    readme = (REAL / "readme" / "os2kitos+kitos.md").read_text(encoding="utf-8")
    r = supplier({"README.md": readme}, config)
    assert r.status is Status.PASS and r.details["signed"] == ["STRONGMINDS ApS"]
    assert supplier({}, config).details["outcome"] == "none_named"
