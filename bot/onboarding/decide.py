"""The pure middle of reconcile: (what was read, roles, config) -> the onboarding as it should be.

No I/O. Everything a person is owed comes out of here as data (the issue body, comments,
reactions and replies), and reconcile's apply phase only writes the difference.

Order (each step sees the result of the one before):
1. the trusted state: the newest sealed state the bot wrote for this issue (see `trusted_state`);
2. people's edits of the body since the bot's last write, each judged by its own editor(s);
3. commands in comments not yet answered, in order; a command that depends on the checks
   (`/request-board-review`) is judged against checks run at the level the state has by then;
4. the checks at the final level, and the desired issue.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

from bot.commands import Registry, parse_commands
from bot.onboarding.commands import CommandContext, answer, unknown
from bot.onboarding.config import OrgSettings, Process, actor_roles
from bot.onboarding.desired import compute_desired, compute_view
from bot.onboarding.history import History
from bot.onboarding.model import DesiredIssue, Owed, RepoFacts, State, mark_seen
from bot.onboarding.state_block import Seal, Sealed, decode_sealed
from bot.onboarding.ticks import classify_tick_changes, read_ticks
from bot.onboarding.world import IssueRecord

STATE_LOST_MARKER = "<!-- os2bot:state-lost -->"
RESTORED_MARKER = "<!-- os2bot:state-restored -->"
UNREAD_MARKER = "<!-- os2bot:comments-unread -->"
REFUSALS_PER_HOUR = 10    # refused commands answered per person an hour; past that, silence (spam is not amplified)
MAX_REPLY = 4000          # characters of one reply (GitHub refuses comments past 65,536)


def reply_marker(comment_id: int) -> str:
    """Hidden in the bot's reply to a command comment, so a reply is never given twice."""
    return f"<!-- os2bot:reply {comment_id} -->"


@dataclass(frozen=True)
class Trusted:
    sealed: Sealed | None          # None: nothing the bot wrote for this issue could be read
    source: str                    # "body", "history", "journal", "new" or "none"
    body_serial: int | None        # the serial of the block in the current body, when it is ours


def trusted_state(body: str, history: History | None, journal: Mapping[str, Any] | None, key: bytes,
                  repo_id: str | None, issue: int | None) -> Trusted:
    """The newest state the bot sealed for this repository and issue, wherever a copy survives.

    Every block that decodes was written by the bot (only it has the key), and the seal names
    the repository, the issue and a serial that grows with each write; so the highest serial
    among the body, every readable revision in the history and the journal is the bot's latest
    write, or the nearest to it that survives. A block pasted from another issue does not bind;
    an older block of this issue loses to a newer one; a deleted block is found in the history."""
    found: list[tuple[Sealed, str]] = []
    body_sealed, _ = decode_sealed(body, key)
    body_serial = None
    if body_sealed is not None and body_sealed.seal.binds(repo_id, issue):
        found.append((body_sealed, "body"))
        body_serial = body_sealed.seal.serial
    for text in (history.texts if history else ()):
        sealed, _ = decode_sealed(text, key)
        if sealed is not None and sealed.seal.binds(repo_id, issue):
            found.append((sealed, "history"))
    if journal:
        try:
            seal = journal["seal"]
            sealed = Sealed(State.from_dict(journal["state"]),
                            Seal(seal.get("repo_id"), seal.get("issue"), int(seal["serial"])))
            if sealed.seal.binds(repo_id, issue):
                found.append((sealed, "journal"))
        except (KeyError, TypeError, ValueError):
            pass
    if not found:
        return Trusted(None, "none", body_serial)
    best, source = max(found, key=lambda f: (f[0].seal.serial, f[1] == "body"))
    return Trusted(best, source, body_serial)


@dataclass(frozen=True)
class Inputs:
    """Everything decide needs, read by reconcile's read phase."""

    process: Process
    registry: Registry
    settings: OrgSettings
    facts: RepoFacts
    repo_id: str | None
    issue: IssueRecord | None
    history: History | None               # None: the body is the bot's own last write
    journal: Mapping[str, Any] | None     # the journal's copy of the last sealed state
    teams: Mapping[str, frozenset[str]]   # login (lower case) -> team slugs it is an active member of
    writers: frozenset[str]               # logins (lower case) with write access to the repository
    checks_at: Callable[[int | None], Any]   # level -> CheckRun (pure, memoised by the caller)
    key: bytes
    now: datetime
    lang: str
    board_mention: str
    jira_configured: bool = False
    is_bot_comment: Callable[[Any], bool] = lambda c: False   # the App's own comments
    owed: tuple[Owed, ...] = ()           # feedback the journal says is still owed
    comments_complete: bool = True        # every comment after the watermark was read
    refusals: Mapping[str, int] = field(default_factory=dict)   # login (lower) -> refusals answered this hour
    trusted: Trusted | None = None        # computed already by the read phase (else here)
    jira_status: Mapping[str, Any] | None = None   # the last provisioning in Jira, from the journal
    access: Any = None                    # config/access.yaml (AccessConfig); None: no step-3 provisioning


