"""A served GitHub stand-in with OS2's organisation installed, and githubkit clients
authenticated the way the bot authenticates (App JWT, then an installation token)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from githubkit import AppAuthStrategy, GitHub
from githubkit.cache import MemCacheStrategy

from bot.sandbox.github import GitHubStandin, GitHubState, Installation

FIXTURES = Path(__file__).parent.parent / "fixtures" / "github-rest"
ORG = "OS2offdig"
REPO = "os2forms"
FULL = f"{ORG}/{REPO}"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text("utf-8"))


def new_private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


@pytest.fixture(scope="session")
def app_key() -> str:
    return new_private_key()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def state(app_key: str) -> GitHubState:
    world = GitHubState(app_id=4242, private_key_pem=app_key)
    world.add_installation(ORG)
    world.add_repo(ORG, REPO, description="Formularer til kommuner", files={
        "README.md": "# OS2forms\n\nSelvbetjening for kommuner.\n",
        "LICENSE": "Mozilla Public License Version 2.0\n==================================\n",
        "docs/index.md": "# Dokumentation\n",
        "docs/img/logo.png": b"\x89PNG\r\n\x1a\n\0\0\0",
    })
    return world


@pytest.fixture
def installation(state: GitHubState) -> Installation:
    return next(i for i in state.installations.values() if i.account == ORG)


@pytest.fixture(scope="session")
def server(app_key: str) -> Iterator[GitHubStandin]:
    """One server for the session; each test gets its own world through `base_url`."""
    with GitHubStandin(GitHubState(private_key_pem=app_key)) as running:
        yield running


@pytest.fixture
def base_url(server: GitHubStandin, state: GitHubState) -> str:
    server.state = state
    return server.url


def app_client(base_url: str, app_id: int, private_key: str) -> GitHub:
    return GitHub(AppAuthStrategy(app_id, private_key), base_url=base_url, timeout=10, auto_retry=False,
                  cache_strategy=MemCacheStrategy())


@pytest.fixture
def app_github(base_url: str, state: GitHubState) -> GitHub:
    """Authenticated as the App itself (JWT)."""
    return app_client(base_url, state.app.id, state.private_key_pem)


@pytest.fixture
def github(app_github: GitHub, installation: Installation) -> GitHub:
    """Authenticated as OS2's installation (installation token), as the bot works."""
    return app_github.with_auth(app_github.auth.as_installation(installation.id))


@pytest.fixture
def raw(base_url: str, state: GitHubState, installation: Installation) -> Iterator[httpx.Client]:
    """Plain HTTP with an installation token, for requests githubkit would refuse to send."""
    token = state.issue_token(installation.id).token
    with httpx.Client(base_url=base_url, headers={"Authorization": f"token {token}"}) as client:
        yield client


@pytest.fixture
def receiver():
    """A webhook endpoint that records what it receives and answers 202: (url, received)."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from bot.sandbox.serving import serve_in_thread

    received: list[dict] = []

    async def hook(request: Request) -> JSONResponse:
        received.append({"headers": dict(request.headers), "body": await request.body()})
        return JSONResponse({"status": "queued"}, status_code=202)

    with serve_in_thread(Starlette(routes=[Route("/hook", hook, methods=["POST"])])) as url:
        yield f"{url}/hook", received
