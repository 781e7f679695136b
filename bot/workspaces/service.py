"""A workspace leaving (or coming back): tokens forgotten, its scheduled work stopped.

Slack sends ``app_uninstalled`` when a workspace removes the app, and ``tokens_revoked``
when tokens are revoked (the bot token among them on uninstall, or by an admin). Both arrive
without a usable token, so they only touch our own tables:

* in OAuth mode the installation store forgets the team's installation and bot token, so no
  later request or sweep can authorise with it (Bolt's authorize looks the team's bot up in
  the store on every request; its cache is keyed by token and never reached without one);
* every pending due-work row of the team is cancelled, so sweeps stop trying to message a
  workspace that can't be reached (in single-workspace mode too: the token is the
  operator's to change, but the work for that team is pointless either way).

The team's mentoring data stays for ``UNINSTALL_GRACE_DAYS`` (30 by default), when the
workspace's purge deletes every row of it (``bot.privacy``). A workspace that installs again
within the grace period finds its programs and pairs, its purge is called off, and
:func:`reinstalled` plans its recurring work (digests, daily signals) again. One-off work
cancelled at uninstall (a nudge, a reminder) stays cancelled: it would be stale by then.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select

from bot.digest import service as digest
from bot.privacy import service as privacy
from infra.deps import Deps
from infra.slack import installation_store
from scheduling.api import cancel_where, schedule
from scheduling.kinds import Kind
from storage.due_work import Timing
from storage.enums import LIVE_RELATIONSHIP_STATUSES
from storage.models import Program, Relationship

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Revoked:
    """What ``tokens_revoked`` says went: the users whose tokens did, and whether the bot's."""

    users: tuple[str, ...]
    bot: bool


def revoked_from_event(event: dict[str, object]) -> Revoked:
    """Read a ``tokens_revoked`` event's ``tokens`` (``{"oauth": [...], "bot": [...]}``)."""
    tokens = event.get("tokens")
    if not isinstance(tokens, dict):
        return Revoked(users=(), bot=False)
    users = tokens.get("oauth") or []
    bots = tokens.get("bot") or []
    return Revoked(
        users=tuple(str(u) for u in users) if isinstance(users, list) else (),
        bot=bool(bots),
    )


async def uninstalled(deps: Deps, *, team_id: str, enterprise_id: str | None = None) -> int:
    """The app was removed from ``team_id``: forget its tokens and cancel its pending work.
    Returns how many due-work rows were cancelled. Safe to repeat (Slack retries events)."""
    if not team_id:
        return 0
    if deps.settings.oauth:
        store = installation_store(deps.settings, deps.db)
        await store.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)
    return await stop_work(deps, team_id=team_id, reason="app_uninstalled")


async def tokens_revoked(
    deps: Deps, *, team_id: str, revoked: Revoked, enterprise_id: str | None = None
) -> int:
    """Some of the team's tokens were revoked. The bot's token going is an uninstall as far as
    Mentorbot is concerned (it can't say anything any more); user tokens only drop their
    installation rows (Mentorbot asks for no user scopes, so there is nothing else)."""
    if not team_id:
        return 0
    if deps.settings.oauth:
        store = installation_store(deps.settings, deps.db)
        for user_id in revoked.users:
            await store.async_delete_installation(
                enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
            )
        if revoked.bot:
            await store.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)
    if not revoked.bot:
        return 0
    return await stop_work(deps, team_id=team_id, reason="tokens_revoked")


async def stop_work(deps: Deps, *, team_id: str, reason: str) -> int:
    """Cancel every pending due-work row of ``team_id`` (rows already running finish: their
    sends fail as ``team_not_installed`` and are not retried), and schedule the workspace's
    purge after the grace period."""
    async with deps.db.transaction() as session:
        now = deps.clock.now()
        cancelled = await cancel_where(session=session, now=now, team_id=team_id)
        await privacy.uninstalled(session=session, now=now, settings=deps.settings, team_id=team_id)
    log.info(
        "workspace work stopped", extra={"team": team_id, "reason": reason, "cancelled": cancelled}
    )
    return cancelled


async def reinstalled(deps: Deps, *, team_id: str) -> None:
    """A workspace installed the app (again): plan its recurring work anew, since an earlier
    uninstall cancelled it. Each program's weekly digest is the one chain a person didn't
    start by acting; the rest begins again as people use Mentorbot."""
    now = deps.clock.now()
    async with deps.db.transaction() as session:
        if await privacy.reinstalled(session=session, now=now, team_id=team_id):
            log.info("workspace purge called off", extra={"team": team_id})
        programs = await session.scalars(
            select(Program).where(Program.team_id == team_id, Program.archived_at.is_(None))
        )
        for program in programs.all():
            await digest.plan(session=session, now=now, program=program)
        # Each live pair's daily signals check plans the next one: start the chain again.
        live = await session.scalars(
            select(Relationship).where(
                Relationship.team_id == team_id, Relationship.status.in_(LIVE_RELATIONSHIP_STATUSES)
            )
        )
        for relationship in live.all():
            await schedule(
                session=session,
                now=now,
                kind=Kind.SIGNALS_EVAL,
                key=f"signals:relationship:{relationship.id}:reinstalled:{now.isoformat()}",
                team_id=team_id,
                program_id=relationship.program_id,
                relationship_id=relationship.id,
                due_at=now,
                timing=Timing.IMMEDIATE,
            )
