"""What a slash command does to the onboarding: pure, from state to state plus an answer.

Every decision is recorded with who, when and a link to the comment (the audit trail in
the issue). A command someone may not use changes nothing and is answered with the
command quoted (so the answer can never trigger anything) and the role that may use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

from bot.commands import Command, CommandSpec, Registry
from bot.governance import parse_level
from bot.onboarding.config import Process
from bot.onboarding.desired import board_review_status
from bot.onboarding.escape import escape_inline, login as safe_login, quote_for_reply
from bot.onboarding.access import AccessRequest, load_access_config, parse_access_args
from bot.onboarding.model import Access, Decision, IssueView, State, Tick, record_decision, set_coordinators

REVIEW_STEPS = (1, 2)        # what must be done before the board is asked (seed 000, P-1.3)
_LOGIN = re.compile(r"^@?([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))$")


@dataclass(frozen=True)
class CommandContext:
    process: Process
    registry: Registry
    view_of: Callable[[State], IssueView]   # the checklist for a state (what /request-board-review reads)
    actor: str
    roles: frozenset[str]
    at: str
    comment_url: str | None
    lang: str
    board_mention: str                       # "@org/team" of the board, pinged on a review request
    jira_configured: bool = False


@dataclass(frozen=True)
class Answer:
    state: State
    ok: bool
    reply: str | None
    recheck: bool = False


def allowed(spec: CommandSpec, roles: frozenset[str]) -> bool:
    return "anyone" in spec.roles or bool(set(spec.roles) & roles)


def role_label(ctx: CommandContext, role: str) -> str:
    if role in ctx.process.roles:
        return ctx.process.role_names([role], ctx.lang)
    names = ctx.registry.role_names.get(role, {})
    return names.get(ctx.lang) or names.get("da") or role


def roles_text(ctx: CommandContext, roles: tuple[str, ...]) -> str:
    """'A', 'A eller B', 'A, B eller C'."""
    labels = [role_label(ctx, r) for r in roles]
    if len(labels) < 2:
        return "".join(labels)
    return ", ".join(labels[:-1]) + f" {ctx.process.text('or', ctx.lang)} " + labels[-1]


def answer(state: State, command: Command, spec: CommandSpec, ctx: CommandContext) -> Answer:
    """The effect of one known command by `ctx.actor`."""
    if not allowed(spec, ctx.roles):
        text = ctx.registry.text("denied", ctx.lang, roles=roles_text(ctx, spec.roles), command=f"/{command.name}")   # as typed
        return Answer(state, False, f"{quote_for_reply(command.text)}\n\n{text}")
    return EFFECTS[spec.name](state, command, ctx)


def _decide(state: State, kind: str, value, ctx: CommandContext, note: str | None = None) -> State:
    return record_decision(state, Decision(kind=kind, value=value, by=ctx.actor, at=ctx.at,
                                           comment_url=ctx.comment_url, note=note))


def _text(ctx: CommandContext, key: str, **values) -> str:
    return ctx.registry.text(key, ctx.lang, **values)


def _usage(command: Command, ctx: CommandContext, spec_name: str) -> Answer:
    spec = ctx.registry.find(spec_name)
    return Answer(State(), False, f"{quote_for_reply(command.text)}\n\n{_text(ctx, 'usage', usage=spec.usage_in(ctx.lang))}")


# ---- the commands ---------------------------------------------------------------------------
def _help(state: State, command: Command, ctx: CommandContext) -> Answer:
    return Answer(state, True, ctx.registry.help(ctx.lang, lambda r: role_label(ctx, r)))


def _recheck(state: State, command: Command, ctx: CommandContext) -> Answer:
    return Answer(state, True, None, recheck=True)


def _level(state: State, command: Command, ctx: CommandContext) -> Answer:
    level = parse_level(command.args) if command.args else None
    if level is None:
        return replace(_usage(command, ctx, "level"), state=state)
    state = _decide(state, "level", level, ctx)
    return Answer(state, True, _text(ctx, "level_set", level=ctx.process.level_label(level, ctx.lang)))


def _approve_match(state: State, command: Command, ctx: CommandContext) -> Answer:
    state = _decide(state, "match_approval", "approved", ctx)
    # the command is the secretariat's tick on "match judged", with the audit trail a tick lacks
    item = next((i for i in ctx.process.items if i.kind == "manual" and "P-1.1" in i.requirements), None)
    if item is not None:
        state = replace(state, ticks={**state.ticks, item.key: Tick(value=True, by=ctx.actor, at=ctx.at)})
    return Answer(state, True, _text(ctx, "match_approved"))


def _coordinator(state: State, command: Command, ctx: CommandContext) -> Answer:
    parts = command.args.split()
    match = _LOGIN.match(parts[1]) if len(parts) == 2 else None
    if not match or parts[0].lower() not in ("add", "remove", "tilføj", "tilfoej", "fjern"):
        return replace(_usage(command, ctx, "coordinator"), state=state)
    who = match.group(1)
    shown = safe_login(who)
    current = list(state.coordinators)
    if parts[0].lower() in ("add", "tilføj", "tilfoej"):
        if who.lower() not in {c.lower() for c in current}:
            state = set_coordinators(state, tuple(current + [who]))
            state = _decide(state, "coordinator_added", who, ctx)
        return Answer(state, True, _text(ctx, "coordinator_added", login=shown))
    if who.lower() not in {c.lower() for c in current}:
        return Answer(state, False, _text(ctx, "coordinator_unknown", login=shown))
    state = set_coordinators(state, tuple(c for c in current if c.lower() != who.lower()))
    state = _decide(state, "coordinator_removed", who, ctx)
    return Answer(state, True, _text(ctx, "coordinator_removed", login=shown))


def _request_board_review(state: State, command: Command, ctx: CommandContext) -> Answer:
    if state.level not in (2, 3):
        level = ctx.process.level_label(state.level, ctx.lang) if state.level is not None else "–"
        return Answer(state, False, _text(ctx, "review_wrong_level", level=level))
    if board_review_status(state) == "requested":
        return Answer(state, True, _text(ctx, "review_already"))
    view = ctx.view_of(state)
    board_items = {i.key for i in ctx.process.items if i.kind == "decision" and i.decision == "board_approval"}
    missing = [item for step in view.steps if step.number in REVIEW_STEPS for item in step.items
               if not item.done and not item.recommended and item.key not in board_items]
    if missing:
        listed = "\n".join(f"- {item.name}" for item in missing)
        return Answer(state, False, _text(ctx, "review_missing", missing=listed))
    state = _decide(state, "board_review", "requested", ctx)
    return Answer(state, True, _text(ctx, "review_requested", board=ctx.board_mention, level=state.level))


def _approve(state: State, command: Command, ctx: CommandContext) -> Answer:
    if board_review_status(state) != "requested":
        return Answer(state, False, _text(ctx, "no_review_requested"))
    return Answer(_decide(state, "board_approval", "approved", ctx), True, _text(ctx, "approved"))


def _return(state: State, command: Command, ctx: CommandContext) -> Answer:
    if not command.args:
        return Answer(state, False, f"{quote_for_reply(command.text)}\n\n{_text(ctx, 'return_needs_reason')}")
    if board_review_status(state) != "requested":
        return Answer(state, False, _text(ctx, "no_review_requested"))
    state = _decide(state, "board_approval", "rework", ctx, note=command.args[:1000])
    return Answer(state, True, _text(ctx, "returned"))


def _access(state: State, command: Command, ctx: CommandContext) -> Answer:
    """`/adgang add @login [rolle] [e-mail]`, `/adgang remove @login`: who gets access once the
    product is approved; recorded as a decision (the audit trail) and in the access list."""
    config = load_access_config()
    request = parse_access_args(command.args, config)
    if request == "unknown_role":
        return Answer(state, False, f"{quote_for_reply(command.text)}\n\n"
                                    + _text(ctx, "access_unknown_role", roles=config.names(ctx.lang)))
    if not isinstance(request, AccessRequest):
        return replace(_usage(command, ctx, "adgang"), state=state)
    shown = safe_login(request.login)
    current = {a.login.lower(): a for a in state.access}
    if request.action == "remove":
        if request.login.lower() not in current:
            return Answer(state, False, _text(ctx, "access_unknown", login=shown))
        state = replace(state, access=tuple(a for a in state.access if a.login.lower() != request.login.lower()))
        state = _decide(state, "access_removed", request.login, ctx)
        return Answer(state, True, _text(ctx, "access_removed", login=shown))
    role = config.roles[request.role]
    before = current.get(request.login.lower())
    email = request.email or (before.email if before else None)
    entry = Access(login=request.login, role=role.key, email=email, by=ctx.actor, at=ctx.at)
    if before is not None and (before.role, before.email) == (entry.role, entry.email):
        return Answer(state, True, None)   # nothing new: said already
    others = tuple(a for a in state.access if a.login.lower() != request.login.lower())
    state = replace(state, access=others + (entry,))
    state = _decide(state, "access_added", f"{request.login} ({role.key})", ctx)
    email_text = f" ({escape_inline(email)})" if email else ""
    key = "access_changed" if before is not None else "access_added"
    return Answer(state, True, _text(ctx, key, login=shown, role=role.name.get(ctx.lang) or role.key, email=email_text))


def _create_jira(state: State, command: Command, ctx: CommandContext) -> Answer:
    """`/create-jira [KEY]`: provisioning runs in reconcile; a key given here wins."""
    from bot.onboarding.provision import valid_key

    replies = []
    if command.args:
        key = command.args.split()[0].upper()
        if len(command.args.split()) > 1 or not valid_key(key):
            return Answer(state, False, f"{quote_for_reply(command.text)}\n\n"
                                        + _text(ctx, "jira_key_invalid", key=escape_inline(key[:20])))
        state = _decide(state, "jira_key", key, ctx)
        replies.append(_text(ctx, "jira_key_set", key=key))
    if not ctx.jira_configured:
        replies.append(_text(ctx, "jira_not_configured"))
        return Answer(state, False, "\n\n".join(replies))
    return Answer(state, True, "\n\n".join(replies) or None, recheck=True)


EFFECTS: dict[str, Callable[[State, Command, CommandContext], Answer]] = {
    "help": _help,
    "recheck": _recheck,
    "level": _level,
    "approve-match": _approve_match,
    "coordinator": _coordinator,
    "request-board-review": _request_board_review,
    "approve": _approve,
    "return": _return,
    "adgang": _access,
    "create-jira": _create_jira,
}


def unknown(command: Command, registry: Registry, lang: str) -> str | None:
    """A reply for a `/word` close to one of ours; None (stay silent) for other bots' commands."""
    suggestion = registry.suggest(command.name, lang)
    if suggestion is None:
        return None
    return registry.text("suggest", lang, name=escape_inline(command.name), suggestion=suggestion)
