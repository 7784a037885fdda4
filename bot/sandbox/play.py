"""The sandbox page (`GET /_sandbox` on the GitHub stand-in): a newcomer plays the personas.

Server-rendered, no JavaScript, no external assets: forms POST and redirect back. Every
action is a person's change in the stand-in's world (`GitHubState.transfer_repo`,
`add_comment`, `edit_issue_body`, `push`), so with `app.deliver_webhooks` on it reaches the
bot as GitHub's signed webhook. Texts live in `templates/sandbox.html.j2`.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs, urlencode
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.onboarding.state_block import MARKER
from bot.sandbox import markdown_html, world as sandbox_world
from bot.sandbox.serving import StateHolder
from bot.sandbox.state import GitHubState, Issue

PATH = "/_sandbox"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
DANISH = ZoneInfo("Europe/Copenhagen")
_REPO_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")
MAX_FORM = 256 * 1024   # a comment is at most 65,536 characters on GitHub
REFRESHES = 5            # after an action the page reloads itself this many times (every 2 s)


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"]),
                       trim_blocks=True, lstrip_blocks=True)


def persona(form_or_query, *, required: bool = True) -> str | None:
    """The persona the request acts as; only the sandbox's listed personas are allowed."""
    login = form_or_query.get("som") or ""
    if login in sandbox_world.PERSONAS:
        return login
    if required:
        raise PermissionError(login)
    return None


def org_of(state: GitHubState) -> str:
    with state.lock:
        first = next(iter(state.installations.values()), None)
        return first.account if first else sandbox_world.ORG


def onboarding_issue(state: GitHubState, full_name: str) -> Issue | None:
    """The bot's onboarding issue in the repository (the one with its marker), if any."""
    with state.lock:
        repo = state.find_repo(*full_name.split("/"))
        if repo is None:
            return None
        bot = state.app.bot_login
        return next((i for i in sorted(repo.issues.values(), key=lambda i: i.number)
                     if i.user == bot and MARKER in (i.body or "")), None)


def body_hash(body: str | None) -> str:
    return hashlib.sha256((body or "").encode()).hexdigest()[:16]


def danish_time(moment: datetime) -> str:
    return moment.astimezone(DANISH).strftime("%d.%m.%Y kl. %H.%M.%S")


def page_url(login: str | None, repo: str | None, *, refresh: int = 0, note: str | None = None) -> str:
    query = {k: v for k, v in (("som", login), ("repo", repo), ("vent", refresh or None), ("besked", note)) if v}
    return PATH + ("?" + urlencode(query) if query else "")


def view(state: GitHubState, login: str | None, repo_name: str | None, refresh: int, note: str | None) -> dict:
    """What the page shows, read under the stand-in's lock."""
    org = org_of(state)
    with state.lock:
        repos = sorted(r.name for r in state.repos.values() if r.owner.lower() == org.lower() and r.name != ".github")
        if repo_name not in repos:
            repo_name = None
        issue = onboarding_issue(state, f"{org}/{repo_name}") if repo_name else None
        shown = None
        if issue is not None:
            bot = state.app.bot_login
            shown = {
                "number": issue.number, "title": issue.title, "state": issue.state, "labels": sorted(issue.labels),
                "hash": body_hash(issue.body),
                "body": Markup(markdown_html.render(issue.body, tick_form="tick" if login else None)),
                "comments": [{"user": c.user, "bot": c.user == bot, "when": danish_time(c.created_at),
                              "edited": bool(c.edits), "body": Markup(markdown_html.render(c.body)),
                              "reactions": [r.content for r in c.reactions]} for c in issue.comments],
            }
        deliveries = [{"event": d.event, "action": d.action, "when": danish_time(d.delivered_at),
                       "status": d.status_code, "sender": _sender(d.payload)}
                      for d in state.hook_deliveries[-12:]][::-1]
        delivering = state.app.deliver_webhooks and bool(state.app.webhook_url)
    return {"org": org, "repos": repos, "repo": repo_name, "issue": shown, "deliveries": deliveries,
            "delivering": delivering, "login": login, "personas": sandbox_world.PERSONAS,
            "role": sandbox_world.PERSONAS.get(login or ""), "refresh": refresh, "note": note,
            "examples": sandbox_world.TRANSFER_EXAMPLES, "files": sandbox_world.PUSH_FILES,
            "commands": sandbox_world.EXAMPLE_COMMANDS, "path": PATH, "url": page_url,
            "suggested_name": _free_name(repos)}


def _sender(payload: bytes) -> str:
    import json

    try:
        return str((json.loads(payload).get("sender") or {}).get("login") or "")
    except (ValueError, AttributeError):
        return ""


