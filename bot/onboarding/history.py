"""The issue body's edit history as the audit trail: who changed what since the bot's own last write.

GitHub keeps every edit of an issue body with its editor (GraphQL `userContentEdits`; `diff`
holds the body as it was after that edit). The trusted baseline is the newest body the bot
itself wrote; every later edit is judged by its own editor's roles, in order, so a tick is
never credited to whoever happened to edit last. People with write access can delete a
revision from the history (`diff` becomes null, `deletedBy` stays): edits that can no longer be
told apart are judged together, as the act of the least-privileged person among them.

Pure: data in, data out.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Revision:
    """One entry of `userContentEdits`."""

    edited_at: str
    editor: str | None             # login; None when GitHub does not say (a deleted account)
    by_bot: bool                   # edited by this App's bot
    text: str | None               # the body after this edit; None when deleted from the history
    deleted_by: str | None = None
    deleted_by_bot: bool = False


@dataclass(frozen=True)
class Act:
    """A change of the body made by people: judged with the roles all of `actors` share."""

    before: str | None             # the body before; None: unknown (judge against what the bot last showed)
    after: str
    actors: tuple[str, ...]        # "" stands for someone GitHub does not name
    at: str


@dataclass(frozen=True)
class History:
    baseline: str | None           # the body as the bot last wrote it; None when not in what was read
    acts: tuple[Act, ...]          # people's changes since, oldest first
    texts: tuple[str, ...]         # every readable revision, newest first (where signed state may be found)
    complete: bool                 # the baseline was found: every change since is accounted for
    bot_write_deleted: bool = False  # a newer write of the bot's was deleted from the history


def revision_from_node(node: dict, is_bot) -> Revision | None:
    """A `UserContentEdit` node -> Revision; `is_bot(login, typename)` tells the App's bot."""
    if not isinstance(node, dict) or not isinstance(node.get("editedAt"), str):
        return None
    editor = node.get("editor") if isinstance(node.get("editor"), dict) else {}
    deleter = node.get("deletedBy") if isinstance(node.get("deletedBy"), dict) else {}
    deleted = node.get("deletedAt") is not None or not isinstance(node.get("diff"), str)
    return Revision(
        edited_at=node["editedAt"],
        editor=editor.get("login"),
        by_bot=bool(is_bot(editor.get("login"), editor.get("__typename"))),
        text=None if deleted else node["diff"],
        deleted_by=deleter.get("login"),
        deleted_by_bot=bool(is_bot(deleter.get("login"), deleter.get("__typename"))) if deleter else False,
    )


def _people(revision: Revision) -> list[str]:
    """The people behind one revision: its editor, and whoever deleted its text from the history."""
    people = [] if revision.by_bot else [revision.editor or ""]
    if revision.text is None and revision.deleted_by is not None and not revision.deleted_by_bot:
        people.append(revision.deleted_by)
    return people


def edits_since_bot(newest_first: list[Revision], current_body: str, *, complete_history: bool) -> History:
    """People's acts since the bot's newest readable revision. `newest_first`: GitHub's order
    (timestamps have whole seconds, so two edits in one second are told apart only by it).

    `complete_history`: every revision of the issue was read (no further page). When the bot's
    revision is not among what was read, the first act's `before` is None (judge against what the
    bot last showed) and, if older revisions were not read, an unknown person ("") stands among its
    actors, so nothing is credited to anyone with more rights than all of them share."""
    ordered = list(reversed(newest_first))
    texts = tuple(r.text for r in reversed(ordered) if r.text is not None)
    start = next((i for i in range(len(ordered) - 1, -1, -1) if ordered[i].by_bot and ordered[i].text is not None),
                 None)
    baseline = ordered[start].text if start is not None else None
    later = ordered[start + 1:] if start is not None else ordered
    acts: list[Act] = []
    before: str | None = baseline
    pending: list[str] = [] if start is not None or complete_history else [""]
    for revision in later:
        pending += _people(revision)
        if revision.text is None:
            continue
        if revision.text != before and pending:
            acts.append(Act(before, revision.text, tuple(dict.fromkeys(pending)), revision.edited_at))
        before, pending = revision.text, []
    if current_body != before:
        # an edit not (yet) in the history, or trailing revisions deleted from it: whoever made it
        # gets no more rights than everyone involved shares ("" stands for the unknown editor)
        actors = tuple(dict.fromkeys(pending or [""]))
        acts.append(Act(before, current_body, actors, later[-1].edited_at if later else ""))
    return History(baseline=baseline, acts=tuple(acts), texts=texts, complete=start is not None,
                   bot_write_deleted=any(r.by_bot and r.text is None for r in later))
