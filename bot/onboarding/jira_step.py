"""Step 3 in Jira: make the approved product's project and its grants exist, exactly once.

Level-triggered like the rest of reconcile: each run reads what Jira has and adds only what is
missing, so a redelivery, a second approval or a restart between "created" and "recorded"
finds the one project again (by the product marker in its description), and a create whose
answer was lost comes back as "key exists" for the bot's own project (bot/jira.py). A key
held by a foreign project is never adopted: the next key is tried, or, when the secretariat
chose the key, the issue says so. The outcome is the `jira_project` check result the issue
shows, kept in the journal between reconciles.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.checks.model import CheckResult, Status
from bot.errors import PermanentError
from bot.jira import ForeignProject, JiraRefused, ProjectSpec, project_key
from bot.onboarding.escape import escape_inline, login as safe_login
from bot.onboarding.provision import JiraPlan

MAX_KEYS = 5
TEXTS_PATH = Path(__file__).resolve().parents[2] / "config" / "jira_texts.yaml"


@lru_cache(maxsize=1)
def texts() -> dict[str, Any]:
    """The Jira line's Danish texts (config/jira_texts.yaml)."""
    with open(TEXTS_PATH, encoding="utf-8") as f:
        return yaml.safe_load(f)


def _said(exc: Exception) -> str:
    """What Jira answered, safe to put in the issue (it may quote people's text)."""
    return escape_inline(str(exc)[:300])


def result_from_status(status: dict | None) -> CheckResult | None:
    """The journal's record of the last provisioning as the `jira_project` check result."""
    if not status:
        return None
    if status.get("ok"):
        return CheckResult("jira_project", Status.PASS, status.get("message") or "",
                           details={"url": status.get("url"), "label": status.get("key")})
    return CheckResult("jira_project", Status.FAIL, status.get("problem") or "", hint=status.get("hint") or "",
                       details={"url": status.get("url"), "label": status.get("key")} if status.get("url") else {})


async def provision(jira, plan: JiraPlan, *, known_key: str | None, base_url: str, log=None,
                    granted: list | None = None) -> dict[str, Any]:
    """Make the project and the grants exist, and take back grants the bot made that are no longer
    declared (`granted`: [role, kind, id] the bot added earlier); the status to record (never raises a 4xx)."""
    mine = {tuple(g) for g in (granted or [])}
    try:
        project, key = await _project(jira, plan, known_key)
        if project is None:
            return {"ok": False, "key": None, "problem": texts()["key_taken"].format(key=key),
                    "hint": texts()["key_taken_hint"]}
        url = f"{base_url.rstrip('/')}/browse/{key}"
        problems, people, groups, mine = await _grants(jira, key, plan, mine if known_key == key else set())
        missing = [safe_login(login) for login in plan.missing_email]
        if missing:
            problems.append(texts()["unknown_accounts"].format(logins=", ".join(missing)))
        granted_now = sorted([list(g) for g in mine])
        if problems:
            return {"ok": False, "key": key, "url": url, "problem": " ".join(problems), "granted": granted_now,
                    "hint": texts()["grant_problems_hint"]}
        return {"ok": True, "key": key, "url": url, "granted": granted_now,
                "message": texts()["created"].format(key=key, people=_count(people, "person"),
                                                     groups=_count(groups, "group"))}
    except JiraRefused as exc:
        if log:
            log.warning("jira_refused", status=exc.status, error=str(exc)[:300])
        if exc.status in (401, 403):
            return {"ok": False, "key": known_key, "problem": texts()[f"refused_{exc.status}"],
                    "hint": texts()[f"refused_{exc.status}_hint"]}
        return {"ok": False, "key": known_key, "problem": texts()["refused"].format(status=exc.status, said=_said(exc)),
                "hint": texts()["refused_hint"]}


