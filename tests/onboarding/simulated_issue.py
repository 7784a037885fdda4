"""A pure, in-memory onboarding issue with GitHub's edit history, driven through `decide`.

It does what reconcile's read and apply phases do, minus HTTP: the body's revisions (each
with its editor, deletable from the history as on GitHub), comments, the journal's copy.
Tests use it to attack the trust model quickly and exhaustively (property tests); the
end-to-end tests do the same against the real server and the GitHub stand-in.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from bot.commands import load_registry
from bot.onboarding.config import load_org_defaults, load_process, org_settings
from bot.onboarding.decide import Inputs, decide, reply_marker
from bot.onboarding.history import Revision, edits_since_bot
from bot.onboarding.model import RepoFacts
from bot.onboarding.state_block import state_key
from bot.onboarding.world import CommentRecord, IssueRecord

KEY = state_key("simulated-secret")
BOT = "os2bot"
SECRETARIAT, BOARD, CONTRIBUTOR = "sekretariat-sofie", "bestyrelse-bo", "kommune-karin"
TEAMS = {SECRETARIAT: frozenset({"os2-sekretariatet"}), BOARD: frozenset({"os2-bestyrelsen"})}
NO_CHECKS = SimpleNamespace(by_id={}, target_level=None)


@dataclass
class SimulatedIssue:
    repo_id: str = "R_kgDOsimulated"
    number: int = 1
    body: str = ""
    revisions: list[Revision] = field(default_factory=list)
    comments: list[CommentRecord] = field(default_factory=list)
    journal: dict | None = None
    clock: datetime = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)
    teams: dict = field(default_factory=lambda: dict(TEAMS))
    writers: frozenset = frozenset()
    created: bool = False
    bot_comments: list[str] = field(default_factory=list)
    owed: list = field(default_factory=list)   # the journal's feedback owed (given at once here)

    # ---- people ---------------------------------------------------------------------------------
    def tick(self) -> str:
        self.clock += timedelta(minutes=1)
        return self.clock.strftime("%Y-%m-%dT%H:%M:%SZ")

    def edit(self, body: str, who: str) -> None:
        """A person saves the description (GitHub records the revision with its editor)."""
        self.body = body
        self.revisions.append(Revision(self.tick(), who, False, body))

    def delete_revision(self, index: int, who: str) -> None:
        """A person with write access deletes one revision from the edit history."""
        r = self.revisions[index]
        self.revisions[index] = replace(r, text=None, deleted_by=who)

    def comment(self, text: str, who: str) -> int:
        cid = 1000 + len(self.comments)
        self.comments.append(CommentRecord(cid, text, f"https://github.com/o/r/issues/1#issuecomment-{cid}",
                                           who, False, self.tick(), False))
        return cid

    # ---- the bot --------------------------------------------------------------------------------
    def reconcile(self):
        """One reconcile: read as reconcile reads, decide, apply the plan."""
        process = load_process()
        issue = None
        history = None
        if self.created:
            last = self.revisions[-1] if self.revisions else None
            issue = IssueRecord(node_id="I_sim", number=self.number, title="t", body=self.body, state="open",
                                state_reason=None, url="u", created_at="c", author=BOT, editor=last.editor if last else None,
                                last_edited_at=last.edited_at if len(self.revisions) > 1 else None,
                                labels=frozenset(), comments=tuple(self.comments),
                                editor_is_us=bool(last and last.by_bot))
            if issue.last_edited_at is not None and not issue.editor_is_us:
                history = edits_since_bot(list(reversed(self.revisions)), self.body, complete_history=True)
        inputs = Inputs(process=process, registry=load_registry(), settings=org_settings(load_org_defaults()),
                        facts=RepoFacts("OS2offdig", "os2x"), repo_id=self.repo_id, issue=issue, history=history,
                        journal=self.journal, teams=self.teams, writers=self.writers,
                        checks_at=lambda level: NO_CHECKS, key=KEY, now=self.clock, lang="da",
                        board_mention="@OS2offdig/os2-bestyrelsen", is_bot_comment=lambda c: c.by_us,
                        owed=tuple(self.owed))
        plan = decide(inputs)
        if plan.desired is not None and (not self.created or plan.desired.body != self.body):
            self.body = plan.desired.body
            self.revisions.append(Revision(self.tick(), BOT, True, self.body))
            self.created = True
            if not self.journal or self.journal["seal"]["serial"] < plan.seal.serial:
                self.journal = {"seal": plan.seal.to_dict(), "state": plan.desired.onboarding_state.to_dict()}
        replies = []
        for owed in plan.feedback:
            marker = reply_marker(owed.comment)
            if owed.reply and not any(marker in c for c in self.bot_comments):
                replies.append(f"{owed.reply}\n\n{marker}")
        for text in list(plan.comments) + replies:
            cid = 1000 + len(self.comments)      # GitHub's ids grow with time, whoever writes
            self.bot_comments.append(text)
            self.comments.append(CommentRecord(cid, text, "u", BOT, True, self.tick(), False, by_us=True))
        return plan
