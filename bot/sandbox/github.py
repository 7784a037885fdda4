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

from bot.sandbox.app import StateHolder, create_app
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
    "App", "Comment", "GitHubStandin", "GitHubState", "Installation", "Issue", "Label", "LoggedRequest",
    "Reaction", "Repository", "StandinError", "Team", "User", "create_app", "graphql_schema",
    "run_github_standin", "serve_github_standin",
]


def _config(app: object, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="off")


class GitHubStandin:
    """A stand-in server on a background thread. `state` may be replaced while it runs,
    so a test session can keep one server and give each test a fresh world."""

    def __init__(self, state: GitHubState, host: str = "127.0.0.1", port: int = 0):
        self._holder = StateHolder(state)
        self.host, self.port = host, port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None

    @property
    def state(self) -> GitHubState:
        return self._holder.state

    @state.setter
    def state(self, state: GitHubState) -> None:
        self._holder.state = state

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, warm_graphql: bool = False) -> str:
        """Bind (port 0 = a free port), start serving, and return the base url."""
        if warm_graphql:
            graphql_schema()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        server = uvicorn.Server(_config(create_app(self._holder), self.host, self.port))
        failure: list[BaseException] = []

        def run() -> None:
            try:
                server.run(sockets=[sock])
            except BaseException as error:  # surfaced to the caller below
                failure.append(error)

        thread = threading.Thread(target=run, name=f"github-standin:{self.port}", daemon=True)
        thread.start()
        while not server.started and thread.is_alive():
            thread.join(0.01)
        if not server.started:
            sock.close()
            raise RuntimeError("the GitHub stand-in did not start") from (failure[0] if failure else None)
        self._server, self._thread, self._sock = server, thread, sock
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
        if self._sock is not None:
            self._sock.close()
        self._server = self._thread = self._sock = None

    def __enter__(self) -> GitHubStandin:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def serve_github_standin(state: GitHubState, host: str = "127.0.0.1", port: int = 0,
                         warm_graphql: bool = False) -> Iterator[str]:
    """Serve `state` from a background thread; yields the base url (http://127.0.0.1:PORT).

    `warm_graphql` builds GitHub's schema before yielding, so the first GraphQL
    request is not the slow one."""
    server = GitHubStandin(state, host, port)
    url = server.start(warm_graphql=warm_graphql)
    try:
        yield url
    finally:
        server.stop()


def run_github_standin(state: GitHubState, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve `state` in the foreground until interrupted (for `os2bot sandbox`)."""
    uvicorn.Server(_config(create_app(state), host, port)).run()