async def _project(jira, plan: JiraPlan, known_key: str | None) -> tuple[dict | None, str]:
    """The product's project: the one recorded, else the first key that is free or already ours."""
    if known_key:
        found = await jira.project(known_key)
        if found and plan.marker in (found.get("description") or ""):
            return found, known_key
    taken: set[str] = set()
    asked = bool(plan.keys)
    digits = await jira.flavour() == "cloud"       # Data Center's default key pattern has letters only
    key = plan.keys[0] if asked else project_key(plan.name, taken, digits=digits)
    for _ in range(MAX_KEYS):
        found = await jira.project(key)
        if found is not None and plan.marker in (found.get("description") or ""):
            return found, key
        if found is None:
            try:
                return await jira.create_project(await _spec(jira, plan, key)), key
            except ForeignProject:
                pass
        taken.add(key)                             # a foreign project: never adopted
        if asked:
            return None, key
        key = project_key(plan.name, taken, digits=digits)
    return None, key


async def _spec(jira, plan: JiraPlan, key: str) -> ProjectSpec:
    lead = plan.lead
    if lead and "@" in lead:
        user = await jira.find_user(lead)
        lead = user["id"] if user else None
    if not lead:
        me = await jira.myself()
        lead = me.get("accountId") or me.get("name") or me.get("key")
    return ProjectSpec(key=key, name=plan.name, lead=lead, marker=plan.marker, description=plan.description,
                       project_type_key=plan.project_type, project_template_key=plan.template,
                       permission_scheme=int(plan.permission_scheme) if plan.permission_scheme else None,
                       category_id=int(plan.category) if plan.category else None)


async def _grants(jira, key: str, plan: JiraPlan, mine: set) -> tuple[list[str], int, int, set]:
    """Add the declared people and groups to their project roles, and take out what the bot
    itself added earlier and is no longer declared (`mine`: (role, kind, id)); never anyone else."""
    problems: list[str] = []
    roles = await jira.role_ids(key)
    people = groups = 0
    wanted: set[tuple[str, str, str]] = set()
    for role in sorted(set(plan.users) | set(plan.groups)):
        role_id = roles.get(role)
        if role_id is None:
            problems.append(texts()["no_role"].format(role=escape_inline(role), key=key))
            continue
        ids = []
        for email in sorted(plan.users.get(role, ())):
            user = await jira.find_user(email)
            if user is None:
                problems.append(texts()["no_account"].format(email=escape_inline(email)))
                continue
            ids.append(user["id"])
        # added without reading first: those already there count as done (bot/jira.py)
        users, wanted_groups = ids, sorted(plan.groups.get(role, ()))
        wanted |= {(role, "user", u) for u in users} | {(role, "group", g) for g in wanted_groups}
        if [u for u in users if (role, "user", u) not in mine] or [g for g in wanted_groups if (role, "group", g) not in mine]:
            try:
                added = await jira.add_actors(key, role_id, users=users, groups=wanted_groups)
                mine |= {(role, kind, ident) for kind, ident in added}
            except PermanentError as exc:
                problems.append(texts()["role_not_updated"].format(role=escape_inline(role), said=_said(exc)))
                continue
        people += len(ids)
        groups += len(plan.groups.get(role, ()))
    for role, kind, ident in sorted(mine - wanted):      # declared no more, and the bot's own grant
        if role in roles:
            try:
                await jira.remove_actor(key, roles[role], **{kind: ident})
                mine.discard((role, kind, ident))
            except PermanentError as exc:
                problems.append(texts()["grant_not_removed"].format(who=escape_inline(ident), role=escape_inline(role),
                                                                   said=_said(exc)))
    return problems, people, groups, mine


def _count(n: int, kind: str) -> str:
    """'ingen grupper', '1 person', '2 personer' (config/jira_texts.yaml: count)."""
    one, many = texts()["count"][kind]
    return texts()["count"]["none"].format(many=many) if n == 0 else f"{n} {one if n == 1 else many}"
