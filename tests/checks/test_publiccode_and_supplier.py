"""publiccode.yml is validated like the standard plus what its schema misses;
a supplier must be on OS2's list of signed partners, and an empty list never passes."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.checks import ConfigError, Status, Supplier, load_config, run_checks
from bot.checks.config import parse_suppliers
from bot.checks.supplier_agreement import supplier_key

from .support import PUBLICCODE, REPORT, config_with_suppliers, fill_report, product_files, snapshot

TODAY = dt.date(2025, 6, 1)


def publiccode_result(name: str, today=TODAY):
    files = {"publiccode.yml": (PUBLICCODE / name).read_text(encoding="utf-8")}
    return run_checks(snapshot(files), level=2, today=today)["publiccode"]


def test_the_standards_minimal_example_is_valid_but_lacks_danish():
    r = publiccode_result("standard-example.publiccode.minimal.yml")
    assert r.status is Status.WARN and r.details["errors"] == []
    assert r.details["advice"] == ["der er ingen dansk beskrivelse (description.da)"]


def test_amsterdams_real_file_is_valid_but_lacks_danish():
    r = publiccode_result("real.Amsterdam.signals-frontend.publiccode.yml")
    assert r.details["errors"] == [] and r.details["outcome"] == "advice"


def test_the_standards_full_example_has_a_contractor_whose_agreement_ran_out():
    r = publiccode_result("standard-example.publiccode.yml")
    assert r.details["errors"] == ["aftalen med leverandøren Fornitore Privato SPA udløb 1. jan. 2019"]
    # a recommendation never blocks: the failure is shown as a warning
    assert r.status is Status.WARN and r.details["raw_status"] == "fail"


def test_the_same_contractor_was_fine_before_its_end_date():
    r = publiccode_result("standard-example.publiccode.yml", today=dt.date(2018, 12, 31))
    assert r.details["errors"] == []


def test_a_danish_file_with_a_current_contractor_passes():
    r = publiccode_result("danish.publiccode.yml")
    assert r.status is Status.PASS and r.path == "publiccode.yml"


def test_a_contract_needs_contractors():
    r = publiccode_result("invalid/contract_without_contractors.yml")
    assert r.details["errors"] == ["maintenance.type er 'contract', men maintenance.contractors mangler"]


def test_schema_errors_are_named_by_key():
    r = publiccode_result("invalid/missing_required.yml")
    errors = " ".join(r.details["errors"])
    assert "'url' is a required property" in errors and "developmentStatus" in errors


def test_a_file_that_is_not_yaml_is_reported_with_its_line():
    r = publiccode_result("invalid/not_yaml.yml")
    assert r.details["outcome"] == "unreadable" and "linje" in r.message


def test_no_publiccode_is_only_advice():
    r = run_checks(snapshot({}), level=2, today=TODAY)["publiccode"]
    assert r.status is Status.WARN and r.details["outcome"] == "missing"


# -- supplier_agreement (P-3.1) --------------------------------------------------------

def test_an_empty_supplier_list_awaits_the_secretariat_never_a_pass_and_does_not_block():
    config = load_config()
    assert config.suppliers == ()  # the shipped default
    r = run_checks(snapshot(product_files(2)), level=2, config=config, today=TODAY)
    assert r["supplier_agreement"].status is Status.NOT_CONFIGURED
    assert r["supplier_agreement"].message.startswith("Afventer sekretariatet")
    assert "Eksempel Leverandør ApS (publiccode.yml)" in r["supplier_agreement"].message
    assert r["supplier_agreement"].ok and r["supplier_agreement"].awaits_people and r.ready


def test_a_signed_supplier_named_in_publiccode_passes():
    r = run_checks(snapshot(product_files(2)), level=2, config=config_with_suppliers("Eksempel Leverandør"),
                   today=TODAY)["supplier_agreement"]
    assert r.status is Status.PASS and r.details["signed"] == ["Eksempel Leverandør"]


def test_a_supplier_named_only_in_the_governance_report_counts():
    files = product_files(2, **{"publiccode.yml": None})
    files[REPORT] = fill_report(2, preamble="> **Leverandører:** Magenta ApS og Netcompany A/S")
    r = run_checks(snapshot(files), level=2, config=config_with_suppliers("Netcompany"), today=TODAY)
    assert r["supplier_agreement"].status is Status.PASS
    assert [n["name"] for n in r["supplier_agreement"].details["named"]] == ["Magenta ApS", "Netcompany A/S"]
    assert r["supplier_agreement"].details["unsigned"] == ["Magenta ApS"]


def test_suppliers_that_have_not_signed_fail():
    r = run_checks(snapshot(product_files(2)), level=2, config=config_with_suppliers("Magenta"),
                   today=TODAY)["supplier_agreement"]
    assert r.status is Status.FAIL and "Eksempel Leverandør ApS" in r.message


def test_no_supplier_named_fails_when_configured():
    files = product_files(2, **{"publiccode.yml": None})
    files[REPORT] = fill_report(2)
    r = run_checks(snapshot(files), level=2, config=config_with_suppliers("Magenta"), today=TODAY)
    assert r["supplier_agreement"].details["outcome"] == "none_named"


def test_aliases_match():
    config = dataclasses.replace(load_config(), suppliers=(Supplier("Eksempel Gruppen A/S", aliases=("Eksempel Leverandør",)),))
    r = run_checks(snapshot(product_files(2)), level=2, config=config, today=TODAY)["supplier_agreement"]
    assert r.details["signed"] == ["Eksempel Gruppen A/S"]


@pytest.mark.parametrize(("a", "b"), [("Magenta ApS", "magenta"), ("Netcompany A/S", "NETCOMPANY"),
                                      ("Miracle IVS", "Miracle")])
def test_company_suffixes_and_case_do_not_matter(a, b):
    assert supplier_key(a) == supplier_key(b)


def test_a_broken_supplier_list_names_the_key():
    with pytest.raises(ConfigError, match=r"suppliers\.0"):
        parse_suppliers({"suppliers": [{"navn": "Magenta"}]})


def test_a_yaml_alias_bomb_is_refused_not_expanded():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 9):
        bomb += f"l{i}: &l{i} [" + ", ".join([f"*{'a' if i == 1 else f'l{i - 1}'}"] * 10) + "]\n"
    r = run_checks(snapshot({"publiccode.yml": bomb}), level=2, today=TODAY)["publiccode"]
    assert r.details["outcome"] == "unreadable" and "YAML-aliaser" in r.message


def test_a_self_referencing_yaml_file_is_refused():
    r = run_checks(snapshot({"publiccode.yml": "a: &a [*a]\n"}), level=2, today=TODAY)["publiccode"]
    assert r.details["outcome"] == "unreadable"
