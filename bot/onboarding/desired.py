"""The onboarding issue as it should be, computed from the process, checks and state.

reconcile(repo) = read snapshot + issue -> run checks -> compute_desired -> apply the
difference. This module is the pure middle: same inputs, same issue, byte for byte.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from typing import Mapping
from urllib.parse import quote

from bot.checks.model import CheckResult, Status
from bot.commands import load_registry
from bot.onboarding.checklist import render_body
from bot.onboarding.config import Item, OrgSettings, Process
from bot.onboarding.escape import escape_inline
from bot.onboarding.access import approved, load_access_config
from bot.onboarding.model import (
    AccessView,
    DecisionView,
    DesiredIssue,
    IssueMeta,
    IssueView,
    ItemView,
    RepoFacts,
    State,
    StepView,
    latest_decision,
)
from bot.onboarding.state_block import MARKER, Seal, encode


def target_level(check_results: Mapping[str, CheckResult]) -> int | None:
    """The level the governance check judged against (details["target_level"])."""
    result = check_results.get("governance_level")
    if result is None:
        return None
    for key in ("target_level", "level"):
        value = result.details.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 3:
            return value
    return None


def board_review_status(state: State) -> str | None:
    """Where the board's review stands: "requested", "returned", "approved" or None (never asked).

    The latest of a request and the board's answer wins, so a returned concept can be sent
    to review again and a new request after a return waits for a new answer."""
    for d in reversed(state.decisions):
        if d.kind == "board_review" and d.value == "requested":
            return "requested"
        if d.kind == "board_approval":
            return "approved" if d.value == "approved" else "returned"
    return None


def compute_view(
    process: Process,
    repo: RepoFacts,
    check_results: Mapping[str, CheckResult],
    state: State,
    lang: str,
    *,
    target: int | None = None,
) -> IssueView:
    """Per-item and per-step status for the product's level; what tests assert on."""
    if state.level is not None:
        level, source = state.level, "decision"
    else:
        level = target if target is not None else target_level(check_results)
        source = "target" if level is not None else None

    steps: list[StepView] = []
    current: int | None = None
    for step in process.steps:
        items = tuple(
            _item_view(process, item, repo, check_results, state, lang)
            for item in step.items
            if item.applies_to(level)
        )
        # steps are done in order: a later step whose lines are all met waits for its turn
        # (its lines show as met, the step is not called done while an earlier one is open)
        met = all(i.done for i in items if not i.recommended)
        waiting = current is not None
        is_current = not met and not waiting
        if is_current:
            current = step.number
        steps.append(StepView(step.number, step.key, step.title.get(lang), items,
                              done=met and not waiting, current=is_current, met=met))

    all_done = current is None
    return IssueView(
        repo=repo,
        lang=lang,
        title=process.text("title", lang).format(repo=repo.name),
        level=level,
        level_name=process.level_value(level, lang) if level is not None else None,
        level_source=source,
        steps=tuple(steps),
        current_step=current,
        done=all_done,
        regression=state.meta.onboarded_at is not None and not all_done,
        decisions=tuple(_decision_view(process, d, lang) for d in state.decisions),
        closing=process.text("closing", lang),
        access=_access_views(state, lang, check_results.get("jira_project")),
    )


def _access_views(state: State, lang: str, jira: CheckResult | None = None) -> tuple[AccessView, ...]:
    config = load_access_config()
    due = approved(state)
    done = None if jira is None else jira.ok
    rows = []
    for a in state.access:
        role = config.roles.get(a.role)
        rows.append(AccessView(login=a.login, role=(role.name.get(lang) if role else a.role),
                               github=role.github_permission if role else "–", jira=role.jira_role if role else "–",
                               email=a.email, approved=due, provisioned=done if due else None))
    return tuple(rows)


