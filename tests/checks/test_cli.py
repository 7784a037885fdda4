"""`os2bot check` as a contributor runs it: exit 0 when ready, 1 when not, 2 on a usage error."""

from __future__ import annotations

import io
import json

import pytest
import yaml

from bot.cli import main

from .support import REPORT, SUPPLIER, fill_report, product_files, write_product

JSON_KEYS = {"schema_version", "repository", "target_level", "target_level_name", "target_source",
             "achieved_level", "achieved_level_name", "ready", "summary", "counts", "report", "checks"}
CHECK_KEYS = {"id", "title", "status", "ok", "message", "hint", "path", "line", "requirements", "applies_from",
              "required", "details"}


@pytest.fixture
def suppliers(tmp_path):
    path = tmp_path / "suppliers.yaml"
    path.write_text(yaml.safe_dump({"suppliers": [{"name": SUPPLIER}]}, allow_unicode=True), encoding="utf-8")
    return str(path)


@pytest.fixture
def ready_product(tmp_path):
    return write_product(tmp_path / "os2eksempel", product_files(2))


@pytest.fixture
def unready_product(tmp_path):
    files = product_files(2, LICENSE=None)
    files[REPORT] = fill_report(1, preamble="Ønsket niveau: 2")
    return write_product(tmp_path / "os2halv", files)


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "github"])
def test_a_product_ready_for_level_2_exits_0_in_every_format(ready_product, suppliers, fmt, capsys):
    code = main(["check", str(ready_product), "--level", "2", "--format", fmt, "--suppliers", suppliers])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Klar til niveau 2" in out


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "github"])
def test_a_product_not_ready_exits_1_in_every_format(unready_product, suppliers, fmt, capsys):
    code = main(["check", str(unready_product), "--format", fmt, "--suppliers", suppliers])
    out = capsys.readouterr().out
    assert code == 1
    assert "Ikke klar til niveau 2" in out


def test_the_text_table_is_danish_and_names_what_is_missing(unready_product, suppliers, capsys):
    main(["check", str(unready_product), "--suppliers", suppliers])
    out = capsys.readouterr().out
    assert "Licens" in out and "Mangler" in out and "Sådan retter du" in out
    assert "Opnået niveau: 1" in out and "fra governancerapporten" in out


def test_json_output_has_stable_keys(unready_product, suppliers, capsys):
    main(["check", str(unready_product), "--format", "json", "--suppliers", suppliers])
    data = json.loads(capsys.readouterr().out)
    assert set(data) == JSON_KEYS and data["schema_version"] == 1
    assert data["ready"] is False and data["achieved_level"] == 1 and data["target_level"] == 2
    assert all(set(c) == CHECK_KEYS for c in data["checks"])
    assert [c["id"] for c in data["checks"]][:4] == ["governance_report", "governance_level", "governance_claims",
                                                       "licence"]
    licence = next(c for c in data["checks"] if c["id"] == "licence")
    assert licence["status"] == "fail" and licence["requirements"] == ["F2"] and licence["ok"] is False


def test_github_format_is_workflow_annotations(unready_product, suppliers, capsys):
    main(["check", str(unready_product), "--format", "github", "--suppliers", suppliers])
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("::error title=Licens (licence)::") for line in lines)
    assert any(line.startswith(f"::error file={REPORT},line=") and ",title=Produktniveau (governance_level)::" in line
               for line in lines)
    assert lines[-1].startswith("::error title=os2bot check::")
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)  # newlines escaped


def test_markdown_format_is_a_table_for_an_issue(unready_product, suppliers, capsys):
    main(["check", str(unready_product), "--format", "markdown", "--suppliers", suppliers])
    out = capsys.readouterr().out
    assert out.startswith("### OS2-parathed for os2halv")
    assert "| ❌ Mangler | Licens | F2 |" in out


def test_without_a_supplier_list_the_agreement_awaits_the_secretariat_and_does_not_block(ready_product, capsys):
    assert main(["check", str(ready_product), "--level", "2"]) == 0
    assert "Afventer sekretariatet" in capsys.readouterr().out