@dataclass(frozen=True)
class Plan:
    desired: DesiredIssue | None          # None: the state is lost; nothing is written
    seal: Seal | None
    comments: tuple[str, ...] = ()        # posted in the issue after the body
    feedback: tuple[Owed, ...] = ()       # owed: still from before, and for the commands run now
    log: tuple[tuple[str, dict], ...] = ()   # (event, fields) for the log
    state_source: str = "new"
    lost: bool = False
    refused: tuple[str, ...] = ()         # logins (lower) whose refused command is answered now, one each
    jira: Any = None                      # the JiraPlan when the product's project is due (and Jira connected)
    github: Any = None                    # the GitHubPlan (teams, coordinators' team) once approved


def roles_of(inputs: Inputs, login: str, state: State) -> frozenset[str]:
    teams = inputs.teams.get(login.lower(), frozenset()) if login else frozenset()
    return actor_roles(login, teams, inputs.process, inputs.settings, state.coordinators if login else ())


def shared_roles(inputs: Inputs, actors: tuple[str, ...], state: State) -> frozenset[str]:
    """The roles every one of `actors` has: edits that cannot be told apart get no more."""
    roles: frozenset[str] | None = None
    for actor in actors:
        mine = roles_of(inputs, actor, state)
        roles = mine if roles is None else roles & mine
    return roles or frozenset()


def _at(now: datetime) -> str:
    return now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def decide(inputs: Inputs) -> Plan:
    process, lang, issue = inputs.process, inputs.lang, inputs.issue
    log: list[tuple[str, dict]] = []
    comments: list[str] = []
    if issue is None:
        trusted = Trusted(Sealed(State(), Seal(inputs.repo_id, None, 0)), "new", None)
    else:
        trusted = inputs.trusted or trusted_state(issue.body, inputs.history, inputs.journal, inputs.key,
                                                  inputs.repo_id, issue.number)
    if trusted.sealed is not None and trusted.source != "journal" and inputs.history is not None \
            and inputs.history.bot_write_deleted:
        # the bot's newest write was deleted from the history and the journal has no copy: what
        # survives may be older, and signing it would roll decisions back. Never: say so instead.
        trusted = Trusted(None, "none", trusted.body_serial)
    if trusted.sealed is None:
        log.append(("state_lost", {"issue": issue.number if issue else None}))
        already = any(inputs.is_bot_comment(c) and STATE_LOST_MARKER in c.body for c in issue.comments)
        if not already:
            comments.append(process.text("state_lost", lang) + "\n\n" + STATE_LOST_MARKER)
        return Plan(None, None, tuple(comments), log=tuple(log), state_source="none", lost=True)
    state, serial = trusted.sealed.state, trusted.sealed.seal.serial
    if issue is not None and (trusted.body_serial is None or trusted.body_serial < serial):
        log.append(("state_restored", {"source": trusted.source, "serial": serial, "body_serial": trusted.body_serial}))
        comments.append(process.text("state_restored", lang) + "\n\n" + RESTORED_MARKER)

    first_checks = inputs.checks_at(state.level)
    if issue is not None:
        state, tick_comment = _judge_edits(inputs, state, first_checks, log)
        if tick_comment:
            comments.append(tick_comment)
    # owed feedback stands only for comments whose decisions the trusted state holds: the journal
    # keeps it from just before the body is written, and a write that never landed owes nothing
    owed: list[Owed] = [o for o in inputs.owed if o.comment <= state.seen_through]
    if issue is not None:
        state, new, refused = _run_commands(inputs, state, log)
        owed = [o for o in owed if o.comment not in {n.comment for n in new}] + new
        if not inputs.comments_complete and not any(
                inputs.is_bot_comment(c) and UNREAD_MARKER in c.body for c in issue.comments):
            comments.append(process.text("comments_unread", lang) + "\n\n" + UNREAD_MARKER)
            log.append(("comments_unread", {"issue": issue.number}))

    checks = inputs.checks_at(state.level)
    # unchanged state and checks render the very same body (sealed as it was: the body the issue
    # was opened with names no issue number), and nothing is written
    seal = trusted.sealed.seal
    desired = _desired(inputs, checks, state, seal)
    if issue is None or desired.body != issue.body:
        # a new body: a new serial, so no older block can ever win over this one
        seal = Seal(inputs.repo_id, issue.number if issue else None, serial + 1)
        desired = _desired(inputs, checks, state, seal)
    jira = None
    if inputs.jira_configured and inputs.access is not None and inputs.repo_id:
        from bot.onboarding.provision import desired_jira
        jira = desired_jira(state, inputs.facts, inputs.settings, inputs.access, inputs.repo_id,
                            known_key=(inputs.jira_status or {}).get("key"))
    github = None
    if inputs.access is not None and issue is not None:
        from bot.onboarding.provision import desired_github
        github = desired_github(state, inputs.facts, inputs.settings, inputs.access)
    return Plan(desired, seal, tuple(comments), tuple(owed), tuple(log), trusted.source,
                refused=tuple(refused) if issue is not None else (), jira=jira, github=github)


