"""What reconcile reads, in ONE GraphQL query: the repository snapshot, the bot's
onboarding issue(s) with their comments, and the organisation's `.github/os2bot.yml`.

Pure: the query text and the parser of its answer. The GraphQL schema reports an App's
bot as `__typename: Bot` with its login *without* the REST suffix `[bot]`; who is the bot
is decided by `BotIdentity` (login and type), never by a login alone.

The body's edit history is read by a second query (`HISTORY_QUERY`), only when a person has
edited the body since the bot's last write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.github_snapshot import REPOSITORY_SNAPSHOT_FIELDS, snapshot_from_repository
from bot.graphql_cost import RATE_LIMIT_FIELDS
from bot.onboarding.changes import REPOSITORY_CHANGE_FIELDS, fingerprint
from bot.onboarding.config import ORG_CONFIG_PATH, ORG_CONFIG_REPO
from bot.onboarding.identity import BotIdentity
from bot.snapshot import Snapshot

ISSUE_FIELDS = """
fragment OnboardingIssue on Issue {
  id
  number
  title
  body
  state
  stateReason
  url
  createdAt
  updatedAt
  lastEditedAt
  author { __typename login }
  editor { __typename login }
  labels(first: 50) { nodes { name } }
  comments(last: 100) {
    pageInfo { hasPreviousPage startCursor }
    nodes {
      databaseId
      body
      url
      createdAt
      lastEditedAt
      author { __typename login }
    }
  }
}
"""

WORLD_QUERY = """
query OnboardingWorld($owner: String!, $name: String!, $bot: String!, $known: Int!, $hasKnown: Boolean!,
                      $orgConfig: String!) {
  repository(owner: $owner, name: $name) {
    id
    %(snapshot)s
    %(changes)s
    known: issue(number: $known) @include(if: $hasKnown) { ...OnboardingIssue }
    repoLabels: labels(first: 100) { nodes { name } }
    mine: issues(first: 20, filterBy: {createdBy: $bot, states: [OPEN, CLOSED]},
                 orderBy: {field: CREATED_AT, direction: ASC}) {
      nodes { ...OnboardingIssue }
    }
  }
  orgConfig: repository(owner: $owner, name: "%(config_repo)s") {
    object(expression: $orgConfig) { oid ... on Blob { text } }
  }
  %(rate)s
}
%(issue)s
""" % {"snapshot": REPOSITORY_SNAPSHOT_FIELDS, "issue": ISSUE_FIELDS, "config_repo": ORG_CONFIG_REPO,
       "rate": RATE_LIMIT_FIELDS, "changes": REPOSITORY_CHANGE_FIELDS}


def world_variables(owner: str, name: str, bot_login: str, known_issue: int | None) -> dict[str, Any]:
    return {"owner": owner, "name": name, "bot": bot_login, "known": known_issue or 0,
            "hasKnown": bool(known_issue), "orgConfig": f"HEAD:{ORG_CONFIG_PATH}"}


COMMENTS_MAX_PAGES = 10    # pages of 100 comments read back to the watermark; past this, said in the issue

COMMENTS_QUERY = """
query OnboardingComments($owner: String!, $name: String!, $number: Int!, $before: String) {
  repository(owner: $owner, name: $name) {
    issue(number: $number) {
      comments(last: 100, before: $before) {
        pageInfo { hasPreviousPage startCursor }
        nodes { databaseId body url createdAt lastEditedAt author { __typename login } }
      }
    }
  }
  %s
}
""" % RATE_LIMIT_FIELDS

HISTORY_PAGE = 20          # revisions per page of the body's edit history (each holds a whole body)
HISTORY_MAX_PAGES = 5      # past this the history counts as unreadable (said in the issue)

HISTORY_QUERY = """
query OnboardingHistory($owner: String!, $name: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    issue(number: $number) {
      userContentEdits(first: %(page)d, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { editedAt deletedAt deletedBy { __typename login } editor { __typename login } diff }
      }
    }
  }
  %(rate)s
}
""" % {"page": HISTORY_PAGE, "rate": RATE_LIMIT_FIELDS}


@dataclass(frozen=True)
class CommentRecord:
    id: int
    body: str
    url: str
    author: str | None
    author_is_bot: bool              # any bot (ours or another App's): never a command
    created_at: str
    edited: bool
    by_us: bool = False              # written by this App's bot


@dataclass(frozen=True)
class IssueRecord:
    node_id: str
    number: int
    title: str
    body: str
    state: str                       # "open" | "closed"
    state_reason: str | None
    url: str
    created_at: str
    author: str | None
    editor: str | None
    last_edited_at: str | None
    editor_is_us: bool               # the last edit of the body is the bot's own
    labels: frozenset[str]
    comments: tuple[CommentRecord, ...] = ()
    older_comments: str | None = None  # cursor of the comments before those read; None: all were read
    updated_at: str | None = None      # moves on every edit, comment, label and state change


@dataclass(frozen=True)
class World:
    snapshot: Snapshot
    issues: tuple[IssueRecord, ...]           # every issue this App's bot authored that was read, oldest first
    repo_id: str | None                       # the repository's node id (stable across transfers)
    org_config_text: str | None               # None: no `.github/os2bot.yml` (or no access)
    labels: frozenset[str] = frozenset()      # the repository's labels (lower case)
    problems: tuple[str, ...] = field(default_factory=tuple)
    change_fields: dict = field(default_factory=dict)   # what the sweep compares (bot/onboarding/changes.py)
    config_oid: str | None = None

    def fingerprint(self) -> str:
        """As the sweep computes it: the repository, the primary issue, the organisation's config."""
        primary = self.issues[0] if self.issues else None
        return fingerprint(self.change_fields, (primary.number, primary.updated_at) if primary else None,
                           self.config_oid)


