"""A fresh installation asked for by many reconciles at once: one token, one GET /app.

The stand-in logs every request it gets, so these tests count what GitHub would have seen.
"""

from __future__ import annotations

import asyncio

from bot.context import Services
from bot.dispatch import default_routes, make_processor
from bot.errors import TransientError
from bot.github import GitHubApp
from bot.sandbox.github import GitHubStandin
from bot.sandbox.world import ORG, PRODUCT, build_world
from bot.settings import load_settings
from bot.store import Store, reconcile_job

CALLERS = 20


def _settings(world, url: str, bot_env):
    return load_settings({**bot_env, "APP_ID": str(world.state.app.id), "PRIVATE_KEY": world.state.private_key_pem,
                          "GITHUB_API_URL": url}, dotenv=False)


def _seen(world, method: str, suffix: str) -> int:
    return sum(1 for r in world.state.log if r.method == method and r.path.endswith(suffix))


def test_twenty_reconciles_of_a_fresh_installation_mint_one_token_and_read_the_app_once(bot_env, tmp_path):
    world = build_world()
    repos = [f"{ORG}/{PRODUCT}"] + [world.add_product(f"produkt-{i:02d}") for i in range(CALLERS - 1)]
    world.state.latency = 0.05            # the first token request is still in flight when the others ask
    store = Store(tmp_path / "journal.db")
    with GitHubStandin(world.state) as standin:
        settings = _settings(world, standin.url, bot_env)
        app = GitHubApp(settings)
        process = make_processor(Services(settings=settings, store=store, github=app), default_routes())
        jobs = [reconcile_job(f"job-{i}", repo, world.installation.id, create=False, cause="test")
                for i, repo in enumerate(repos)]

        async def go():
            try:
                return await asyncio.gather(*[process(job) for job in jobs], return_exceptions=True)
            finally:
                await app.aclose()

        results = asyncio.run(go())
    store.close()
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert _seen(world, "POST", f"/app/installations/{world.installation.id}/access_tokens") == 1
    assert _seen(world, "GET", "/app") == 1
    assert app.counter.counts["token"] == 1
    # every reconcile did read GitHub, with the one token
    assert sum(1 for r in world.state.log if r.auth == "installation") >= CALLERS


def test_a_failed_token_request_is_not_kept_and_the_next_caller_mints_one(bot_env):
    world = build_world()
    world.state.latency = 0.05
    with GitHubStandin(world.state) as standin:
        app = GitHubApp(_settings(world, standin.url, bot_env))
        world.state.fail_next(1, status=502, match="access_tokens$")

        async def go():
            client = app.installation(world.installation.id)
            try:
                return await asyncio.gather(*[client.rest("GET", f"/repos/{ORG}/{PRODUCT}") for _ in range(CALLERS)],
                                            return_exceptions=True)
            finally:
                await app.aclose()

        results = asyncio.run(go())
    failed = [r for r in results if isinstance(r, BaseException)]
    assert len(failed) == 1 and isinstance(failed[0], TransientError)
    assert all(r["full_name"] == f"{ORG}/{PRODUCT}" for r in results if not isinstance(r, BaseException))
    # the failed one and the one the next caller made; the other 18 used that one
    assert _seen(world, "POST", "/access_tokens") == 2
    assert _seen(world, "GET", f"/repos/{ORG}/{PRODUCT}") == CALLERS - 1


def test_a_failed_get_app_is_not_kept_either(bot_env):
    world = build_world()
    with GitHubStandin(world.state) as standin:
        app = GitHubApp(_settings(world, standin.url, bot_env))
        world.state.fail_next(3, status=502, match="^/app$")   # a read: githubkit tries it three times

        async def go():
            try:
                first = await asyncio.gather(app.bot_login(), return_exceptions=True)
                again = await asyncio.gather(*[app.bot_login() for _ in range(CALLERS)])
                return first, again
            finally:
                await app.aclose()

        (first,), again = asyncio.run(go())
    assert isinstance(first, TransientError)
    assert set(again) == {"os2bot[bot]"}
    assert _seen(world, "GET", "/app") == 3 + 1