def _results(inputs: Inputs, checks) -> Mapping[str, Any]:
    """The checks' results, and the bot's own `jira_project` result from the last provisioning."""
    from bot.onboarding.jira_step import result_from_status

    jira = result_from_status(dict(inputs.jira_status)) if inputs.jira_status else None
    return {**checks.by_id, "jira_project": jira} if jira is not None else checks.by_id


def _desired(inputs: Inputs, checks, state: State, seal: Seal) -> DesiredIssue:
    return compute_desired(inputs.process, inputs.settings, inputs.facts, _results(inputs, checks), state,
                           inputs.lang, target=checks.target_level, now=inputs.now, key=inputs.key, seal=seal)


def _judge_edits(inputs: Inputs, state: State, checks, log: list) -> tuple[State, str | None]:
    """People's tick changes since the bot's last write, each act judged by its own people."""
    history, issue = inputs.history, inputs.issue
    if history is None:
        return state, None   # the body is the bot's own last write: nothing to judge
    messages: list[str] = []
    for act in history.acts:
        before = read_ticks(act.before) if act.before is not None else dict(state.shown)
        after = read_ticks(act.after)
        if not any(after.get(k) != v for k, v in before.items() if k in after):
            continue
        roles = shared_roles(inputs, act.actors, state)
        actor = next((a for a in reversed(act.actors) if a), "") or "ukendt"
        outcome = classify_tick_changes(inputs.process, state, before, after, actor, roles,
                                        act.at or inputs.now, inputs.lang, answered_checks=frozenset(k for k, r in checks.by_id.items() if not r.awaits_people))
        state = outcome.state
        messages.extend(outcome.messages)
        log.append(("ticks_judged", {"actors": list(act.actors), "accepted": [c.key for c in outcome.accepted],
                                     "reverted": [c.key for c in outcome.reverted],
                                     "reset": [c.key for c in outcome.reset]}))
    if not history.complete and history.acts:
        messages.append(inputs.process.text("history_unreadable", inputs.lang))
        log.append(("history_incomplete", {"issue": issue.number}))
    return state, ("\n".join(f"- {m}" for m in dict.fromkeys(messages)) if messages else None)


def _run_commands(inputs: Inputs, state: State, log: list) -> tuple[State, list[Owed], list[str]]:
    """Every comment after the watermark, once and in order; level-triggered, so a command
    whose delivery was lost is found here too. Returns the feedback owed for each."""
    registry, lang, issue = inputs.registry, inputs.lang, inputs.issue
    at = _at(inputs.now)
    owed: list[Owed] = []
    refused: list[str] = []
    counts = dict(inputs.refusals)
    for comment in sorted(issue.comments, key=lambda c: c.id):
        if comment.id <= state.seen_through:
            continue
        if comment.author_is_bot:
            continue   # a bot's (ours or another App's): never a command, and not worth a write to pass
        state = mark_seen(state, comment.id)
        commands = parse_commands(comment.body)
        ours = [(c, registry.find(c.name)) for c in commands]
        if not any(spec or unknown(c, registry, lang) for c, spec in ours):
            continue   # no command of ours: another bot's, or none at all
        if comment.edited:
            log.append(("command_ignored", {"comment": comment.id, "reason": "edited"}))
            continue
        author = comment.author or ""
        roles = roles_of(inputs, author, state) | {"anyone"}
        if author.lower() in inputs.writers:
            roles |= {"writer"}
        ctx = CommandContext(
            process=inputs.process, registry=registry, actor=author, roles=roles, at=at,
            comment_url=comment.url or None, lang=lang,
            view_of=lambda s: _view_at(inputs, s),
            board_mention=inputs.board_mention, jira_configured=inputs.jira_configured)
        replies, all_ok = [], True
        for command, spec in ours:
            if spec is None:
                suggestion = unknown(command, registry, lang)
                if suggestion:
                    replies.append(suggestion)
                    all_ok = False
                continue
            result = answer(state, command, spec, ctx)
            state = result.state
            all_ok = all_ok and result.ok
            if result.reply:
                replies.append(result.reply)
            log.append(("command", {"name": spec.name, "actor": author, "ok": result.ok, "comment": comment.id}))
        reply = "\n\n".join(replies) or None
        if reply and len(reply) > MAX_REPLY:
            reply = reply[:MAX_REPLY - 1] + "…"
        if not all_ok:
            who = author.lower()
            if counts.get(who, 0) >= REFUSALS_PER_HOUR:
                log.append(("feedback_throttled", {"comment": comment.id, "actor": author}))
                continue   # read and refused, but not answered: one person's spam is not amplified
            counts[who] = counts.get(who, 0) + 1
            refused.append(who)
        owed.append(Owed(comment.id, ("eyes", "+1" if all_ok else "confused"), reply))
    return state, owed, refused


def _view_at(inputs: Inputs, state: State):
    """The checklist as it stands for `state`, with the checks run at the state's level."""
    checks = inputs.checks_at(state.level)
    return compute_view(inputs.process, inputs.facts, _results(inputs, checks), state, inputs.lang,
                        target=checks.target_level)
