"""Serve an ASGI app with uvicorn on a loopback port in a background thread (tests, sandbox, bench)."""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from typing import Any, Iterator

import uvicorn

from bot.cli import SERVER_STACK


@contextlib.contextmanager
def serve_in_thread(app, *, host: str = "127.0.0.1", port: int = 0, startup_timeout: float = 15.0) -> Iterator[str]:
    """Yield the base URL while `app` is served; on exit, shut down gracefully (lifespan included)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    actual_port = sock.getsockname()[1]
    config = uvicorn.Config(app, **SERVER_STACK, log_level="warning", access_log=False, lifespan="auto",
                            timeout_graceful_shutdown=10)
    server = uvicorn.Server(config)
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]  # not the main thread
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="uvicorn")
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("server thread exited during start-up (see the log above)")
        if time.monotonic() > deadline:
            raise RuntimeError("server did not start in time")
        time.sleep(0.01)
    try:
        yield f"http://{host}:{actual_port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


class RequestLog:
    """Test hooks over a stand-in's request log: both stand-ins keep `self.lock` and `self.log`."""

    @property
    def requests(self) -> list:
        with self.lock:
            return list(self.log)

    def count(self, **where: Any) -> int:
        """Requests whose fields equal `where` (method='POST', write=True, status=400 …);
        `path` may be a regular expression matched against the whole path."""
        pattern = where.pop("path", None)
        with self.lock:
            return sum(1 for entry in self.log
                       if (pattern is None or re.fullmatch(pattern, entry.path))
                       and all(getattr(entry, k) == v for k, v in where.items()))

    def reset_counts(self) -> None:
        with self.lock:
            self.log.clear()


class StateHolder:
    """Lets one running server serve a fresh world per test (set `.state`)."""

    def __init__(self, state):
        self.state = state


class StandinServer:
    """A stand-in (GitHub's, Jira's) on a background thread. `state` may be replaced while it
    runs, so a test session can keep one server and give each test a fresh world."""

    def __init__(self, state, host: str = "127.0.0.1", port: int = 0):
        self._holder = StateHolder(state)
        self.host, self.port = host, port
        self._serving = None

    def app(self, holder: StateHolder):
        """The ASGI app serving `holder.state`."""
        raise NotImplementedError

    @property
    def state(self):
        return self._holder.state

    @state.setter
    def state(self, state) -> None:
        self._holder.state = state

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> str:
        """Start serving on `port` (0 = a free port) and return the base url."""
        self._serving = serve_in_thread(self.app(self._holder), host=self.host, port=self.port)
        url = self._serving.__enter__()
        self.port = int(url.rsplit(":", 1)[1])
        return url

    def stop(self) -> None:
        if self._serving is not None:
            self._serving.__exit__(None, None, None)
            self._serving = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
