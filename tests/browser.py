"""Headless Chromium driven by the DevTools protocol over a pipe (--remote-debugging-pipe):
no websocket library, no Playwright download, no network. Tests skip when there is no Chromium."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from typing import Any

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "headless_shell")


def find_chromium() -> str | None:
    explicit = os.environ.get("CHROMIUM")
    return explicit if explicit and os.path.exists(explicit) else next(
        (p for p in map(shutil.which, CANDIDATES) if p), None)


def _binary(executable: str) -> str:
    """Debian's /usr/bin/chromium is a shell launcher; the browser itself takes the pipe more reliably."""
    real = "/usr/lib/chromium/chromium"
    return real if executable == "/usr/bin/chromium" and os.path.exists(real) else executable


class Browser:
    """One page in a headless Chromium; `goto`, `evaluate`, `screenshot`."""

    def __init__(self, executable: str, width: int = 1280, height: int = 900, languages: str = "da-DK,da;q=0.9"):
        self._profile = tempfile.TemporaryDirectory()
        to_chrome_r, self._out = os.pipe()
        self._in, from_chrome_w = os.pipe()

        def plumbing():   # the DevTools pipe is fds 3 (commands in) and 4 (answers out)
            r, w = os.dup(to_chrome_r), os.dup(from_chrome_w)   # either may be 3 or 4 already
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.process = subprocess.Popen(
            [_binary(executable), "--headless", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
             "--no-first-run", "--disable-extensions", "--disable-background-networking",
             f"--user-data-dir={self._profile.name}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._log(),
            preexec_fn=plumbing, close_fds=False)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer, self._next, self.events = b"", 0, []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Page.enable", session=True)
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height,
                  deviceScaleFactor=1, mobile=width < 600)
        agent = self.call("Browser.getVersion")["userAgent"]   # a Danish reader's browser asks for Danish
        self.call("Emulation.setUserAgentOverride", session=True, userAgent=agent, acceptLanguage=languages)

    def _log(self):
        self.log_path = os.path.join(self._profile.name, "chromium.log")
        return open(self.log_path, "wb")

    def call(self, method: str, session: bool = False, timeout: float = 20.0, **params) -> dict[str, Any]:
        self._next += 1
        message = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            answer = self._read()
            if answer.get("id") == self._next:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)
        raise TimeoutError(method)

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._in, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def wait_for_load(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(e.get("method") == "Page.loadEventFired" for e in self.events):
                self.events.clear()
                return
            self.events.append(self._read())
        raise TimeoutError("page load")

    def goto(self, url: str) -> None:
        self.events.clear()
        self.call("Page.navigate", session=True, url=url)
        self.wait_for_load()

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def act(self, expression: str) -> None:
        """Run a script that navigates (a click, a form submit) and wait for the new page."""
        self.events.clear()
        self.evaluate(expression)
        self.wait_for_load()

    def screenshot(self, full_page: bool = True) -> bytes:
        params: dict[str, Any] = {"format": "png", "captureBeyondViewport": full_page}
        return base64.b64decode(self.call("Page.captureScreenshot", session=True, **params)["data"])

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self._in)
        os.close(self._out)
        self._profile.cleanup()
