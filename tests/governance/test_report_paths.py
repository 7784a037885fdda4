"""Finding the governance report among a repository's files."""

import pytest

from bot.governance import find_report_paths


@pytest.mark.parametrize(
    "name",
    [
        "OS2display_governance_report.md", "GOVERNANCE_REPORT.md", "Governancerapport.md",
        "os2valghalla-governancerapport.md", "governance-report.md", "Governance Report.md",
        "governance_report.MD", "docs/GOVERNANCE_REPORT.md", "Docs/governancerapport.md",
        "./governance_report.md", "governancereport.markdown",
    ],
)
def test_report_names_in_the_wild_are_found(name):
    assert find_report_paths([name, "README.md"]) == [name]


@pytest.mark.parametrize(
    "name",
    [
        "GOVERNANCE.md", "governance.md", "docs/GOVERNANCE.md", "governance_report.txt",
        "docs/sub/governance_report.md", "src/governance_report.md", "report.md",
        "governance_report.md/README.md", "",
    ],
)
def test_other_files_are_not_reports(name):
    assert find_report_paths([name]) == []


def test_root_before_docs_and_exact_names_before_product_names():
    paths = [
        "docs/governance_report.md",
        "OS2x_governance_report.md",
        "governance_report_template.md",
        "governance_report_2023.md",
        "GOVERNANCE_REPORT.md",
        "docs/OS2x-governancerapport.md",
    ]
    assert find_report_paths(paths) == [
        "GOVERNANCE_REPORT.md",
        "OS2x_governance_report.md",
        "governance_report_2023.md",
        "governance_report_template.md",
        "docs/governance_report.md",
        "docs/OS2x-governancerapport.md",
    ]


def test_order_does_not_depend_on_input_order_and_duplicates_collapse():
    paths = ["b_governance_report.md", "a_governance_report.md", "a_governance_report.md"]
    assert find_report_paths(paths) == find_report_paths(reversed(paths)) == [
        "a_governance_report.md", "b_governance_report.md"
    ]


def test_junk_paths_are_ignored():
    assert find_report_paths([None, 3, "GOVERNANCE_REPORT.md"]) == ["GOVERNANCE_REPORT.md"]  # type: ignore[list-item]
