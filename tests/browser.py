"""Headless Chromium driven over the DevTools protocol, for the browser tests.

No browser package and no websocket library: Chromium's `--remote-debugging-pipe` speaks the
DevTools protocol as NUL-terminated JSON on file descriptors 3 (in) and 4 (out). Loopback
pages only; the tests skip when Debian's `chromium` is not installed (`find_chromium`).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path


def find_chromium() -> str | None:
    # Debian's /usr/bin/chromium is a shell launcher; the browser itself keeps the pipe's fds
    if os.access("/usr/lib/chromium/chromium", os.X_OK):
        return "/usr/lib/chromium/chromium"
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


def _log():
    """Chromium's own messages: to a file named in OS2BOT_CHROMIUM_LOG when debugging, else nowhere."""
    path = os.environ.get("OS2BOT_CHROMIUM_LOG")
    return open(path, "ab") if path else subprocess.DEVNULL


def _high(fd: int) -> int:
    """`fd` moved to a number of 5 or more: clear of 3 and 4, which Chromium's ends become
    (a POSIX shell redirects single-digit fds only, hence bash when the number is larger)."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD, 5)
    os.close(fd)
    return moved


class Browser:
    """One headless Chromium with one page (tab)."""

    def __init__(self, executable: str, width: int = 1280, height: int = 900, timeout: float = 20.0,
                 languages: str = "da-DK,da"):
        self.timeout = timeout
        self._profile = tempfile.TemporaryDirectory(prefix="os2bot-chromium-")
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        # Chromium's ends go to fds 3 and 4 in the child; keep them clear of 3 and 4 here first
        to_chrome_r, from_chrome_w = (_high(to_chrome_r), _high(from_chrome_w))
        args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--metrics-recording-only", "--mute-audio",
                f"--user-data-dir={self._profile.name}", "--remote-debugging-pipe", f"--window-size={width},{height}",
                f"--lang={languages.split(',')[0]}", f"--accept-lang={languages}",
                "about:blank"]
        # the pipe ends must be fds 3 and 4 in Chromium: let the shell put them there (no preexec_fn in a
        # process with threads)
        script = f'exec "$0" "$@" 3<&{to_chrome_r} 4>&{from_chrome_w} {to_chrome_r}<&- {from_chrome_w}>&-'
        shell = "/bin/sh" if max(to_chrome_r, from_chrome_w) < 10 else (shutil.which("bash") or "/bin/bash")
        self.process = subprocess.Popen([shell, "-c", script, executable, *args],
                                        pass_fds=(to_chrome_r, from_chrome_w),
                                        stdout=subprocess.DEVNULL, stderr=_log())
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._ids = iter(range(1, 1_000_000))
        self._inbox: queue.Queue[dict] = queue.Queue()
        self._replies: dict[int, dict] = {}
        self.events: list[dict] = []
        threading.Thread(target=self._read, daemon=True, name="chromium-pipe").start()
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.page("Page.enable")
        self.page("Runtime.enable")
        self.page("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    # ---- the protocol -------------------------------------------------------------------
    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self._from_chrome, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                self._inbox.put({"closed": True})
                return
            buffer += chunk
            while b"\0" in buffer:
                message, buffer = buffer.split(b"\0", 1)
                self._inbox.put(json.loads(message))

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        ident = next(self._ids)
        message = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while ident not in self._replies:
            try:
                got = self._inbox.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError(f"Chromium did not answer {method} in {self.timeout}s") from None
            if got.get("closed"):
                raise RuntimeError("Chromium exited")
            if "id" in got:
                self._replies[got["id"]] = got
            else:
                self.events.append(got)
        reply = self._replies.pop(ident)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def page(self, method: str, params: dict | None = None) -> dict:
        return self.call(method, params, self.session)

    # ---- what a person does -------------------------------------------------------------
    def go(self, url: str) -> None:
        self.page("Page.navigate", {"url": url})
        self.wait_for("document.readyState === 'complete'")

    def evaluate(self, expression: str):
        result = self.page("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"].get("text", "exception"))
        return result.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout: float | None = None) -> None:
        """Until `expression` is true in the page (navigations and reloads in between are fine)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            try:
                if self.evaluate(expression):
                    return
            except RuntimeError:
                pass    # the page is navigating
            if time.monotonic() > deadline:
                raise TimeoutError(f"{expression!r} not true after {timeout or self.timeout}s: "
                                   f"{self.evaluate('location.href')}")
            time.sleep(0.1)

    def act(self, expression: str) -> None:
        """Run a script that navigates (a click, a form submit) and wait for the new page."""
        self.evaluate("window.__os2bot_old_page = true")
        self.evaluate(expression)
        self.wait_for("!window.__os2bot_old_page && document.readyState === 'complete'")

    def click(self, selector: str) -> None:
        """Click the element `selector` finds (a link or a form's button), as a person would."""
        found = self.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); "
                              "if (!e) return false; e.scrollIntoView(); e.click(); return true; })()")
        if not found:
            raise AssertionError(f"nothing on the page matches {selector!r}")

    def fill(self, selector: str, value: str) -> None:
        self.evaluate(f"document.querySelector({json.dumps(selector)}).value = {json.dumps(value)}")

    def text(self) -> str:
        """The page's visible text ("" while it is between two documents)."""
        try:
            return self.evaluate("document.body ? document.body.innerText : ''") or ""
        except RuntimeError:
            return ""

    def screenshot(self, path: Path, *, full_page: bool = True) -> Path:
        params: dict = {"format": "png"}
        if full_page:
            size = self.page("Page.getLayoutMetrics")["cssContentSize"]
            params.update({"captureBeyondViewport": True,
                           "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}})
        data = self.page("Page.captureScreenshot", params)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        for fd in (self._to_chrome, self._from_chrome):
            try:
                os.close(fd)
            except OSError:
                pass
        self._profile.cleanup()

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
