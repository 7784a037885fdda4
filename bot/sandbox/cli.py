"""`os2bot sandbox`: the whole bot on this machine, no accounts needed.

Starts the GitHub and Jira stand-ins with an OS2 organisation and an example product,
starts the bot against them with a throwaway App key, delivers GitHub's real
`repository.transferred` payload, and plays step 1 to 3: the secretariat declares who gets
access and a coordinator, places the product on level 1 and approves the match; the bot
creates the Jira project with its grants and the coordinators' GitHub team. Prints the
onboarding issue, the Jira project and the GitHub team. `--serve` prints the sandbox page
(`play.py`) first and keeps it all running, with the stand-in sending the bot GitHub's
webhook for every change.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def add_parser(sub) -> None:
    parser = sub.add_parser("sandbox", help="run the bot against GitHub and Jira stand-ins, steps 1 to 3 (no accounts needed)")
    parser.add_argument("--serve", action="store_true", help="keep the bot and the stand-ins running")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the bot to finish")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from bot.log import configure_logging
    from bot.sandbox import play
    from bot.sandbox.github import serve_github_standin
    from bot.sandbox.harness import SECRET, Bot
    from bot.sandbox.jira import JiraStandin
    from bot.sandbox.world import (CONTRIBUTOR, ORG, ORG_CONFIG, PRODUCT, SANDBOX_ACCESS, SECRETARIAT, build_jira,
                                   build_world)

    console = Console()
    world = build_world()
    world.state.put_file(f"{ORG}/.github", ".github/os2bot.yml", ORG_CONFIG + SANDBOX_ACCESS)
    jira = build_jira()
    full_name = f"{ORG}/{PRODUCT}"
    configure_logging("warning", "console")
    with tempfile.TemporaryDirectory(prefix="os2bot-sandbox-") as tmp, serve_github_standin(world.state) as github_url:
        jira.start()
        bot = Bot(world=world, github_url=github_url, database=Path(tmp) / "sandbox.db",
                  env=jira_environment(jira)).start()
        try:
            if args.serve:
                console.print(f"[bold]Sandkassen · the sandbox page[/]: {github_url}{play.PATH}?som={CONTRIBUTOR}\n"
                              f"[bold]Porteføljen · the portfolio[/]: {bot.url}/\n")
            console.print(f"[bold]GitHub stand-in[/] {github_url}   [bold]Jira stand-in[/] {jira.url}   "
                          f"[bold]bot[/] {bot.url}")
            response = bot.transfer(full_name)
            console.print(f"repository.transferred for {full_name}: HTTP {response.status_code} {response.json()}")
            bot.settle(args.timeout)
            for comment in (f"/adgang tilføj @{CONTRIBUTOR} kommune-ansvarlig karin@kommune.dk\n"
                            f"/koordinator tilføj @{CONTRIBUTOR}",
                            "/niveau 1\n/match"):
                console.print(f"\n{SECRETARIAT} (OS2-sekretariatet) comments: {comment!r}")
                bot.person_comments(full_name, comment, SECRETARIAT)
                bot.settle(args.timeout)
            _report(console, bot, full_name)
            _report_access(console, world, jira.state, full_name)
            if args.serve:
                # from here on, every change (on the page or by the bot) reaches the bot as GitHub's webhook
                world.state.app.deliver_webhooks = True
                console.print(f"\nServing. Play at {github_url}{play.PATH}?som={CONTRIBUTOR} — every change there "
                              f"reaches the bot as a signed webhook. The portfolio is at {bot.url}/. "
                              f"Send your own deliveries to {bot.url}/api/github/webhooks "
                              f"(secret {SECRET!r}). Ctrl-C stops.")
                try:
                    while True:
                        time.sleep(1)
                except KeyboardInterrupt:
                    pass
            stats = bot.app.state.bot["store"].stats()
        finally:
            bot.stop()
            jira.stop()
    provisioned = len(jira.state.projects) == 1
    return 0 if stats.dead == 0 and stats.pending == 0 and bot.onboarding_issues(full_name) and provisioned else 1


def jira_environment(jira) -> dict[str, str]:
    """The bot's Jira settings for the stand-in: its admin user's token (Cloud: e-mail + API token)."""
    user = next(u for u in jira.state.users.values() if u.email == "os2bot@os2.eu")
    env = {"JIRA_URL": jira.url, "JIRA_TOKEN": jira.state.issue_token(user), "JIRA_FLAVOUR": jira.state.flavour}
    if jira.state.cloud:
        env["JIRA_USER"] = user.email
    return env


def _report_access(console, world, jira_state, full_name: str) -> None:
    """Step 3 as the stand-ins hold it: the Jira project with its role members, the GitHub teams."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="Jira (stand-in)")
    for column in ("project", "role", "members"):
        table.add_column(column)
    for key, project in sorted(jira_state.projects.items()):
        for role_id, actors in sorted(project.actors.items()):
            role = jira_state.roles.get(role_id, (str(role_id),))[0]
            shown = [a.value if a.type == "group" else _jira_name(jira_state, a.value) for a in actors]
            table.add_row(f"{key} {escape(project.name)}", role, ", ".join(sorted(shown)))
    console.print(table)
    table = Table(title="GitHub teams with access to the repository (stand-in)")
    for column in ("team", "permission", "members"):
        table.add_column(column)
    for team in world.state.teams.values():
        permission = team.repos.get(full_name.lower())
        if permission:
            table.add_row(team.slug, permission, ", ".join(sorted(team.members)))
    console.print(table)


def _jira_name(jira_state, user_id: str) -> str:
    user = jira_state.user(user_id)
    return f"{user.display_name} <{user.email}>" if user else user_id


def panel_title(number: int, title: str, state: str) -> str:
    """'#1 Onboarding af … [open]': escaped, or rich reads "[open]" (and a title's brackets) as markup."""
    from rich.markup import escape

    return escape(f"#{number} {title} [{state}]")


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
        console.print(Panel(Markdown(issue.body or ""), title=panel_title(issue.number, issue.title, issue.state),
                            subtitle=escape(f"labels: {labels}")))
        for comment in issue.comments:
            console.print(f"[bold]{escape(comment.user)}[/]: {escape(comment.body)}")
    state = bot.world.state
    console.print(f"GitHub requests seen by the stand-in: {len(state.requests)} "
                  f"({state.count(write=True)} writes, {state.count(path=r'.*/access_tokens')} token requests)")
