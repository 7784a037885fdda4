"""Run the readiness checks over real OS2 repositories and say which verdicts are right.

Issue 11 asks for `os2bot check` to be tried on real OS2 product repositories and real
governance reports, and for a table of the verdicts with, per verdict, whether it is
right by reading the files. This script makes that table from two inputs, and nothing
from the network:

- snapshot folders: trees of public repositories at a known commit (kept outside the
  repository, e.g. /work/snapshots/<owner>+<name>/, see that folder's INDEX.md);
- a truth file (docs/checks-truth.yaml): per repository its commit and folder, and per
  check what a person who read the files says the verdict should be, with why.

It runs the same engine as `os2bot check PATH` (default configuration, default target
level), compares each verdict with the truth file and prints Markdown. Re-run it after
the checks change: the right/wrong column shows which verdicts are now right.

    python scripts/check_survey.py [--root DIR] [--truth FILE] [--update docs/checks.md] [DIR ...]

Folders given on the command line are checked too (without expectations unless the
truth file names the same folder).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.checks import load_config, run_checks  # noqa: E402
from bot.checks.model import Status  # noqa: E402
from bot.local_snapshot import snapshot_from_folder  # noqa: E402

DEFAULT_TRUTH = ROOT / "docs" / "checks-truth.yaml"
DEFAULT_ROOT = Path("/work/snapshots")
BEGIN, END = "<!-- check-survey:begin -->", "<!-- check-survey:end -->"

# A truth entry's `status` is statuses, or "ok"/"not_ok": whether the verdict lets the
# product be ready (CheckResult.ok), whatever status a later change gives it.
GROUPS = ("ok", "not_ok")
SYMBOLS = {Status.FAIL: "✘", Status.WARN: "⚠", Status.NOT_CONFIGURED: "?"}


class TruthError(Exception):
    """The truth file is not as described in docs/checks.md; the message names the entry."""


@dataclass(frozen=True)
class Expectation:
    check: str
    statuses: frozenset[str]         # Status values, or "ok" / "not_ok"
    why: str = ""
    wrong_class: str = ""            # the issue-11 class a wrong verdict belongs to
    details: tuple[tuple[str, tuple], ...] = ()   # details[key] must be one of the values
    paths: tuple[str, ...] = ()      # the file the verdict names must be one of these
    says: tuple[str, ...] = ()       # message must contain each
    not_says: tuple[str, ...] = ()   # message must contain none

    def mismatch(self, result) -> str:
        """Why `result` is not the verdict expected; empty when it is."""
        status = result.status.value
        group = "ok" if result.ok else "not_ok"
        if status not in self.statuses and group not in self.statuses:
            return f"is {status}, should be {'/'.join(sorted(self.statuses))}"
        for key, values in self.details:
            if result.details.get(key) not in values:
                return f"{key} is {result.details.get(key)!r}, should be {' or '.join(map(str, values))}"
        if self.paths and result.path not in self.paths:
            return f"names {result.path!r} as evidence, should be {' or '.join(self.paths)}"
        text = f"{result.message} {result.hint}"
        for word in self.says:
            if word not in text:
                return f"does not say {word!r}"
        for word in self.not_says:
            if word in text:
                return f"says {word!r}"
        return ""


@dataclass(frozen=True)
class Entry:
    label: str                       # "owner/name" or "owner/name + report"
    commit: str
    folder: Path | None              # None: the report alone, in an otherwise empty snapshot
    report: Path | None = None       # a governance report to place in the snapshot
    report_as: str = "GOVERNANCE_REPORT.md"
    report_origin: str = ""
    achieved: object = "unjudged"    # expected achieved level (int or None) or "unjudged"
    target: object = "unjudged"      # expected target level (int) or "unjudged"
    level_class: str = ""            # the issue-11 class a wrong level belongs to
    expectations: tuple[Expectation, ...] = ()
    note: str = ""


@dataclass
class Row:
    entry: Entry
    target: str = ""
    achieved: str = ""
    flagged: list[str] = field(default_factory=list)
    wrong: list[tuple[str, str, str, str]] = field(default_factory=list)  # (title, class, problem, why)
    judged: int = 0
    error: str = ""


def _statuses(value, where: str) -> frozenset[str]:
    names = value if isinstance(value, list) else [value]
    valid = {s.value for s in Status} | set(GROUPS)
    for name in names:
        if name not in valid:
            raise TruthError(f"{where}: ukendt status {name!r}")
    if not names or names == [None]:
        raise TruthError(f"{where}: status mangler")
    return frozenset(names)


def _strings(value) -> tuple[str, ...]:
    return tuple(str(v) for v in (value if isinstance(value, list) else [value] if value else []))


def _expectation(check: str, spec, where: str) -> Expectation:
    spec = spec if isinstance(spec, dict) else {"status": spec}
    details = spec.get("details") or {}
    if not isinstance(details, dict):
        raise TruthError(f"{where}: 'details' skal være en tabel")
    return Expectation(
        check, _statuses(spec.get("status"), where), str(spec.get("why", "")), str(spec.get("class", "")),
        details=tuple((k, tuple(v if isinstance(v, list) else [v])) for k, v in details.items()),
        paths=_strings(spec.get("path")), says=_strings(spec.get("says")), not_says=_strings(spec.get("not_says")),
    )


def load_truth(path: Path, root: Path, known_checks: set[str]) -> list[Entry]:
    """Entries of the truth file, folders resolved against `root`."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise TruthError(f"{path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("entries", []), list):
        raise TruthError(f"{path}: forventer en liste under 'entries'")
    entries = []
    for i, raw in enumerate(data.get("entries") or []):
        where = f"{path.name}: entries[{i}]"
        if not isinstance(raw, dict) or not raw.get("repo") or not raw.get("commit"):
            raise TruthError(f"{where}: 'repo' og 'commit' skal være udfyldt")
        expectations = []
        for check, spec in (raw.get("expect") or {}).items():
            if check not in known_checks:
                raise TruthError(f"{where}: ukendt tjek {check!r}")
            expectations.append(_expectation(check, spec, f"{where}.{check}"))
        folder = raw.get("folder")
        report = raw.get("report") or {}
        label = raw["repo"] + (f" + {Path(report['file']).name}" if report.get("file") else "")
        entries.append(Entry(
            label=raw.get("label", label),
            commit=str(raw["commit"]),
            folder=(root / folder) if folder else None,
            report=(root / report["file"]) if report.get("file") else None,
            report_as=report.get("as", "GOVERNANCE_REPORT.md"),
            report_origin=str(report.get("origin", "")),
            achieved=raw["achieved_level"] if "achieved_level" in raw else "unjudged",
            target=raw["target_level"] if "target_level" in raw else "unjudged",
            level_class=str(raw.get("level_class", "")),
            expectations=tuple(expectations),
            note=str(raw.get("note", "")),
        ))
    return entries


