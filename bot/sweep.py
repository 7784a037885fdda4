"""The periodic sweep: every repository the App can see gets a reconcile now and then.

Webhooks are hints; a delivery GitHub never sent, or one that died, is repaired here.
The sweep only journals work (one synthetic delivery per repository, on the
repository's own queue); the runner does it at its own pace. It never opens a new
onboarding issue: it brings existing ones up to date and runs pending commands.
"""

from __future__ import annotations

import asyncio
import time

from bot.log import get_logger
from bot.store import Store, reconcile_job

SWEEPS = "sweep"          # store namespace: when the last sweep ran


async def list_repositories(github, orgs: tuple[str, ...]) -> list[tuple[int, str]]:
    """(installation id, owner/name) of every non-archived repository the App may reconcile."""
    found = []
    installations = await github.app_rest("GET", "/app/installations?per_page=100") or []
    for inst in installations:
        account = (inst.get("account") or {}).get("login", "")
        if orgs and account.lower() not in {o.lower() for o in orgs}:
            continue
        client = github.installation(int(inst["id"]))
        for page in range(1, 51):
            data = await client.rest("GET", "/installation/repositories", params={"per_page": 100, "page": page})
            repos = data.get("repositories") or []
            found += [(int(inst["id"]), r["full_name"]) for r in repos
                      if not r.get("archived") and r.get("name") != ".github"]
            if len(repos) < 100:
                break
    return found


async def sweep(github, store: Store, orgs: tuple[str, ...], *, notify=lambda: None) -> int:
    """Journal one reconcile per repository; returns how many were journaled."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    count = 0
    for installation_id, full_name in await list_repositories(github, orgs):
        new = await store.append(reconcile_job(f"sweep:{stamp}:{full_name}", full_name, installation_id,
                                               create=False, cause=f"sweep {stamp}"))
        count += int(new)
    await store.aput(SWEEPS, "last", time.time())
    notify()
    return count


async def sweep_forever(github, store: Store, orgs: tuple[str, ...], interval: float, notify) -> None:
    """Sweep every `interval` seconds, counted from the last sweep (a restart does not reset it)."""
    log = get_logger(component="sweep")
    while True:
        last = await store.aget(SWEEPS, "last") or 0.0
        await asyncio.sleep(max(0.0, last + interval - time.time()))
        try:
            count = await sweep(github, store, orgs, notify=notify)
            log.info("sweep_journaled", repositories=count)
        except asyncio.CancelledError:
            raise
        except Exception as exc:   # GitHub down: try again after a short while, not a whole interval
            log.warning("sweep_failed", error=f"{type(exc).__name__}: {exc}")
            await asyncio.sleep(min(interval, 300))
