"""API cost of onboarding, counted by the bot's GitHub client (RequestCounter).

Runs the real server against the GitHub stand-in on loopback and prints what each
situation costs in GitHub requests (installation-token requests excluded, as GitHub does
not bill them against the rate limit in the same way) and in GraphQL points (GitHub's
`rateLimit.cost` of each answer; the stand-in charges GitHub's published formula,
bot/graphql_cost.py), with wall time against a baseline measured in the same run: one bare
GraphQL round trip to the same stand-in.

Targets: a transfer onboarded in at most 6 requests; a reconcile with nothing to
change in at most 2 requests, at most 3 points and no write; a sweep of 500 repositories
with nothing to change in at most 15 requests, 100 points and a minute. Jira (Cloud
stand-in, counted by the bot's Jira client): provisioning one approved product in at most 8
requests, reads included; a reconcile with nothing new: 0 Jira requests.

    python bench/bench_api_cost.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


from bot.sandbox.github import GitHubStandin  # noqa: E402
from bot.sandbox.world import PRODUCT, SECRETARIAT, build_world  # noqa: E402
from bot.sandbox.harness import Bot, tick  # noqa: E402


SWEPT = 500   # repositories in the sweep row (the product, another product and 498 more)


def jira_rows(world_factory) -> list[tuple[str, int, int]]:
    """Requests the bot's Jira client makes: provisioning one product, then nothing to do."""
    from bot.sandbox.github import GitHubStandin
    from bot.sandbox.jira import JiraStandin
    from bot.sandbox.jira_state import JiraState

    world = world_factory()
    repo = f"{world.org}/{PRODUCT}"
    world.state.put_file(f"{world.org}/.github", ".github/os2bot.yml",
                         "jira:\n  groups: {Administrators: [os2-sekretariatet]}\n")
    jira = JiraState("cloud")
    bot_user = jira.add_user("OS2 bot", "os2bot@os2.eu", admin=True)
    jira.add_user("Karin Kommune", "karin@kommune.dk")
    jira.add_group("os2-sekretariatet")
    rows = []
    with GitHubStandin(world.state) as github, JiraStandin(jira) as jira_server, tempfile.TemporaryDirectory() as tmp:
        # JIRA_FLAVOUR set, as the README advises: `auto` adds one serverInfo per process
        env = {"JIRA_URL": jira_server.url, "JIRA_USER": bot_user.email, "JIRA_TOKEN": jira.issue_token(bot_user),
               "JIRA_FLAVOUR": "cloud"}
        bot = Bot(world=world, github_url=github.url, database=Path(tmp) / "jira.db", env=env).start()
        try:
            bot.transfer(repo)
            bot.settle()
            bot.person_comments(repo, "/adgang add @kommune-karin kommune-ansvarlig karin@kommune.dk", SECRETARIAT)
            bot.settle()
            counter = bot.app.state.bot["services"]._reconciler.jira.counter
            for name, action in (("provision one approved product", lambda: bot.person_comments(
                    repo, "/level 1\n/approve-match", SECRETARIAT)), ("reconcile, nothing new", lambda: bot.transfer(repo))):
                counter.reset()
                action()
                bot.settle()
                rows.append((name, counter.api_requests, counter.writes))
                if "-v" in sys.argv and counter.api_requests:
                    print(name, [f"{r.method} {r.path}" for r in jira.requests][-counter.api_requests:])
        finally:
            bot.stop()
    return rows


def measure(bot: Bot, action) -> tuple[dict[str, int], float]:
    counter = bot.app.state.bot["services"].github.counter
    counter.reset()
    started = time.perf_counter()
    action()
    bot.settle()
    return {**counter.snapshot(), "points": counter.points}, time.perf_counter() - started


async def sweep_once(settings) -> tuple[int, dict[str, int], float]:
    """One sweep as `os2bot sweep` runs it (its own client and journal connection): how many
    repositories it queued, the requests and points it spent, its seconds."""
    from bot.github import GitHubApp
    from bot.store import Store
    from bot.sweep import sweep

    app, store = GitHubApp(settings), Store(settings.database_path)
    try:
        started = time.perf_counter()
        queued = await sweep(app, store, settings.github_orgs)
        return queued, {**app.counter.snapshot(), "points": app.counter.points}, time.perf_counter() - started
    finally:
        await app.aclose()
        store.close()


