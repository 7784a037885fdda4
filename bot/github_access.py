"""Which way `os2bot check OWNER/REPO` asks GitHub: as the App, with a token, or without login.

The App only when its settings are there (APP_ID and PRIVATE_KEY); else a token the
contributor already has (GITHUB_TOKEN, GH_TOKEN, or `gh auth token` for the API's host);
else no credentials at all, which is enough for a public repository. A token is only
asked of `gh` for the host the API lives on, so a github.com token never goes elsewhere.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from typing import Callable, Mapping
from urllib.parse import urlsplit

from bot.settings import Secret, Settings

TOKEN_VARIABLES = ("GITHUB_TOKEN", "GH_TOKEN")
GH_TIMEOUT = 5.0


class RemoteUnavailable(RuntimeError):
    """A remote check cannot be made. `reason` names a Danish text in config/checks.yaml
    (texts.remote); `values` fill it (repository, host, reset time, ...)."""

    def __init__(self, reason: str, **values: object):
        super().__init__(reason)
        self.reason = reason
        self.values = values


@dataclass(frozen=True)
class Access:
    kind: str                       # "app", "token" or "anonymous"
    token: Secret | None = None
    source: str = ""                # where the token came from: "GITHUB_TOKEN", "gh auth token"


def gh_hostname(api_url: str) -> str:
    """The host `gh` knows the API by: github.com for api.github.com, the host otherwise (GHES)."""
    parts = urlsplit(api_url)
    host = parts.netloc or parts.path
    return "github.com" if host.casefold() == "api.github.com" else host


def gh_token(api_url: str, *, which: Callable[[str], str | None] = shutil.which,
             run: Callable[..., subprocess.CompletedProcess] = subprocess.run) -> str | None:
    """`gh auth token --hostname HOST` when gh is installed and logged in there, else None."""
    gh = which("gh")
    if gh is None:
        return None
    try:
        done = run([gh, "auth", "token", "--hostname", gh_hostname(api_url)], capture_output=True,
                   text=True, timeout=GH_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    token = (done.stdout or "").strip()
    return token if done.returncode == 0 and token and token.isprintable() and " " not in token else None


def choose_access(settings: Settings, env: Mapping[str, str], *,
                  gh: Callable[[str], str | None] = gh_token) -> Access:
    """The App, a token, or no login: the first that is available."""
    if settings.app_id is not None and settings.private_key is not None:
        return Access("app")
    return token_access(settings, env, gh=gh)


def token_access(settings: Settings, env: Mapping[str, str], *,
                 gh: Callable[[str], str | None] = gh_token) -> Access:
    """A token from the environment or gh, else anonymous."""
    for name in TOKEN_VARIABLES:
        value = env.get(name, "").strip()
        if value:
            return Access("token", Secret(value), name)
    token = gh(settings.github_api_url)
    if token:
        return Access("token", Secret(token), "gh auth token")
    return Access("anonymous")
