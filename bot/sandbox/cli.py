"""`os2bot sandbox`: the whole bot on this machine, no accounts needed.

Starts the GitHub stand-in with an OS2 organisation and an example product, starts the
bot against it with a throwaway App key, delivers GitHub's real `repository.transferred`
payload, shows the onboarding issue the bot opened, then lets the secretariat place the
product on a level by command. `--serve` keeps both running to play with.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def add_parser(sub) -> None:
    parser = sub.add_parser("sandbox", help="run the bot against a GitHub stand-in (no accounts needed)")
    parser.add_argument("--serve", action="store_true", help="keep the bot and the stand-in running")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the bot to finish")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from bot.log import configure_logging
    from bot.sandbox.github import serve_github_standin
    from bot.sandbox.harness import SECRET, Bot
    from bot.sandbox.world import CONTRIBUTOR, ORG, PRODUCT, SECRETARIAT, build_world

    console = Console()
    world = build_world()
    full_name = f"{ORG}/{PRODUCT}"
    configure_logging("warning", "console")
    with tempfile.TemporaryDirectory(prefix="os2bot-sandbox-") as tmp, serve_github_standin(world.state) as github_url:
        bot = Bot(world=world, github_url=github_url, database=Path(tmp) / "sandbox.db").start()
        try:
            console.print(f"[bold]GitHub stand-in[/] {github_url}   [bold]bot[/] {bot.url}")
            response = bot.transfer(full_name)
            console.print(f"repository.transferred for {full_name}: HTTP {response.status_code} {response.json()}")
            bot.settle(args.timeout)
            comment = f"/level 1\n/coordinator add @{CONTRIBUTOR}"
            console.print(f"\n{SECRETARIAT} (OS2-sekretariatet) comments: {comment!r}")
            bot.person_comments(full_name, comment, SECRETARIAT)
            bot.settle(args.timeout)
            _report(console, bot, full_name)
            if args.serve:
                console.print(f"\nServing. Send signed deliveries to {bot.url}/api/github/webhooks "
                              f"(secret {SECRET!r}). Ctrl-C stops.")
                try:
                    while True:
                        time.sleep(1)
                except KeyboardInterrupt:
                    pass
            stats = bot.app.state.bot["store"].stats()
        finally:
            bot.stop()
    return 0 if stats.dead == 0 and stats.pending == 0 and bot.onboarding_issues(full_name) else 1


def _report(console, bot, full_name: str) -> None:
    from rich.markup import escape
    from rich.markdown import Markdown
    from rich.panel import Panel
    from rich.table import Table

    table = Table(title="Deliveries")
    for column in ("delivery", "event", "status", "attempts", "error"):
        table.add_column(column)
    for row in bot.app.state.bot["store"].deliveries():
        table.add_row(row["id"][:12], f"{row['event']}.{row['action']}", row["status"], str(row["attempts"]),
                      (row["last_error"] or "")[:60])
    console.print(table)
    for issue in bot.onboarding_issues(full_name):
        labels = ", ".join(sorted(issue.labels)) or "-"
        console.print(Panel(Markdown(issue.body or ""), title=f"#{issue.number} {issue.title} [{issue.state}]",
                            subtitle=f"labels: {labels}"))
        for comment in issue.comments:
            console.print(f"[bold]{escape(comment.user)}[/]: {escape(comment.body)}")
    state = bot.world.state
    console.print(f"GitHub requests seen by the stand-in: {len(state.requests)} "
                  f"({state.count(write=True)} writes, {state.count(path=r'.*/access_tokens')} token requests)")
