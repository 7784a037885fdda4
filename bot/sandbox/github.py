"""A GitHub stand-in for tests, benchmarks and `os2bot sandbox`: GitHub's REST and
GraphQL APIs for one GitHub App, served on loopback from an in-memory world.

    state = GitHubState()
    state.add_installation("OS2offdig")
    state.add_repo("OS2offdig", "os2forms", files={"README.md": "# OS2forms"})
    with serve_github_standin(state) as base_url:
        github = GitHub(AppAuthStrategy(state.app.id, state.private_key_pem), base_url=base_url)
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from bot.sandbox.app import create_app
from bot.sandbox.gql import schema as graphql_schema
from bot.sandbox.state import (
    App,
    Comment,
    GitHubState,
    Installation,
    Issue,
    Label,
    LoggedRequest,
    Reaction,
    Repository,
    StandinError,
    Team,
    User,
)

__all__ = [
    "App", "Comment", "GitHubState", "Installation", "Issue", "Label", "LoggedRequest", "Reaction",
    "Repository", "StandinError", "Team", "User", "create_app", "graphql_schema", "run_github_standin",
    "serve_github_standin",
]


def _config(state: GitHubState, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(create_app(state), host=host, port=port, log_level="warning", access_log=False,
                          lifespan="off")


@contextmanager
def serve_github_standin(state: GitHubState, host: str = "127.0.0.1", port: int = 0,
                         warm_graphql: bool = False) -> Iterator[str]:
    """Serve `state` from a background thread; yields the base url (http://127.0.0.1:PORT).

    `warm_graphql` builds GitHub's schema before yielding, so the first GraphQL
    request is not the slow one."""
    if warm_graphql:
        graphql_schema()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    server = uvicorn.Server(_config(state, host, bound_port))
    failure: list[BaseException] = []

    def run() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as error:  # surfaced to the caller below
            failure.append(error)

    thread = threading.Thread(target=run, name=f"github-standin:{bound_port}", daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        thread.join(0.01)
    if not server.started:
        sock.close()
        raise RuntimeError("the GitHub stand-in did not start") from (failure[0] if failure else None)
    try:
        yield f"http://{host}:{bound_port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def run_github_standin(state: GitHubState, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve `state` in the foreground until interrupted (for `os2bot sandbox`)."""
    uvicorn.Server(_config(state, host, port)).run()
