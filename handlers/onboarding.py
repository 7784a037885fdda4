"""Everything that may change a product's onboarding ends in one reconcile of its repository.

Transferred in → onboard it. Created there → onboard it if the organisation says so.
A push to the default branch touching a checked file, or a person editing the
onboarding issue → bring the issue up to date. The reconcile itself decides what,
if anything, to write.
"""

from __future__ import annotations

from dataclasses import asdict

from bot.checks import wanted_files
from bot.context import Context
from bot.github import metered
from bot.onboarding.identity import BotIdentity
from bot.store import reconcile_job



def served(ctx: Context, owner: str | None) -> bool:
    orgs = ctx.services.settings.github_orgs
    return bool(owner) and (not orgs or owner.lower() in {o.lower() for o in orgs})


async def reconcile(ctx: Context, full_name: str, *, create: str | bool) -> None:
    owner, name = full_name.split("/", 1)
    if not served(ctx, owner):
        ctx.log.info("not_served", org=owner)
        return
    reconciler = await ctx.services.reconciler()
    with metered() as meter:
        outcome = await reconciler.reconcile(ctx.installation_client(), owner, name, create=create, log=ctx.log)
    ctx.log.info("reconciled", **{k: v for k, v in asdict(outcome).items() if v not in (None, (), False, 0)},
                 points=meter.points, points_remaining=meter.remaining)


async def enqueue_reconcile(ctx: Context, full_name: str, *, create: str | bool) -> None:
    """Journal a reconcile of one repository, serialised with that repository's other deliveries."""
    await ctx.services.enqueue(reconcile_job(f"{ctx.delivery.id}/{full_name}", full_name, ctx.installation_id,
                                             create=create, cause=ctx.delivery.id))


async def transferred(ctx: Context) -> None:
    repo = ctx.repository or {}
    await reconcile(ctx, repo["full_name"], create=True)


async def created(ctx: Context) -> None:
    repo = ctx.repository or {}
    await reconcile(ctx, repo["full_name"], create="created")


async def pushed(ctx: Context) -> None:
    """Only pushes to the default branch that touch a file some check reads."""
    repo = ctx.repository or {}
    if ctx.payload.get("ref") != f"refs/heads/{repo.get('default_branch')}" or ctx.payload.get("deleted"):
        return
    touched = {path for commit in ctx.payload.get("commits") or []
               for key in ("added", "modified", "removed") for path in commit.get(key) or []}
    if touched and not wanted_files(sorted(touched)) and not any(p.startswith(("docs/", "doc/")) for p in touched):
        ctx.log.info("push_ignored", reason="no checked file touched")
        return
    await reconcile(ctx, repo["full_name"], create=False)


async def issue_changed(ctx: Context) -> None:
    """A person edited, closed or reopened an issue; only the bot's onboarding issue matters."""
    issue = ctx.payload.get("issue") or {}
    bot = BotIdentity((await ctx.services.reconciler()).bot_login)
    if not bot.is_rest_user(issue.get("user")):
        return   # not the bot's issue (its marker may have been removed: that is still ours)
    if bot.is_rest_user(ctx.payload.get("sender")):
        return   # our own write coming back
    await reconcile(ctx, (ctx.repository or {})["full_name"], create=False)


async def commented(ctx: Context) -> None:
    """A comment on the onboarding issue may hold commands; reconcile finds and runs them."""
    sender = ctx.payload.get("sender") or {}
    if sender.get("type") == "Bot":
        return   # the bot's own replies and other bots' comments are never commands
    await issue_changed(ctx)


async def job(ctx: Context) -> None:
    """A reconcile the bot journaled for itself (installation events, sweeps)."""
    await reconcile(ctx, (ctx.repository or {})["full_name"], create=ctx.payload.get("create", False))
