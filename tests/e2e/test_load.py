"""Under load: a burst of transfers is onboarded, every one, exactly once."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.sandbox.harness import Bot


@pytest.mark.slow
def test_500_transfers_at_once_with_4_workers_are_all_onboarded_once(world, github, tmp_path):
    names = [world.add_product(f"produkt-{i:03d}") for i in range(500)]
    bot = Bot(world=world, github_url=github.url, database=tmp_path / "bot.db", env={"WORKERS": "4"}).start()
    try:
        started = time.monotonic()
        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(bot.transfer, names))
        assert {a.status_code for a in answers} == {202}
        bot.settle(timeout=600)
        elapsed = time.monotonic() - started
        assert bot.dead_letters() == []
        for name in names:
            mine = [i for i in world.state.issues(name) if i.user == world.state.app.bot_login]
            assert len(mine) == 1, name
        print(f"500 transfers onboarded in {elapsed:.1f} s")
    finally:
        bot.stop()
