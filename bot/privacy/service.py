"""Erasure and purges, as people and Slack ask for them.

Every erasure has two halves. What must stop *now* happens in the request's own transaction:
the person's open relationships end (the partner is told kindly, the managers that they left
the program), their enrolments are withdrawn and every pending due work that concerns them
is cancelled. What may take longer, blanking their text and anonymising their row across the
tables, is due work of its own (``privacy.erase_person``, :mod:`bot.privacy.erasure`): a
bounded batch per run, each run planning the next, so a crash half-way resumes where it
stopped and a sweep is never held for more than a batch.

* ``/mentor forget-me`` and ``/mentor admin forget @person``: erased at once.
* A person deactivated in Slack (``user_change`` with ``deleted``): relationships ended at
  once, data erased ``RETENTION_MONTHS`` later, unless they are reactivated first.
* A workspace that uninstalled: every row deleted ``UNINSTALL_GRACE_DAYS`` later
  (:mod:`bot.privacy.purge`), unless it installs again first.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import service as audit
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.introductions import service as introductions
from bot.separation import service as separation
from infra.clock import Clock
from infra.config import Settings
from infra.text import ERASED_PREFIX
from scheduling.api import cancel_where, schedule
from scheduling.kinds import Kind
from storage.due_work import DueWork, Status, Timing
from storage.enums import OPEN_RELATIONSHIP_STATUSES, ActorRole, AuditAction, EnrolmentStatus
from storage.models import Enrolment, Relationship, User, Workspace
from storage.repositories import users as user_repo

log = logging.getLogger(__name__)

# Work that is about a whole workspace (its purge) belongs to none: a second uninstall event
# cancels the workspace's pending work, and must not cancel its purge.
NO_TEAM = "-"


def anonymous_id(user: User) -> str:
    """The opaque id an erased person's row keeps: the same for every step of one erasure,
    derived from our own row id (not from the Slack id, which could be guessed back)."""
    digest = hashlib.sha256(f"{user.team_id}:{user.id}".encode()).hexdigest()[:16]
    return f"{ERASED_PREFIX}{digest}"


def is_erased(user: User) -> bool:
    return user.slack_user_id.startswith(ERASED_PREFIX)


# Keys name the moment too: a key whose work is done can't be scheduled again, and ids can
# come back (a workspace purged on SQLite, say). Pending work is found by the key's prefix.
def erase_key(user: User, now: datetime) -> str:
    return f"privacy:erase:team:{user.team_id}:user:{user.id}:{int(now.timestamp())}"


def leaver_prefix(user: User) -> str:
    return f"privacy:leaver:team:{user.team_id}:user:{user.id}:"


def purge_prefix(team_id: str) -> str:
    return f"privacy:purge:team:{team_id}:"


async def _pending(session: AsyncSession, prefix: str) -> int | None:
    return await session.scalar(
        select(DueWork.id).where(
            DueWork.dedup_key.startswith(prefix, autoescape=True),
            DueWork.status == Status.PENDING,
        )
    )


async def _cancel_pending(session: AsyncSession, now: datetime, prefix: str) -> bool:
    result = await session.execute(
        update(DueWork)
        .where(
            DueWork.dedup_key.startswith(prefix, autoescape=True),
            DueWork.status == Status.PENDING,
        )
        .values(status=Status.CANCELLED, updated_at=now, finished_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


# --- A person asks, or an admin asks for them -----------------------------------------------


def require_admin(actor: User) -> None:
    if not (actor.is_admin or actor.is_owner) or actor.deleted:
        raise NotAllowed(
            "Only workspace admins and owners can erase someone else's mentoring data. If "
            "someone asked you to, point them to `/mentor forget-me`."
        )


async def admin_target(*, session: AsyncSession, actor: User, who: str) -> User:
    """The person an admin names (a member id, or ``@handle`` as the command delivers a
    mention), in the admin's own workspace only."""
    require_admin(actor)
    who = who.strip()
    handle = who.removeprefix("@").strip().casefold()
    if not handle:
        raise InvalidInput("Say whose data to erase: `/mentor admin forget @person`.")
    by_id = await user_repo.get(session=session, team_id=actor.team_id, slack_user_id=who)
    if by_id is not None and not is_erased(by_id):
        return by_id
    named = (
        await session.scalars(
            select(User).where(
                User.team_id == actor.team_id,
                ~User.slack_user_id.startswith(ERASED_PREFIX),
                or_(func.lower(User.name) == handle, func.lower(User.real_name) == handle),
            )
        )
    ).all()
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise InvalidInput(
            "More than one person goes by that name: use their member ID instead (their "
            "profile's ⋮ menu, *Copy member ID*)."
        )
    raise NotFound("Mentorbot keeps nothing about that person.")


async def admin_forget_target(*, session: AsyncSession, actor: User, slack_user_id: str) -> User:
    """The person an admin's **Erase** button names, checked again on the press: the
    presser must be an admin, and the person must be in the presser's workspace."""
    require_admin(actor)
    target = await user_repo.get(
        session=session, team_id=actor.team_id, slack_user_id=slack_user_id
    )
    if target is None or is_erased(target):
        raise NotFound("Mentorbot keeps nothing about that person.")
    return target


def require_own(actor: User, value: str) -> None:
    """The **Erase my data** button carries the id of the person it was shown to: only they
    may press it (a forged or forwarded button erases nobody)."""
    if value != actor.slack_user_id:
        raise NotAllowed("That button was for someone else: only they can erase their data.")