def compute_desired(
    process: Process,
    org_settings: OrgSettings | None,
    repo: RepoFacts,
    check_results: Mapping[str, CheckResult],
    state: State,
    lang: str | None = None,
    *,
    target: int | None = None,
    now: datetime | str | None = None,
    key: bytes | None = None,
    seal: Seal | None = None,
) -> DesiredIssue:
    """The desired issue. `now` stamps the first completion; `key` signs the state block and
    `seal` binds it to the repository, the issue and the body's serial."""
    lang = lang or (org_settings.language if org_settings else None) or process.default_language
    view = compute_view(process, repo, check_results, state, lang, target=target)

    onboarded_at = state.meta.onboarded_at
    if view.done and onboarded_at is None:
        onboarded_at = _iso(now) if now is not None else ""
    new_state = replace(
        state,
        shown={i.key: i.done for s in view.steps for i in s.items},
        meta=IssueMeta(repo=repo.full_name, language=lang, onboarded=view.done, onboarded_at=onboarded_at),
    )
    view = replace(view, marker=MARKER, state_block=encode(new_state, key, seal))

    labels = {process.labels.onboarding.name}
    if view.current_step is not None:
        labels.add(process.labels.step_name(view.current_step))
    if state.level is not None:
        labels.add(process.labels.level_name(state.level))
    if view.done:
        labels.add(process.labels.onboarded.name)
    review = board_review_status(state)
    if review == "requested":
        labels.add(process.labels.board_review.name)
    elif review == "returned":
        labels.add(process.labels.returned.name)

    return DesiredIssue(
        title=view.title,
        body=render_body(process, view, lang),
        labels=frozenset(labels),
        state="closed" if view.done else "open",
        state_reason="completed" if view.done else ("reopened" if view.regression else None),
        view=view,
        onboarding_state=new_state,
    )


def _item_view(
    process: Process,
    item: Item,
    repo: RepoFacts,
    check_results: Mapping[str, CheckResult],
    state: State,
    lang: str,
) -> ItemView:
    result = check_results.get(item.check or "") if item.kind == "check" else None
    if item.kind == "check" and item.roles and (result is None or result.awaits_people):
        item = replace(item, kind="manual")     # no check answers it here: people with the roles tick it
    base = dict(
        key=item.key,
        step=item.step,
        kind=item.kind,
        name=item.name.get(lang),
        text=item.text.get(lang),
        recommended=item.recommended,
    )
    if item.kind == "check":
        result = check_results.get(item.check or "")
        if result is None:
            pending = item.pending.get(lang) if item.pending else None
            return ItemView(**base, done=False, status="pending", reason=pending)
        link = result.details.get("url") or _file_link(repo, result.path)   # a Jira project, or a file
        # a link outside the repository (the Jira project) comes with its one-line summary
        note = result.message if (not result.ok or result.status == Status.WARN or result.details.get("url")) else None
        if result.awaits_people:                # and no one here may tick it: it waits
            return ItemView(**base, done=False, status="pending", reason=result.message or None)
        return ItemView(
            **base,
            done=result.ok,
            status="done" if result.ok else "open",
            reason=note or None,
            warn=result.ok and result.status == Status.WARN,
            hint=(result.hint or None) if not result.ok or result.status == Status.WARN else None,
            link=link,
            link_label=(result.details.get("label") or result.path) if link else None,
        )
    if item.kind == "manual":
        tick = state.ticks.get(item.key)
        done = bool(tick and tick.value)
        return ItemView(
            **base,
            done=done,
            status="done" if done else "open",
            ticked_by=tick.by if tick else None,
            ticked_at=tick.at if tick else None,
            reason=result.message if result is not None else None,   # what the bot found, for the people
            roles=item.roles,
            who=process.role_names(item.roles, lang),
        )
    kind = process.decisions[item.decision or ""]
    decision = latest_decision(state, kind.key)
    done = decision is not None and decision.value is not None and (
        kind.done_values is None or str(decision.value) in kind.done_values
    )
    return ItemView(
        **base,
        done=done,
        status="done" if done else "open",
        decided_by=decision.by if decision else None,
        decided_at=decision.at if decision else None,
        roles=kind.roles,
        who=process.role_names(kind.roles, lang),
        command=load_registry().shown(kind.command, lang),   # `/niveau` in Danish, `/level` in English
    )


def _decision_view(process: Process, decision, lang: str) -> DecisionView:
    """Config text with the (escaped) value: the value may come from a person's command."""
    kind = process.decisions.get(decision.kind)
    if kind is None:
        text = f"{escape_inline(decision.kind)}: {escape_inline(decision.value)}"
    else:
        if decision.kind == "level" and decision.value in process.levels:
            value = process.level_label(decision.value, lang)
        elif str(decision.value) in kind.values:
            value = kind.values[str(decision.value)].get(lang)
        else:
            value = escape_inline(decision.value)
        text = kind.text.get(lang).format(value=value)
    return DecisionView(text=text, by=decision.by, at=decision.at, comment_url=decision.comment_url,
                        note=decision.note)


def _file_link(repo: RepoFacts, path: str | None) -> str | None:
    if not path or not repo.html_url:
        return None
    return f"{repo.html_url.rstrip('/')}/blob/{quote(repo.default_branch or 'HEAD')}/{quote(path)}"


def _iso(now: datetime | str) -> str:
    if isinstance(now, str):
        return now
    return now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
