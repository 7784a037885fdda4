"""The survey script that marks `os2bot check`'s verdicts on real repositories right or wrong.

It runs on synthetic snapshot folders here (the real ones live outside the repository);
what matters is that a verdict the truth file disagrees with is shown as wrong, with its
class, and that a bad truth file is refused rather than silently judged.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from tests.checks.support import product_files, write_product

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check_survey.py"


@pytest.fixture(scope="module")
def survey():
    spec = importlib.util.spec_from_file_location("check_survey", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["check_survey"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def root(tmp_path):
    write_product(tmp_path / "OS2eks+ready", product_files(level=1))
    write_product(tmp_path / "OS2eks+bare", {"README.md": "# bare\n\n    make\n", "LICENSE": "Alle rettigheder forbeholdes.\n"})
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "r.md").write_text(product_files(level=2)["OS2eksempel_governance_report.md"],
                                               encoding="utf-8")
    return tmp_path


def write_truth(path: Path, body: str) -> Path:
    path.write_text(body, encoding="utf-8")
    return path


def one_entry(path: Path, folder: str, rest: str) -> Path:
    """A truth file with one entry for `folder` (repo OS2eks/<name>); `rest` is its indented YAML."""
    name = folder.split("+")[1]
    return write_truth(path, f"entries:\n  - repo: OS2eks/{name}\n    commit: \"3333333333\"\n"
                             f"    folder: {folder}\n{rest}")


TRUTH = """
entries:
  - repo: OS2eks/bare
    commit: 1111111111111111111111111111111111111111
    folder: OS2eks+bare
    achieved_level: null
    expect:
      licence: {status: fail, why: "LICENSE reserves all rights"}
      readme_purpose: {status: pass, class: readme-purpose, why: "deliberately wrong expectation"}
  - repo: OS2eks/ready
    commit: 2222222222222222222222222222222222222222
    folder: OS2eks+ready
    expect:
      licence: {status: pass, details: {licence: MPL-2.0}}
      container: {status: not_applicable, details: {outcome: pass}, path: Dockerfile}
"""


def test_a_verdict_the_reader_disagrees_with_is_marked_wrong_with_its_class(survey, root):
    truth = write_truth(root / "truth.yaml", TRUTH)
    entries = survey.load_truth(truth, root, {"licence", "readme_purpose", "container"})
    table = survey.render(survey.survey(entries))

    bare = next(line for line in table.splitlines() if line.startswith("| OS2eks/bare"))
    assert "`1111111111`" in bare and "✘ Licens" in bare and "✘ Formål i README" in bare
    assert "**wrong: Formål i README** (2/3 right)" in bare
    ready = next(line for line in table.splitlines() if line.startswith("| OS2eks/ready"))
    assert "right (2/2)" in ready
    assert "- **readme-purpose**" in table
    assert "OS2eks/bare — Formål i README: is fail, should be pass (deliberately wrong expectation)" in table
    assert "4 of 5 judged verdicts right, 1 wrong, over 2 checked entries." in table


def test_a_report_is_placed_in_the_snapshot_and_its_levels_judged(survey, root):
    truth = one_entry(root / "truth.yaml", "OS2eks+bare", """\
    report: {file: reports/r.md, as: OS2eks_governancerapport.md}
    achieved_level: 2
    target_level: 1
    level_class: governance-generations
""")
    rows = survey.survey(survey.load_truth(truth, root, set()))
    assert rows[0].achieved == "2"
    # the report says "Ønsket niveau: 2", so a target of 1 is the wrong expectation here
    assert rows[0].wrong == [("Målniveau", "governance-generations", "is 2, should be 1", "")]


def test_detail_path_and_message_expectations_catch_a_right_status_for_the_wrong_reason(survey, root):
    truth = one_entry(root / "truth.yaml", "OS2eks+ready", """\
    expect:
      licence: {status: pass, details: {licence: [GPL-3.0, GPL-3.0-only]}, class: licence}
      container: {status: not_applicable, path: [deploy/Dockerfile], class: container}
      readme_purpose: {status: ok, not_says: "README.md", class: readme-purpose}
""")
    row = survey.survey(survey.load_truth(truth, root, {"licence", "container", "readme_purpose"}))[0]
    problems = {title: problem for title, _, problem, _ in row.wrong}
    assert problems["Licens"] == "licence is 'MPL-2.0', should be GPL-3.0 or GPL-3.0-only"
    assert problems["Container"] == "names 'Dockerfile' as evidence, should be deploy/Dockerfile"
    assert problems["Formål i README"] == "says 'README.md'"


@pytest.mark.parametrize("body, complaint", [
    ("entries:\n  - {repo: a/b, commit: c, expect: {no_such_check: pass}}\n", "ukendt tjek 'no_such_check'"),
    ("entries:\n  - {repo: a/b, commit: c, expect: {licence: green}}\n", "ukendt status 'green'"),
    ("entries:\n  - {repo: a/b}\n", "'repo' og 'commit' skal være udfyldt"),
    ("entries: {a: b}\n", "forventer en liste under 'entries'"),
    ("entries: [\n", "truth.yaml"),
    ("entries:\n  - {repo: a/b, commit: c, expect: {licence: {status: pass, details: [x]}}}\n", "'details' skal være en tabel"),
])
def test_a_bad_truth_file_is_refused_with_the_entry_named(survey, root, body, complaint):
    truth = write_truth(root / "truth.yaml", body)
    with pytest.raises(survey.TruthError, match=complaint.replace("(", r"\(").replace(")", r"\)")):
        survey.load_truth(truth, root, {"licence"})


def test_a_missing_snapshot_is_a_row_not_a_crash_and_pipes_cannot_break_the_table(survey, root):
    truth = write_truth(root / "truth.yaml", """
entries:
  - {repo: "evil|repo", commit: "5555555555", folder: nowhere}
""")
    table = survey.render(survey.survey(survey.load_truth(truth, root, set())))
    row = table.splitlines()[2]
    assert row.startswith("| evil\\|repo | `5555555555` |") and "snapshot mangler" in row
    assert len(re.split(r"(?<!\\)\|", row)) == 8    # six cells, the label's pipe escaped


def test_update_rewrites_only_between_the_markers_and_refuses_a_doc_without_them(survey, tmp_path):
    doc = tmp_path / "checks.md"
    doc.write_text(f"# Før\n\n{survey.BEGIN}\ngammel tabel\n{survey.END}\n\nEfter\n", encoding="utf-8")
    survey.update(doc, "ny tabel\n")
    assert doc.read_text(encoding="utf-8") == f"# Før\n\n{survey.BEGIN}\nny tabel\n{survey.END}\n\nEfter\n"
    (tmp_path / "plain.md").write_text("# uden markører\n", encoding="utf-8")
    with pytest.raises(survey.TruthError, match="markørerne"):
        survey.update(tmp_path / "plain.md", "x")


def test_the_command_line_reads_folders_without_network_and_exits_2_on_a_bad_truth_file(survey, root, capsys):
    assert survey.main([str(root / "OS2eks+bare"), "--truth", str(root / "absent.yaml")]) == 0
    out = capsys.readouterr().out
    assert "| OS2eks/bare | `?` |" in out and "not judged" in out
    write_truth(root / "bad.yaml", "entries: {a: b}\n")
    assert survey.main(["--truth", str(root / "bad.yaml")]) == 2
    assert "forventer en liste" in capsys.readouterr().err
