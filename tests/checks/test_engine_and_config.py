"""The engine runs what config/checks.yaml lists; a broken config fails naming its key."""

from __future__ import annotations

import copy
import dataclasses

import pytest
import yaml

from bot.checks import ConfigError, Status, parse_config, run_checks, wanted_files
from bot.checks.config import CHECKS_PATH, placeholders
from bot.checks.registry import CHECKS, validate_against_code

from .support import REPORT, config_with_suppliers, product_files, snapshot

RAW = yaml.safe_load(CHECKS_PATH.read_text(encoding="utf-8"))
FIXED_IDS = {"governance_report", "governance_level", "governance_claims", "licence", "readme_purpose",
             "in_os2_org", "docs_template", "issues_enabled", "container", "publiccode",
             "supplier_agreement", "contact_person", "roadmap"}


def test_the_shipped_config_lists_every_check_with_its_fixed_id():
    config = parse_config(copy.deepcopy(RAW))
    assert set(config.checks) == FIXED_IDS == set(CHECKS)
    validate_against_code(config)


def test_requirement_ids_are_as_the_process_names_them():
    config = parse_config(copy.deepcopy(RAW))
    assert config.checks["licence"].requirements == ("F2",)
    assert config.checks["in_os2_org"].requirements == ("F6", "P-3.2")
    assert config.checks["supplier_agreement"].requirements == ("P-3.1",)
    assert config.checks["contact_person"].requirements == ("P-2.1", "G3")
    assert not config.checks["container"].required and not config.checks["roadmap"].required


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda c: c["checks"]["licence"].__setitem__("level", 7), "checks.licence.level"),
        (lambda c: c["checks"]["licence"].pop("messages"), "checks.licence"),
        (lambda c: c["checks"]["roadmap"].__setitem__("required", "ja"), "checks.roadmap.required"),
        (lambda c: c["statuses"].pop("warn"), "statuses"),
        (lambda c: c.__setitem__("schema_version", 2), "schema_version"),
        (lambda c: c["checks"]["licence"]["hints"].__setitem__("nonsense", "x"), "checks.licence.hints.nonsense"),
    ],
)
def test_an_invalid_config_names_the_key(change, key):
    raw = copy.deepcopy(RAW)
    change(raw)
    with pytest.raises(ConfigError) as error:
        parse_config(raw)
    assert key in str(error.value)


def test_a_check_the_code_does_not_know_is_refused():
    raw = copy.deepcopy(RAW)
    raw["checks"]["spelling"] = copy.deepcopy(raw["checks"]["roadmap"])
    with pytest.raises(ConfigError, match="checks.spelling"):
        validate_against_code(parse_config(raw))


def test_a_message_missing_for_an_outcome_is_refused():
    raw = copy.deepcopy(RAW)
    del raw["checks"]["licence"]["messages"]["other_osi"]
    raw["checks"]["licence"]["hints"].pop("other_osi")
    with pytest.raises(ConfigError, match="checks.licence.messages.other_osi"):
        validate_against_code(parse_config(raw))


def test_a_check_left_out_of_config_does_not_run():
    raw = copy.deepcopy(RAW)
    del raw["checks"]["roadmap"]
    result = run_checks(snapshot(product_files(2)), level=2, config=parse_config(raw))
    assert result.get("roadmap") is None and len(result.results) == len(FIXED_IDS) - 1


def test_messages_leave_no_placeholder_unfilled():
    # Every outcome of every check on a range of products renders without "{...}" left.
    config = config_with_suppliers("Eksempel Leverandør")
    products = [product_files(2), {}, product_files(2, LICENSE="x", **{"README.md": "# x"}),
                product_files(1, **{REPORT: "# tom"})]
    for files in products:
        for level in (0, 1, 2, 3):
            for r in run_checks(snapshot(files, owner="kommune-x"), level=level, config=config).results:
                assert not placeholders(r.message) and not placeholders(r.hint), (r.check, r.message)


def test_checks_above_the_target_level_are_not_applicable_and_never_block():
    files = product_files(2, Dockerfile=None)
    result = run_checks(snapshot(files), level=0, config=config_with_suppliers("x"))
    for check in ("in_os2_org", "docs_template", "issues_enabled", "container", "supplier_agreement",
                  "contact_person", "roadmap", "publiccode"):
        assert result[check].status is Status.NOT_APPLICABLE, check
        assert "Gælder fra niveau" in result[check].message
    assert result["licence"].status is Status.PASS


def test_ready_means_every_check_applicable_at_the_target_is_ok():
    config = config_with_suppliers("Eksempel Leverandør")
    assert run_checks(snapshot(product_files(2)), level=2, config=config).ready
    broken = run_checks(snapshot(product_files(2), has_issues=False), level=2, config=config)
    assert not broken.ready and [r.check for r in broken.missing] == ["governance_claims", "issues_enabled"]


def test_wanted_files_are_what_the_checks_read_and_nothing_else():
    paths = ["README.md", "LICENSE", "OS2x_governance_report.md", "docs/architecture.md", "package.json",
             "publiccode.yml", "MAINTAINERS.md", "src/main.py", "node_modules/x/README.md", "docs/img/logo.png",
             "Dockerfile", "src/LICENSE"]
    assert wanted_files(paths) == ["OS2x_governance_report.md", "LICENSE", "MAINTAINERS.md", "README.md",
                                   "docs/architecture.md", "package.json", "publiccode.yml", "Dockerfile"]


def test_the_checks_never_mutate_the_snapshot():
    snap = snapshot(product_files(2))
    before = dataclasses.asdict(snap)
    run_checks(snap, level=3)
    assert dataclasses.asdict(snap) == before
