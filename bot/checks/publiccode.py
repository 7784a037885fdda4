"""publiccode.yml (recommended): valid against the standard's schema, plus what it misses.

The schema (schemastore's publiccode.json, a copy in bot/checks/data/) does not
see that a contract needs contractors, that a contractor's agreement may have
run out, or that a Danish product should describe itself in Danish.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from bot.checks.context import Context
from bot.checks.model import CheckResult, Status
from bot.snapshot import Snapshot

ID = "publiccode"
OUTCOMES = ("pass", "advice", "invalid", "unreadable", "missing")
SCHEMA_PATH = Path(__file__).with_name("data") / "publiccode.schema.json"


@lru_cache(maxsize=1)
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def schema_errors(data: Any) -> list[str]:
    errors = sorted(validator().iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    return [f"{'.'.join(map(str, e.absolute_path)) or '(rod)'}: {_short(e)}" for e in errors]


def _short(error: Any) -> str:
    """jsonschema lists every allowed value of an enum; a person needs the wrong one and a few."""
    if error.validator == "enum" and isinstance(error.validator_value, list) and len(error.validator_value) > 6:
        shown = ", ".join(repr(v) for v in error.validator_value[:5])
        return f"{error.instance!r} is not an allowed value (e.g. {shown}, ...)"
    return error.message


def rule_errors(data: Any, today: dt.date, texts: dict[str, str]) -> list[str]:
    if not isinstance(data, dict):
        return []
    maintenance = data.get("maintenance") if isinstance(data.get("maintenance"), dict) else {}
    errors = []
    contractors = maintenance.get("contractors") or []
    if maintenance.get("type") == "contract" and not contractors:
        errors.append(texts.get("contract_without_contractors", "contract without contractors"))
    for contractor in contractors if isinstance(contractors, list) else []:
        if not isinstance(contractor, dict):
            continue
        try:
            until = dt.date.fromisoformat(str(contractor.get("until")))
        except ValueError:
            continue  # the schema reports a malformed date
        if until < today:
            errors.append(
                texts.get("contractor_expired", "{name} until {until}").format(
                    name=contractor.get("name", "?"), until=_date(until, texts)
                )
            )
    return errors


def _date(day: dt.date, texts: dict[str, str]) -> str:
    """'1. jan. 2019' with the configured pattern and month names; ISO without them."""
    months = str(texts.get("months", "")).split()
    if len(months) != 12 or "date" not in texts:
        return day.isoformat()
    return texts["date"].format(day=day.day, month=months[day.month - 1], year=day.year)


def advice(data: Any, texts: dict[str, str]) -> list[str]:
    description = data.get("description") if isinstance(data, dict) else None
    if not isinstance(description, dict) or "da" not in description:
        return [texts.get("no_danish", "no description.da")]
    return []


def check(snapshot: Snapshot, context: Context) -> CheckResult:
    found = context.evidence.publiccode
    settings = context.config.spec(ID).settings
    texts = settings.get("texts", {})
    if found.path is None:
        return context.result(ID, Status.WARN, "missing", details={"errors": [], "advice": []})
    if found.error is not None:
        return context.result(ID, Status.FAIL, "unreadable", path=found.path,
                              details={"errors": [found.error], "advice": []}, error=found.error)
    errors = schema_errors(found.data) + rule_errors(found.data, context.today, texts)
    tips = advice(found.data, texts)
    details = {"errors": errors, "advice": tips}
    if errors:
        shown = errors[: int(settings.get("max_errors", 5))]
        more = len(errors) - len(shown)
        listed = "; ".join(shown) + (f" (og {more} mere)" if more > 0 else "")
        return context.result(ID, Status.FAIL, "invalid", path=found.path, details=details, errors=listed)
    if tips:
        return context.result(ID, Status.WARN, "advice", path=found.path, details=details, advice="; ".join(tips))
    return context.result(ID, Status.PASS, "pass", path=found.path, details=details)
