"""Intake benchmark: the bot's webhook endpoint against a bare HMAC-only endpoint.

Both run on uvicorn in their own process and get the same signed ~9 KB `repository`
payload from 32 concurrent keep-alive connections on loopback, in the same run. The bot
commits every delivery to its SQLite journal (WAL, group commit) before answering 202,
and its runner processes the deliveries meanwhile. It is measured twice: with the default
JOURNAL_SYNC=normal (survives a crash or kill -9) and with JOURNAL_SYNC=full (also
survives a power cut: every batch fsyncs).
Target: at least 0.5 of the bare endpoint's throughput, p99 under 20 ms.

    python bench/bench_intake.py [--requests 6000] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.loadgen import LoadResult, run_load  # noqa: E402
from bot.sandbox.deliveries import load_payload  # noqa: E402
from bot.signature import sign  # noqa: E402

SECRET = "bench-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def payload_9kb() -> bytes:
    data = json.loads(load_payload("repository.transferred.with-installation"))
    data["repository"]["description"] = "OS2 produkt. " * 130   # ~9 KB, like a real repository payload
    return json.dumps(data).encode()


def start(cmd: list[str], env: dict, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=0.5).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"server did not start: {' '.join(cmd)}")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load(port: int, body: bytes, total: int, concurrency: int) -> LoadResult:
    signature = sign(SECRET, body)

    def build(i: int) -> bytes:
        head = (f"POST /api/github/webhooks HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"Content-Type: application/json\r\nX-GitHub-Event: repository\r\n"
                f"X-GitHub-Delivery: {uuid.uuid4()}\r\nX-Hub-Signature-256: {signature}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n")
        return head.encode() + body

    asyncio.run(run_load("127.0.0.1", port, build, total=min(300, total), concurrency=concurrency))  # warm-up
    return asyncio.run(run_load("127.0.0.1", port, build, total=total, concurrency=concurrency))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    body = payload_9kb()

    with tempfile.TemporaryDirectory() as tmp:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption()).decode()
        results = {}
        for name in ("bare", "bot", "bot-full"):
            port = free_port()
            if name == "bare":
                cmd = [sys.executable, "bench/bare_endpoint.py", str(port)]
                env = {"WEBHOOK_SECRET": SECRET}
            else:
                cmd = [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
                env = {"WEBHOOK_SECRET": SECRET, "APP_ID": "1", "PRIVATE_KEY": key, "LOG_LEVEL": "warning",
                       "LOG_FORMAT": "json", "DATABASE_URL": f"sqlite:///{tmp}/{name}.db",
                       "GITHUB_API_URL": "http://127.0.0.1:9",
                       "JOURNAL_SYNC": "full" if name == "bot-full" else "normal"}
            proc = start(cmd, env, port)
            try:
                result = load(port, body, args.requests, args.concurrency)
                rss = peak_rss_mb(proc.pid)
            finally:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=60)
            bad = {s: n for s, n in result.statuses.items() if s != 202}
            if bad:
                raise SystemExit(f"{name}: unexpected statuses {bad}")
            results[name] = (result, rss)

    print(f"intake benchmark: {args.requests} signed deliveries of {len(body)} bytes, "
          f"{args.concurrency} connections, loopback, {os.cpu_count()} cores")
    print(f"{'endpoint':<10}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'peak RSS MB':>14}")
    for name, (r, rss) in results.items():
        print(f"{name:<10}{r.rps:>10.0f}{r.percentile(50):>10.2f}{r.percentile(99):>10.2f}{rss:>14.1f}")
    bare, bot, full = results["bare"][0], results["bot"][0], results["bot-full"][0]
    ratio = bot.rps / bare.rps
    print(f"throughput ratio bot/bare: {ratio:.2f} (target >= 0.50); "
          f"with JOURNAL_SYNC=full: {full.rps / bare.rps:.2f} (p99 {full.percentile(99):.2f} ms)")
    print(f"bot p99: {bot.percentile(99):.2f} ms (target < 20 ms)")
    ok = ratio >= 0.5 and bot.percentile(99) < 20
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
