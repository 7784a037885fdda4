"""Has anything a reconcile reads changed since the last one? (pure, but for the deployment hash)

A reconcile's outcome depends on the repository's files (the default branch's root tree: a
Merkle hash of every file under it), its settings (archived, description, issues enabled),
the onboarding issue (its `updatedAt` moves on every edit, comment, label and state change),
the organisation's `.github/os2bot.yml` (its blob oid) and the bot itself (its code,
process and texts). A reconcile that finished keeps these as a fingerprint; the sweep reads
the same fields of a hundred repositories in one query and reconciles only those whose
fingerprint differs, or that the last reconcile left unsettled:

- the issue changed less than `SETTLE_SECONDS` before it was read (GitHub's timestamps have
  whole seconds and clocks differ: a change in the same second would not move `updatedAt`);
- work is still owed: feedback not given, Jira or GitHub access not provisioned.

Roles (team memberships, write access) are not in the fingerprint: they are judged when a
command or an edit is, and a reconcile with neither asks for none.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.graphql_cost import RATE_LIMIT_FIELDS
from bot.onboarding.config import ORG_CONFIG_PATH, ORG_CONFIG_REPO

SEEN = "reconciled"           # store namespace: repo -> {"fingerprint", "settled"} of its last finished reconcile
SETTLE_SECONDS = 60.0
BATCH = 100                   # repositories per sweep query (one point by GitHub's formula: no connections)

# the fields of `repository` the fingerprint takes; the reconcile's own query reads them too
REPOSITORY_CHANGE_FIELDS = 'isArchived description hasIssuesEnabled tree: object(expression: "HEAD:") { oid }'


def fingerprint(repo: dict, issue: tuple[int, str | None] | None, config_oid: str | None) -> str:
    """One repository's fingerprint from `repo` (REPOSITORY_CHANGE_FIELDS, as GitHub answered
    them), its onboarding issue (number, updatedAt) and the organisation config's blob oid."""
    tree = repo.get("tree") if isinstance(repo.get("tree"), dict) else {}
    facts = [repo.get("isArchived"), repo.get("description"), repo.get("hasIssuesEnabled"), tree.get("oid"),
             list(issue) if issue else None, config_oid, deployment()]
    return hashlib.sha256(json.dumps(facts, sort_keys=True, default=str).encode()).hexdigest()[:32]


def settled(issue_updated_at: str | None, read_at: float, owed_work: bool) -> bool:
    """Whether a later change is sure to move the fingerprint (see the module's docstring)."""
    if owed_work:
        return False
    if not issue_updated_at:
        return True
    try:
        updated = datetime.fromisoformat(issue_updated_at.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return False
    return updated <= read_at - SETTLE_SECONDS


def needs_reconcile(kept: Any, current: str) -> bool:
    """The sweep's rule: never reconciled (a missed transfer, a lost journal), unsettled, or changed."""
    return not (isinstance(kept, dict) and kept.get("settled") is True and kept.get("fingerprint") == current)


@lru_cache(maxsize=1)
def deployment() -> str:
    """The bot's code, process and texts: a new version reconciles every repository once."""
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for folder in ("bot", "handlers", "config", "templates"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".yaml", ".yml", ".j2", ".md", ".json") \
                    and "sandbox" not in path.parts:
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def batch_query(count: int) -> str:
    """The sweep's query for `count` repositories of one organisation: r0 … r{count-1}."""
    definitions = ["$owner: String!", "$orgConfig: String!"]
    fields = []
    for i in range(count):
        definitions += [f"$o{i}: String!", f"$n{i}: String!", f"$i{i}: Int!", f"$h{i}: Boolean!"]
        fields.append(f"r{i}: repository(owner: $o{i}, name: $n{i}) {{ nameWithOwner {REPOSITORY_CHANGE_FIELDS}"
                      f" issue(number: $i{i}) @include(if: $h{i}) {{ number updatedAt }} }}")
    return ("query SweepBatch(%s) {\n  %s\n  orgConfig: repository(owner: $owner, name: \"%s\") "
            "{ object(expression: $orgConfig) { oid } }\n  %s\n}\n"
            % (", ".join(definitions), "\n  ".join(fields), ORG_CONFIG_REPO, RATE_LIMIT_FIELDS))


def batch_variables(owner: str, repos: list[tuple[str, int | None]]) -> dict[str, Any]:
    """`repos`: (owner/name, the onboarding issue's number when the journal knows it)."""
    variables: dict[str, Any] = {"owner": owner, "orgConfig": f"HEAD:{ORG_CONFIG_PATH}"}
    for i, (full_name, number) in enumerate(repos):
        repo_owner, name = full_name.split("/", 1)
        variables.update({f"o{i}": repo_owner, f"n{i}": name, f"i{i}": int(number or 0), f"h{i}": bool(number)})
    return variables


def batch_fingerprints(data: dict, repos: list[tuple[str, int | None]]) -> dict[str, str | None]:
    """owner/name (lower case) -> fingerprint; None for a repository GitHub did not return
    (deleted, renamed or no longer the App's: the reconcile is not the place to learn it)."""
    config = (data.get("orgConfig") or {}).get("object") if isinstance(data.get("orgConfig"), dict) else None
    config_oid = config.get("oid") if isinstance(config, dict) else None
    found: dict[str, str | None] = {}
    for i, (full_name, number) in enumerate(repos):
        repo = data.get(f"r{i}")
        if not isinstance(repo, dict):
            found[full_name.lower()] = None
            continue
        issue = None
        if number:
            node = repo.get("issue") if isinstance(repo.get("issue"), dict) else {}
            issue = (int(number), node.get("updatedAt"))
        found[full_name.lower()] = fingerprint(repo, issue, config_oid)
    return found
