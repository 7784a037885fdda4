"""Run every configured check on one snapshot: the engine the bot and `os2bot check` share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from bot.checks.config import ChecksConfig, load_config
from bot.checks.context import Context, Evidence
from bot.checks.model import CheckResult, Status
from bot.checks.registry import CHECKS, validate_against_code
from bot.checks.target_level import stated_target
from bot.governance import LEVEL_NAMES, Report, achieved_level, find_report_paths, parse_report
from bot.snapshot import Snapshot


@dataclass(frozen=True)
class CheckRun:
    results: tuple[CheckResult, ...]
    report: Report | None
    report_path: str | None
    achieved_level: int | None
    target_level: int
    target_source: str            # "argument" | "report" | "default"
    ready: bool
    snapshot: Snapshot | None = None
    by_id: dict[str, CheckResult] = field(default_factory=dict, compare=False, repr=False)

    def __getitem__(self, check: str) -> CheckResult:
        return self.by_id[check]

    def get(self, check: str) -> CheckResult | None:
        return self.by_id.get(check)

    @property
    def missing(self) -> tuple[CheckResult, ...]:
        """Results that keep the product from being ready at the target level."""
        return tuple(r for r in self.results if not r.ok)


def _find_report(snapshot: Snapshot) -> tuple[str | None, str | None]:
    candidates = find_report_paths(dict.fromkeys((*snapshot.paths, *snapshot.files)))
    for path in candidates:
        if path in snapshot.files:
            return path, snapshot.files[path]
    return (candidates[0], None) if candidates else (None, None)


def _at_level(result: CheckResult, spec, target: int, config: ChecksConfig) -> CheckResult:
    details = {"applies_from": spec.level, "required": spec.required, **result.details}
    if target < spec.level:
        message = config.not_applicable.format(
            applies_from=LEVEL_NAMES.get(spec.level, spec.level), target=LEVEL_NAMES.get(target, target)
        )
        return replace(result, status=Status.NOT_APPLICABLE, message=message, hint="",
                       details={**details, "raw_status": result.status.value})
    if not spec.required and result.status is Status.FAIL:
        # A recommendation never blocks; its message still says what is wrong.
        return replace(result, status=Status.WARN, details={**details, "raw_status": result.status.value})
    return replace(result, details=details)


def run_checks(
    snapshot: Snapshot,
    *,
    level: int | None = None,
    config: ChecksConfig | None = None,
    today: dt.date | None = None,
    follows_approval: frozenset[str] = frozenset(),
) -> CheckRun:
    """All configured checks on one snapshot, judged at `level`.

    `follows_approval`: report criteria (G5 "Bestyrelsen har godkendt produktet", G6 "Der er
    nedsat en styregruppe" …) that only the board's approval and the organisation after it
    can meet; the onboarding issue does not hold them against step 1 (its own decision and
    step 2's lines record them).

    Without `level`, the target is the level the governance report says it aims
    at ('Ønsket niveau: 2', 'har en målsætning om … Niveau 2'), else config's default_level (1).
    """
    config = config or load_config()
    validate_against_code(config)  # cheap; a hand-made config is checked too
    report_path, report_text = _find_report(snapshot)
    report = parse_report(report_text, report_path) if report_text is not None else None
    achieved = achieved_level(report) if report is not None else None
    if level is not None:
        target, source = level, "argument"
    else:
        stated = stated_target(
            report_text, (report.extra.get("front_matter") if report else None), config.target_level_keys,
            config.target_level_phrases,
        ) if report_text else None
        target, source = (stated, "report") if stated is not None else (config.default_level, "default")

    context = Context(
        target=target, config=config, evidence=Evidence(snapshot), report=report,
        report_path=report_path, report_text=report_text, today=today or dt.date.today(),
        follows_approval=follows_approval,
    )
    ordered = list(config.checks)
    late = [c for c in ordered if getattr(CHECKS[c], "USES_RESULTS", False)]
    for check_id in [c for c in ordered if c not in late] + late:
        context.results[check_id] = CHECKS[check_id].check(snapshot, context)
    results = tuple(_at_level(context.results[c], config.checks[c], target, config) for c in ordered)
    by_id = {r.check: r for r in results}
    return CheckRun(
        results=results, report=report, report_path=report_path, achieved_level=achieved,
        target_level=target, target_source=source, ready=all(r.ok for r in results),
        snapshot=snapshot, by_id=by_id,
    )
