"""reconcile(repo): read the world, decide the onboarding it should have, apply the difference.

Level-triggered and idempotent: every event, command and sweep ends here, and running it
twice changes nothing the second time. Three phases, as in controller-runtime's Reconcile:

1. **read** (`_read`): one GraphQL query for the repository, the bot's issue(s) and their
   comments and the organisation's config; the body's edit history when a person edited it
   since the bot's last write; the journal's copy of the state; then the roles of exactly the
   people who appear (team memberships, write access) in one batch, never cached across
   reconciles, so a revoked membership counts at once.
2. **decide** (`bot/onboarding/decide.py`): pure, run off the event loop.
3. **apply** (`_apply`): only what differs. The body is written first (after re-reading it,
   so a tick made meanwhile is never lost: Renovate's rule), then comments and feedback.

The issue is found by the bot's authorship (the `Bot` actor of this App), never by its text;
a known number is cached in the store only to make that cheap.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import re
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Callable

from bot.checks import run_checks
from bot.checks.config import ConfigError as ChecksConfigError
from bot.checks.config import for_organisation
from bot.checks.config import load_config as load_checks_config
from bot.commands import load_registry, parse_commands
from bot.errors import PermanentError, TransientError
from bot.onboarding.config import ConfigError, OrgSettings, Process, load_org_defaults, load_process, org_settings
from bot.onboarding.board_paper import MARKER as PAPER_MARKER
from bot.onboarding.decide import Inputs, Plan, decide, reply_marker, trusted_state
from bot.onboarding.escape import escape_inline
from bot.onboarding.history import History, Revision, edits_since_bot, revision_from_node
from bot.onboarding.access import load_access_config
from bot.onboarding.changes import SEEN, settled
from bot.onboarding.identity import BotIdentity
from bot.onboarding.model import DesiredIssue, Owed, RepoFacts
from bot.onboarding.world import (
    COMMENTS_MAX_PAGES,
    COMMENTS_QUERY,
    HISTORY_MAX_PAGES,
    HISTORY_QUERY,
    WORLD_QUERY,
    IssueRecord,
    World,
    parse_comments,
    parse_world,
    world_variables,
)

KNOWN_ISSUES = "onboarding_issue"       # store namespace: repo -> issue number (a cache, never the truth)
ORG_CONFIGS = "org_config"              # store namespace: org -> last valid `.github/os2bot.yml` text
STATES = "state"                        # store namespace: repo -> {"seal", "state"}: the journal's copy
REFUSALS = "refusals"                   # store namespace: repo|login -> times a refused command was answered
GITHUB_ACCESS = "github_access"         # store namespace: repo -> the last step-3 run on GitHub (and what the bot added)
JIRA_STATUS = "jira_status"             # store namespace: repo -> the last provisioning in Jira (the check result)
OWED = "feedback_owed"                  # store namespace: repo -> feedback owed (decided, not yet given)
BOARD_PAPERS = "board_paper"            # store namespace: repo -> id of the indstilling comment (a cache, never the text)
_REPLY = re.compile(r"<!-- os2bot:reply (\d+) -->")
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
    state_source: str | None = None      # where the trusted state came from (body, history, journal, new)


@dataclass
class Reconciler:
    """Everything reconcile needs besides the repository: built once per process."""

    store: Any
    bot_login: str                       # "os2bot[bot]"
    state_key: bytes                     # signs the state block so people cannot forge decisions
    process: Process = field(default_factory=load_process)
    org_defaults: dict = field(default_factory=load_org_defaults)
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)
    jira_configured: bool = False
    jira: Any = None                     # bot.jira.JiraClient when JIRA_URL is set
    jira_url: str = ""
    _parsed: dict = field(default_factory=dict, repr=False)   # (org, file digest) -> parsed settings or problems

    @property
    def identity(self) -> BotIdentity:
        return BotIdentity(self.bot_login)

    async def reconcile(self, client, owner: str, name: str, *, create: str | bool = False,
                        log: Any = None) -> Outcome:
        """`create`: open the issue if there is none — True, False, or a policy the
        organisation's settings decide: "created" (onboard_on_repository_created) or
        "existing" (onboard_existing_on_install)."""
        full = f"{owner}/{name}"
        for _ in range(MAX_ROUNDS):
            known = await self.store.aget(KNOWN_ISSUES, full.lower())
            read_at = time.time()
            data = await client.graphql(WORLD_QUERY, world_variables(owner, name, self.bot_login, known),
                                        optional=frozenset({"orgConfig"}))
            if not data.get("repository"):
                raise PermanentError(f"repository {full} not found or not accessible")
            world = parse_world(data, self.identity)
            outcome = await self._reconcile_world(client, owner, name, world, create=create, log=log)
            if outcome is not None:
                await self._seen(full, world, read_at)
                return outcome
        raise TransientError(f"{full}: the onboarding issue kept changing while the bot wrote it")

    async def _seen(self, full: str, world: World, read_at: float) -> None:
        """What this finished reconcile read, for the sweep to compare (bot/onboarding/changes.py)."""
        key = full.lower()
        owed = bool(await self.store.aget(OWED, key))
        for namespace in (JIRA_STATUS, GITHUB_ACCESS):
            status = await self.store.aget(namespace, key)
            owed = owed or (isinstance(status, dict) and not status.get("ok"))
        primary = world.issues[0] if world.issues else None
        await self.store.aput(SEEN, key, {"fingerprint": world.fingerprint(), "settled": settled(
            primary.updated_at if primary else None, read_at, owed)})

    # ---- read -----------------------------------------------------------------------------------
    async def _settings(self, client, owner: str, world: World, log):
        """The organisation's settings and checks; an invalid override is reported and the last
        valid one serves (a slip in one organisation's file never stops its onboardings). Parsed
        and its teams checked once per distinct file, not on every reconcile."""
        text = world.org_config_text
        key = (owner.lower(), hashlib.sha256((text or "").encode()).hexdigest())
        parsed = self._parsed.get(key)
        if parsed is None:
            parsed = await self._parse_settings(client, owner, text)
            if len(self._parsed) > 256:
                self._parsed.clear()
            self._parsed[key] = parsed
        problems, settings, checks_config = parsed
        if not problems:
            if text is not None:
                await self.store.aput(ORG_CONFIGS, owner.lower(), text)
            return settings, checks_config, ()
        if log:
            log.error("org_config_invalid", org=owner, problems=list(problems))
        last = await self.store.aget(ORG_CONFIGS, owner.lower())
        settings, checks_config = self._last_valid_settings(last if last != text else None)
        await self._report_config_error(client, owner, text or "", problems, settings.language, log)
        return settings, checks_config, problems

    async def _parse_settings(self, client, owner: str, text: str | None):
        """(problems, settings, checks config); problems: YAML and schema (off the event loop,
        bounded in size), the checks' own rules, and teams that do not exist in the organisation."""
        try:
            settings = await asyncio.to_thread(org_settings, self.org_defaults, text)
            checks_config = _checks_config(settings)
        except (ConfigError, ChecksConfigError) as exc:
            return tuple(getattr(exc, "problems", None) or [str(exc)]), None, None
        problems = []
        for setting in ("secretariat_team", "board_team"):
            team = getattr(settings, setting)
            if await client.rest_or_none("GET", f"/orgs/{owner}/teams/{team}") is None:
                problems.append(f"{setting}: the team '{team}' does not exist in {owner} "
                                "(or the App cannot see it: members:read)")
        return tuple(problems), settings, checks_config

    def _last_valid_settings(self, last: str | None):
        for candidate in (last, None):
            try:
                settings = org_settings(self.org_defaults, candidate)
                return settings, _checks_config(settings)
            except (ConfigError, ChecksConfigError):
                continue
        raise PermanentError("the bot's own default configuration is invalid")

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

    async def _history(self, client, full: str, issue: IssueRecord, log=None) -> History | None:
        """People's edits since the bot's last write; None when the body *is* that write."""
        if issue.last_edited_at is None or issue.editor_is_us:
            return None
        revisions: list[Revision] = []
        after, complete = None, False
        for _ in range(HISTORY_MAX_PAGES):
            owner, name = full.split("/", 1)
            try:
                data = await client.graphql(HISTORY_QUERY, {"owner": owner, "name": name, "number": issue.number,
                                                            "after": after})
            except PermanentError as exc:
                # a GitHub without the edit history (an old Enterprise Server): every change is
                # judged as an unknown person's, and the issue says the history could not be read
                if log:
                    log.warning("history_unreadable", issue=issue.number, error=str(exc)[:200])
                break
            edits = (((data.get("repository") or {}).get("issue") or {}).get("userContentEdits") or {})
            page = [r for r in (revision_from_node(n, self.identity.is_graphql_actor)
                                for n in edits.get("nodes") or []) if r is not None]
            revisions += page
            info = edits.get("pageInfo") or {}
            if any(r.by_bot and r.text is not None for r in page):
                break   # newest first: the bot's last readable write is in what was read
            if not info.get("hasNextPage"):
                complete = True
                break
            after = info.get("endCursor")
        return edits_since_bot(revisions, issue.body, complete_history=complete)

    async def _teams(self, client, org: str, logins: set[str], settings: OrgSettings) -> dict[str, frozenset[str]]:
        """The role-giving teams each person is an active member of, asked now (never cached:
        a membership revoked a minute ago must not count)."""
        teams = [t for t in (settings.team_for(r) for r in self.process.roles.values()) if t]
        result: dict[str, frozenset[str]] = {}
        for login in sorted(logins):
            if not login:
                continue
            member = []
            for team in teams:
                answer = await client.rest_or_none("GET", f"/orgs/{org}/teams/{team}/memberships/{login}")
                if answer and answer.get("state") == "active":
                    member.append(team)
            result[login.lower()] = frozenset(member)
        return result

    async def _writers(self, client, full: str, logins: set[str]) -> frozenset[str]:
        writers = set()
        for login in sorted(logins):
            answer = await client.rest_or_none("GET", f"/repos/{full}/collaborators/{login}/permission")
            if answer and answer.get("permission") in ("admin", "maintain", "write"):
                writers.add(login.lower())
        return frozenset(writers)

    def _trusted(self, issue: IssueRecord, history: History | None, journal, repo_id):
        """The trusted state, once per reconcile: read needs its watermark, decide the rest."""
        return trusted_state(issue.body, history, journal if isinstance(journal, dict) else None,
                             self.state_key, repo_id, issue.number)

    async def _older_comments(self, client, full: str, issue: IssueRecord, seen_through: int):
        """Comments before the last 100, read back to the watermark (a busy issue must not hide a
        command); False when even that many pages did not reach it."""
        comments, before = list(issue.comments), issue.older_comments
        owner, name = full.split("/", 1)
        for _ in range(COMMENTS_MAX_PAGES):
            if before is None or (comments and min(c.id for c in comments) <= seen_through):
                return replace(issue, comments=tuple(sorted(comments, key=lambda c: c.id))), True
            data = await client.graphql(COMMENTS_QUERY, {"owner": owner, "name": name, "number": issue.number,
                                                         "before": before})
            page = (((data.get("repository") or {}).get("issue") or {}).get("comments") or {})
            comments = parse_comments(page.get("nodes") or [], self.identity) + comments
            info = page.get("pageInfo") or {}
            before = info.get("startCursor") if info.get("hasPreviousPage") else None
        complete = before is None or (comments and min(c.id for c in comments) <= seen_through)
        return replace(issue, comments=tuple(sorted(comments, key=lambda c: c.id))), bool(complete)

    def _people(self, issue: IssueRecord, history: History | None, seen_through: int) -> tuple[set[str], set[str]]:
        """Whose roles the decision needs: people behind edits since the bot's last write, and
        authors of command comments after the watermark (those using a `writer` command too)."""
        people = {a for act in (history.acts if history else ()) for a in act.actors if a}
        writer_people = set()
        for comment in issue.comments:
            if comment.author_is_bot or comment.id <= seen_through or not comment.author:
                continue
            commands = parse_commands(comment.body)
            if commands:
                people.add(comment.author)
                specs = [self._registry().find(c.name) for c in commands]
                if any(s and "writer" in s.roles for s in specs):
                    writer_people.add(comment.author)
        return people, writer_people

    @staticmethod
    def _registry():
        return load_registry()

    # ---- the three phases -----------------------------------------------------------------------
    async def _reconcile_world(self, client, owner: str, name: str, world: World, *, create, log) -> Outcome | None:
        full = f"{owner}/{name}"
        snapshot = world.snapshot
        if snapshot.archived:
            return Outcome(full, skipped="archived")
        if name.lower() == ".github":
            return Outcome(full, skipped="configuration repository")
        primary, duplicates = (world.issues[0], world.issues[1:]) if world.issues else (None, ())
        if primary is None and not create:
            return Outcome(full, skipped="not enrolled")
        settings, checks_config, config_problems = await self._settings(client, owner, world, log)
        if primary is None and not self._may_create(create, settings, name):
            return Outcome(full, skipped="not enrolled", problems=config_problems)

        # read: history, journal, roles
        history = await self._history(client, full, primary, log) if primary is not None else None
        journal = await self.store.aget(STATES, full.lower()) if primary is not None else None
        teams: dict[str, frozenset[str]] = {}
        writers: frozenset[str] = frozenset()
        refusals: dict[str, int] = {}
        comments_complete = True
        trusted = None
        if primary is not None:
            # decoding sealed blocks and parsing comments is CPU work: off the event loop
            trusted = await asyncio.to_thread(self._trusted, primary, history, journal, world.repo_id)
            seen_through = trusted.sealed.state.seen_through if trusted.sealed else 0
            primary, comments_complete = await self._older_comments(client, full, primary, seen_through)
            people, writer_people = await asyncio.to_thread(self._people, primary, history, seen_through)
            teams = await self._teams(client, owner, people, settings)
            writers = await self._writers(client, full, writer_people)
            refusals = {login.lower(): len(await self._refusals(full, login)) for login in people}

        facts = RepoFacts(owner=owner, name=name, description=snapshot.description,
                          html_url=snapshot.html_url, default_branch=snapshot.default_branch)
        inputs = Inputs(
            process=self.process, registry=self._registry(), settings=settings, facts=facts,
            repo_id=world.repo_id, issue=primary, history=history,
            journal=journal if isinstance(journal, dict) else None, teams=teams, writers=writers,
            checks_at=_checks_at(snapshot, checks_config, self.process), key=self.state_key, now=self.now(),
            lang=settings.language, board_mention=f"@{owner}/{settings.board_team}",
            jira_configured=self.jira_configured, is_bot_comment=lambda c: c.by_us,
            owed=tuple(Owed.from_dict(o) for o in await self.store.aget(OWED, full.lower()) or ())
            if primary is not None else (),
            comments_complete=comments_complete, refusals=refusals, trusted=trusted,
            jira_status=await self.store.aget(JIRA_STATUS, full.lower()) if primary is not None else None,
            access=load_access_config())
        # decide: pure and CPU-bound (checks, rendering), so off the event loop
        plan = await asyncio.to_thread(decide, inputs)
        if log:
            for event, fields in plan.log:
                log.info(event, **fields) if event not in ("state_lost",) else log.error(event, **fields)
        outcome = await self._apply(client, full, world, primary, duplicates, plan, settings.language,
                                    config_problems, log)
        if outcome is not None and outcome.issue is not None and plan.desired is not None:
            await self._keep_portfolio(full, primary, plan, inputs.checks_at(plan.desired.onboarding_state.level),
                                       outcome)
        return outcome

    async def _keep_portfolio(self, full: str, primary: IssueRecord | None, plan: Plan, checks,
                              outcome: Outcome) -> None:
        """The portfolio page's record of this onboarding (bot/portfolio/record.py): kept after
        apply, so the page and badges never ask GitHub."""
        from bot.portfolio.record import NAMESPACE, build_record

        now = self.now().astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        wrote = outcome.created or outcome.updated or outcome.comments
        record = build_record(plan.desired, issue_number=outcome.issue, achieved_level=checks.achieved_level,
                              target_level=checks.target_level,
                              jira=await self.store.aget(JIRA_STATUS, full.lower()),
                              last_activity=now if wrote or primary is None else primary.updated_at, recorded_at=now,
                              private=checks.snapshot.private is not False)
        await self.store.aput(NAMESPACE, full.lower(), record)

    # ---- apply ----------------------------------------------------------------------------------
    async def _apply(self, client, full: str, world: World, primary: IssueRecord | None, duplicates, plan: Plan,
                     lang: str, config_problems: tuple[str, ...], log=None) -> Outcome | None:
        if plan.lost:
            for text in plan.comments:
                await client.rest("POST", f"/repos/{full}/issues/{primary.number}/comments", json={"body": text})
            return Outcome(full, issue=primary.number, skipped="state lost", comments=len(plan.comments),
                           problems=config_problems, state_source="none")
        desired = plan.desired
        await self._ensure_labels(client, full, world.labels, desired.labels, lang)
        if primary is None:
            number = await self._create(client, full, desired)
            await self._keep_state(full, plan)
            return Outcome(full, issue=number, created=True, problems=config_problems, state_source="new")

        patch = self._difference(primary, desired)
        if patch:
            # re-read before write: a tick made since the query must not be lost
            current = await client.rest("GET", f"/repos/{full}/issues/{primary.number}")
            if (current.get("body") or "") != primary.body:
                return None
            # the feedback is owed from the moment the decisions may be in the issue: a crash
            # right after the write still answers (decide drops it if the write never landed)
            await self._owe(full, plan.feedback)
            for login in plan.refused:
                await self.store.aput(REFUSALS, f"{full.lower()}|{login}", await self._refusals(full, login) + [time.time()])
            await client.rest("PATCH", f"/repos/{full}/issues/{primary.number}", json=patch)
            await self._keep_state(full, plan)
        for text in plan.comments:
            await client.rest("POST", f"/repos/{full}/issues/{primary.number}/comments", json={"body": text})
        written = await self._write_board_paper(client, full, primary, plan, log)
        replied = await self._give_feedback(client, full, primary, plan, log)
        closed = []
        for dup in duplicates:
            if dup.state == "open":
                await client.rest("POST", f"/repos/{full}/issues/{dup.number}/comments", json={
                    "body": self.process.text("duplicate_closed", lang).format(number=primary.number)})
                await client.rest("PATCH", f"/repos/{full}/issues/{dup.number}",
                                  json={"state": "closed", "state_reason": "not_planned"})
                closed.append(dup.number)
        await self.store.aput(KNOWN_ISSUES, full.lower(), primary.number)
        await self._github_access(client, full, primary, plan, log)
        if await self._provision(client, full, primary, plan, lang, log):
            return None   # Jira changed: another round shows it in the issue
        return Outcome(full, issue=primary.number, updated=tuple(sorted(patch)),
                       comments=len(plan.comments) + replied + written, commands=len(plan.feedback), closed_duplicates=tuple(closed), problems=config_problems,
                       state_source=plan.state_source)

    async def _github_access(self, client, full: str, issue: IssueRecord, plan: Plan, log) -> None:
        """Step 3 on GitHub, when due and changed since the last success; a refusal is one comment."""
        if plan.github is None:
            return
        from bot.onboarding.github_step import provision as provision_github

        last = await self.store.aget(GITHUB_ACCESS, full.lower()) or {}
        wanted = hashlib.sha256(repr(plan.github).encode()).hexdigest()[:16]
        if last.get("ok") and last.get("wanted") == wanted:
            return
        owner, name = full.split("/", 1)
        status = {**await provision_github(client, owner, name, plan.github, last.get("added") or [], log,
                                           collaborators=last.get("collaborators") or []), "wanted": wanted}
        if not status["ok"] and status.get("problem") != last.get("problem"):
            await client.rest("POST", f"/repos/{full}/issues/{issue.number}/comments", json={
                "body": f"**GitHub:** {status['problem']} {status.get('hint', '')}".strip()})
        await self.store.aput(GITHUB_ACCESS, full.lower(), status)

    async def _provision(self, client, full: str, issue: IssueRecord, plan: Plan, lang: str, log) -> bool:
        """Step 3 in Jira, when due and when what is wanted changed since the last time (a reconcile
        with nothing to do asks Jira nothing). True when the recorded outcome changed."""
        if plan.jira is None or self.jira is None:
            return False
        from bot.onboarding.jira_step import provision

        last = await self.store.aget(JIRA_STATUS, full.lower()) or {}
        # what is wanted, less the key it already has: a plan unchanged since the last success asks nothing
        same_key = plan.jira.keys == (last.get("key"),)
        wanted = hashlib.sha256(repr(dataclasses.replace(plan.jira, keys=() if same_key else plan.jira.keys))
                                .encode()).hexdigest()[:16]
        if last.get("ok") and last.get("wanted") == wanted:
            return False
        status = {**await provision(self.jira, plan.jira, known_key=last.get("key"), base_url=self.jira_url,
                                    log=log, granted=last.get("granted")), "wanted": wanted}
        if log:
            log.info("jira_provisioned", ok=status["ok"], key=status.get("key"), problem=status.get("problem"))
        if not status["ok"] and status.get("problem") != last.get("problem"):
            # one Danish comment naming what to fix and who can fix it; not repeated while unchanged
            await client.rest("POST", f"/repos/{full}/issues/{issue.number}/comments", json={
                "body": f"**Jira:** {status['problem']} {status.get('hint', '')}".strip()})
        await self.store.aput(JIRA_STATUS, full.lower(), status)
        shown = {k: last.get(k) for k in ("ok", "key", "url", "message", "problem")}
        return shown != {k: status.get(k) for k in shown}

    async def _write_board_paper(self, client, full: str, issue: IssueRecord, plan: Plan, log) -> int:
        """The indstilling comment, one per issue: found by the id the bot kept or by its marker, and
        only among the bot's own comments; posted when there is none, and rewritten from the sealed
        state whenever its text differs (a new request after a tilbageløb, or a person's edit, which
        is put back). Returns 1 when a comment was posted."""
        if plan.board_paper is None:
            return 0
        kept = await self.store.aget(BOARD_PAPERS, full.lower())
        found: tuple[int, str] | None = None
        if isinstance(kept, int):
            mine = next((c for c in issue.comments if c.id == kept), None)
            if mine is not None:
                found = (mine.id, mine.body) if mine.by_us else None
            else:   # older than the comments read: asked for by id, and believed only if it is ours here
                answer = await client.rest_or_none("GET", f"/repos/{full}/issues/comments/{kept}")
                if answer and self.identity.is_rest_user(answer.get("user")) and \
                        str(answer.get("issue_url") or "").endswith(f"/issues/{issue.number}"):
                    found = (kept, answer.get("body") or "")
        if found is None:
            marked = [c for c in issue.comments if c.by_us and PAPER_MARKER in c.body]
            if marked:
                first = min(marked, key=lambda c: c.id)
                found = (first.id, first.body)
        if found is None:
            created = await client.rest("POST", f"/repos/{full}/issues/{issue.number}/comments",
                                        json={"body": plan.board_paper})
            await self.store.aput(BOARD_PAPERS, full.lower(), int(created["id"]))
            if log:
                log.info("board_paper_written", issue=issue.number, comment=created.get("id"))
            return 1
        comment_id, body = found
        if body != plan.board_paper:
            await client.rest("PATCH", f"/repos/{full}/issues/comments/{comment_id}", json={"body": plan.board_paper})
            if log:
                log.info("board_paper_rewritten", issue=issue.number, comment=comment_id)
        if kept != comment_id:
            await self.store.aput(BOARD_PAPERS, full.lower(), comment_id)
        return 0

    async def _refusals(self, full: str, login: str) -> list[float]:
        """When this person's refused commands were answered in the last hour."""
        kept = await self.store.aget(REFUSALS, f"{full.lower()}|{login.lower()}") or []
        return [t for t in kept if isinstance(t, (int, float)) and t > time.time() - 3600]

    async def _owe(self, full: str, feedback) -> None:
        await self.store.aput(OWED, full.lower(), [o.to_dict() for o in feedback])

    async def _give_feedback(self, client, full: str, issue: IssueRecord, plan: Plan, log) -> int:
        """What is owed, once the decisions are safe in the issue: first kept in the journal, then
        given, then crossed off one by one, so a failure (a 5xx, a crash) is finished by the next
        reconcile. Reactions are idempotent on GitHub; a reply carries a marker and is never given
        twice; a reply GitHub refuses (too long, locked issue) is logged and does not hold up others."""
        if not plan.feedback:
            return 0
        owed = {o.comment: o for o in plan.feedback}
        await self._owe(full, plan.feedback)
        already = {int(m.group(1)) for c in issue.comments if c.by_us for m in [_REPLY.search(c.body)] if m}
        replied = 0
        for item in list(owed.values()):
            for content in item.reactions:
                try:
                    await client.rest("POST", f"/repos/{full}/issues/comments/{item.comment}/reactions",
                                      json={"content": content})
                except PermanentError as exc:     # the comment was deleted meanwhile
                    if log:
                        log.warning("reaction_refused", comment=item.comment, status=exc.status)
                    break
            if item.reply and item.comment not in already:
                try:
                    await client.rest("POST", f"/repos/{full}/issues/{issue.number}/comments",
                                      json={"body": f"{item.reply}\n\n{reply_marker(item.comment)}"})
                    replied += 1
                except PermanentError as exc:
                    if log:
                        log.error("reply_refused", comment=item.comment, status=exc.status, error=str(exc)[:200])
            del owed[item.comment]
            await self.store.aput(OWED, full.lower(), [o.to_dict() for o in owed.values()])
        return replied

    async def _keep_state(self, full: str, plan: Plan) -> None:
        """The journal's copy, by serial: never replaced by an older one."""
        kept = await self.store.aget(STATES, full.lower())
        if isinstance(kept, dict) and int((kept.get("seal") or {}).get("serial", -1)) >= plan.seal.serial:
            return
        await self.store.aput(STATES, full.lower(), {"seal": plan.seal.to_dict(),
                                                     "state": plan.desired.onboarding_state.to_dict()})

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


def _checks_config(settings: OrgSettings):
    return for_organisation(load_checks_config(), organisations=settings.os2_orgs, suppliers=settings.suppliers)


def _checks_at(snapshot, config, process):
    """level -> CheckRun, memoised for one reconcile: commands that change the level see the
    checks of the new level. Report criteria that follow the board's approval are not held
    against step 1 (the approval is a decision, and step 2 organises the groups)."""
    later = process.board_review.follows_approval if process.board_review else frozenset()

    @lru_cache(maxsize=8)
    def run(level):
        return run_checks(snapshot, level=level, config=config, follows_approval=later)
    return run
