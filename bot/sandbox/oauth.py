"""GitHub's OAuth web flow for a GitHub App, in the stand-in: what the portfolio's sign-in needs.

    GET  /login/oauth/authorize?client_id&redirect_uri&state   the person at the browser agrees
    POST /login/oauth/access_token {client_id, client_secret, code, redirect_uri}   code -> token
    GET  /user                                                 who the token belongs to

On github.com the person is whoever is logged in; the stand-in has no login, so without
`login=` the authorize page lists the people of its world to choose from (a plain HTML page,
as `os2bot sandbox --serve` shows it), and `login=` picks one directly. A code is single-use,
bound to the client id and redirect URI, and lives ten minutes, as GitHub's does; the token is
a person's token (it reads what that person may read).
"""

from __future__ import annotations

import hashlib
import html
import secrets
import time
import weakref
from dataclasses import dataclass
from urllib.parse import urlencode

from bot.sandbox import rest
from bot.sandbox.access import bad_credentials
from bot.sandbox.render import simple_user
from bot.sandbox.state import App, GitHubState, StandinError

CODE_SECONDS = 600
_codes: "weakref.WeakKeyDictionary[GitHubState, dict[str, _Code]]" = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class _Code:
    login: str
    client_id: str
    redirect_uri: str
    expires: float


def client_secret(app: App) -> str:
    """The App's OAuth client secret in the stand-in: fixed for the App, never printed by GitHub twice."""
    return hashlib.sha256(f"client-secret:{app.private_key_pem}".encode()).hexdigest()[:40]


def authorize(ctx: rest.Ctx) -> rest.Reply:
    q = ctx.query
    if q.get("client_id") != ctx.state.app.client_id:
        raise StandinError(404, "Not Found")
    redirect_uri = q.get("redirect_uri") or ""
    if not redirect_uri.startswith(("http://", "https://")):
        raise StandinError(400, "The redirect_uri MUST match the registered callback URL for this application.")
    login = q.get("login")
    user = ctx.state.users.get((login or "").lower())
    if user is None:
        return rest.Reply(200, _chooser(ctx), media_type="text/html; charset=utf-8")
    code = secrets.token_hex(10)
    with ctx.state.lock:
        _codes.setdefault(ctx.state, {})[code] = _Code(user.login, q["client_id"], redirect_uri,
                                                       time.time() + CODE_SECONDS)
    back = {"code": code, **({"state": q["state"]} if q.get("state") else {})}
    joiner = "&" if "?" in redirect_uri else "?"
    return rest.Reply(302, None, {"Location": f"{redirect_uri}{joiner}{urlencode(back)}"})


def _chooser(ctx: rest.Ctx) -> bytes:
    """The stand-in's 'Sign in to GitHub': one link per person of the world."""
    people = sorted(u.login for u in ctx.state.users.values() if u.type == "User")
    links = "".join(f'<li><a href="/login/oauth/authorize?{html.escape(urlencode({**ctx.query, "login": p}))}">'
                    f"{html.escape(p)}</a></li>" for p in people)
    return (f'<!DOCTYPE html><html lang="da"><head><meta charset="utf-8"><title>Log ind (GitHub-stand-in)</title>'
            f'</head><body><main><h1>Log ind på GitHub (stand-in)</h1><p>Hvem er du?</p><ul>{links}</ul></main>'
            f"</body></html>").encode()


def access_token(ctx: rest.Ctx) -> rest.Reply:
    body = ctx.body if isinstance(ctx.body, dict) else {}
    body = {**ctx.query, **body}
    app = ctx.state.app
    if body.get("client_id") != app.client_id or body.get("client_secret") != client_secret(app):
        return rest.Reply(200, {"error": "incorrect_client_credentials",
                                "error_description": "The client_id and/or client_secret passed are incorrect."})
    with ctx.state.lock:
        found = _codes.get(ctx.state, {}).pop(str(body.get("code") or ""), None)
    if found is None or found.expires < time.time() or found.client_id != body.get("client_id") or \
            (body.get("redirect_uri") and body.get("redirect_uri") != found.redirect_uri):
        return rest.Reply(200, {"error": "bad_verification_code",
                                "error_description": "The code passed is incorrect or expired."})
    token = ctx.state.add_personal_token(found.login, "ghu_" + secrets.token_hex(18))
    return rest.Reply(200, {"access_token": token, "token_type": "bearer", "scope": ""})


def user(ctx: rest.Ctx) -> rest.Reply:
    if ctx.caller.kind != "user" or not ctx.caller.login:
        raise bad_credentials() if ctx.caller.kind == "none" else StandinError(403, "Resource not accessible by integration")
    return rest.Reply(200, simple_user(ctx.state.users[ctx.caller.login.lower()], ctx.urls))


rest.route("GET", "/login/oauth/authorize", authorize)
rest.route("POST", "/login/oauth/access_token", access_token)
rest.route("GET", "/user", user)
