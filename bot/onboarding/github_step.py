"""Step 3 on GitHub: the declared people get their access role's permission on the approved
product's repository, the configured teams theirs, and the coordinators are kept in the
product's own team (maintain).

Level-triggered and the bot's own: the coordinators' team is created once (found again by its
slug), a coordinator is added when the issue names them, and only members the bot itself added
are taken out when the issue no longer names them. People's own changes to teams stand.
"""

from __future__ import annotations

from typing import Any

from bot.errors import PermanentError
from bot.onboarding.escape import escape_inline
from bot.onboarding.provision import GitHubPlan


async def provision(client, owner: str, name: str, plan: GitHubPlan, added: list[str], log=None,
                    collaborators: list[str] | None = None) -> dict[str, Any]:
    """The status to record: {"ok", "problem", "hint", "added", "collaborators"}: the members the
    bot put in its team, and the people it gave access to the repository itself."""
    problems: list[str] = []
    mine = {m.lower() for m in added}
    given = {c.lower() for c in (collaborators or [])}
    try:
        for login, permission in sorted(plan.people.items()):     # the declared people, by access role
            await client.rest("PUT", f"/repos/{owner}/{name}/collaborators/{login}", json={"permission": permission})
            given.add(login.lower())
        for login in sorted(given - {p.lower() for p in plan.people}):   # declared no more: only the bot's own
            await client.rest("DELETE", f"/repos/{owner}/{name}/collaborators/{login}")
            given.discard(login)
        for team, permission in sorted(plan.teams.items()):
            try:
                await client.rest("PUT", f"/orgs/{owner}/teams/{team}/repos/{owner}/{name}",
                                  json={"permission": permission})
            except PermanentError as exc:
                if exc.status != 404:
                    raise
                problems.append(f"Holdet »{escape_inline(team)}« findes ikke i {escape_inline(owner)}.")
        if plan.coordinator_team:
            team = plan.coordinator_team
            if await client.rest_or_none("GET", f"/orgs/{owner}/teams/{team}") is None:
                await client.rest("POST", f"/orgs/{owner}/teams", json={
                    "name": team, "privacy": "closed",
                    "description": f"Koordinatorer for {name} i OS2 (vedligeholdes af OS2-botten)"})
            members = {m["login"].lower() for m in await client.rest("GET", f"/orgs/{owner}/teams/{team}/members")
                       if isinstance(m, dict) and m.get("login")}
            wanted = {c.lower(): c for c in plan.coordinators}
            for login in sorted(set(wanted) - members):
                await client.rest("PUT", f"/orgs/{owner}/teams/{team}/memberships/{wanted[login]}", json={"role": "member"})
                mine.add(login)
            for login in sorted((mine & members) - set(wanted)):
                await client.rest("DELETE", f"/orgs/{owner}/teams/{team}/memberships/{login}")
                mine.discard(login)
            mine &= set(wanted)
            await client.rest("PUT", f"/orgs/{owner}/teams/{team}/repos/{owner}/{name}", json={"permission": "maintain"})
    except PermanentError as exc:
        if log:
            log.warning("github_access_refused", status=exc.status, error=str(exc)[:300])
        return {"ok": False, "added": sorted(mine), "collaborators": sorted(given),
                "problem": f"GitHub afviste at give adgang til repositoriet ({exc.status}).",
                "hint": "Den, der driver botten, giver appen tilladelserne members: write og administration: write "
                        "(se app.yml), eller en organisationsejer giver holdene adgang i hånden."}
    if problems:
        return {"ok": False, "added": sorted(mine), "collaborators": sorted(given), "problem": " ".join(problems),
                "hint": "En organisationsejer opretter holdet eller retter `github.teams` i .github/os2bot.yml."}
    return {"ok": True, "added": sorted(mine), "collaborators": sorted(given)}
