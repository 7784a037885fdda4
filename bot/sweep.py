"""The periodic sweep: every repository the App can see gets a reconcile now and then.

Webhooks are hints; a delivery GitHub never sent, or one that died, is repaired here.
The sweep only journals work (one synthetic delivery per repository, on the
repository's own queue); the runner does it at its own pace. On its own it never opens a
new onboarding issue: it brings existing ones up to date and runs pending commands.

The exception is a repository whose onboarding was asked for by a delivery that died (a
transfer, a creation, or the bot's own reconcile job carrying a create policy, dead after
an outage longer than RETRY_FOR or a permanent error): the sweep hands that dead letter on
once, as a reconcile with the create policy the delivery carried, journaled as
`revive:<seq>` so that later sweeps do not repeat it. The dead letter stays in the journal
(`os2bot journal list --status dead`, /readyz) for an operator to see. If the revived
reconcile dies too, it is itself a dead letter with that policy, and the next sweep hands
it on in turn.
"""

from __future__ import annotations

import asyncio
import time

from bot.log import get_logger
from bot.store import RECONCILE_ACTION, RECONCILE_EVENT, Delivery, Store, create_policy_of, reconcile_job

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


def create_policy(delivery: Delivery) -> str | bool:
    """The create policy a (dead) delivery asked the reconcile for (see create_policy_of)."""
    create = None
    if (delivery.event, delivery.action) == (RECONCILE_EVENT, RECONCILE_ACTION):
        try:
            create = delivery.json().get("create")
        except (ValueError, AttributeError):
            return False
    return create_policy_of(delivery.event, delivery.action, create)


async def dead_onboardings(store: Store) -> dict[str, list[Delivery]]:
    """Per repository (lower-cased owner/name), the dead letters that asked for onboarding."""
    found: dict[str, list[Delivery]] = {}
    for delivery in await store.dead(("repository", RECONCILE_EVENT)):
        if create_policy(delivery) is not False and delivery.queue_key.startswith("repo:"):
            found.setdefault(delivery.queue_key[len("repo:"):], []).append(delivery)
    return found


async def sweep(github, store: Store, orgs: tuple[str, ...], *, notify=lambda: None) -> int:
    """Journal one reconcile per repository; returns how many were journaled."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    dead = await dead_onboardings(store)
    count = 0
    log = get_logger(component="sweep")
    for installation_id, full_name in await list_repositories(github, orgs):
        revived = 0
        for died in dead.get(full_name.lower(), ()):
            # one id per dead letter: a later sweep finds it journaled and does not repeat it
            if await store.append(reconcile_job(f"revive:{died.seq}", full_name, installation_id,
                                                create=create_policy(died), cause=died.id)):
                log.warning("dead_onboarding_revived", repository=full_name, dead_delivery=died.id,
                            create=create_policy(died))
                revived += 1
        if revived:
            count += 1
            continue
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
