"""A CheckRun as text (rich), JSON, Markdown or GitHub Actions annotations: data in, text out."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from bot.checks.config import ChecksConfig, load_config
from bot.checks.engine import CheckRun
from bot.checks.model import CheckResult, Status
from bot.governance import LEVEL_NAMES

JSON_SCHEMA_VERSION = 1
SYMBOLS = {
    Status.PASS: "✅",
    Status.WARN: "⚠️",
    Status.FAIL: "❌",
    Status.NOT_CONFIGURED: "⚙️",
    Status.NOT_APPLICABLE: "➖",
}
STYLES = {
    Status.PASS: "green",
    Status.WARN: "yellow",
    Status.FAIL: "bold red",
    Status.NOT_CONFIGURED: "magenta",
    Status.NOT_APPLICABLE: "dim",
}


def _level(level: int | None, config: ChecksConfig) -> str:
    return config.texts["no_level"] if level is None else LEVEL_NAMES.get(level, str(level))


def summary(run: CheckRun, config: ChecksConfig | None = None) -> str:
    """'Opnået niveau: 1 · Mål: niveau 2 (valgt) · Ikke klar til niveau 2: 2 tjek mangler (Licens, ...)'"""
    config = config or load_config()
    texts = config.texts
    target = _level(run.target_level, config)
    if run.ready:
        verdict = texts["ready"].format(target=target)
    else:
        missing = [title(r.check, config) for r in run.missing]
        verdict = texts["not_ready"].format(target=target, count=len(missing), checks=", ".join(missing))
    return texts["summary"].format(
        achieved=_level(run.achieved_level, config),
        target=target,
        target_source=texts["target_sources"].get(run.target_source, run.target_source),
        verdict=verdict,
    )


def title(check: str, config: ChecksConfig) -> str:
    """A check's Danish title (config/checks.yaml), its id only when the config has none."""
    spec = config.checks.get(check)
    return spec.title if spec else check


def _title(run: CheckRun, config: ChecksConfig) -> str:
    name = run.snapshot.full_name if run.snapshot else "?"
    return config.texts["title"].format(repository=name)


def to_dict(run: CheckRun, config: ChecksConfig | None = None) -> dict[str, Any]:
    """The stable JSON shape documented in docs/checks.md (schema_version 1)."""
    config = config or load_config()
    snapshot = run.snapshot
    counts = {s.value: 0 for s in Status}
    for r in run.results:
        counts[r.status.value] += 1
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "repository": {
            "name": snapshot.name if snapshot else None,
            "owner": snapshot.owner if snapshot else None,
            "full_name": snapshot.full_name if snapshot else None,
            "source": snapshot.source if snapshot else None,
        },
        "target_level": run.target_level,
        "target_level_name": _level(run.target_level, config),
        "target_source": run.target_source,
        "achieved_level": run.achieved_level,
        "achieved_level_name": None if run.achieved_level is None else _level(run.achieved_level, config),
        "ready": run.ready,
        "summary": summary(run, config),
        "counts": counts,
        "report": {
            "path": run.report_path,
            "template_version": run.report.template_version if run.report else None,
            "draft": run.report.draft if run.report else None,
            "criteria": len(run.report.criteria) if run.report else 0,
        },
        "checks": [_check_dict(r, config) for r in run.results],
    }


def _check_dict(result: CheckResult, config: ChecksConfig) -> dict[str, Any]:
    spec = config.checks.get(result.check)
    return {
        "id": result.check,
        "title": title(result.check, config),
        "status": result.status.value,
        "ok": result.ok,
        "message": result.message,
        "hint": result.hint,
        "path": result.path,
        "line": result.line,
        "requirements": list(result.requirements),
        "applies_from": spec.level if spec else None,
        "required": spec.required if spec else True,
        "details": result.details,
    }


def to_json(run: CheckRun, config: ChecksConfig | None = None) -> str:
    return json.dumps(to_dict(run, config), ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n"


def to_rich(run: CheckRun, config: ChecksConfig | None = None) -> Group:
    config = config or load_config()
    texts = config.texts
    # every cell wraps, none is cut: a word wider than its column is folded onto the next line
    table = Table(title=_title(run, config), show_lines=True, expand=True)
    table.add_column(texts.get("column_status", "Status"), overflow="fold")
    table.add_column(texts.get("column_check", "Tjek"), overflow="fold")
    table.add_column(texts.get("column_requirements", "Krav"), overflow="fold")
    table.add_column(texts.get("column_message", "Resultat"), ratio=1, overflow="fold")
    for r in run.results:
        status = Text(f"{SYMBOLS[r.status]} {config.statuses[r.status.value]}", style=STYLES[r.status])
        body = Text(r.message)
        if r.hint:
            body.append(f"\n{texts.get('hint_prefix', '→')} {r.hint}", style="italic")
        table.add_row(status, Text(title(r.check, config)), Text(", ".join(r.requirements)), body)
    line = Text(summary(run, config), style="bold green" if run.ready else "bold red")
    return Group(table, line)


def to_markdown(run: CheckRun, config: ChecksConfig | None = None) -> str:
    config = config or load_config()
    texts = config.texts
    lines = [
        f"### {_title(run, config)}",
        "",
        f"**{summary(run, config)}**",
        "",
        f"| {texts.get('column_status', 'Status')} | {texts.get('column_check', 'Tjek')} "
        f"| {texts.get('column_requirements', 'Krav')} | {texts.get('column_message', 'Resultat')} |",
        "| --- | --- | --- | --- |",
    ]
    for r in run.results:
        message = _md_cell(r.message)
        if r.hint:
            message += f"<br>*{_md_cell(texts.get('hint_prefix', '→'))} {_md_cell(r.hint)}*"
        lines.append(
            f"| {SYMBOLS[r.status]} {config.statuses[r.status.value]} | {_md_cell(title(r.check, config))}"
            f" | {', '.join(r.requirements)} | {message} |"
        )
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def to_github(run: CheckRun, config: ChecksConfig | None = None) -> str:
    """GitHub Actions workflow commands: ::error/::warning/::notice, one per result that is not a pass,
    with the file (and the line, when the check knows it) so GitHub shows it there."""
    config = config or load_config()
    kinds = {Status.FAIL: "error", Status.WARN: "warning", Status.NOT_CONFIGURED: "notice"}
    lines = []
    for r in run.results:
        kind = kinds.get(r.status)
        if kind is None:
            continue
        props = []
        if r.path:
            props.append(f"file={_escape_property(r.path)}")
            if r.line:
                props.append(f"line={r.line}")
        props.append(f"title={_escape_property(f'{title(r.check, config)} ({r.check})')}")
        message = r.message + (f"\n{config.texts.get('hint_prefix', '→')} {r.hint}" if r.hint else "")
        lines.append(f"::{kind} {','.join(props)}::{_escape_data(message)}")
    kind = "notice" if run.ready else "error"
    lines.append(f"::{kind} title=os2bot check::{_escape_data(summary(run, config))}")
    return "\n".join(lines) + "\n"