def _login(actor: Any) -> tuple[str | None, bool]:
    if not isinstance(actor, dict):
        return None, False
    return actor.get("login"), actor.get("__typename") == "Bot"


def _issue(node: dict, identity: BotIdentity) -> IssueRecord:
    author, _ = _login(node.get("author"))
    editor, editor_bot = _login(node.get("editor"))
    comments = parse_comments((node.get("comments") or {}).get("nodes") or [], identity)
    info = (node.get("comments") or {}).get("pageInfo") or {}
    return IssueRecord(
        node_id=str(node.get("id") or ""), number=int(node["number"]), title=node.get("title") or "", body=node.get("body") or "",
        state=str(node.get("state") or "OPEN").lower(),
        state_reason=(node.get("stateReason") or "").lower() or None,
        url=node.get("url") or "", created_at=node.get("createdAt") or "",
        author=author, editor=editor, last_edited_at=node.get("lastEditedAt"),
        editor_is_us=identity.is_graphql_actor(editor, "Bot" if editor_bot else None),
        labels=frozenset(n.get("name") for n in ((node.get("labels") or {}).get("nodes") or [])
                         if isinstance(n, dict) and n.get("name")),
        comments=tuple(comments),
        older_comments=info.get("startCursor") if info.get("hasPreviousPage") else None,
        updated_at=node.get("updatedAt"),
    )


def parse_comments(nodes: list, identity: BotIdentity) -> list[CommentRecord]:
    comments = []
    for c in nodes:
        if not isinstance(c, dict) or not isinstance(c.get("databaseId"), int):
            continue
        c_author, c_bot = _login(c.get("author"))
        comments.append(CommentRecord(id=c["databaseId"], body=c.get("body") or "", url=c.get("url") or "",
                                      author=c_author, author_is_bot=c_bot, created_at=c.get("createdAt") or "",
                                      edited=bool(c.get("lastEditedAt")),
                                      by_us=identity.is_graphql_actor(c_author, "Bot" if c_bot else None)))
    return comments


def _authored_by(node: dict, identity: BotIdentity) -> bool:
    author = node.get("author") if isinstance(node.get("author"), dict) else {}
    return identity.is_graphql_actor(author.get("login"), author.get("__typename"))


def parse_world(data: dict, identity: BotIdentity) -> World:
    """The query's `data` -> World. Only issues this App's bot authored are kept: in a product
    repository every one of them is an onboarding issue, whatever its body says now (a removed
    marker is restored, never a reason to open a second issue)."""
    repo = data.get("repository")
    snapshot = snapshot_from_repository(repo)
    by_number: dict[int, IssueRecord] = {}
    candidates = [repo.get("known")] + list(((repo.get("mine") or {}).get("nodes") or []))
    for node in candidates:
        if isinstance(node, dict) and isinstance(node.get("number"), int) and _authored_by(node, identity):
            by_number[node["number"]] = _issue(node, identity)
    config = data.get("orgConfig") or {}
    text = (config.get("object") or {}).get("text") if isinstance(config, dict) else None
    labels = frozenset(str(n.get("name", "")).lower() for n in ((repo.get("repoLabels") or {}).get("nodes") or [])
                       if isinstance(n, dict))
    oid = (config.get("object") or {}).get("oid") if isinstance(config, dict) else None
    return World(snapshot=snapshot, issues=tuple(by_number[n] for n in sorted(by_number)),
                 repo_id=repo.get("id") if isinstance(repo.get("id"), str) else None,
                 org_config_text=text if isinstance(text, str) else None, labels=labels,
                 change_fields={k: repo.get(k) for k in ("isArchived", "description", "hasIssuesEnabled", "tree")},
                 config_oid=oid if isinstance(oid, str) else None)
