"""Repositories arriving in an OS2 organisation: transferred in, or created there."""

from __future__ import annotations

from bot.context import Context


async def arrived(ctx: Context) -> None:
    repo = ctx.repository or {}
    await ctx.services.store.aput("repositories", str(repo.get("full_name", "")).lower(), {
        "full_name": repo.get("full_name"), "installation_id": ctx.installation_id,
        "arrived_by": f"{ctx.event}.{ctx.action}"})
    ctx.log.info("repository_arrived", archived=repo.get("archived"))
