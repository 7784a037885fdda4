"""Missed deliveries: read the App's webhook delivery log and have GitHub redeliver what the
bot never got.

GitHub logs every attempt to deliver an event to the App's webhook and keeps the log for
three days (`GET /app/hook/deliveries`, newest first, cursor pages); it sends an attempt
again on request (`POST /app/hook/deliveries/{id}/attempts`) with the same `guid`, which is
the `X-GitHub-Delivery` id the journal keys deliveries by. Both take the App's JWT.

An event (a guid) seen in the window is asked for again only when none of these holds:
- one of its attempts got a 2xx: the bot answered, so it journaled (or deliberately ignored) it;
- the journal has it, whatever its status: the bot got it even if GitHub gave up on the answer;
- it was asked for already within the window (recorded in the store, so a restart does not
  ask twice; GitHub's redelivery keeps the guid, so asking again would only repeat it);
- the bot has no handler for its event (a redelivery would only be answered `ignored`).

Each run asks for at most `max_requests` (the oldest events first, so one repository's
events come back in their order); the rest waits for the next run. The periodic sweep
repairs what this cannot (an event older than GitHub's log, one whose redelivery failed too).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.dispatch import Routes, handlers_for
from bot.errors import PermanentError, TransientError
from bot.log import get_logger
from bot.settings import GITHUB_KEEPS_DELIVERIES, parse_duration as parse_since  # noqa: F401 (the CLI's --since)
from bot.store import Store

REDELIVERIES = "redelivery"       # store namespace: guid -> what was asked for, and when
DEFAULT_WINDOW = 24 * 3600.0      # how far back a run looks
GITHUB_KEEPS = GITHUB_KEEPS_DELIVERIES   # GitHub keeps an App's delivery log this long
MAX_REQUESTS = 100                # redelivery requests per run
MAX_PAGES = 50                    # pages of 100 read per run (the log of a busy day)
FIRST_RUN_DELAY = 5.0             # seconds after start-up: the server must be answering first
DELIVERIES_PATH = "/app/hook/deliveries"


@dataclass(frozen=True)
class Missed:
    """An event whose deliveries all failed and that the journal never saw."""

    guid: str
    delivery_id: int          # the newest attempt: the one asked to be redelivered
    event: str
    action: str | None
    status_code: int          # what the newest attempt got
    delivered_at: str
    attempts: int

    @property
    def kind(self) -> str:
        return f"{self.event}.{self.action}" if self.action else self.event


@dataclass
class Report:
    window: float
    pages: int = 0
    attempts: int = 0          # attempts read within the window
    events: int = 0            # distinct guids among them
    succeeded: int = 0         # an attempt got a 2xx
    journaled: int = 0         # the journal has the guid
    asked_before: int = 0      # asked for within the window already
    unhandled: int = 0         # no handler for the event
    asked: list[Missed] = field(default_factory=list)
    refused: list[tuple[Missed, str]] = field(default_factory=list)   # GitHub said no (404, 422 …)
    over_cap: int = 0          # left for the next run
    truncated: bool = False    # stopped reading before the window's start (MAX_PAGES)
    error: str | None = None   # what stopped the run early (GitHub trouble); the next run goes on

    def counts(self) -> dict[str, Any]:
        return {"window_hours": round(self.window / 3600, 2), "pages": self.pages, "attempts": self.attempts,
                "events": self.events, "succeeded": self.succeeded, "journaled": self.journaled,
                "asked_before": self.asked_before, "unhandled": self.unhandled, "asked": len(self.asked),
                "refused": len(self.refused), "over_cap": self.over_cap, "truncated": self.truncated,
                "error": self.error}


def _epoch(value: Any) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


async def read_log(github, since: float, report: Report, *, per_page: int = 100,
                   max_pages: int = MAX_PAGES) -> list[dict[str, Any]]:
    """The log's attempts delivered at or after `since` (epoch), newest first, following
    the cursor in the Link header until a page reaches back past `since`."""
    found: list[dict[str, Any]] = []
    params: dict[str, Any] = {"per_page": per_page}
    for _ in range(max_pages):
        items, following = await github.app_page(DELIVERIES_PATH, params=params)
        report.pages += 1
        reached_start = False
        for item in items or []:
            at = _epoch(item.get("delivered_at"))
            if at is None or at < since:
                reached_start = True
                continue
            if isinstance(item.get("guid"), str) and isinstance(item.get("id"), int):
                found.append(item)
        if reached_start or not items or following is None:
            return found
        params = following
    report.truncated = True
    return found


def _is_success(item: dict[str, Any]) -> bool:
    code = item.get("status_code")
    return isinstance(code, int) and 200 <= code < 300


async def redeliver_missed(github, store: Store, *, window: float = DEFAULT_WINDOW,
                           max_requests: int = MAX_REQUESTS, routes: Routes | None = None,
                           dry_run: bool = False, now: float | None = None, per_page: int = 100,
                           max_pages: int = MAX_PAGES) -> Report:
    """One pass over the last `window` seconds of the delivery log (see the module's doc).
    `routes`: the bot's dispatch table (None: every event counts as handled). `dry_run`:
    decide, but ask GitHub for nothing and record nothing."""
    now = time.time() if now is None else now
    since = now - window
    report = Report(window=window)
    if not dry_run:
        await asyncio.to_thread(store.forget_older, REDELIVERIES, now - GITHUB_KEEPS)
    try:
        attempts = await read_log(github, since, report, per_page=per_page, max_pages=max_pages)
    except TransientError as exc:
        report.error = str(exc)
        return report
    report.attempts = len(attempts)
    by_guid: dict[str, list[dict[str, Any]]] = {}
    for item in attempts:                       # newest first, so each list is newest first too
        by_guid.setdefault(item["guid"], []).append(item)
    report.events = len(by_guid)
    in_journal = await store.aknown_ids(list(by_guid))
    asked_before = await asyncio.to_thread(store.items, REDELIVERIES)

    missed: list[Missed] = []
    for guid, items in by_guid.items():
        newest = items[0]
        if any(_is_success(i) for i in items):
            report.succeeded += 1
        elif guid in in_journal:
            report.journaled += 1
        elif (asked_before.get(guid) or {}).get("at", 0) >= since:
            report.asked_before += 1
        elif routes is not None and not handlers_for(routes, str(newest.get("event")), newest.get("action")):
            report.unhandled += 1
        else:
            missed.append(Missed(guid=guid, delivery_id=newest["id"], event=str(newest.get("event")),
                                 action=newest.get("action"), status_code=int(newest.get("status_code") or 0),
                                 delivered_at=str(items[-1].get("delivered_at")), attempts=len(items)))
    missed.sort(key=lambda m: (m.delivered_at, m.delivery_id))     # oldest first: each repository's order

    requests = 0
    for m in missed:
        if requests >= max_requests or report.error:
            report.over_cap += 1
            continue
        if dry_run:
            requests += 1
            report.asked.append(m)
            continue
        requests += 1
        record = {"at": time.time(), "delivery_id": m.delivery_id, "event": m.kind}
        try:
            await github.app_rest("POST", f"{DELIVERIES_PATH}/{m.delivery_id}/attempts")
        except PermanentError as exc:       # gone from the log, or GitHub will not: do not ask again
            report.refused.append((m, str(exc)))
            await store.aput(REDELIVERIES, m.guid, {**record, "refused": str(exc)[:300]})
            continue
        except TransientError as exc:       # GitHub trouble: stop here, the next run goes on
            report.error = str(exc)
            report.over_cap += 1
            continue
        await store.aput(REDELIVERIES, m.guid, record)
        report.asked.append(m)
    return report


def scheduled_window(interval: float) -> float:
    """How far back a scheduled run looks: a day, or the interval if longer, within GitHub's three days."""
    return min(GITHUB_KEEPS, max(DEFAULT_WINDOW, interval))


async def redeliver_forever(github, store: Store, interval: float, routes: Routes | None, *,
                            first_delay: float = FIRST_RUN_DELAY) -> None:
    """A pass shortly after start-up, then one every `interval` seconds."""
    log = get_logger(component="redeliver")
    delay = min(first_delay, interval)
    while True:
        await asyncio.sleep(delay)
        delay = interval
        try:
            report = await redeliver_missed(github, store, window=scheduled_window(interval), routes=routes)
            _log_report(log, report)
        except asyncio.CancelledError:
            raise
        except PermanentError as exc:   # no webhook, no access: say so once per interval, not every few minutes
            log.warning("redeliver_failed", error=str(exc))
            continue
        except Exception as exc:   # the journal or something unforeseen: try again after a short while
            log.warning("redeliver_failed", error=f"{type(exc).__name__}: {exc}")
            delay = min(interval, 300)
            continue
        if report.error:
            delay = min(interval, 300)


def _log_report(log, report: Report) -> None:
    for m in report.asked:
        log.info("redelivery_requested", guid=m.guid, delivery_id=m.delivery_id, kind=m.kind,
                 status_code=m.status_code)
    for m, reason in report.refused:
        log.warning("redelivery_refused", guid=m.guid, delivery_id=m.delivery_id, kind=m.kind, error=reason)
    if report.error:
        log.warning("redeliver_interrupted", **report.counts())
    else:
        log.info("redeliver_pass", **report.counts())
