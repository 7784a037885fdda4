"""One connection pool per App, shared by every request: concurrent requests must not close it.

githubkit builds and closes an httpx client per request; closing a client closes its
transport. These tests run many reads at once against the GitHub stand-in on loopback.
"""

from __future__ import annotations

import asyncio

import httpx

from bot.errors import BotError
from bot.github import GitHubApp
from bot.sandbox.github import GitHubStandin
from bot.sandbox.world import ORG, PRODUCT, build_world
from bot.settings import load_settings


def _settings(world, url: str, bot_env):
    return load_settings({**bot_env, "APP_ID": str(world.state.app.id), "PRIVATE_KEY": world.state.private_key_pem,
                          "GITHUB_API_URL": url}, dotenv=False)


def test_200_concurrent_reads_through_one_installation_client_all_succeed(bot_env):
    world = build_world()
    world.state.latency = 0.05          # every request is still in flight when the first ones finish
    with GitHubStandin(world.state) as standin:
        app = GitHubApp(_settings(world, standin.url, bot_env))

        async def go():
            client = app.installation(world.installation.id)
            await client.rest("GET", f"/repos/{ORG}/{PRODUCT}")      # the token, minted once
            try:
                return await asyncio.gather(*[client.rest("GET", f"/repos/{ORG}/{PRODUCT}") for _ in range(200)],
                                            return_exceptions=True)
            finally:
                await app.aclose()

        results = asyncio.run(go())
    failed = [repr(r) for r in results if isinstance(r, BaseException)]
    assert failed == [], f"{len(failed)} of 200 failed, e.g. {failed[:2]}"
    assert all(r["full_name"] == f"{ORG}/{PRODUCT}" for r in results)
    assert app.counter.counts["read"] == 201


def test_the_pool_outlives_each_request_and_is_closed_once_by_the_app(bot_settings):
    closed = []

    class Pool(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request):
            return httpx.Response(200, json={"ok": True}, request=request)

        async def aclose(self):
            closed.append(True)

    async def go():
        app = GitHubApp(bot_settings, transport=Pool())
        for _ in range(3):
            assert await app.app_rest("GET", "/app") == {"ok": True}
        assert closed == []               # each per-request client closed; the pool did not
        await app.aclose()
        assert closed == [True]

    asyncio.run(go())
