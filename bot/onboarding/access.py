"""Who gets access to an approved product: the access roles (config/access.yaml) and the
people the secretariat and coordinators declare in the issue with `/adgang`.

Pure: parsing the command's arguments, the roles, and when provisioning is due.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.onboarding.model import State, latest_decision

ACCESS_PATH = Path(__file__).resolve().parents[2] / "config" / "access.yaml"
GITHUB_PERMISSIONS = ("pull", "triage", "push", "maintain", "admin")
_LOGIN = re.compile(r"^@?([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+$")


class AccessConfigError(ValueError):
    pass


@dataclass(frozen=True)
class AccessRole:
    key: str
    name: dict[str, str]
    aliases: tuple[str, ...]
    jira_role: str
    github_permission: str


@dataclass(frozen=True)
class AccessConfig:
    roles: dict[str, AccessRole]
    default_role: str

    def find(self, word: str) -> AccessRole | None:
        word = word.lower()
        return next((r for r in self.roles.values() if word == r.key or word in r.aliases), None)

    def names(self, lang: str) -> str:
        return ", ".join(f"`{r.key}`" for r in self.roles.values())


def parse_access_config(data: Any) -> AccessConfig:
    problems = []
    if not isinstance(data, dict) or not isinstance(data.get("roles"), dict) or not data["roles"]:
        raise AccessConfigError("access.yaml: expected `roles`, a mapping of access roles")
    roles = {}
    for key, raw in data["roles"].items():
        at = f"access.yaml: roles.{key}"
        if not isinstance(raw, dict):
            problems.append(f"{at}: must be a mapping")
            continue
        if not re.fullmatch(r"[a-z][a-z0-9-]*", str(key)):
            problems.append(f"{at}: a key is lower case letters, digits and -")
        name = raw.get("name")
        if not isinstance(name, dict) or not name.get("da") or not name.get("en"):
            problems.append(f"{at}.name: needs da and en")
        if raw.get("github_permission") not in GITHUB_PERMISSIONS:
            problems.append(f"{at}.github_permission: one of {', '.join(GITHUB_PERMISSIONS)}")
        if not isinstance(raw.get("jira_role"), str) or not raw["jira_role"]:
            problems.append(f"{at}.jira_role: the name of a Jira project role")
        roles[key] = AccessRole(key=key, name=dict(name or {}), aliases=tuple(raw.get("aliases") or ()),
                                jira_role=str(raw.get("jira_role")), github_permission=str(raw.get("github_permission")))
    default = data.get("default_role")
    if default not in roles:
        problems.append("access.yaml: default_role must name one of the roles")
    if problems:
        raise AccessConfigError("; ".join(problems))
    return AccessConfig(roles=roles, default_role=default)


@lru_cache(maxsize=2)
def load_access_config(path: str | None = None) -> AccessConfig:
    with open(path or ACCESS_PATH, encoding="utf-8") as f:
        return parse_access_config(yaml.safe_load(f))


@dataclass(frozen=True)
class AccessRequest:
    """`/adgang add @login [rolle] [e-mail]` or `/adgang remove @login`, parsed."""

    action: str                  # "add" | "remove"
    login: str
    role: str | None = None      # an access role key
    email: str | None = None


ADD_WORDS = ("add", "tilføj", "tilfoej", "giv")
REMOVE_WORDS = ("remove", "fjern")


def parse_access_args(args: str, config: AccessConfig) -> AccessRequest | str:
    """The request, or the reason it cannot be read (English key for the usage text)."""
    parts = args.split()
    if len(parts) < 2 or parts[0].lower() not in ADD_WORDS + REMOVE_WORDS:
        return "usage"
    match = _LOGIN.match(parts[1])
    if not match:
        return "usage"
    login = match.group(1)
    if parts[0].lower() in REMOVE_WORDS:
        return AccessRequest("remove", login) if len(parts) == 2 else "usage"
    role, email = None, None
    for word in parts[2:]:
        if _EMAIL.match(word) and email is None:
            email = word
        elif role is None and config.find(word) is not None:
            role = config.find(word).key
        else:
            return "unknown_role"
    return AccessRequest("add", login, role or config.default_role, email)


def approved(state: State) -> bool:
    """Provisioning is due once the product is approved: the secretariat's match at level 1 or
    the sandbox, the board's approval at levels 2 and 3 (seed 003, P-3.3)."""
    if state.level in (0, 1):
        match = latest_decision(state, "match_approval")
        return match is not None and match.value == "approved"
    if state.level in (2, 3):
        board = latest_decision(state, "board_approval")
        return board is not None and board.value == "approved"
    return False
