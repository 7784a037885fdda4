"""A Snapshot of a GitHub repository over REST: the repository, then one tarball download.

Works without credentials for a public repository: two API requests of the 60 an hour
GitHub allows without login (the repository, and the tarball's redirect; the download
itself comes from GitHub's archive host and is no API request), and with a token for what
the token may read. All HTTP goes through one githubkit client with timeouts and the bot's
retry rules (`bot.github`). Failures leave as `RemoteUnavailable` with a reason that names
a Danish text (config/checks.yaml, texts.remote).
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Iterator
from urllib.parse import quote, urlsplit

import httpx
from githubkit import GitHub, TokenAuthStrategy, UnauthAuthStrategy
from githubkit.exception import (
    GitHubException,
    RateLimitExceeded,
    RequestError,
    RequestFailed,
    RequestTimeout,
)

from bot.github import USER_AGENT, _retry_decision
from bot.github_access import Access, RemoteUnavailable
from bot.snapshot import Snapshot
from bot.tarball_snapshot import ArchiveError, Limits, read_tarball

DOWNLOAD_SECONDS = 300.0     # the whole download, however steadily it trickles


def classify(exc: GitHubException, access: Access, values: dict) -> RemoteUnavailable:
    """githubkit's exception as a reason a person can act on."""
    if isinstance(exc, RateLimitExceeded):
        reset = _reset_time(exc)
        reason = "rate_limited_anonymous" if access.kind == "anonymous" else "rate_limited"
        return RemoteUnavailable(reason, reset=reset, **values)
    if isinstance(exc, RequestFailed):
        status = exc.response.status_code
        if status == 401 and access.kind in ("token", "app"):
            return RemoteUnavailable(f"bad_{access.kind}", **values)
        if status in (403, 404, 451):
            return RemoteUnavailable(f"not_found_{access.kind}", **values)
        return RemoteUnavailable("github_error", status=status, **values)
    if isinstance(exc, RequestTimeout):
        return RemoteUnavailable("timeout", **values)
    if isinstance(exc, RequestError):
        return RemoteUnavailable("offline", **values)
    return RemoteUnavailable("github_error", status=type(exc).__name__, **values)


def _reset_time(exc: RateLimitExceeded) -> datetime:
    """When the limit lifts: GitHub's X-RateLimit-Reset, else now + Retry-After."""
    raw = exc.response.headers.get("x-ratelimit-reset", "")
    if raw.isdigit():
        return datetime.fromtimestamp(int(raw), tz=timezone.utc)
    return datetime.now(timezone.utc) + exc.retry_after


def client(api_url: str, access: Access, timeout: float) -> GitHub:
    """The one githubkit client of a remote check: with the token, or without any login."""
    auth = TokenAuthStrategy(access.token.get()) if access.token else UnauthAuthStrategy()
    return GitHub(
        auth,
        base_url=api_url,
        user_agent=USER_AGENT,
        timeout=httpx.Timeout(timeout, connect=min(5.0, timeout)),
        http_cache=False,
        auto_retry=_retry_decision,
    )


def fetch_archive_snapshot(owner: str, repo: str, *, api_url: str, access: Access, timeout: float = 10.0,
                           limits: Limits = Limits()) -> Snapshot:
    """GET /repos/{owner}/{repo}, then its tarball (following GitHub's redirect), read in memory."""
    values = {"repository": f"{owner}/{repo}", "name": repo, "host": urlsplit(api_url).netloc or api_url,
              "source": access.source}
    github = client(api_url, access, timeout)
    try:
        with github:
            meta = github.request("GET", f"/repos/{owner}/{repo}").json()
            branch = str(meta.get("default_branch") or "HEAD")
            values.update(repository=str(meta.get("full_name") or values["repository"]))
            path = f"/repos/{owner}/{repo}/tarball/{quote(branch, safe='/')}"
            try:
                response = github.request("GET", path, stream=True)
            except RequestFailed as exc:
                if exc.response.status_code == 404:   # the repository is there: its archive is not (empty)
                    raise RemoteUnavailable("empty", **values) from None
                raise
            try:
                archive = read_tarball(_chunks(response.raw_response), limits)
            finally:
                response.raw_response.close()
    except GitHubException as exc:
        raise classify(exc, access, values) from None
    except ArchiveError as exc:
        raise RemoteUnavailable(exc.reason, **{**values, **exc.values}) from None
    except httpx.TimeoutException:
        raise RemoteUnavailable("timeout", **values) from None
    except httpx.HTTPError:
        raise RemoteUnavailable("offline", **values) from None
    licence = meta.get("license") or {}
    owner_json = meta.get("owner") or {}
    return Snapshot(
        name=str(meta.get("name") or repo),
        owner=owner_json.get("login") or owner,
        paths=archive.paths,
        files=archive.files,
        licence_spdx=licence.get("spdx_id") if isinstance(licence, dict) else None,
        default_branch=meta.get("default_branch"),
        has_issues=meta.get("has_issues"),
        archived=meta.get("archived"),
        description=meta.get("description"),
        html_url=meta.get("html_url"),
        source="github",
        commit=archive.commit,
    )


def _chunks(response: httpx.Response) -> Iterator[bytes]:
    """The body as it arrives, stopped when the download as a whole takes too long."""
    deadline = time.monotonic() + DOWNLOAD_SECONDS
    for chunk in response.iter_bytes():
        if time.monotonic() > deadline:
            raise httpx.ReadTimeout("download took too long", request=response.request)
        yield chunk
