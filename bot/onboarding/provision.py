"""Step 3 as desired state: the Jira project and the access an approved product should have.

Pure. `desired_jira` and `desired_github` say what should exist; `jira_actions` compares that
with Jira's view (read by reconcile) and lists what to do. The bot only ever adds what is
declared and removes only what it granted itself (recorded in the journal), never people's
own grants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping

from bot.jira import product_marker
from bot.onboarding.access import AccessConfig, approved
from bot.onboarding.config import OrgSettings
from bot.onboarding.model import RepoFacts, State, latest_decision

_KEY_OK = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")


def valid_key(key: str) -> bool:
    return bool(_KEY_OK.match(key or ""))


@dataclass(frozen=True)
class JiraPlan:
    """The project as it should be, and who should be in which project role."""

    keys: tuple[str, ...]            # the secretariat's key, or the one recorded; () = made from the name
    name: str
    description: str
    marker: str
    project_type: str
    template: str | None
    lead: str | None
    category: str | None
    permission_scheme: str | None
    users: Mapping[str, frozenset[str]] = field(default_factory=dict)    # project role -> e-mails
    groups: Mapping[str, frozenset[str]] = field(default_factory=dict)   # project role -> group names
    missing_email: tuple[str, ...] = ()   # logins whose Jira identity is not known: said in the issue


def requested_key(state: State) -> str | None:
    d = latest_decision(state, "jira_key")
    return str(d.value) if d is not None and d.value else None


def desired_jira(state: State, facts: RepoFacts, settings: OrgSettings, access: AccessConfig,
                 repo_id: str, known_key: str | None = None) -> JiraPlan | None:
    """None until the product is approved (nothing is created before approval)."""
    if not approved(state) and requested_key(state) is None:
        return None
    jira = dict(settings.jira or {})
    marker = product_marker(repo_id)
    asked = requested_key(state)
    keys = (asked,) if asked else ((known_key,) if known_key else ())
    people = dict(settings.people or {})
    users: dict[str, set[str]] = {}
    missing = []
    for a in state.access:
        role = access.roles.get(a.role)
        if role is None:
            continue
        email = a.email or people.get(a.login.lower())
        if email is None:
            missing.append(a.login)
            continue
        users.setdefault(role.jira_role, set()).add(email)
    groups = {role: frozenset(names) for role, names in (jira.get("groups") or {}).items()}
    description = (f"{facts.description or facts.name} – {facts.html_url or facts.full_name}\n\n"
                   f"Oprettet af OS2-botten for {facts.full_name}. {marker}")
    return JiraPlan(keys=keys, name=facts.name, description=description, marker=marker,
                    project_type=str(jira.get("project_type") or "software"), template=jira.get("template"),
                    lead=jira.get("lead"), category=jira.get("category"),
                    permission_scheme=jira.get("permission_scheme"),
                    users={r: frozenset(v) for r, v in users.items()}, groups=groups,
                    missing_email=tuple(missing))


@dataclass(frozen=True)
class GitHubPlan:
    """Teams with their permission on the repository, and the coordinators' product team."""

    teams: Mapping[str, str]
    coordinator_team: str | None
    coordinators: tuple[str, ...]
    people: Mapping[str, str] = field(default_factory=dict)   # declared login -> permission (access role)


def desired_github(state: State, facts: RepoFacts, settings: OrgSettings,
                   access: AccessConfig | None = None) -> GitHubPlan | None:
    if not approved(state):
        return None
    github = dict(settings.github or {})
    template = github.get("coordinator_team")
    team = template.replace("{repo}", facts.name).lower() if template else None
    people = {a.login: access.roles[a.role].github_permission for a in state.access
              if access is not None and a.role in access.roles}
    return GitHubPlan(teams=dict(github.get("teams") or {}), coordinator_team=team,
                      coordinators=tuple(state.coordinators), people=people)