async def forget(
    *, session: AsyncSession, clock: Clock, actor: User, subject: User, why: str
) -> None:
    """Erase ``subject``'s data, as ``actor`` asked (themselves, or a workspace admin): end
    and cancel at once, and schedule the erasure to run now. Safe to repeat."""
    if subject.team_id != actor.team_id:
        raise NotFound("Mentorbot keeps nothing about that person.")
    if subject.id != actor.id:
        require_admin(actor)
    now = clock.now()
    if subject.id != actor.id:
        # Recorded under the id the person keeps once erased: the trail shows that an
        # admin erased someone, never who.
        await audit.record(
            session=session,
            actor=actor,
            action=AuditAction.ADMIN_ERASURE,
            subject=audit.Subject.person(anonymous_id(subject)),
            now=now,
        )
    await stop_everything(session=session, now=now, user=subject)
    await schedule(
        session=session,
        now=now,
        kind=Kind.ERASE_PERSON,
        key=erase_key(subject, now),
        team_id=NO_TEAM,
        due_at=now,
        timing=Timing.IMMEDIATE,
        payload={"team": subject.team_id, "user_id": subject.id, "since": now.isoformat()},
    )
    log.info(
        "erasure requested",
        extra={"team": subject.team_id, "user": subject.id, "why": why, "by_admin": actor.id},
    )


async def stop_everything(*, session: AsyncSession, now: datetime, user: User) -> int:
    """End ``user``'s open relationships, withdraw their enrolments and cancel every pending
    due work that concerns them. Returns how many relationships ended."""
    relationships = (
        await session.scalars(
            select(Relationship).where(
                Relationship.team_id == user.team_id,
                or_(Relationship.mentee_user_id == user.id, Relationship.mentor_user_id == user.id),
                Relationship.status.in_(OPEN_RELATIONSHIP_STATUSES),
            )
        )
    ).all()
    ended = 0
    for relationship in relationships:
        leaving = ActorRole.MENTEE if relationship.mentee_user_id == user.id else ActorRole.MENTOR
        if leaving is ActorRole.MENTOR and await introductions.withdraw_for_departure(
            session=session, now=now, relationship=relationship
        ):
            ended += 1  # a request waiting for them: the mentee is back in the pool, told
            continue
        ended += await separation.end_for_departure(
            session=session, now=now, relationship=relationship, leaving=leaving
        )
    await session.execute(
        update(Enrolment)
        .where(
            Enrolment.team_id == user.team_id,
            Enrolment.user_id == user.id,
            Enrolment.status != EnrolmentStatus.LEFT,
        )
        .values(status=EnrolmentStatus.LEFT, left_at=now, updated_at=now, waitlisted_at=None)
        .execution_options(synchronize_session=False)
    )
    # Nudges to them (their recipient id); the farewell notices just planned go to others.
    await cancel_where(
        session=session, now=now, team_id=user.team_id, recipient_id=user.slack_user_id
    )
    return ended


# --- Leavers ---------------------------------------------------------------------------------


async def user_changed(
    *, session: AsyncSession, now: datetime, settings: Settings, user: User, was_deleted: bool
) -> None:
    """Slack reported ``user``'s profile (``user_change``): act on a deactivation or a
    reactivation, once (a repeated event changes nothing)."""
    if user.deleted and not was_deleted:
        await deactivated(session=session, now=now, settings=settings, user=user)
    elif was_deleted and not user.deleted:
        await reactivated(session=session, now=now, user=user)


async def deactivated(
    *, session: AsyncSession, now: datetime, settings: Settings, user: User
) -> None:
    """Slack deactivated ``user``: stop everything at once, and erase their data after the
    retention period (never, with RETENTION_MONTHS=0) unless they come back."""
    await stop_everything(session=session, now=now, user=user)
    if settings.retention_months <= 0 or await _pending(session, leaver_prefix(user)):
        return
    await schedule(
        session=session,
        now=now,
        kind=Kind.ERASE_PERSON,
        key=f"{leaver_prefix(user)}{int(now.timestamp())}",
        team_id=NO_TEAM,
        due_at=now + relativedelta(months=settings.retention_months),
        timing=Timing.IMMEDIATE,
        payload={"team": user.team_id, "user_id": user.id, "leaver": True},
    )


async def reactivated(*, session: AsyncSession, now: datetime, user: User) -> bool:
    """``user`` is back: their pending erasure is called off. (Their relationships stay
    ended; they can join again.)"""
    return await _cancel_pending(session, now, leaver_prefix(user))


# --- A workspace leaving, and coming back ---------------------------------------------------


async def uninstalled(
    *, session: AsyncSession, now: datetime, settings: Settings, team_id: str
) -> None:
    """The workspace left: mark when, and schedule its purge after the grace period. A
    repeated event keeps the first deadline (the pending purge is left as it is)."""
    workspace = await session.get(Workspace, team_id)
    if workspace is None:
        return
    if workspace.uninstalled_at is None:
        workspace.uninstalled_at = now
    if await _pending(session, purge_prefix(team_id)):
        return
    await schedule(
        session=session,
        now=now,
        kind=Kind.PURGE_WORKSPACE,
        key=f"{purge_prefix(team_id)}{int(workspace.uninstalled_at.timestamp())}",
        team_id=NO_TEAM,
        due_at=workspace.uninstalled_at + timedelta(days=settings.uninstall_grace_days),
        timing=Timing.IMMEDIATE,
        payload={"team": team_id},
    )


async def reinstalled(*, session: AsyncSession, now: datetime, team_id: str) -> bool:
    """The workspace is back inside its grace period: call the purge off. Returns whether
    one was pending."""
    workspace = await session.get(Workspace, team_id)
    if workspace is not None:
        workspace.uninstalled_at = None
    return await _cancel_pending(session, now, purge_prefix(team_id))