def _snapshot(entry: Entry):
    if entry.folder is not None:
        snapshot = snapshot_from_folder(entry.folder)
        snapshot = replace(snapshot, name=entry.label.split(" + ")[0])
    else:
        from bot.snapshot import Snapshot
        snapshot = Snapshot(name=entry.label)
    if entry.report is not None:
        text = entry.report.read_text(encoding="utf-8")
        snapshot = replace(snapshot, paths=tuple(dict.fromkeys((*snapshot.paths, entry.report_as))),
                           files={**snapshot.files, entry.report_as: text})
    return snapshot


def survey(entries: list[Entry], config=None) -> list[Row]:
    """Check every entry and compare with its expectations."""
    from bot.governance import LEVEL_NAMES

    config = config or load_config()
    rows = []
    for entry in entries:
        row = Row(entry)
        rows.append(row)
        missing = [p for p in (entry.folder, entry.report) if p is not None and not p.exists()]
        if missing:
            row.error = f"snapshot mangler: {missing[0]}"
            continue
        run = run_checks(_snapshot(entry), config=config)
        name = lambda level: "—" if level is None else LEVEL_NAMES.get(level, str(level))  # noqa: E731
        row.target = f"{name(run.target_level)} ({run.target_source})"
        row.achieved = name(run.achieved_level)
        for label, expected, actual in (("Opnået niveau", entry.achieved, run.achieved_level),
                                        ("Målniveau", entry.target, run.target_level)):
            if expected == "unjudged":
                continue
            row.judged += 1
            if actual != expected:
                row.wrong.append((label, entry.level_class, f"is {name(actual)}, should be {name(expected)}", ""))
        titles = {cid: spec.title for cid, spec in config.checks.items()}
        for result in run.results:
            if result.status in SYMBOLS:
                row.flagged.append(f"{SYMBOLS[result.status]} {titles.get(result.check, result.check)}")
        for exp in entry.expectations:
            result = run.get(exp.check)
            if result is None:
                continue
            row.judged += 1
            problem = exp.mismatch(result)
            if problem:
                row.wrong.append((titles.get(exp.check, exp.check), exp.wrong_class, problem, exp.why))
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(rows: list[Row]) -> str:
    """The Markdown section: one table, then the wrong verdicts grouped by class."""
    lines = [
        "| repository | commit | target (source) | achieved | not met (✘), warnings (⚠), unconfigured (?) "
        "| verdicts right? |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        e = row.entry
        if row.error:
            lines.append(f"| {_cell(e.label)} | `{e.commit[:10]}` | | | {_cell(row.error)} | |")
            continue
        right = row.judged - len(row.wrong)
        if not row.judged:
            verdict = "not judged"
        elif not row.wrong:
            verdict = f"right ({right}/{row.judged})"
        else:
            verdict = f"**wrong: {', '.join(w[0] for w in row.wrong)}** ({right}/{row.judged} right)"
        if e.note:
            verdict += f" — {e.note}"
        lines.append(f"| {_cell(e.label)} | `{e.commit[:10]}` | {row.target} | {_cell(row.achieved)} "
                     f"| {_cell(', '.join(row.flagged) or '—')} | {_cell(verdict)} |")
    # one line per class, check, problem and reason, naming every repository it hits
    by_class: dict[str, dict[tuple[str, str, str], list[str]]] = {}
    for row in rows:
        for title, cls, problem, why in row.wrong:
            by_class.setdefault(cls or "unclassified", {}).setdefault((title, problem, why), []).append(row.entry.label)
    lines.append("")
    if by_class:
        lines.append("Wrong verdicts by class:")
        lines.append("")
        for cls in sorted(by_class):
            lines.append(f"- **{cls}**")
            for (title, problem, why), labels in by_class[cls].items():
                reason = f" ({why})" if why else ""
                lines.append(f"  - {_cell(', '.join(labels))} — {title}: {_cell(problem)}{_cell(reason)}")
    else:
        lines.append("No wrong verdicts among the judged ones.")
    total = sum(r.judged for r in rows)
    wrong = sum(len(r.wrong) for r in rows)
    lines += ["", f"{total - wrong} of {total} judged verdicts right, {wrong} wrong, "
                  f"over {sum(1 for r in rows if not r.error)} checked entries."]
    return "\n".join(lines) + "\n"


def update(doc: Path, table: str) -> None:
    """Replace the text between the survey markers in `doc` (markers must exist)."""
    text = doc.read_text(encoding="utf-8")
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise TruthError(f"{doc}: markørerne {BEGIN} og {END} mangler")
    doc.write_text(text[: start + len(BEGIN)] + "\n" + table + text[end:], encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", type=Path, help="extra snapshot folders to check")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="where the truth file's folders are")
    parser.add_argument("--truth", type=Path, default=DEFAULT_TRUTH)
    parser.add_argument("--update", type=Path, metavar="DOC", help="write the table between the markers in DOC")
    args = parser.parse_args(argv)
    config = load_config()
    try:
        entries = load_truth(args.truth, args.root, set(config.checks)) if args.truth.exists() else []
        known = {e.folder.resolve() for e in entries if e.folder is not None and e.report is None}
        for folder in args.folders:
            if folder.resolve() not in known:
                entries.append(Entry(label=folder.resolve().name.replace("+", "/"), commit="?", folder=folder))
        table = render(survey(entries, config))
        if args.update:
            update(args.update, table)
        else:
            sys.stdout.write(table)
    except TruthError as exc:
        print(f"check_survey: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