def test_level_sandkasse_is_understood(ready_product, capsys):
    assert main(["check", str(ready_product), "--level", "sandkasse", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["target_level_name"] == "sandkasse"


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["check", "/nonexistent/os2-product"], "findes ikke"),
        (["check", ".", "--level", "4"], "ukendt niveau"),
    ],
)
def test_usage_and_access_errors_exit_2_with_one_line(argv, reason, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and reason in captured.err and captured.err.count("\n") == 1


def test_a_broken_supplier_file_exits_2_naming_the_key(ready_product, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("suppliers:\n  - navn: X\n", encoding="utf-8")
    assert main(["check", str(ready_product), "--suppliers", str(bad)]) == 2
    assert "suppliers.0" in capsys.readouterr().err


def test_an_unknown_format_is_an_argparse_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["check", ".", "--format", "xml"])
    assert exit_.value.code == 2


def _result_column(out: str) -> str:
    """The text of the table's last column, its wrapped lines joined again."""
    cells = [line.split("│")[-2].strip() for line in out.splitlines() if line.count("│") >= 5]
    return " ".join(" ".join(cells).split())


@pytest.mark.parametrize("width", [120, 80])
def test_the_text_table_wraps_fix_hints_instead_of_cutting_them(unready_product, suppliers, width, capsys):
    main(["check", str(unready_product), "--suppliers", suppliers, "--format", "json"])
    failing = [c for c in json.loads(capsys.readouterr().out)["checks"] if c["hint"]]
    from bot.checks.render import to_rich
    from rich.console import Console
    from bot.checks import load_config, run_checks
    from bot.local_snapshot import snapshot_from_folder

    config = load_config(None, suppliers)
    buffer = io.StringIO()
    Console(file=buffer, width=width, highlight=False).print(
        to_rich(run_checks(snapshot_from_folder(unready_product), config=config), config))
    column = _result_column(buffer.getvalue())
    assert failing and all(" ".join(c["hint"].split()) in column for c in failing)
    assert "✅ (eller ➖" in column    # the hint with emoji, once cut at the column's edge


def test_the_summary_names_missing_checks_by_their_danish_title(unready_product, suppliers, capsys):
    main(["check", str(unready_product), "--suppliers", suppliers, "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    missing = [c for c in data["checks"] if not c["ok"] and c["required"]]
    titles = ", ".join(c["title"] for c in missing)
    assert data["summary"].endswith(f"{len(missing)} tjek mangler ({titles})")
    assert not any(c["id"] in data["summary"] for c in missing if c["id"] != c["title"])


def test_github_annotations_point_at_the_line_of_the_first_unmet_criterion(unready_product, suppliers, capsys):
    main(["check", str(unready_product), "--suppliers", suppliers, "--format", "json"])
    level = next(c for c in json.loads(capsys.readouterr().out)["checks"] if c["id"] == "governance_level")
    first = level["details"]["blocking"][0]
    report = (unready_product / REPORT).read_text(encoding="utf-8").splitlines()
    expected = next(n for n, line in enumerate(report, 1) if [c.strip() for c in line.split("|")[2:3]] == [first])
    assert level["line"] == expected
    main(["check", str(unready_product), "--suppliers", suppliers, "--format", "github"])
    annotations = capsys.readouterr().out.splitlines()
    assert f"::error file={REPORT},line={expected},title=Produktniveau (governance_level)::" in "\n".join(annotations)


def test_a_repaired_or_unreadable_report_row_is_annotated_at_its_line(tmp_path, suppliers, capsys):
    files = product_files(2)
    lines = files[REPORT].splitlines()
    row = next(n for n, line in enumerate(lines) if [c.strip() for c in line.split("|")[2:3]] == ["F2"])
    lines[row] = lines[row] + " ekstra |"          # a row with an extra pipe
    files[REPORT] = "\n".join(lines) + "\n"
    folder = write_product(tmp_path / "os2skaev", files)
    main(["check", str(folder), "--suppliers", suppliers, "--format", "json"])
    report = next(c for c in json.loads(capsys.readouterr().out)["checks"] if c["id"] == "governance_report")
    found = [p["line"] for p in report["details"]["problems"] + report["details"].get("repairs", []) if p["line"]]
    assert report["status"] == "warn" and report["line"] == row + 1 and min(found) == row + 1
    main(["check", str(folder), "--suppliers", suppliers, "--format", "github"])
    assert f"::warning file={REPORT},line={row + 1},title=Governancerapport" in capsys.readouterr().out
