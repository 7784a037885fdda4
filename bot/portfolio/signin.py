"""Sign-in with GitHub for PORTFOLIO_ACCESS=members: the OAuth web flow with the App's client
id and secret, a signed session cookie, and membership asked through the App's installation.

The person's own token is used twice (to learn their login) and then dropped; whether they
are a member of a served organisation is asked as the App (`GET /orgs/{org}/members/{login}`,
which needs the App's `members: read`). The session holds the login and the organisations
they are a member of, and lasts an hour, so a member who leaves loses access within one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.errors import PermanentError

SESSION_COOKIE = "os2bot_session"
STATE_COOKIE = "os2bot_oauth"
SESSION_SECONDS = 3600
STATE_SECONDS = 600
CALLBACK = "/auth/callback"


@dataclass(frozen=True)
class Session:
    login: str
    orgs: tuple[str, ...]          # served organisations the person is a member of (lower case)
    expires: float


def session_key(webhook_secret: str) -> bytes:
    """The cookies' signing key, derived from the webhook secret (rotating it signs everyone out)."""
    return hmac.new(webhook_secret.encode(), b"os2bot portfolio session v1", hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(key: bytes, payload: dict) -> str:
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    return body + "." + _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())


def verify(key: bytes, value: str | None, now: float) -> dict | None:
    """The payload of a cookie this bot signed that has not expired; None for anything else."""
    if not value or value.count(".") != 1 or len(value) > 4096:
        return None
    body, mac = value.split(".")
    if not hmac.compare_digest(_b64(hmac.new(key, body.encode(), hashlib.sha256).digest()), mac):
        return None
    try:
        payload = json.loads(_unb64(body))
    except ValueError:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("exp"), (int, float)) or payload["exp"] < now:
        return None
    return payload


def web_url(api_url: str) -> str:
    """Where people sign in: github.com for api.github.com, the host for GitHub Enterprise
    (`https://host/api/v3`), the same server for the stand-in."""
    api_url = api_url.rstrip("/")
    if api_url == "https://api.github.com":
        return "https://github.com"
    return api_url[: -len("/api/v3")] if api_url.endswith("/api/v3") else api_url


class SignIn:
    """The edge: reads and writes the cookies, talks to GitHub at sign-in only."""

    def __init__(self, settings, state: dict, clock=time.time):
        self.settings = settings
        self.state = state
        self.clock = clock
        self.key = session_key(settings.webhook_secret.get())
        self.web = web_url(settings.github_api_url)

    def session(self, request: Request) -> Session | None:
        payload = verify(self.key, request.cookies.get(SESSION_COOKIE), self.clock())
        if payload is None or payload.get("kind") != "session":
            return None
        return Session(str(payload.get("login", "")), tuple(payload.get("orgs") or ()), float(payload["exp"]))

    def start(self, request: Request) -> Response:
        """Off to GitHub to sign in; back to this page afterwards."""
        nonce = secrets.token_urlsafe(24)
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        query = urlencode({"client_id": self.settings.github_client_id,
                           "redirect_uri": self._callback(request), "state": nonce})
        response = RedirectResponse(f"{self.web}/login/oauth/authorize?{query}", status_code=302)
        self._cookie(request, response, STATE_COOKIE, sign(self.key, {
            "kind": "oauth", "state": nonce, "next": back, "exp": self.clock() + STATE_SECONDS}), STATE_SECONDS)
        return response

    async def callback(self, request: Request) -> Response:
        pending = verify(self.key, request.cookies.get(STATE_COOKIE), self.clock())
        code, nonce = request.query_params.get("code"), request.query_params.get("state")
        if not pending or pending.get("kind") != "oauth" or not code or not nonce or \
                not hmac.compare_digest(str(pending.get("state")), nonce):
            return Response("Login-forsøget kunne ikke genkendes (udløbet eller fra et andet vindue). Prøv igen.",
                            status_code=400, media_type="text/plain; charset=utf-8")
        login = await self._login(code, self._callback(request))
        if login is None:
            return Response("GitHub godkendte ikke login. Prøv igen.", status_code=403,
                            media_type="text/plain; charset=utf-8")
        orgs = await self._memberships(login)
        back = str(pending.get("next") or "/")
        response = RedirectResponse(back if back.startswith("/") and not back.startswith("//") else "/", status_code=302)
        self._cookie(request, response, SESSION_COOKIE, sign(self.key, {
            "kind": "session", "login": login, "orgs": list(orgs), "exp": self.clock() + SESSION_SECONDS}),
            SESSION_SECONDS)
        response.delete_cookie(STATE_COOKIE, path="/")
        return response

    async def logout(self, request: Request) -> Response:
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    # ---- GitHub ---------------------------------------------------------------------------
    async def _login(self, code: str, redirect_uri: str) -> str | None:
        """The code for a token, the token for a login; the token is not kept."""
        timeout = httpx.Timeout(self.settings.github_timeout)
        async with httpx.AsyncClient(timeout=timeout) as http:
            answer = await http.post(f"{self.web}/login/oauth/access_token", headers={"Accept": "application/json"},
                                     json={"client_id": self.settings.github_client_id,
                                           "client_secret": self.settings.github_client_secret.get(),
                                           "code": code, "redirect_uri": redirect_uri})
            token = (answer.json() if answer.status_code == 200 else {}).get("access_token")
            if not token:
                return None
            me = await http.get(f"{self.settings.github_api_url.rstrip('/')}/user",
                                headers={"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json"})
        if me.status_code != 200:
            return None
        return str(me.json().get("login") or "") or None

    async def _memberships(self, login: str) -> tuple[str, ...]:
        """The served organisations `login` is a member of, asked as the App's installation there."""
        github = self.state["services"].github
        orgs = self.settings.github_orgs
        if not orgs:
            orgs = tuple(str((i.get("account") or {}).get("login") or "")
                         for i in await github.app_rest("GET", "/app/installations?per_page=100") or [])
        member = []
        for org in orgs:
            try:
                installation = await github.app_rest("GET", f"/orgs/{org}/installation")
            except PermanentError:
                continue      # the App is not installed there: no one is let in through it
            client = github.installation(int(installation["id"]))
            if await client.rest_or_none("GET", f"/orgs/{org}/members/{login}") is not None:
                member.append(org.lower())
        return tuple(member)

    def _callback(self, request: Request) -> str:
        return str(request.base_url).rstrip("/") + CALLBACK

    @staticmethod
    def _cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
        response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="lax",
                            secure=request.url.scheme == "https")
