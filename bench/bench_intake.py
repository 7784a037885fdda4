"""Intake benchmark: the bot's webhook endpoint against a bare Starlette + HMAC endpoint.

Both run on the same stack (uvicorn, uvloop, httptools), each in its own process, and get
the same signed 8.8 KiB `repository` delivery (GitHub's documented transfer payload, its
description lengthened to a real repository's size) from wrk -t2 -c32 on loopback, each
request with its own X-GitHub-Delivery (a repeated id would be answered as a duplicate
without being journaled). The two are loaded in turn, several rounds in one run, so a
machine shared with other work slows both alike; the ratio is the median of the rounds'.

The bot is `create_app` served by `run_server` as `os2bot serve` does, with the runner off
(bench/intake_server.py): it verifies, parses, checks the shape, and commits each delivery
to its SQLite journal (JOURNAL_SYNC=normal: survives kill -9) before its 202. `--serve`
runs `os2bot serve` itself instead, runner included (with no GitHub to reach, every
reconcile fails and is retried). Afterwards the journal must hold a row for every 202.

Targets: bot >= 0.7 x bare (floor 0.5), p99 < 15 ms, peak RSS < 80 MiB.
The load comes from wrk (Debian's package; installed with apt-get when missing and run as
root), else from bench/loadgen.py, a Python load generator that shares the cores with the
servers: its ratio swings more, and the output says which one was used. Probot joins the
table when `node` and the probot package are present (PROBOT_NODE_PATH, or bench/node_modules).

    python bench/bench_intake.py [--rounds 5] [--seconds 5] [--journal-sync normal|full] [--serve]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import httpx

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from bot.sandbox.deliveries import load_payload  # noqa: E402
from bot.signature import sign  # noqa: E402

SECRET = "bench-secret"
TARGET_RATIO, FLOOR_RATIO, TARGET_P99_MS, TARGET_RSS_MIB = 0.7, 0.5, 15.0, 80.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def payload_9kb() -> bytes:
    data = json.loads(load_payload("repository.transferred.with-installation"))
    data["repository"]["description"] = "OS2 produkt. " * 130   # 8.8 KiB, like a real repository payload
    return json.dumps(data).encode()


@dataclass
class Run:
    """One load run against one server."""
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int          # non-2xx answers, and connections that failed

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


# ---- load generators ---------------------------------------------------------------------

def find_wrk(install: bool, say: Callable[[str], None]) -> str | None:
    """wrk's path; installs Debian's package when missing and allowed (root, apt-get)."""
    if (found := shutil.which("wrk")):
        return found
    if not install or not shutil.which("apt-get") or os.geteuid() != 0:
        say("wrk not found; install it with `apt-get install wrk` (Debian/Ubuntu) or "
            "`brew install wrk`; falling back to the Python load generator")
        return None
    say("wrk not found: installing Debian's package (apt-get install wrk)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "install", "-y", "-q", "wrk"], ["apt-get", "update", "-q"],
                    ["apt-get", "install", "-y", "-q", "wrk"]):
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        if (found := shutil.which("wrk")):
            return found
    say("apt-get could not install wrk; falling back to the Python load generator")
    return None


def wrk_run(wrk: str, port: int, body_file: Path, signature: str, *, seconds: float, connections: int,
            threads: int) -> Run:
    run_id = uuid.uuid4().hex[:12]     # delivery ids: RUNID-THREAD-COUNTER, unique across runs
    out = subprocess.run(
        [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s",
         "-s", str(BENCH / "webhook.lua"), f"http://127.0.0.1:{port}",
         "--", str(body_file), signature, "repository", run_id],
        capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    line = [l for l in out.splitlines() if l.startswith("{")][-1]   # webhook.lua's done()
    r = json.loads(line)
    errors = r["errors"]["status"] + r["errors"]["connect"] + r["errors"]["read"] + r["errors"]["write"] \
        + r["errors"]["timeout"]
    return Run(r["requests"], r["duration_us"] / 1e6, r["p50_us"] / 1000, r["p99_us"] / 1000, errors)


def python_run(port: int, body: bytes, signature: str, *, seconds: float, connections: int) -> Run:
    import asyncio

    from bench.loadgen import run_load

    def build(i: int) -> bytes:
        return (f"POST /api/github/webhooks HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"Content-Type: application/json\r\nX-GitHub-Event: repository\r\n"
                f"X-GitHub-Delivery: {uuid.uuid4()}\r\nX-Hub-Signature-256: {signature}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode() + body

    result = asyncio.run(run_load("127.0.0.1", port, build, total=10**9, concurrency=connections,
                                  time_limit=seconds))
    errors = sum(n for status, n in result.statuses.items() if not 200 <= status < 300)
    return Run(result.requests, result.seconds, result.percentile(50), result.percentile(99), errors)


# ---- servers -----------------------------------------------------------------------------

@dataclass
class Server:
    name: str
    proc: subprocess.Popen
    port: int
    database: Path | None = None

    def peak_rss_mib(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start(name: str, cmd: list[str], env: dict, port: int, *, database: Path | None = None,
          cwd: Path = ROOT) -> Server:
    proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{name} exited at start-up: {' '.join(cmd)}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=0.5).status_code == 200:
                return Server(name, proc, port, database)
        except httpx.HTTPError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"{name} did not start: {' '.join(cmd)}")


def app_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()).decode()


def start_bot(tmp: Path, *, journal_sync: str, serve: bool) -> Server:
    port = free_port()
    database = tmp / "bot.db"
    cmd = ([sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)] if serve
           else [sys.executable, str(BENCH / "intake_server.py"), str(port)])
    env = {"WEBHOOK_SECRET": SECRET, "APP_ID": "1", "PRIVATE_KEY": app_key(), "LOG_FORMAT": "json",
           "LOG_LEVEL": "info",   # the default: what a deployed bot logs
           "DATABASE_URL": f"sqlite:///{database}", "GITHUB_API_URL": "http://127.0.0.1:9",
           "JOURNAL_SYNC": journal_sync}
    return start("bot", cmd, env, port, database=database)


def probot_node_path() -> str | None:
    """Where the probot package is, when `node` is here too; None means no Probot row."""
    if not shutil.which("node"):
        return None
    candidates = [p for p in (os.environ.get("PROBOT_NODE_PATH"), str(BENCH / "node_modules")) if p]
    for path in candidates:
        probe = subprocess.run(["node", "-e", "require.resolve('probot')"], env={**os.environ, "NODE_PATH": path},
                               capture_output=True, check=False)
        if probe.returncode == 0:
            return path
    return None


# ---- the measurement ---------------------------------------------------------------------

def measure_intake(*, rounds: int = 5, seconds: float = 5.0, connections: int = 32, threads: int = 2,
                   journal_sync: str = "normal", serve: bool = False, probot: bool = True,
                   load_generator: str = "auto", install_wrk: bool = True,
                   say: Callable[[str], None] = lambda text: print(text, file=sys.stderr)) -> dict:
    """Bot and bare endpoint (and Probot when present) loaded in turn, `rounds` times.

    Returns the intake row: bot and bare req/s (medians over the rounds), their ratio (the
    median of each round's ratio), the bot's p50 and p99 (median over the rounds), its peak
    RSS, and the rounds themselves."""
    body = payload_9kb()
    signature = sign(SECRET, body)
    wrk = find_wrk(install_wrk, say) if load_generator in ("auto", "wrk") else None
    if load_generator == "wrk" and wrk is None:
        raise SystemExit("wrk is not available")
    node_path = probot_node_path() if probot else None
    if probot and node_path is None:
        say("Probot left out: it needs `node` and the probot package (npm install probot; PROBOT_NODE_PATH)")

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        body_file = tmp / "body.json"
        body_file.write_bytes(body)

        def load(server: Server, secs: float) -> Run:
            if wrk:
                return wrk_run(wrk, server.port, body_file, signature, seconds=secs, connections=connections,
                               threads=threads)
            return python_run(server.port, body, signature, seconds=secs, connections=connections)

        bare_port = free_port()
        servers = [start("bare", [sys.executable, str(BENCH / "bare_endpoint.py"), str(bare_port)],
                         {"WEBHOOK_SECRET": SECRET}, bare_port)]
        try:
            servers.append(start_bot(tmp, journal_sync=journal_sync, serve=serve))
            if node_path:
                port = free_port()
                servers.append(start("probot", ["node", str(BENCH / "probot_endpoint.js"), str(port)],
                                     {"WEBHOOK_SECRET": SECRET, "NODE_PATH": node_path}, port))
            answered = 0

            def checked(server: Server, secs: float, what: str) -> Run:
                nonlocal answered
                run = load(server, secs)
                if run.errors:
                    raise SystemExit(f"{server.name}: {run.errors} requests failed or were refused in {what}")
                answered += run.requests if server.name == "bot" else 0
                return run

            for server in servers:
                checked(server, 1.0, "the warm-up")   # not counted
            runs: dict[str, list[Run]] = {s.name: [] for s in servers}
            for i in range(rounds):
                for server in (servers if i % 2 == 0 else servers[::-1]):
                    runs[server.name].append(checked(server, seconds, f"round {i + 1}"))
                say(f"round {i + 1}/{rounds}: " + ", ".join(
                    f"{name} {r[-1].rps:.0f} req/s p99 {r[-1].p99_ms:.1f} ms" for name, r in runs.items()))
            rss = {s.name: s.peak_rss_mib() for s in servers}
        finally:
            for server in servers:
                server.stop()
        bot = next(s for s in servers if s.name == "bot")
        with sqlite3.connect(bot.database) as conn:
            journaled = conn.execute("SELECT COUNT(*) FROM deliveries").fetchone()[0]
        if journaled < answered:
            raise SystemExit(f"bot answered {answered} deliveries 202 but journaled {journaled}")

    def median(name: str, attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in runs[name])

    ratios = [b.rps / a.rps for b, a in zip(runs["bot"], runs["bare"])]
    row = {
        "bot_rps": median("bot", "rps"), "bare_rps": median("bare", "rps"),
        "ratio": statistics.median(ratios), "ratio_min": min(ratios), "ratio_max": max(ratios),
        "p50_ms": median("bot", "p50_ms"), "p99_ms": median("bot", "p99_ms"),
        "bare_p50_ms": median("bare", "p50_ms"), "bare_p99_ms": median("bare", "p99_ms"),
        "peak_rss_mib": rss["bot"], "peak_rss_mb": rss["bot"], "bare_peak_rss_mib": rss["bare"],
        "journaled": journaled, "answered": answered,
        "load_generator": "wrk" if wrk else "python (bench/loadgen.py)",
        "source": f"bench_intake.measure_intake: {'wrk' if wrk else 'the Python load generator'}, {rounds} rounds of "
                  f"{seconds:g} s per server, {connections} connections, bare endpoint on the same uvloop/httptools stack",
        "journal_sync": journal_sync, "runner": "on (os2bot serve)" if serve else "off",
        "rounds": rounds, "seconds": seconds, "connections": connections, "threads": threads,
        "payload_bytes": len(body), "cores": os.cpu_count(),
    }
    if "probot" in runs:
        row.update(probot_rps=median("probot", "rps"), probot_p99_ms=median("probot", "p99_ms"),
                   probot_peak_rss_mib=rss["probot"],
                   ratio_to_probot=statistics.median(b.rps / p.rps for b, p in zip(runs["bot"], runs["probot"])))
    return row


def targets_met(row: dict) -> bool:
    return row["ratio"] >= TARGET_RATIO and row["p99_ms"] < TARGET_P99_MS and row["peak_rss_mib"] < TARGET_RSS_MIB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each load run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--journal-sync", choices=["normal", "full"], default="normal")
    parser.add_argument("--serve", action="store_true", help="run `os2bot serve` itself, runner included")
    parser.add_argument("--load-generator", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--no-install", action="store_true", help="never apt-get install wrk")
    parser.add_argument("--no-probot", action="store_true")
    args = parser.parse_args()
    row = measure_intake(rounds=args.rounds, seconds=args.seconds, connections=args.connections,
                         threads=args.threads, journal_sync=args.journal_sync, serve=args.serve,
                         probot=not args.no_probot, load_generator=args.load_generator,
                         install_wrk=not args.no_install)

    print(f"intake benchmark: {row['rounds']} rounds of {row['seconds']:g} s per server, alternating; "
          f"load from {row['load_generator']}"
          + (f" ({row['threads']} threads" if row["load_generator"] == "wrk" else " (") + f", {row['connections']} connections); "
          f"signed {row['payload_bytes']}-byte deliveries on loopback; {row['cores']} cores; "
          f"JOURNAL_SYNC={row['journal_sync']}; runner {row['runner']}")
    print(f"{'endpoint':<10}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'peak RSS MiB':>15}")
    print(f"{'bot':<10}{row['bot_rps']:>10.0f}{row['p50_ms']:>10.2f}{row['p99_ms']:>10.2f}{row['peak_rss_mib']:>15.1f}")
    print(f"{'bare':<10}{row['bare_rps']:>10.0f}{row['bare_p50_ms']:>10.2f}{row['bare_p99_ms']:>10.2f}"
          f"{row['bare_peak_rss_mib']:>15.1f}")
    if "probot_rps" in row:
        print(f"{'probot':<10}{row['probot_rps']:>10.0f}{'':>10}{row['probot_p99_ms']:>10.2f}"
              f"{row['probot_peak_rss_mib']:>15.1f}")
    print(f"bot/bare: {row['ratio']:.2f} (rounds {row['ratio_min']:.2f}-{row['ratio_max']:.2f}; "
          f"target >= {TARGET_RATIO}, floor {FLOOR_RATIO})"
          + (f"; bot/probot: {row['ratio_to_probot']:.2f}" if "ratio_to_probot" in row else ""))
    print(f"bot p99 {row['p99_ms']:.2f} ms (target < {TARGET_P99_MS:g}); peak RSS {row['peak_rss_mib']:.1f} MiB "
          f"(target < {TARGET_RSS_MIB:g}); {row['journaled']} journaled for {row['answered']} answered 202")
    if targets_met(row):
        print("targets met")
        return 0
    print("TARGETS MISSED" + (" (bot/bare below the floor)" if row["ratio"] < FLOOR_RATIO else ""))
    return 1


if __name__ == "__main__":
    sys.exit(main())
