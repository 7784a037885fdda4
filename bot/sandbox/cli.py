"""`os2bot sandbox`: the whole bot on this machine, no accounts needed.

Starts the GitHub stand-in with an OS2 organisation and an example product, starts the
bot against it with a throwaway App key, delivers GitHub's real `repository.transferred`
payload, and shows what the bot did. `--serve` keeps both running to play with.
"""

from __future__ import annotations

import argparse
import secrets
import tempfile
import time
from pathlib import Path


def add_parser(sub) -> None:
    parser = sub.add_parser("sandbox", help="run the bot against a GitHub stand-in (no accounts needed)")
    parser.add_argument("--serve", action="store_true", help="keep the bot and the stand-in running")
    parser.add_argument("--port", type=int, default=0, help="bot port with --serve (default: a free port)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the bot to finish")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from bot.app import create_app
    from bot.log import configure_logging
    from bot.sandbox.deliveries import post_delivery
    from bot.sandbox.github import serve_github_standin
    from bot.sandbox.serving import serve_in_thread
    from bot.sandbox.world import ORG, PRODUCT, build_world
    from bot.settings import load_settings

    console = Console()
    world = build_world()
    secret = secrets.token_hex(16)
    configure_logging("warning", "console")
    with tempfile.TemporaryDirectory(prefix="os2bot-sandbox-") as tmp, serve_github_standin(world.state) as github_url:
        settings = load_settings({
            "APP_ID": str(world.state.app.id), "PRIVATE_KEY": world.state.private_key_pem,
            "WEBHOOK_SECRET": secret, "GITHUB_API_URL": github_url, "GITHUB_ORGS": ORG,
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'sandbox.db'}", "LOG_LEVEL": "warning",
        }, dotenv=False)
        app = create_app(settings)
        with serve_in_thread(app, port=args.port) as bot_url:
            console.print(f"[bold]GitHub stand-in[/] {github_url}   [bold]bot[/] {bot_url}")
            full_name = f"{ORG}/{PRODUCT}"
            response = post_delivery(bot_url, secret, "repository", world.transfer_payload(full_name))
            console.print(f"repository.transferred for {full_name}: HTTP {response.status_code} {response.json()}")
            store = app.state.bot["store"]
            deadline = time.monotonic() + args.timeout
            while (stats := store.stats()).pending + stats.running and time.monotonic() < deadline:
                time.sleep(0.05)
            _report(console, store, world.state, full_name)
            if args.serve:
                console.print(f"\nServing. Send signed deliveries to {bot_url}/api/github/webhooks "
                              f"(secret {secret}). Ctrl-C stops.")
                try:
                    while True:
                        time.sleep(1)
                except KeyboardInterrupt:
                    pass
            stats = store.stats()
    return 0 if stats.dead == 0 and stats.pending == 0 else 1


def _report(console, store, state, full_name: str) -> None:
    from rich.markdown import Markdown
    from rich.panel import Panel
    from rich.table import Table

    table = Table(title="Deliveries", show_lines=False)
    for column in ("delivery", "event", "status", "attempts", "error"):
        table.add_column(column)
    for row in store.deliveries():
        table.add_row(row["id"][:12], f"{row['event']}.{row['action']}", row["status"], str(row["attempts"]),
                      (row["last_error"] or "")[:60])
    console.print(table)
    issues = state.issues(full_name)
    if not issues:
        console.print(f"No issues in {full_name}.")
    for issue in issues:
        labels = ", ".join(sorted(issue.labels)) or "-"
        console.print(Panel(Markdown(issue.body or ""), title=f"#{issue.number} {issue.title} [{issue.state}]",
                            subtitle=f"labels: {labels}"))
    console.print(f"GitHub requests seen by the stand-in: {len(state.requests)} "
                  f"({state.count(write=True)} writes, {state.count(path=r'.*/access_tokens')} token requests)")
