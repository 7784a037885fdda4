"""The body's edit history read as an audit trail (bot/onboarding/history.py), on the shapes
GitHub's `userContentEdits` gives: newest first, `diff` the whole body, deleted revisions
with `diff: null` and `deletedBy`."""

from __future__ import annotations

from bot.onboarding.history import Revision, edits_since_bot, revision_from_node
from bot.onboarding.identity import BotIdentity

BOT = BotIdentity("os2bot[bot]")


def rev(at, who, text, *, bot=False, deleted_by=None):
    return Revision(f"2026-11-01T09:{at:02d}:00Z", who, bot, text, deleted_by)


def test_a_node_from_github_is_read_with_the_bot_told_apart_from_a_user_named_like_it():
    node = {"editedAt": "2026-11-01T09:00:00Z", "deletedAt": None, "deletedBy": None,
            "editor": {"__typename": "Bot", "login": "os2bot"}, "diff": "body"}
    assert revision_from_node(node, BOT.is_graphql_actor).by_bot
    impostor = {**node, "editor": {"__typename": "User", "login": "os2bot"}}
    assert not revision_from_node(impostor, BOT.is_graphql_actor).by_bot
    deleted = {**node, "diff": None, "deletedAt": "2026-11-01T10:00:00Z",
               "deletedBy": {"__typename": "User", "login": "mallory"}}
    r = revision_from_node(deleted, BOT.is_graphql_actor)
    assert r.text is None and r.deleted_by == "mallory"
    assert revision_from_node({"diff": "x"}, BOT.is_graphql_actor) is None     # no editedAt: not an edit


def test_each_edit_since_the_bots_last_write_is_one_act_of_its_own_editor():
    newest_first = [rev(3, "sofie", "C"), rev(2, "karin", "B"), rev(1, "os2bot", "A", bot=True),
                    rev(0, "os2bot", "0", bot=True)]
    history = edits_since_bot(newest_first, "C", complete_history=True)
    assert history.baseline == "A" and history.complete
    assert [(a.before, a.after, a.actors) for a in history.acts] == [("A", "B", ("karin",)), ("B", "C", ("sofie",))]
    assert history.texts == ("C", "B", "A", "0")


def test_a_deleted_revision_merges_its_neighbours_into_one_act_of_everyone_involved():
    newest_first = [rev(3, "sofie", "C"), rev(2, "karin", None, deleted_by="karin"), rev(1, "os2bot", "A", bot=True)]
    [act] = edits_since_bot(newest_first, "C", complete_history=True).acts
    assert act.before == "A" and act.after == "C" and set(act.actors) == {"karin", "sofie"}


def test_the_bots_deleted_write_falls_back_to_its_previous_one():
    newest_first = [rev(3, "karin", "C"), rev(2, "os2bot", None, bot=True, deleted_by="karin"),
                    rev(1, "os2bot", "A", bot=True)]
    history = edits_since_bot(newest_first, "C", complete_history=True)
    assert history.baseline == "A" and [a.actors for a in history.acts] == [("karin",)]


def test_a_history_read_only_in_part_gives_an_unknown_person_no_rights():
    newest_first = [rev(3, "sofie", "C"), rev(2, "sofie", "B")]          # the bot's write is on a later page
    history = edits_since_bot(newest_first, "C", complete_history=False)
    assert not history.complete and history.baseline is None
    assert history.acts[0].before is None and "" in history.acts[0].actors


def test_a_body_changed_after_the_last_revision_read_is_an_unknown_persons_act():
    newest_first = [rev(1, "os2bot", "A", bot=True)]
    [act] = edits_since_bot(newest_first, "Z", complete_history=True).acts
    assert act.before == "A" and act.after == "Z" and act.actors == ("",)


def test_nothing_changed_since_the_bot_wrote_is_no_act():
    assert edits_since_bot([rev(1, "os2bot", "A", bot=True)], "A", complete_history=True).acts == ()
