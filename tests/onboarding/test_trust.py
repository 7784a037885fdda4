"""No one in: the onboarding state cannot be forged, replayed or misattributed by people who
can edit the issue body (everyone with write access), judged on a simulated issue with
GitHub's edit history (tests/onboarding/simulated_issue.py) and the pure `decide`."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.onboarding.config import load_process
from bot.onboarding.state_block import MARKER, decode
from bot.onboarding.ticks import read_ticks
from tests.e2e.harness import tick as tick_line
from tests.onboarding.simulated_issue import BOARD, CONTRIBUTOR, KEY, SECRETARIAT, SimulatedIssue

BLOCK = re.compile(r"<!-- os2bot:state v\d+ \S+ \S+ -->")


def opened() -> SimulatedIssue:
    issue = SimulatedIssue()
    issue.reconcile()
    return issue


def state(issue: SimulatedIssue):
    return decode(issue.body, KEY)[0]


def test_a_block_pasted_from_another_products_issue_gives_nothing():
    other = SimulatedIssue(repo_id="R_kgDOother")
    other.reconcile()
    other.comment("/level 3", SECRETARIAT)
    other.comment("/approve-match", SECRETARIAT)
    other.reconcile()
    foreign = BLOCK.search(other.body).group(0)
    assert state(other).level == 3

    issue = opened()
    issue.edit(BLOCK.sub(foreign, issue.body), CONTRIBUTOR)
    plan = issue.reconcile()
    assert state(issue).level is None and state(issue).decisions == ()
    assert plan.state_source == "history"
    assert any("tilstandsblok" in c for c in issue.bot_comments)        # said in the issue


def test_an_older_block_of_the_same_issue_restored_gives_nothing_and_is_set_back():
    issue = opened()
    old_block = BLOCK.search(issue.body).group(0)
    issue.comment("/level 2", SECRETARIAT)
    issue.reconcile()
    assert state(issue).level == 2
    issue.edit(BLOCK.sub(old_block, issue.body), CONTRIBUTOR)
    issue.reconcile()
    assert state(issue).level == 2 and [d.kind for d in state(issue).decisions] == ["level"]
    assert BLOCK.search(issue.body).group(0) != old_block


def test_the_block_deleted_with_a_fresh_database_keeps_every_decision():
    issue = opened()
    issue.comment("/level 2", SECRETARIAT)
    issue.comment("/approve-match", SECRETARIAT)
    issue.reconcile()
    issue.journal = None                                              # a new host, a new database
    issue.edit(BLOCK.sub("", issue.body), CONTRIBUTOR)
    plan = issue.reconcile()
    assert plan.state_source == "history"
    assert [d.kind for d in state(issue).decisions] == ["level", "match_approval"]


def test_everything_deleted_is_said_and_nothing_empty_is_signed():
    issue = opened()
    issue.comment("/level 2", SECRETARIAT)
    issue.reconcile()
    issue.journal = None
    issue.edit(BLOCK.sub("", issue.body), CONTRIBUTOR)
    for i, r in enumerate(issue.revisions):
        if r.by_bot:
            issue.delete_revision(i, CONTRIBUTOR)
    body_before = issue.body
    plan = issue.reconcile()
    assert plan.lost and plan.desired is None and issue.body == body_before    # no empty state signed
    assert sum("kan ikke læse sin seneste registrering" in c for c in issue.bot_comments) == 1
    issue.reconcile()
    assert sum("kan ikke læse sin seneste registrering" in c for c in issue.bot_comments) == 1   # said once


def test_a_removed_marker_is_restored():
    issue = opened()
    issue.edit(issue.body.replace(MARKER, ""), CONTRIBUTOR)
    issue.reconcile()
    assert MARKER in issue.body


def test_two_peoples_ticks_between_two_reconciles_are_each_judged_by_their_own_author():
    # the contributor ticks the secretariat's line first, then the secretariat edits the body
    issue = opened()
    issue.edit(tick_line(issue.body, "match-judged"), CONTRIBUTOR)
    issue.edit(issue.body + "\n", SECRETARIAT)
    issue.reconcile()
    assert "match-judged" not in state(issue).ticks and read_ticks(issue.body)["match-judged"] is False
    # the reverse: the secretariat ticks, then a contributor edits the body
    issue = opened()
    issue.edit(tick_line(issue.body, "match-judged"), SECRETARIAT)
    issue.edit(issue.body + "\n", CONTRIBUTOR)
    issue.reconcile()
    assert state(issue).ticks["match-judged"].by == SECRETARIAT and read_ticks(issue.body)["match-judged"]


def test_edits_that_cannot_be_told_apart_are_judged_as_the_least_privileged_persons():
    issue = opened()
    issue.edit(tick_line(issue.body, "match-judged"), CONTRIBUTOR)
    issue.edit(issue.body + "\n", SECRETARIAT)
    issue.delete_revision(len(issue.revisions) - 2, SECRETARIAT)      # the contributor's revision is gone
    issue.reconcile()
    assert "match-judged" not in state(issue).ticks


def test_a_revoked_membership_counts_at_the_next_reconcile():
    issue = opened()
    del issue.teams[SECRETARIAT]
    issue.comment("/level 2", SECRETARIAT)
    issue.reconcile()
    assert state(issue).level is None


COMMANDS = {"/level 2": {"secretariat"}, "/level 3": {"secretariat"}, "/approve-match": {"secretariat"},
            "/coordinator add @kommune-karin": {"secretariat"}, "/request-board-review": {"secretariat", "coordinator"},
            "/approve": {"board"}, "/return ikke nu": {"board"}}
KIND_OF = {"level": "/level", "match_approval": "/approve-match", "coordinator_added": "/coordinator",
           "board_review": "/request-board-review", "board_approval": ("/approve", "/return")}
PEOPLE = [SECRETARIAT, BOARD, CONTRIBUTOR]

actions = st.lists(st.one_of(
    st.tuples(st.just("comment"), st.sampled_from(sorted(COMMANDS)), st.sampled_from(PEOPLE)),
    st.tuples(st.just("tick"), st.sampled_from(["match-judged", "coordination-group", "licence"]),
              st.sampled_from(PEOPLE)),
    st.tuples(st.just("forge"), st.sampled_from(["delete-block", "old-block", "foreign-block", "marker", "level"]),
              st.sampled_from(PEOPLE)),
    st.tuples(st.just("delete-revision"), st.integers(0, 50), st.sampled_from(PEOPLE)),
    st.tuples(st.just("fresh-database"), st.none(), st.none()),
    st.tuples(st.just("reconcile"), st.none(), st.none()),
), max_size=15)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions)
def test_decisions_are_exactly_those_made_by_commands_of_people_allowed_to_make_them(steps):
    foreign = SimulatedIssue(repo_id="R_kgDOother")
    foreign.reconcile()
    foreign.comment("/level 3", SECRETARIAT)
    foreign.reconcile()
    foreign_block = BLOCK.search(foreign.body).group(0)

    issue = opened()
    first_block = BLOCK.search(issue.body).group(0)
    seen: list = []
    plan = None
    for action, what, who in steps + [("reconcile", None, None)]:
        if action == "comment":
            issue.comment(what, who)
        elif action == "tick" and f"<!-- item:{what} -->" in issue.body:
            issue.edit(tick_line(issue.body, what), who)
        elif action == "forge":
            body = {"delete-block": lambda b: BLOCK.sub("", b), "old-block": lambda b: BLOCK.sub(first_block, b),
                    "foreign-block": lambda b: BLOCK.sub(foreign_block, b),
                    "marker": lambda b: b.replace(MARKER, ""),
                    "level": lambda b: b.replace("niveau", "niveau 3")}[what](issue.body)
            issue.edit(body, who)
        elif action == "delete-revision" and issue.revisions:
            issue.delete_revision(what % len(issue.revisions), who)
        elif action == "fresh-database":
            issue.journal = None
            issue.owed = []
        elif action == "reconcile":
            plan = issue.reconcile()
            if plan.lost:
                continue
            now = state(issue).decisions
            assert now[:len(seen)] == tuple(seen), "decisions only ever grow"
            seen = list(now)
    if plan.lost:
        return   # nothing is held (and nothing written) until the state is restored: checked above
    final = state(issue)
    by_url = {c.url: c for c in issue.comments}
    coordinators: set[str] = set()
    for decision in final.decisions:
        comment = by_url[decision.comment_url]                      # every decision comes from a comment ...
        assert comment.author == decision.by and not comment.by_us
        prefixes = KIND_OF[decision.kind]
        prefixes = prefixes if isinstance(prefixes, tuple) else (prefixes,)
        command = next(c for c in COMMANDS if comment.body.startswith(c) and c.startswith(prefixes))
        roles = {"secretariat"} if decision.by == SECRETARIAT else {"board"} if decision.by == BOARD else set()
        if decision.by in coordinators:
            roles.add("coordinator")
        assert roles & COMMANDS[command], f"{decision.by} may not {command}"   # ... by someone allowed to make it
        if decision.kind == "coordinator_added":
            coordinators.add(decision.value)
    process = load_process()
    for key, t in final.ticks.items():                               # and every tick by someone allowed
        roles = {"secretariat"} if t.by == SECRETARIAT else {"board"} if t.by == BOARD else set()
        if t.by in coordinators:
            roles.add("coordinator")
        assert roles & set(process.item(key).roles), f"{t.by} may not tick {key}"


def test_a_history_that_cannot_be_read_back_to_the_bot_is_said_in_the_issue_and_credits_no_one():
    from dataclasses import replace as _replace

    from bot.onboarding.decide import decide
    from bot.onboarding.history import edits_since_bot
    from tests.onboarding import simulated_issue

    issue = opened()
    issue.edit(tick_line(issue.body, "match-judged"), SECRETARIAT)
    only_the_newest = [issue.revisions[-1]]                          # as if the bot's write were pages away
    history = edits_since_bot(only_the_newest, issue.body, complete_history=False)
    captured = {}
    original = simulated_issue.decide

    def spy(inputs):
        captured["plan"] = original(_replace(inputs, history=history))
        return captured["plan"]

    simulated_issue.decide = spy
    try:
        issue.reconcile()
    finally:
        simulated_issue.decide = original
    assert "match-judged" not in state(issue).ticks
    assert any("Redigeringshistorikken for beskrivelsen kunne ikke læses" in c for c in issue.bot_comments)
    assert ("history_incomplete", {"issue": 1}) in captured["plan"].log
    assert decide is original


def test_thousands_of_commands_do_not_grow_the_body():
    issue = opened()
    issue.comment("/help", CONTRIBUTOR)
    issue.reconcile()
    size = len(issue.body)
    for _ in range(2000):
        issue.comment("/help", CONTRIBUTOR)
    issue.reconcile()
    assert len(issue.body) - size < 20          # a watermark, not a list of every comment answered


def test_the_bots_newest_write_deleted_with_no_journal_copy_never_rolls_decisions_back():
    # found by the property test: a fresh database, the block deleted, the bot's newest
    # revision deleted from the history -> an older revision would have re-run old commands
    issue = opened()
    issue.comment("/level 2", SECRETARIAT)
    issue.reconcile()
    issue.journal = None
    issue.edit(BLOCK.sub("", issue.body), CONTRIBUTOR)
    newest_bot = max(i for i, r in enumerate(issue.revisions) if r.by_bot)
    issue.delete_revision(newest_bot, CONTRIBUTOR)
    body = issue.body
    plan = issue.reconcile()
    assert plan.lost and issue.body == body                    # nothing older is signed as the truth
    assert any("kan ikke læse sin seneste registrering" in c for c in issue.bot_comments)
