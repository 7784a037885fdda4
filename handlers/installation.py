"""Installations of the App: remember which organisations and repositories it can see.

Repositories present when the App is installed are recorded, not onboarded (an organisation
with dozens of products must not be flooded with issues); see handlers/repository.py.
"""

from __future__ import annotations

from bot.context import Context
from handlers.onboarding import enqueue_reconcile


def _account(payload: dict) -> dict:
    return (payload.get("installation") or {}).get("account") or {}


async def created(ctx: Context) -> None:
    inst = ctx.payload.get("installation") or {}
    account = _account(ctx.payload)
    repos = [r.get("full_name") for r in ctx.payload.get("repositories") or [] if r.get("full_name")]
    await ctx.services.store.aput("installations", str(inst.get("id")), {
        "account": account.get("login"), "type": account.get("type"),
        "repository_selection": inst.get("repository_selection"), "suspended": False,
    })
    for full_name in repos:
        await ctx.services.store.aput("repositories", full_name.lower(), {
            "full_name": full_name, "installation_id": inst.get("id"), "present_at_install": True})
        # onboarded only where the organisation's config opts in (onboard_existing_on_install)
        await enqueue_reconcile(ctx, full_name, create="existing")
    ctx.log.info("installation_recorded", account=account.get("login"), repositories=len(repos))


async def deleted(ctx: Context) -> None:
    inst = ctx.payload.get("installation") or {}
    await ctx.services.store.aput("installations", str(inst.get("id")), {
        "account": _account(ctx.payload).get("login"), "deleted": True})
    ctx.log.info("installation_deleted")


async def repositories_added(ctx: Context) -> None:
    inst = ctx.payload.get("installation") or {}
    added = [r.get("full_name") for r in ctx.payload.get("repositories_added") or [] if r.get("full_name")]
    for full_name in added:
        await ctx.services.store.aput("repositories", full_name.lower(), {
            "full_name": full_name, "installation_id": inst.get("id"), "present_at_install": False})
        await enqueue_reconcile(ctx, full_name, create=True)
    ctx.log.info("installation_repositories_added", repositories=added)


async def repositories_removed(ctx: Context) -> None:
    removed = [r.get("full_name") for r in ctx.payload.get("repositories_removed") or [] if r.get("full_name")]
    for full_name in removed:
        await ctx.services.store.aput("repositories", full_name.lower(), {"full_name": full_name, "removed": True})
    ctx.log.info("installation_repositories_removed", repositories=removed)