def sweep_row(bot: Bot, repositories: int) -> tuple[dict[str, int], float]:
    """One sweep of `repositories` that were all reconciled since they last changed."""
    import asyncio

    settings = bot.app.state.bot["services"].settings
    asyncio.run(sweep_once(settings))    # the first sweep: every repository once (never reconciled)
    bot.settle(timeout=900)
    queued, counts, seconds = asyncio.run(sweep_once(settings))
    assert queued == 0, f"{queued} of {repositories} unchanged repositories were queued"
    return counts, seconds


def main() -> int:
    world = build_world()
    repo = f"{world.org}/{PRODUCT}"
    server = GitHubStandin(world.state)
    server.start(warm_graphql=True)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            from bot.log import configure_logging

            configure_logging("warning", "console")
            bot = Bot(world=world, github_url=server.url, database=Path(tmp) / "bench.db").start()
            try:
                import asyncio

                from bot.github import GitHubApp

                async def bare():  # the baseline: one GraphQL round trip, token already in hand
                    # its own client: a connection pool belongs to the event loop that opened it
                    client = GitHubApp(bot.app.state.bot["services"].settings)
                    try:
                        inst = client.installation(world.installation.id)
                        await inst.graphql("query { viewer { login } }")
                        t = time.perf_counter()
                        for _ in range(20):
                            await inst.graphql("query { viewer { login } }")
                        return (time.perf_counter() - t) / 20
                    finally:
                        await client.aclose()

                baseline = asyncio.run(bare())
                rows.append(("transfer (first, incl. GET /app)", *measure(bot, lambda: bot.transfer(repo))))
                second = world.add_product("andet-produkt")
                rows.append(("transfer of another product", *measure(bot, lambda: bot.transfer(second))))
                rows.append(("reconcile, nothing to change", *measure(bot, lambda: bot.transfer(repo))))
                issue = bot.the_issue(repo)
                rows.append(("secretariat ticks an item", *measure(
                    bot, lambda: bot.person_edits(repo, issue.number, tick(issue.body, "match-judged"), SECRETARIAT))))
                from bot.onboarding import changes

                changes.SETTLE_SECONDS = 0.0   # the stand-in and the bot share one clock: no skew to allow for
                for i in range(SWEPT - 2):
                    world.add_product(f"sweep-{i:03d}")
                rows.append((f"sweep of {SWEPT}, nothing changed", *sweep_row(bot, SWEPT)))
            finally:
                bot.stop()
    finally:
        server.stop()

    print("API cost per situation (GitHub requests counted by the bot's client; tokens excluded;"
          " points: GraphQL rateLimit.cost)")
    print(f"{'situation':<36}{'requests':>9}{'points':>8}{'writes':>8}{'tokens':>8}{'ms':>9}{'x baseline':>12}")

    def requests_of(counts):
        return sum(n for k, n in counts.items() if k not in ("token", "points"))

    for name, counts, seconds in rows:
        print(f"{name:<36}{requests_of(counts):>9}{counts.get('points', 0):>8}{counts.get('write', 0):>8}"
              f"{counts.get('token', 0):>8}{seconds * 1000:>9.1f}{seconds / baseline:>12.1f}")
    print(f"baseline: one GraphQL round trip to the stand-in = {baseline * 1000:.2f} ms")
    transfer, idle, (_, swept, swept_seconds) = rows[1][1], rows[2][1], rows[-1]
    ok = (requests_of(transfer) <= 6 and requests_of(idle) <= 2 and idle.get("write", 0) == 0
          and idle["points"] <= 3 and requests_of(swept) <= 15 and swept["points"] <= 100 and swept_seconds < 60)
    print(f"transfer: {requests_of(transfer)} requests (target <= 6), {transfer['points']} points; "
          f"nothing to change: {requests_of(idle)} requests, {idle['points']} points, {idle.get('write', 0)} writes "
          f"(target <= 2, <= 3, 0)")
    print(f"sweep of {SWEPT} unchanged repositories: {requests_of(swept)} requests (target <= 15, "
          f"{requests_of(swept) / 15:.2f} of it), {swept['points']} points (target <= 100, "
          f"{swept['points'] / 100:.2f} of it), {swept_seconds:.1f} s (target < 60)")
    print()
    print("Jira requests (the bot's Jira client, Cloud stand-in)")
    print(f"{'situation':<36}{'requests':>9}{'writes':>8}")
    jira = jira_rows(build_world)
    for name, requests, writes in jira:
        print(f"{name:<36}{requests:>9}{writes:>8}")
    jira_ok = jira[0][1] <= 8 and jira[1][1] == 0
    print(f"Jira: provisioning {jira[0][1]} requests (target <= 8); nothing new: {jira[1][1]} (target 0)")
    ok = ok and jira_ok
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
