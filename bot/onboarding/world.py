"""What reconcile reads, in ONE GraphQL query: the repository snapshot, the bot's
onboarding issue(s) with their comments, and the organisation's `.github/os2bot.yml`.

Pure: the query text and the parser of its answer. The GraphQL schema reports an App's
bot as `__typename: Bot` with its login *without* the REST suffix `[bot]`, so logins are
compared with `same_login`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.github_snapshot import REPOSITORY_SNAPSHOT_FIELDS, snapshot_from_repository
from bot.onboarding.config import ORG_CONFIG_PATH, ORG_CONFIG_REPO
from bot.snapshot import Snapshot

ISSUE_FIELDS = """
fragment OnboardingIssue on Issue {
  number
  title
  body
  state
  stateReason
  url
  createdAt
  lastEditedAt
  author { __typename login }
  editor { __typename login }
  labels(first: 50) { nodes { name } }
  comments(last: 100) {
    nodes {
      databaseId
      body
      url
      createdAt
      lastEditedAt
      author { __typename login }
      reactions(first: 20) { nodes { content user { login } } }
    }
  }
}
"""

WORLD_QUERY = """
query OnboardingWorld($owner: String!, $name: String!, $bot: String!, $known: Int!, $hasKnown: Boolean!,
                      $orgConfig: String!) {
  repository(owner: $owner, name: $name) {
    %(snapshot)s
    known: issue(number: $known) @include(if: $hasKnown) { ...OnboardingIssue }
    repoLabels: labels(first: 100) { nodes { name } }
    mine: issues(first: 20, filterBy: {createdBy: $bot, states: [OPEN, CLOSED]},
                 orderBy: {field: CREATED_AT, direction: ASC}) {
      nodes { ...OnboardingIssue }
    }
  }
  orgConfig: repository(owner: $owner, name: "%(config_repo)s") {
    object(expression: $orgConfig) { ... on Blob { text } }
  }
}
%(issue)s
""" % {"snapshot": REPOSITORY_SNAPSHOT_FIELDS, "issue": ISSUE_FIELDS, "config_repo": ORG_CONFIG_REPO}


def world_variables(owner: str, name: str, bot_login: str, known_issue: int | None) -> dict[str, Any]:
    return {"owner": owner, "name": name, "bot": bot_login, "known": known_issue or 0,
            "hasKnown": bool(known_issue), "orgConfig": f"HEAD:{ORG_CONFIG_PATH}"}


def same_login(a: str | None, b: str | None) -> bool:
    """Logins compared as GitHub means them: case-insensitive, `[bot]` suffix optional."""
    def norm(login: str | None) -> str:
        login = (login or "").lower()
        return login[:-5] if login.endswith("[bot]") else login
    return bool(a) and bool(b) and norm(a) == norm(b)


@dataclass(frozen=True)
class CommentRecord:
    id: int
    body: str
    url: str
    author: str | None
    author_is_bot: bool
    created_at: str
    edited: bool
    reactions: tuple[tuple[str, str], ...] = ()     # (content, login)


@dataclass(frozen=True)
class IssueRecord:
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
    labels: frozenset[str]
    comments: tuple[CommentRecord, ...] = ()


@dataclass(frozen=True)
class World:
    snapshot: Snapshot
    issues: tuple[IssueRecord, ...]           # every issue the bot authored that was read, oldest first
    org_config_text: str | None               # None: no `.github/os2bot.yml` (or no access)
    labels: frozenset[str] = frozenset()      # the repository's labels (lower case)
    problems: tuple[str, ...] = field(default_factory=tuple)


def _login(actor: Any) -> tuple[str | None, bool]:
    if not isinstance(actor, dict):
        return None, False
    return actor.get("login"), actor.get("__typename") == "Bot"


def _issue(node: dict) -> IssueRecord:
    author, _ = _login(node.get("author"))
    editor, _ = _login(node.get("editor"))
    comments = []
    for c in ((node.get("comments") or {}).get("nodes") or []):
        if not isinstance(c, dict) or not isinstance(c.get("databaseId"), int):
            continue
        c_author, c_bot = _login(c.get("author"))
        reactions = tuple((r.get("content", ""), (r.get("user") or {}).get("login", ""))
                          for r in ((c.get("reactions") or {}).get("nodes") or []) if isinstance(r, dict))
        comments.append(CommentRecord(id=c["databaseId"], body=c.get("body") or "", url=c.get("url") or "",
                                      author=c_author, author_is_bot=c_bot, created_at=c.get("createdAt") or "",
                                      edited=bool(c.get("lastEditedAt")), reactions=reactions))
    return IssueRecord(
        number=int(node["number"]), title=node.get("title") or "", body=node.get("body") or "",
        state=str(node.get("state") or "OPEN").lower(),
        state_reason=(node.get("stateReason") or "").lower() or None,
        url=node.get("url") or "", created_at=node.get("createdAt") or "",
        author=author, editor=editor, last_edited_at=node.get("lastEditedAt"),
        labels=frozenset(n.get("name") for n in ((node.get("labels") or {}).get("nodes") or [])
                         if isinstance(n, dict) and n.get("name")),
        comments=tuple(comments),
    )


def parse_world(data: dict, bot_login: str) -> World:
    """The query's `data` -> World. Only issues the bot authored are kept."""
    repo = data.get("repository")
    snapshot = snapshot_from_repository(repo)
    by_number: dict[int, IssueRecord] = {}
    candidates = [repo.get("known")] + list(((repo.get("mine") or {}).get("nodes") or []))
    for node in candidates:
        if isinstance(node, dict) and isinstance(node.get("number"), int):
            record = _issue(node)
            if same_login(record.author, bot_login):
                by_number[record.number] = record
    config = data.get("orgConfig") or {}
    text = (config.get("object") or {}).get("text") if isinstance(config, dict) else None
    labels = frozenset(str(n.get("name", "")).lower() for n in ((repo.get("repoLabels") or {}).get("nodes") or [])
                       if isinstance(n, dict))
    return World(snapshot=snapshot, issues=tuple(by_number[n] for n in sorted(by_number)),
                 org_config_text=text if isinstance(text, str) else None, labels=labels)
