"""The periodic sweep: every repository the App can see is looked at now and then.

Webhooks are hints; a delivery GitHub never sent, or one that died, is repaired here.
The sweep reads what decides whether a repository changed for a hundred repositories in
one GraphQL query (bot/onboarding/changes.py) and journals a reconcile only for those that
changed since their last reconcile, were never reconciled, or were left with work owed
(one synthetic delivery per repository, on the repository's own queue); the runner does it
at its own pace. The server's sweep spends only what the installation's rate-limit budget
has above a reserve and spreads the rest (bot/pacing.py). On its own it never opens a
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
from bot.onboarding.changes import BATCH, SEEN, batch_fingerprints, batch_query, batch_variables, needs_reconcile
from bot.onboarding.reconcile import KNOWN_ISSUES
from bot.pacing import schedule, wait_before_reading
from bot.store import RECONCILE_ACTION, RECONCILE_EVENT, Delivery, Store, create_policy_of, reconcile_job

SWEEPS = "sweep"          # store namespace: when the last sweep ran
MAX_PAGES = 1000          # of 100 repositories per installation (50 cut an organisation of 5,000 short)


async def list_repositories(github, orgs: tuple[str, ...]) -> list[tuple[int, str]]:
    """(installation id, owner/name) of every non-archived repository the App may reconcile."""
    found = []
    installations = await github.app_rest("GET", "/app/installations?per_page=100") or []
    for inst in installations:
        account = (inst.get("account") or {}).get("login", "")
        if orgs and account.lower() not in {o.lower() for o in orgs}:
            continue
        client = github.installation(int(inst["id"]))
        for page in range(1, MAX_PAGES + 1):
            data = await client.rest("GET", "/installation/repositories", params={"per_page": 100, "page": page})
            repos = data.get("repositories") or []
            found += [(int(inst["id"]), r["full_name"]) for r in repos
                      if not r.get("archived") and r.get("name") != ".github"]
            total = data.get("total_count")
            if len(repos) < 100 or (isinstance(total, int) and page * 100 >= total):
                break   # a full last page needs no empty one after it
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


async def changed_repositories(client, owner: str, names: list[str], store: Store, log) -> list[str]:
    """Of `names` (one installation's), those a reconcile must look at: read a hundred at a time
    (one query, one point), compared with what each repository's last reconcile kept."""
    wanted = []
    for start in range(0, len(names), BATCH):
        repos = [(n, await store.aget(KNOWN_ISSUES, n.lower())) for n in names[start:start + BATCH]]
        wait = wait_before_reading(client.budget.get("graphql"), 1, time.time())
        if wait:
            log.warning("sweep_paced", installation=client.installation_id, wait=round(wait))
            await asyncio.sleep(wait)
        data = await client.graphql(batch_query(len(repos)), batch_variables(owner, repos),
                                    optional=frozenset({"orgConfig", *(f"r{i}" for i in range(len(repos)))}))
        for full_name, current in batch_fingerprints(data, repos).items():
            if current is None:
                log.info("sweep_repository_unreadable", repository=full_name)
            elif needs_reconcile(await store.aget(SEEN, full_name), current):
                wanted.append(next(n for n, _ in repos if n.lower() == full_name))
    return wanted


async def sweep(github, store: Store, orgs: tuple[str, ...], *, notify=lambda: None, everything: bool = False,
                pace: bool = False) -> int:
    """Journal a reconcile of each repository that changed since its last one (of every one with
    `everything`); returns how many were journaled. With `pace`, reconciles beyond what the
    installation's budget allows now are journaled later, spread out (the server's sweep)."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    dead = await dead_onboardings(store)
    count = 0
    log = get_logger(component="sweep")
    by_installation: dict[int, list[str]] = {}
    for installation_id, full_name in await list_repositories(github, orgs):
        by_installation.setdefault(installation_id, []).append(full_name)
    later: list[tuple[float, Delivery]] = []
    for installation_id, names in by_installation.items():
        client = github.installation(installation_id)
        revived_repos = set()
        for full_name in names:
            for died in dead.get(full_name.lower(), ()):
                # one id per dead letter: a later sweep finds it journaled and does not repeat it
                if await store.append(reconcile_job(f"revive:{died.seq}", full_name, installation_id,
                                                    create=create_policy(died), cause=died.id)):
                    log.warning("dead_onboarding_revived", repository=full_name, dead_delivery=died.id,
                                create=create_policy(died))
                    revived_repos.add(full_name)
        count += len(revived_repos)
        rest = [n for n in names if n not in revived_repos]
        owner = rest[0].split("/", 1)[0] if rest else ""
        changed = rest if everything else await changed_repositories(client, owner, rest, store, log)
        due = schedule(len(changed), client.budget.resources, time.time()) if pace else [0.0] * len(changed)
        for full_name, at in zip(changed, due):
            job = reconcile_job(f"sweep:{stamp}:{full_name}", full_name, installation_id, create=False,
                                cause=f"sweep {stamp}")
            if at > time.time():
                later.append((at, job))
            else:
                count += int(await store.append(job))
        log.info("sweep_read", installation=installation_id, repositories=len(names), changed=len(changed),
                 paced=sum(1 for at in due if at > time.time()))
    await store.aput(SWEEPS, "last", time.time())
    notify()
    for at, job in sorted(later, key=lambda pair: pair[0]):
        # the budget is short: the rest comes at the pace it sustains (a shutdown meanwhile loses
        # nothing: those repositories' fingerprints still differ at the next sweep)
        await asyncio.sleep(max(0.0, at - time.time()))
        count += int(await store.append(job))
        notify()
    return count


async def sweep_forever(github, store: Store, orgs: tuple[str, ...], interval: float, notify) -> None:
    """Sweep every `interval` seconds, counted from the last sweep (a restart does not reset it)."""
    log = get_logger(component="sweep")
    while True:
        last = await store.aget(SWEEPS, "last") or 0.0
        await asyncio.sleep(max(0.0, last + interval - time.time()))
        try:
            count = await sweep(github, store, orgs, notify=notify, pace=True)
            log.info("sweep_journaled", repositories=count)
        except asyncio.CancelledError:
            raise
        except Exception as exc:   # GitHub down: try again after a short while, not a whole interval
            log.warning("sweep_failed", error=f"{type(exc).__name__}: {exc}")
            await asyncio.sleep(min(interval, 300))