def _free_name(repos: list[str]) -> str:
    name, n = sandbox_world.PRODUCT, 2
    while name in repos:
        name, n = f"{sandbox_world.PRODUCT}{n}", n + 1
    return name


def routes(holder: StateHolder) -> list[Route]:
    """The page and its four actions, serving `holder.state`."""

    async def show(request: Request) -> Response:
        q = request.query_params
        refresh = int(q["vent"]) if q.get("vent", "").isdigit() else 0
        note = q.get("besked")
        note = note if note in NOTES else None
        html = _env().get_template("sandbox.html.j2").render(
            **view(holder.state, persona(q, required=False), q.get("repo"), min(refresh, REFRESHES), note))
        return HTMLResponse(html, headers={"Cache-Control": "no-store", "Content-Security-Policy":
                                           "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"})

    async def act(request: Request) -> Response:
        raw = await request.body()
        if len(raw) > MAX_FORM:
            return HTMLResponse("For stor formular · form too large", status_code=413)
        # the page's forms are urlencoded (no file fields), so no multipart parser is needed
        form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True).items()}
        try:
            login = persona(form)
        except PermissionError:
            return HTMLResponse("Ukendt persona · unknown persona", status_code=403)
        action = request.path_params["action"]
        if action not in ACTIONS:
            return HTMLResponse("Ukendt handling · unknown action", status_code=404)
        repo, note = ACTIONS[action](holder.state, login, form)
        return RedirectResponse(page_url(login, repo, refresh=REFRESHES, note=note), status_code=303)

    return [Route(PATH, show, methods=["GET"]), Route(PATH + "/{action}", act, methods=["POST"])]


# --- the actions: each a person's change in the world; (repository, note for the page) ---

def _repo_field(state: GitHubState, form) -> str | None:
    name = str(form.get("repo") or "")
    if not _REPO_NAME.fullmatch(name) or state.find_repo(org_of(state), name) is None:
        return None
    return name


def transfer(state: GitHubState, login: str, form) -> tuple[str | None, str | None]:
    name, example = str(form.get("navn") or "").strip(), str(form.get("eksempel") or "")
    if not _REPO_NAME.fullmatch(name) or name in (".", "..", ".github") or example not in sandbox_world.TRANSFER_EXAMPLES:
        return None, "ugyldig"
    org = org_of(state)
    try:
        state.transfer_repo(org, name, login, from_owner=login, files=sandbox_world.transfer_files(example),
                            description="Eksempelprodukt til OS2-bottens sandkasse", has_issues=True)
    except ValueError:       # the name is taken in the organisation
        return name, "findes"
    return name, "overfoert"


def comment(state: GitHubState, login: str, form) -> tuple[str | None, str | None]:
    name, text = _repo_field(state, form), str(form.get("tekst") or "").replace("\r\n", "\n").strip()
    issue = onboarding_issue(state, f"{org_of(state)}/{name}") if name else None
    if issue is None or not text or len(text) > 65536:   # GitHub's limit on a comment
        return name, "ugyldig"
    state.add_comment(f"{org_of(state)}/{name}", issue.number, text, user=login)
    return name, "kommenteret"


def tick(state: GitHubState, login: str, form) -> tuple[str | None, str | None]:
    name = _repo_field(state, form)
    issue = onboarding_issue(state, f"{org_of(state)}/{name}") if name else None
    line = str(form.get("line") or "")
    if issue is None or not line.isdigit():
        return name, "ugyldig"
    with state.lock:     # as GitHub's page: the box is ticked in the text the person saw
        if body_hash(issue.body) != form.get("hash"):
            return name, "aendret"
        body = markdown_html.toggle_line(issue.body or "", int(line))
        if body is None:
            return name, "ugyldig"
        state.edit_issue_body(f"{org_of(state)}/{name}", issue.number, body, login)
    return name, "krydset"


def push(state: GitHubState, login: str, form) -> tuple[str | None, str | None]:
    name, key = _repo_field(state, form), str(form.get("fil") or "")
    if name is None or key not in sandbox_world.PUSH_FILES:
        return name, "ugyldig"
    path, content = sandbox_world.push_file(key)
    state.push(f"{org_of(state)}/{name}", {path: content}, login, message=f"Tilføj {path}")
    return name, "pushet"


ACTIONS = {"overfoer": transfer, "kommenter": comment, "kryds": tick, "push": push}
NOTES = ("ugyldig", "findes", "overfoert", "kommenteret", "aendret", "krydset", "pushet")
