"""A Jira stand-in for tests and `os2bot sandbox`: the REST endpoints the bot uses, served on
loopback from an in-memory world, as Jira Cloud or Jira Data Center answers them.

    state = JiraState("cloud")
    admin = state.add_user("OS2 bot", "bot@os2.eu", admin=True)
    with JiraStandin(state) as server:
        jira = JIRA(server.url, basic_auth=("bot@os2.eu", state.issue_token(admin)))

Served under /rest/api/2, /rest/api/latest and (Cloud only) /rest/api/3. Errors come in
Jira's shape, {"errorMessages": [...], "errors": {field: message}}. Faults, the request
log and the world are in `bot/sandbox/jira_state.py`; docs/sandbox.md describes both.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.sandbox.jira_state import (
    ACTOR_UNKNOWN,
    ALREADY_ACTOR,
    ASSIGNEE_TYPES,
    LEAD_MISSING,
    LEAD_UNKNOWN,
    NAME_MISSING,
    NAME_TAKEN,
    NAME_TOO_LONG,
    NOT_ADMIN,
    PROJECT_TYPES,
    Fault,
    JiraError,
    JiraProject,
    JiraState,
    JiraUser,
    LoggedRequest,
)
from bot.sandbox.serving import StandinServer, StateHolder

__all__ = ["JiraError", "JiraStandin", "JiraState", "create_jira_app"]

API = re.compile(r"^/rest/api/(2|3|latest)(/.*)?$")
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
NO_CONFIG = "You cannot edit the configuration of this project."
AVATAR = "{base}/secure/useravatar?size={size}&avatarId=10122"
# Cloud templates by project type (Cloud's API documentation); Data Center's are not checked
CLOUD_TEMPLATE_TYPES = {"com.pyxis.greenhopper.jira": "software", "com.atlassian.servicedesk": "service_desk",
                        "com.atlassian.jira-core-project-templates": "business"}


@dataclass
class Ctx:
    state: JiraState
    method: str
    version: str
    base: str            # http://host:port (the site's base URL)
    query: dict[str, str]
    body: Any
    caller: JiraUser | None

    @property
    def api(self) -> str:
        return f"{self.base}/rest/api/{self.version}"


Reply = tuple[int, Any]


# --- shapes -------------------------------------------------------------------------------------

def avatar_urls(base: str) -> dict[str, str]:
    return {f"{n}x{n}": AVATAR.format(base=base, size=size)
            for n, size in ((48, "large"), (24, "small"), (16, "xsmall"), (32, "medium"))}


def user_json(ctx: Ctx, user: JiraUser) -> dict[str, Any]:
    if ctx.state.cloud:
        out: dict[str, Any] = {"self": f"{ctx.api}/user?accountId={user.account_id}", "accountId": user.account_id,
                               "accountType": user.account_type}
        if user.email_visible:
            out["emailAddress"] = user.email
    else:
        out = {"self": f"{ctx.api}/user?username={user.name}", "key": user.key, "name": user.name,
               "emailAddress": user.email}
    out.update({"avatarUrls": avatar_urls(ctx.base), "displayName": user.display_name, "active": user.active,
                "timeZone": "Europe/Copenhagen", "locale": "da_DK"})
    if not ctx.state.cloud:
        out["deleted"] = False
    return out


def category_json(ctx: Ctx, category_id: int) -> dict[str, Any]:
    name, description = ctx.state.categories[category_id]
    return {"self": f"{ctx.api}/projectCategory/{category_id}", "id": str(category_id), "name": name,
            "description": description}


def project_summary(ctx: Ctx, project: JiraProject) -> dict[str, Any]:
    out: dict[str, Any] = {"expand": "description,lead,issueTypes,url,projectKeys,permissions,insight",
                           "self": f"{ctx.api}/project/{project.id}", "id": str(project.id), "key": project.key,
                           "name": project.name, "avatarUrls": avatar_urls(ctx.base),
                           "projectTypeKey": project.project_type_key, "isPrivate": False, "properties": {}}
    if ctx.state.cloud:
        out.update({"simplified": False, "style": "classic"})
    else:
        out["archived"] = False
    if project.category_id is not None and project.category_id in ctx.state.categories:
        out["projectCategory"] = category_json(ctx, project.category_id)
    return out


def project_json(ctx: Ctx, project: JiraProject) -> dict[str, Any]:
    out = project_summary(ctx, project)
    out["description"] = project.description
    lead = ctx.state.users.get(project.lead)
    if lead is not None:
        out["lead"] = user_json(ctx, lead)
    out.update({
        "components": [],
        "issueTypes": [{"self": f"{ctx.api}/issuetype/10001", "id": "10001", "description": "A small, distinct piece of work.",
                        "iconUrl": f"{ctx.base}/images/icons/issuetypes/task.svg", "name": "Task", "subtask": False,
                        "avatarId": 10318, "hierarchyLevel": 0}],
        "assigneeType": project.assignee_type,
        "versions": [],
        "roles": {name: f"{ctx.api}/project/{project.id}/role/{rid}" for rid, (name, _) in ctx.state.roles.items()},
    })
    if project.url:
        out["url"] = project.url
    if not ctx.state.cloud:
        out["projectKeys"] = [project.key]
    return out


def actor_json(ctx: Ctx, actor) -> dict[str, Any]:
    if actor.type == "user":
        user = ctx.state.users.get(actor.value)
        name = user.display_name if user else actor.value
        out: dict[str, Any] = {"id": actor.id, "displayName": name, "type": "atlassian-user-role-actor"}
        if ctx.state.cloud:
            out["actorUser"] = {"accountId": actor.value}
        else:
            out.update({"name": actor.value, "avatarUrl": AVATAR.format(base=ctx.base, size="xsmall")})
        return out
    group = ctx.state.groups.get(actor.value)
    out = {"id": actor.id, "displayName": actor.value, "type": "atlassian-group-role-actor", "name": actor.value}
    if ctx.state.cloud:
        out["actorGroup"] = {"name": actor.value, "displayName": actor.value,
                             "groupId": group.group_id if group else None}
    else:
        out["avatarUrl"] = AVATAR.format(base=ctx.base, size="xsmall")
    return out


def role_json(ctx: Ctx, project_ref: str, project: JiraProject, role_id: int) -> dict[str, Any]:
    name, description = ctx.state.roles[role_id]
    actors = sorted(project.actors.get(role_id, []), key=lambda a: actor_json(ctx, a)["displayName"].lower())
    return {"self": f"{ctx.api}/project/{project_ref}/role/{role_id}", "name": name, "id": role_id,
            "description": description, "actors": [actor_json(ctx, a) for a in actors]}


# --- handlers -------------------------------------------------------------------------------------

def server_info(ctx: Ctx) -> Reply:
    state = ctx.state
    numbers = [int(n) for n in re.findall(r"\d+", state.version)[:3]]
    return 200, {"baseUrl": ctx.base, "version": state.version, "versionNumbers": numbers,
                 "deploymentType": state.deployment_type, "buildNumber": 100000 + numbers[0],
                 "buildDate": "2026-11-02T00:00:00.000+0000",
                 "serverTime": state.now().strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
                 "scmInfo": "0" * 40, "serverTitle": state.server_title, "defaultLocale": {"locale": "en_US"}}


def myself(ctx: Ctx) -> Reply:
    out = user_json(ctx, ctx.caller)
    out["groups"] = {"size": len(ctx.caller.groups), "items": []}
    out["applicationRoles"] = {"size": 1, "items": []}
    return 200, out


def _page(ctx: Ctx, items: list[Any], default_max: int = 50) -> tuple[list[Any], int, int]:
    try:
        start = max(0, int(ctx.query.get("startAt", 0)))
        size = max(1, min(1000, int(ctx.query.get("maxResults", default_max))))
    except ValueError:
        raise JiraError(400, "startAt and maxResults must be whole numbers") from None
    return items[start:start + size], start, size


def _truthy(value: str | None, default: bool) -> bool:
    return default if value is None else value.lower() == "true"


def user_search(ctx: Ctx) -> Reply:
    state, q = ctx.state, ctx.query
    if state.cloud:
        if "username" in q:
            raise JiraError(400, "The query parameter 'username' is not supported in GDPR strict mode.")
        term = q.get("query") or ""
        if not term and not q.get("accountId"):
            raise JiraError(400, "One of 'query' or 'accountId' query parameters must be provided.")
    else:
        term = q.get("username") or ""
        if not term:
            raise JiraError(400, "The username query parameter was not provided")
    term = term.lower()
    include_active = _truthy(q.get("includeActive"), True)
    include_inactive = _truthy(q.get("includeInactive"), False)

    def matches(user: JiraUser) -> bool:
        if (user.active and not include_active) or (not user.active and not include_inactive):
            return False
        if state.cloud and q.get("accountId"):
            return user.account_id == q["accountId"]
        words = [user.display_name.lower(), *user.display_name.lower().split(), user.email.lower()]
        if not state.cloud:
            words.append(user.name.lower())
        return any(word.startswith(term) for word in words)

    found = sorted((u for u in state.users.values() if matches(u)), key=lambda u: u.display_name.lower())
    page, _, _ = _page(ctx, found)
    return 200, [user_json(ctx, u) for u in page]


def get_user(ctx: Ctx) -> Reply:
    uid = ctx.query.get("accountId") if ctx.state.cloud else (ctx.query.get("username") or ctx.query.get("key"))
    user = ctx.state.users.get(uid or "")
    if user is None and not ctx.state.cloud and ctx.query.get("key"):
        user = next((u for u in ctx.state.users.values() if u.key == ctx.query["key"]), None)
    if user is None:
        raise JiraError(404, f"The user with the identifier {uid!r} does not exist.")
    return 200, user_json(ctx, user)


def group_members(ctx: Ctx) -> Reply:
    state, q = ctx.state, ctx.query
    group = state.groups.get(q.get("groupname", ""))
    if group is None and q.get("groupId"):
        group = next((g for g in state.groups.values() if g.group_id == q["groupId"]), None)
    if group is None:
        raise JiraError(404, "Group does not exist.")
    include_inactive = _truthy(q.get("includeInactiveUsers"), False)
    members = sorted((u for u in state.users.values() if group.name in u.groups and (u.active or include_inactive)),
                     key=lambda u: u.display_name.lower())
    page, start, size = _page(ctx, members)
    last = start + size >= len(members)
    out: dict[str, Any] = {"self": f"{ctx.api}/group/member?groupname={group.name}&startAt={start}&maxResults={size}",
                           "maxResults": size, "startAt": start, "total": len(members), "isLast": last,
                           "values": [user_json(ctx, u) for u in page]}
    if not last:
        out["nextPage"] = f"{ctx.api}/group/member?groupname={group.name}&startAt={start + size}&maxResults={size}"
    return 200, out


def permission_schemes(ctx: Ctx) -> Reply:
    return 200, {"permissionSchemes": [
        {"expand": "permissions,user,group,projectRole,field,all", "id": sid,
         "self": f"{ctx.api}/permissionscheme/{sid}", "name": name, "description": description}
        for sid, (name, description) in sorted(ctx.state.permission_schemes.items())]}


def project_categories(ctx: Ctx) -> Reply:
    return 200, [category_json(ctx, cid) for cid in sorted(ctx.state.categories)]


def list_projects(ctx: Ctx) -> Reply:
    return 200, [project_summary(ctx, p) for p in sorted(ctx.state.projects.values(), key=lambda p: p.key)
                 if not p.trashed]


def _project(ctx: Ctx, key_or_id: str) -> JiraProject:
    project = ctx.state.find_project(key_or_id)
    if project is None:
        kind = "id" if key_or_id.isdigit() else "key"
        raise JiraError(404, f"No project could be found with {kind} '{key_or_id}'.")
    return project


def get_project(ctx: Ctx, key_or_id: str) -> Reply:
    return 200, project_json(ctx, _project(ctx, key_or_id))


def validate_key(ctx: Ctx) -> Reply:
    return 200, {"errorMessages": [], "errors": ctx.state.key_errors(ctx.query.get("key"))}


def _number(value: Any) -> int | None:
    """Jira's JSON binding takes 10011 and "10011" alike."""
    try:
        return int(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def create_project(ctx: Ctx) -> Reply:
    state, body = ctx.state, ctx.body
    if not ctx.caller.admin:
        raise JiraError(403, NOT_ADMIN)
    if not isinstance(body, dict):
        raise JiraError(400, "Can not deserialize the request: a JSON object is expected.")
    errors: dict[str, str] = {}
    messages: list[str] = []
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        errors["projectName"] = NAME_MISSING
    elif len(name) > state.max_name_length:
        errors["projectName"] = NAME_TOO_LONG.format(n=state.max_name_length)
    elif any(p.name.lower() == name.strip().lower() and not p.trashed for p in state.projects.values()):
        errors["projectName"] = NAME_TAKEN
    key = body.get("key")
    errors.update(state.key_errors(key if isinstance(key, str) else None))
    lead_id = (body.get("leadAccountId") or body.get("lead")) if state.cloud else body.get("lead")
    if not lead_id or not isinstance(lead_id, str):
        errors["projectLead"] = LEAD_MISSING
    elif lead_id not in state.users or not state.users[lead_id].active:
        errors["projectLead"] = LEAD_UNKNOWN
    ptype, template = body.get("projectTypeKey"), body.get("projectTemplateKey")
    if ptype is None and template is None:
        errors["projectTypeKey"] = "A project type or a project template must be specified."
    elif ptype is not None and ptype not in PROJECT_TYPES:
        errors["projectTypeKey"] = f"The project type '{ptype}' is not valid."
    if state.cloud and isinstance(template, str):
        family = CLOUD_TEMPLATE_TYPES.get(template.split(":", 1)[0])
        if family is None:
            errors["projectTemplateKey"] = f"The project template '{template}' is not valid."
        elif ptype is not None and ptype != family:
            errors["projectTemplateKey"] = f"The project template '{template}' is not of the type '{ptype}'."
        ptype = ptype or family
    assignee = body.get("assigneeType", "UNASSIGNED" if state.cloud else "PROJECT_LEAD")
    if assignee not in ASSIGNEE_TYPES:
        errors["assigneeType"] = f"Invalid assignee type '{assignee}'."
    scheme = _number(body.get("permissionScheme", 0))
    if scheme not in state.permission_schemes:
        messages.append(f"Permission scheme with id '{body.get('permissionScheme')}' does not exist.")
    category = _number(body.get("categoryId"))
    if body.get("categoryId") is not None and category not in state.categories:
        messages.append(f"No project category with id '{body.get('categoryId')}' exists.")
    if errors or messages:
        raise JiraError(400, messages, errors)
    project = state._create(key=key, name=name.strip(), lead=lead_id, description=body.get("description") or "",
                            project_type_key=ptype or "software", project_template_key=template,
                            assignee_type=assignee, permission_scheme=scheme, category_id=category,
                            url=body.get("url") or None, created_by=ctx.caller.id)
    return 201, {"self": f"{ctx.api}/project/{project.id}", "id": project.id, "key": project.key}


def _admin_project(ctx: Ctx, key_or_id: str) -> JiraProject:
    project = _project(ctx, key_or_id)
    if not ctx.state.is_project_admin(ctx.caller, project):
        raise JiraError(403, NO_CONFIG)
    return project


def _role(ctx: Ctx, role_id: str) -> int:
    if not role_id.isdigit() or int(role_id) not in ctx.state.roles:
        raise JiraError(404, f"Could not find project role with id '{role_id}'.")
    return int(role_id)


def list_roles(ctx: Ctx, key_or_id: str) -> Reply:
    _admin_project(ctx, key_or_id)
    return 200, {name: f"{ctx.api}/project/{key_or_id}/role/{rid}" for rid, (name, _) in ctx.state.roles.items()}


def get_role(ctx: Ctx, key_or_id: str, role_id: str) -> Reply:
    project = _admin_project(ctx, key_or_id)
    return 200, role_json(ctx, key_or_id, project, _role(ctx, role_id))


def _resolve_actors(ctx: Ctx, users: Any, groups: Any, group_ids: Any) -> tuple[list[tuple[str, str, str]], list[str]]:
    """[(type, value, as written)] and the names Jira could not find."""
    state = ctx.state
    wanted: list[tuple[str, str, str]] = []
    unknown: list[str] = []
    for value in users or []:
        user = state.users.get(str(value))
        if user is None or not user.active:
            unknown.append(str(value))
        else:
            wanted.append(("user", user.id, str(value)))
    for value in groups or []:
        if str(value) in state.groups:
            wanted.append(("group", str(value), str(value)))
        else:
            unknown.append(str(value))
    for value in group_ids or []:
        group = next((g for g in state.groups.values() if g.group_id == str(value)), None)
        if group is None:
            unknown.append(str(value))
        else:
            wanted.append(("group", group.name, str(value)))
    return wanted, unknown


def _lists(body: Any, *names: str) -> list[Any]:
    if not isinstance(body, dict):
        raise JiraError(400, "Can not deserialize the request: a JSON object is expected.")
    out = []
    for name in names:
        value = body.get(name)
        if value is not None and not isinstance(value, list):
            raise JiraError(400, f"'{name}' must be a list.")
        out.append(value)
    return out


def add_actors(ctx: Ctx, key_or_id: str, role_id: str) -> Reply:
    """Jira checks every actor first and adds none when one is refused (already there, unknown)."""
    project = _admin_project(ctx, key_or_id)
    rid = _role(ctx, role_id)
    users, groups, group_ids = _lists(ctx.body, "user", "group", "groupId")
    if groups and group_ids:
        raise JiraError(400, "You cannot specify both group name and group id.")
    wanted, unknown = _resolve_actors(ctx, users, groups, group_ids)
    if not wanted and not unknown:
        raise JiraError(400, "Can not update a null role actor.")
    actors = project.actors.setdefault(rid, [])
    present = {(a.type, a.value) for a in actors}
    already = [label for kind, value, label in wanted if (kind, value) in present]
    if already or unknown:
        raise JiraError(404 if unknown and not already else 400,
                        [ALREADY_ACTOR.format(x) for x in already] + [ACTOR_UNKNOWN.format(x) for x in unknown])
    seen: set[tuple[str, str]] = set()
    for kind, value, _ in wanted:
        if (kind, value) not in seen:
            seen.add((kind, value))
            actors.append(ctx.state.actor(kind, value))
    return 200, role_json(ctx, key_or_id, project, rid)


def set_actors(ctx: Ctx, key_or_id: str, role_id: str) -> Reply:
    """PUT: the role's actors become exactly those given (categorisedActors)."""
    project = _admin_project(ctx, key_or_id)
    rid = _role(ctx, role_id)
    categorised = ctx.body.get("categorisedActors") if isinstance(ctx.body, dict) else None
    if not isinstance(categorised, dict):
        raise JiraError(400, "Can not update project actors with a null value.")
    users, groups, group_ids = _lists(categorised, "atlassian-user-role-actor", "atlassian-group-role-actor",
                                      "atlassian-group-role-actor-id")
    wanted, unknown = _resolve_actors(ctx, users, groups, group_ids)
    if unknown:
        raise JiraError(404, [ACTOR_UNKNOWN.format(x) for x in unknown])
    kept = {(a.type, a.value): a for a in project.actors.get(rid, [])}
    project.actors[rid] = [kept.get((kind, value)) or ctx.state.actor(kind, value)
                           for kind, value in dict.fromkeys((k, v) for k, v, _ in wanted)]
    return 200, role_json(ctx, key_or_id, project, rid)


def remove_actor(ctx: Ctx, key_or_id: str, role_id: str) -> Reply:
    project = _admin_project(ctx, key_or_id)
    rid = _role(ctx, role_id)
    q = ctx.query
    given = [name for name in ("user", "group", "groupId") if q.get(name)]
    if len(given) != 1:
        raise JiraError(400, "Exactly one of 'user', 'group' or 'groupId' must be given.")
    param = given[0]
    wanted, unknown = _resolve_actors(ctx, [q["user"]] if param == "user" else None,
                                      [q["group"]] if param == "group" else None,
                                      [q["groupId"]] if param == "groupId" else None)
    if unknown:
        raise JiraError(404, ACTOR_UNKNOWN.format(unknown[0]))
    kind, value, label = wanted[0]
    actors = project.actors.get(rid, [])
    if not any(a.type == kind and a.value == value for a in actors):
        raise JiraError(404, f"'{label}' is not a member of the project role.")
    project.actors[rid] = [a for a in actors if not (a.type == kind and a.value == value)]
    return 204, None


Handler = Callable[..., Reply]
ROUTES: list[tuple[str, re.Pattern[str], Handler]] = [
    ("GET", re.compile(r"/serverInfo"), server_info),
    ("GET", re.compile(r"/myself"), myself),
    ("GET", re.compile(r"/user/search"), user_search),
    ("GET", re.compile(r"/user"), get_user),
    ("GET", re.compile(r"/group/member"), group_members),
    ("GET", re.compile(r"/permissionscheme"), permission_schemes),
    ("GET", re.compile(r"/projectCategory"), project_categories),
    ("GET", re.compile(r"/projectvalidate/key"), validate_key),
    ("GET", re.compile(r"/project"), list_projects),
    ("POST", re.compile(r"/project"), create_project),
    ("GET", re.compile(r"/project/([^/]+)"), get_project),
    ("GET", re.compile(r"/project/([^/]+)/role"), list_roles),
    ("GET", re.compile(r"/project/([^/]+)/role/([^/]+)"), get_role),
    ("POST", re.compile(r"/project/([^/]+)/role/([^/]+)"), add_actors),
    ("PUT", re.compile(r"/project/([^/]+)/role/([^/]+)"), set_actors),
    ("DELETE", re.compile(r"/project/([^/]+)/role/([^/]+)"), remove_actor),
]
ANONYMOUS = frozenset({server_info})


# --- the app ----------------------------------------------------------------------------------------

def create_jira_app(state: JiraState | StateHolder) -> Starlette:
    holder = state if isinstance(state, StateHolder) else StateHolder(state)

    async def endpoint(request: Request) -> Response:
        world = holder.state
        if world.latency:
            await asyncio.sleep(world.latency)
        raw = await request.body()
        held = world.take_hold(request.method, request.url.path)
        response = handle(world, request, raw)
        while held is not None and not held.is_set():       # carried out; the answer hangs
            await asyncio.sleep(0.02)
        return response

    return Starlette(routes=[Route("/{path:path}", endpoint, methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"])])


def handle(state: JiraState, request: Request, raw: bytes) -> Response:
    method, path = request.method, request.url.path
    query = dict(request.query_params)
    base = str(request.base_url).rstrip("/")
    headers = {"X-AREQUESTID": f"{secrets.randbelow(10**6)}x{secrets.randbelow(10**7)}x1",
               "X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache, no-store, no-transform"}
    caller: JiraUser | None = None
    with state.lock:
        fault = state.take_fault(method, path)
        try:
            if fault is not None and not fault.after:
                status, payload, extra = fault_reply(fault)
            else:
                status, payload, extra, caller = dispatch(state, method, path, query, raw, base, request)
        except JiraError as error:
            status, payload, extra = error.status, error.body(), error.headers
        if fault is not None and fault.after:
            status, payload, extra = fault_reply(fault)
        headers.update(extra)
        state.record(LoggedRequest(method=method, path=path, status=status, write=method in WRITES,
                                   user=caller.id if caller else None, query=query))
    if payload is None:
        return Response(status_code=status, headers=headers)
    if isinstance(payload, str):
        return Response(payload, status_code=status, headers=headers, media_type="text/html;charset=UTF-8")
    return Response(json.dumps(payload).encode(), status_code=status, headers=headers,
                    media_type="application/json;charset=UTF-8")


def dispatch(state: JiraState, method: str, path: str, query: dict[str, str], raw: bytes, base: str,
             request: Request) -> tuple[int, Any, dict[str, str], JiraUser | None]:
    found = API.match(path)
    if found is None or (found.group(1) == "3" and not state.cloud):
        raise JiraError(404, f"null for uri: {base}{path}")
    version, rest = found.group(1), (found.group(2) or "/").rstrip("/") or "/"
    handler, params = None, ()
    for route_method, pattern, candidate in ROUTES:
        matched = pattern.fullmatch(rest)
        if matched and route_method == (method if method != "HEAD" else "GET"):
            handler, params = candidate, matched.groups()
            break
    if handler is None:
        if any(p.fullmatch(rest) for _, p, _ in ROUTES):
            raise JiraError(405, f"Method {method} is not allowed here.")
        raise JiraError(404, f"null for uri: {base}{path}")
    caller = state.authenticate(request.headers.get("authorization"))
    if caller is None and handler not in ANONYMOUS:
        raise JiraError(401, "You are not authenticated. Authentication required to perform this operation.",
                        headers={"WWW-Authenticate": 'Basic realm="protected-area"'})
    try:
        body = json.loads(raw) if raw.strip() else None
    except ValueError:
        raise JiraError(400, "Unexpected character in the request body: it is not JSON.") from None
    ctx = Ctx(state=state, method=method, version=version, base=base, query=query, body=body, caller=caller)
    status, payload = handler(ctx, *params)
    return status, payload, {}, caller


def fault_reply(fault: Fault) -> tuple[int, Any, dict[str, str]]:
    headers: dict[str, str] = {}
    if fault.retry_after is not None:
        headers["Retry-After"] = str(fault.retry_after)
    if fault.status == 429:
        reset = datetime.now(timezone.utc) + timedelta(seconds=fault.retry_after or 0)
        headers.update({"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset": reset.strftime("%Y-%m-%dT%H:%MZ"), "RateLimit-Reason": "jira-burst-based"})
        return 429, {"errorMessages": ["Rate limit exceeded."], "errors": {}}, headers
    phrase = HTTPStatus(fault.status).phrase if fault.status in HTTPStatus._value2member_map_ else "Error"
    if fault.status >= 500:      # what a proxy in front of Jira answers: a page, not JSON
        return fault.status, f"<html><head><title>{fault.status} {phrase}</title></head><body><h1>{phrase}</h1></body></html>", headers
    return fault.status, {"errorMessages": [phrase], "errors": {}}, headers


class JiraStandin(StandinServer):
    """Jira's stand-in on a background thread (see StandinServer)."""

    state: JiraState

    def app(self, holder: StateHolder):
        return create_jira_app(holder)
