"""One portfolio record per repository, built from what reconcile just decided.

Pure: the desired issue (its view and state) and the checks' levels in, a JSON-able dict out.
Only what the onboarding issue already shows publicly goes in (no e-mails, no access list).
The field names are the API's (`GET /api/onboardings`, docs/portfolio.md): change them only
with a new SCHEMA_VERSION.
"""

from __future__ import annotations

from typing import Any, Mapping

from bot.onboarding.desired import board_review_status
from bot.onboarding.model import DesiredIssue, State

SCHEMA_VERSION = 1
NAMESPACE = "portfolio"          # store namespace: repo (lower case) -> this record
ROLES = ("secretariat", "coordinator", "board", "contributor")   # who can be waited for


def build_record(desired: DesiredIssue, *, issue_number: int, achieved_level: int | None,
                 target_level: int | None, jira: Mapping[str, Any] | None, last_activity: str | None,
                 recorded_at: str, private: bool = False) -> dict[str, Any]:
    """The record of one onboarding as its issue shows it now."""
    view, state = desired.view, desired.onboarding_state or State()
    repo = view.repo
    required = [i for s in view.steps for i in s.items if not i.recommended]
    current = next((s for s in view.steps if s.number == view.current_step), None)
    open_items = [i for i in (current.items if current else ()) if not i.recommended and not i.done]
    repo_url = repo.html_url or f"https://github.com/{repo.full_name}"
    return {
        "schema": SCHEMA_VERSION,
        "repository": repo.full_name,
        "owner": repo.owner,
        "name": repo.name,
        "product": repo.name,
        "description": repo.description or "",
        "repository_url": repo_url,
        "issue": {"number": issue_number, "url": f"{repo_url.rstrip('/')}/issues/{issue_number}"},
        "level": {"placed": state.level, "target": target_level, "achieved": achieved_level},
        "step": {"current": view.current_step, "total": len(view.steps),
                 "done": sum(1 for s in view.steps if s.done)},
        "progress": {"done": sum(1 for i in required if i.done), "total": len(required)},
        "blocking": [{"key": i.key, "name": i.name, "step": i.step} for i in open_items],
        "waiting_for": waiting_for(open_items),
        "board": board(state),
        "jira": {"key": jira.get("key"), "url": jira.get("url")} if jira and jira.get("ok") and jira.get("key") else None,
        "last_activity": last_activity or recorded_at,
        "onboarded": view.done,
        "private": bool(private),          # kept off the public page, the JSON and the badges
        "onboarded_at": state.meta.onboarded_at or None,
        "state": desired.state,
        "recorded_at": recorded_at,
    }


def waiting_for(open_items) -> list[str]:
    """Who must act next: the roles that may tick or decide an open line; a line the bot checks
    in the repository waits for the contributor (a line the bot itself still works on, none)."""
    wanted: set[str] = set()
    for item in open_items:
        if item.roles:
            wanted.update(r for r in item.roles if r in ROLES)
        elif item.kind == "check" and item.status == "open":
            wanted.add("contributor")
    return [r for r in ROLES if r in wanted]


def board(state: State) -> dict[str, Any]:
    """The board's review with its dates: the latest request, approval and tilbageløb."""
    def last(kind: str, value: str) -> str | None:
        return next((d.at for d in reversed(state.decisions) if d.kind == kind and d.value == value), None)
    return {"status": board_review_status(state), "requested_at": last("board_review", "requested"),
            "approved_at": last("board_approval", "approved"), "returned_at": last("board_approval", "rework")}
