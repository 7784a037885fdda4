"""reconcile(repo): read the world, compute the onboarding issue it should have, apply the difference.

Level-triggered and idempotent: every event, command and sweep ends here, and running it
twice changes nothing the second time. The issue is found by the bot's authorship plus a
hidden marker (never its title); a known number is cached in the store only to make that
cheap. Writes are skipped when nothing differs, and before rewriting a body the bot
re-reads the issue, so a tick made meanwhile is never overwritten (Renovate's rule).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from bot.checks import run_checks
from bot.checks.config import for_organisation
from bot.checks.config import load_config as load_checks_config
from bot.errors import PermanentError, TransientError
from bot.onboarding.config import (
    ConfigError,
    OrgSettings,
    Process,
    actor_roles,
    load_org_defaults,
    load_process,
    org_settings,
)
from bot.commands import load_registry, parse_commands
from bot.onboarding.commands import CommandContext, answer, unknown
from bot.onboarding.desired import compute_desired, compute_view
from bot.onboarding.escape import escape_inline
from bot.onboarding.model import DesiredIssue, RepoFacts, State, mark_answered
from bot.onboarding.state_block import decode, has_marker
from bot.onboarding.ticks import classify_tick_changes, read_ticks
from bot.onboarding.world import WORLD_QUERY, IssueRecord, World, parse_world, same_login, world_variables

KNOWN_ISSUES = "onboarding_issue"       # store namespace: repo -> issue number (a cache, never the truth)
ORG_CONFIGS = "org_config"              # store namespace: org -> last valid `.github/os2bot.yml` text
MEMBERSHIP_TTL = 300.0                  # seconds a team membership answer is trusted
MAX_ROUNDS = 3                          # re-read-before-write retries when people edit meanwhile


@dataclass(frozen=True)
class Outcome:
    """What one reconcile did; logged, and asserted on by tests."""

    repo: str
    issue: int | None = None
    created: bool = False
    updated: tuple[str, ...] = ()        # fields written: body, title, labels, state
    comments: int = 0
    commands: int = 0                    # command comments answered
    closed_duplicates: tuple[int, ...] = ()
    skipped: str | None = None           # why nothing was done (archived, not enrolled, ...)
    problems: tuple[str, ...] = ()


@dataclass
class Reconciler:
    """Everything reconcile needs besides the repository: built once per process."""

    store: Any
    bot_login: str
    state_key: bytes                     # signs the state block so people cannot forge decisions
    process: Process = field(default_factory=load_process)
    org_defaults: dict = field(default_factory=load_org_defaults)
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)
    jira_configured: bool = False

    async def reconcile(self, client, owner: str, name: str, *, create: str | bool = False,
                        log: Any = None) -> Outcome:
        """`create`: open the issue if there is none — True, False, or a policy the
        organisation's settings decide: "created" (onboard_on_repository_created) or
        "existing" (onboard_existing_on_install)."""
        full = f"{owner}/{name}"
        for _ in range(MAX_ROUNDS):
            known = await self.store.aget(KNOWN_ISSUES, full.lower())
            data = await client.graphql(WORLD_QUERY, world_variables(owner, name, self.bot_login, known),
                                        optional=frozenset({"orgConfig"}))
            if not data.get("repository"):
                raise PermanentError(f"repository {full} not found or not accessible")
            world = parse_world(data, self.bot_login)
            outcome = await self._apply(client, owner, name, world, create=create, log=log)
            if outcome is not None:
                return outcome
        raise TransientError(f"{full}: the onboarding issue kept changing while the bot wrote it")

    # ------------------------------------------------------------------------------------------
    async def _settings(self, client, owner: str, world: World, log) -> tuple[OrgSettings, tuple[str, ...]]:
        """The organisation's settings; an invalid override is reported and the last valid one serves."""
        text = world.org_config_text
        try:
            settings = org_settings(self.org_defaults, text)
        except ConfigError as exc:
            last = await self.store.aget(ORG_CONFIGS, owner.lower())
            problems = tuple(exc.problems)
            if log:
                log.error("org_config_invalid", org=owner, problems=list(problems))
            try:
                settings = org_settings(self.org_defaults, last)
            except ConfigError:
                settings = org_settings(self.org_defaults, None)
            await self._report_config_error(client, owner, text or "", problems, settings.language, log)
            return settings, problems
        if text is not None:
            await self.store.aput(ORG_CONFIGS, owner.lower(), text)
        return settings, ()

    async def _report_config_error(self, client, owner: str, text: str, problems: tuple[str, ...], lang: str,
                                   log) -> None:
        """One issue in the organisation's `.github` repository per distinct invalid file."""
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        if await self.store.aget("org_config_reported", owner.lower()) == digest:
            return
        body = self.process.text("config_invalid", lang).format(
            problems="\n".join(f"- `{escape_inline(p)}`" for p in problems)) + f"\n\n<!-- os2bot:config-error {digest} -->"
        try:
            await client.rest("POST", f"/repos/{owner}/.github/issues",
                              json={"title": self.process.text("config_invalid_title", lang), "body": body})
        except PermanentError as exc:   # no access to the .github repository: the log line must do
            if log:
                log.warning("org_config_error_not_reported", org=owner, error=str(exc))
        await self.store.aput("org_config_reported", owner.lower(), digest)

    async def _roles(self, client, org: str, login: str, settings: OrgSettings, state: State) -> frozenset[str]:
        teams = []
        for role in self.process.roles.values():
            team = settings.team_for(role)
            if team and await self.is_team_member(client, org, team, login):
                teams.append(team)
        return actor_roles(login, teams, self.process, settings, state.coordinators)

    async def is_team_member(self, client, org: str, team: str, login: str) -> bool:
        key = f"{org}/{team}/{login}".lower()
        cached = await self.store.aget("membership", key, max_age=MEMBERSHIP_TTL)
        if cached is not None:
            return bool(cached)
        answer = await client.rest_or_none("GET", f"/orgs/{org}/teams/{team}/memberships/{login}")
        member = bool(answer) and answer.get("state") == "active"
        await self.store.aput("membership", key, member)
        return member

    # ------------------------------------------------------------------------------------------
    async def _apply(self, client, owner: str, name: str, world: World, *, create: bool, log) -> Outcome | None:
        full = f"{owner}/{name}"
        snapshot = world.snapshot
        if snapshot.archived:
            return Outcome(full, skipped="archived")
        if name.lower() == ".github":
            return Outcome(full, skipped="configuration repository")

        ours = [i for i in world.issues if has_marker(i.body) and same_login(i.author, self.bot_login)]
        primary, duplicates = (ours[0], ours[1:]) if ours else (None, [])
        if primary is None and not create:
            return Outcome(full, skipped="not enrolled")

        settings, config_problems = await self._settings(client, owner, world, log)
        if primary is None and not self._may_create(create, settings, name):
            return Outcome(full, skipped="not enrolled", problems=config_problems)
        lang = settings.language
        now = self.now()
        state, problems = (decode(primary.body, self.state_key) if primary else (State(), []))
        if primary is not None and state is None:
            # the block was damaged or forged: the journal's copy is the fallback, never a blank slate
            saved = await self.store.aget("state", full.lower())
            state = State.from_dict(saved) if saved else State()
            if log:
                log.warning("state_block_unreadable", issue=primary.number, problems=problems)

        checks = run_checks(snapshot, level=state.level, config=for_organisation(
            load_checks_config(), organisations=settings.os2_orgs, suppliers=settings.suppliers))
        facts = RepoFacts(owner=owner, name=name, description=snapshot.description,
                          html_url=snapshot.html_url, default_branch=snapshot.default_branch)
        comments: list[str] = []
        feedback: list[tuple[int, tuple[str, ...], str | None]] = []
        if primary is not None:
            ticks = read_ticks(primary.body)
            shown = dict(state.shown)
            if any(ticks.get(k) != v for k, v in shown.items() if k in ticks):
                actor = primary.editor or ""
                roles = (await self._roles(client, owner, actor, settings, state)
                         if actor and not same_login(actor, self.bot_login) else frozenset())
                outcome = classify_tick_changes(self.process, state, shown, ticks, actor or "ukendt",
                                                roles, now, lang, answered_checks=frozenset(checks.by_id))
                state = outcome.state
                if outcome.comment:
                    comments.append(outcome.comment)
                if log:
                    log.info("ticks_judged", actor=actor, accepted=[c.key for c in outcome.accepted],
                             reverted=[c.key for c in outcome.reverted], reset=[c.key for c in outcome.reset])

        if primary is not None:
            state, feedback = await self._commands(client, owner, primary, state, settings, checks, facts, lang,
                                                   now, log)
        desired = compute_desired(self.process, settings, facts, checks.by_id, state, lang,
                                  target=checks.target_level, now=now, key=self.state_key)

        await self._ensure_labels(client, full, world.labels, desired.labels, lang)
        if primary is None:
            number = await self._create(client, full, desired)
            await self.store.aput("state", full.lower(), desired.onboarding_state.to_dict())
            return Outcome(full, issue=number, created=True, problems=config_problems)

        patch = self._difference(primary, desired)
        if patch:
            # re-read before write: a tick made since the query must not be lost
            current = await client.rest("GET", f"/repos/{full}/issues/{primary.number}")
            if (current.get("body") or "") != primary.body:
                if log:
                    log.info("issue_changed_meanwhile", issue=primary.number)
                return None
            await client.rest("PATCH", f"/repos/{full}/issues/{primary.number}", json=patch)
        for text in comments:
            await client.rest("POST", f"/repos/{full}/issues/{primary.number}/comments", json={"body": text})
        for comment_id, reactions, reply in feedback:   # after the decision is safe in the issue
            for content in reactions:
                await client.rest("POST", f"/repos/{full}/issues/comments/{comment_id}/reactions",
                                  json={"content": content})
            if reply:
                await client.rest("POST", f"/repos/{full}/issues/{primary.number}/comments", json={"body": reply})
        closed = []
        for dup in duplicates:
            if dup.state == "open":
                await client.rest("POST", f"/repos/{full}/issues/{dup.number}/comments", json={
                    "body": self.process.text("duplicate_closed", lang).format(number=primary.number)})
                await client.rest("PATCH", f"/repos/{full}/issues/{dup.number}",
                                  json={"state": "closed", "state_reason": "not_planned"})
                closed.append(dup.number)
        await self.store.aput(KNOWN_ISSUES, full.lower(), primary.number)
        if patch:
            await self.store.aput("state", full.lower(), desired.onboarding_state.to_dict())
        return Outcome(full, issue=primary.number, updated=tuple(sorted(patch)),
                       comments=len(comments) + sum(1 for _, _, r in feedback if r),
                       commands=len(feedback),
                       closed_duplicates=tuple(closed), problems=config_problems)

    async def _commands(self, client, owner: str, issue: IssueRecord, state: State, settings: OrgSettings, checks,
                        facts: RepoFacts, lang: str, now: datetime, log) -> tuple[State, list]:
        """Run every command comment not yet answered, once; level-triggered, so a command whose
        delivery was lost is found here too. Returns the new state and the feedback to give."""
        registry = load_registry()
        feedback = []
        at = now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        answered = set(state.answered_comments)
        for comment in issue.comments:
            if comment.id in answered or comment.author_is_bot or same_login(comment.author, self.bot_login) \
                    or (comment.author or "").lower().endswith("[bot]"):
                continue
            if any(same_login(who, self.bot_login) for _, who in comment.reactions):
                continue   # answered before the state block recorded it
            commands = parse_commands(comment.body)
            ours = [(c, registry.find(c.name)) for c in commands]
            if not any(spec or unknown(c, registry, lang) for c, spec in ours):
                continue   # no command of ours: another bot's, or none at all
            state = mark_answered(state, comment.id)
            if comment.edited:
                if log:
                    log.info("command_ignored", comment=comment.id, reason="edited")
                continue
            roles = await self._roles(client, owner, comment.author or "", settings, state) | {"anyone"}
            if any(spec and "writer" in spec.roles for _, spec in ours) and await self._can_write(
                    client, facts.full_name, comment.author or ""):
                roles |= {"writer"}
            ctx = CommandContext(
                process=self.process, registry=registry, actor=comment.author or "", roles=roles, at=at,
                comment_url=comment.url or None, lang=lang,
                view_of=lambda s: compute_view(self.process, facts, checks.by_id, s, lang, target=checks.target_level),
                board_mention=f"@{owner}/{settings.board_team}", jira_configured=self.jira_configured)
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
                if log:
                    log.info("command", name=spec.name, actor=ctx.actor, ok=result.ok, comment=comment.id)
            feedback.append((comment.id, ("eyes", "+1" if all_ok else "confused"), "\n\n".join(replies) or None))
        return state, feedback

    async def _can_write(self, client, full: str, login: str) -> bool:
        if not login:
            return False
        answer_ = await client.rest_or_none("GET", f"/repos/{full}/collaborators/{login}/permission")
        return bool(answer_) and answer_.get("permission") in ("admin", "maintain", "write")

    @staticmethod
    def _may_create(create: str | bool, settings: OrgSettings, name: str) -> bool:
        if create == "created":
            return settings.onboard_on_repository_created
        if create == "existing":
            return settings.onboards_existing(name)
        return bool(create)

    async def _ensure_labels(self, client, full: str, existing: frozenset[str], wanted: frozenset[str],
                             lang: str) -> None:
        """Labels the bot uses get the colour and description from config, not GitHub's grey."""
        for name in sorted(wanted):
            if name.lower() in existing:
                continue
            spec = self.process.labels.spec(name)
            body = {"name": name}
            if spec is not None and spec.color:
                body["color"] = spec.color
            if spec is not None and spec.description:
                number = name.rsplit("-", 1)[-1]
                body["description"] = spec.description.get(lang).format(n=number, level=number)[:100]
            try:
                await client.rest("POST", f"/repos/{full}/labels", json=body)
            except PermanentError as exc:   # 422: it exists already (created meanwhile)
                if exc.status != 422:
                    raise

    async def _create(self, client, full: str, desired: DesiredIssue) -> int:
        created = await client.rest("POST", f"/repos/{full}/issues", json={
            "title": desired.title, "body": desired.body, "labels": sorted(desired.labels)})
        number = int(created["number"])
        await self.store.aput(KNOWN_ISSUES, full.lower(), number)
        if desired.state == "closed":
            await client.rest("PATCH", f"/repos/{full}/issues/{number}",
                              json={"state": "closed", "state_reason": desired.state_reason or "completed"})
        return number

    def _difference(self, issue: IssueRecord, desired: DesiredIssue) -> dict[str, Any]:
        """The PATCH that makes `issue` the desired one; empty when nothing differs."""
        patch: dict[str, Any] = {}
        if issue.title != desired.title:
            patch["title"] = desired.title
        if issue.body != desired.body:
            patch["body"] = desired.body
        managed = self.process.labels.all_names(range(1, len(self.process.steps) + 1))
        labels = (issue.labels - managed) | desired.labels   # people's own labels stay
        if labels != issue.labels:
            patch["labels"] = sorted(labels)
        if issue.state != desired.state:
            patch["state"] = desired.state
            if desired.state == "closed":
                patch["state_reason"] = desired.state_reason or "completed"
        return patch
