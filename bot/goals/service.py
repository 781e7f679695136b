"""SMART goals and their milestones.

The mentee owns them: sets them, updates progress, marks them achieved. The mentor may
comment but not edit. Goal text is private to the pair; the activity log records only that a
goal was set, moved on or achieved, and by whom.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import activity
from bot.access import membership
from bot.activity import ActivityKind
from bot.agreements.service import for_actor as pairs_of
from bot.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.forms import check_length
from bot.ids import GoalField as F
from infra.clock import Clock
from infra.windows import local_date
from scheduling.api import tell_pair
from scheduling.kinds import Kind
from storage.enums import LIVE_RELATIONSHIP_STATUSES as LIVE
from storage.enums import ActorRole, GoalStatus
from storage.models import Goal, GoalComment, Relationship, User

WHAT_MAX = 300
MEASURE_MAX = 500
WHY_MAX = 500
COMMENT_MAX = 1000
MAX_AHEAD = timedelta(days=2 * 365)
# Progress steps a mentee can report, in percent; 100 means achieved.
STEPS = (0, 25, 50, 75, 100)


@dataclass(frozen=True)
class GoalDraft:
    what: str
    measure: str
    target_date: date | None
    why: str
    shout_out: bool = False


def validate(draft: GoalDraft, *, today: date, milestone: bool) -> GoalDraft:
    """Field errors for a goal that isn't SMART enough to act on. Milestones need only what
    and when."""
    draft = GoalDraft(
        draft.what.strip(),
        draft.measure.strip(),
        draft.target_date,
        draft.why.strip(),
        draft.shout_out,
    )
    errors: dict[str, str] = {}
    if not draft.what:
        errors[F.WHAT] = "Say what exactly you want to achieve."
    for field, value, limit in (
        (F.WHAT, draft.what, WHAT_MAX),
        (F.MEASURE, draft.measure, MEASURE_MAX),
        (F.WHY, draft.why, WHY_MAX),
    ):
        check_length(field, value, limit, errors)
    if not milestone and not draft.measure and F.MEASURE not in errors:
        errors[F.MEASURE] = "How will you know you've got there? Say what you'll measure."
    if draft.target_date is None:
        errors[F.TARGET] = "Pick a target date."
    elif draft.target_date < today:
        errors[F.TARGET] = "That date has passed. Pick one in the future."
    elif draft.target_date > today + MAX_AHEAD:
        errors[F.TARGET] = "Pick a date within two years: break bigger goals into milestones."
    if errors:
        raise InvalidInput.for_fields(errors)
    return draft


def require_goal_setter(role: ActorRole) -> None:
    """The mentee sets the goals (and their milestones)."""
    if role is not ActorRole.MENTEE:
        raise NotAllowed("Your mentee sets the goals. You can comment on them.")


def require_progress_reporter(role: ActorRole) -> None:
    """The mentee reports progress on their goals."""
    if role is not ActorRole.MENTEE:
        raise NotAllowed("Only your mentee updates their goals. You can comment instead.")


async def add(
    *,
    session: AsyncSession,
    clock: Clock,
    actor: User,
    relationship_id: int,
    draft: GoalDraft,
    parent_id: int | None = None,
) -> Goal:
    member = await membership(session=session, actor=actor, relationship_id=relationship_id)
    relationship = member.relationship
    require_goal_setter(member.role)
    if relationship.status not in LIVE:
        raise Conflict("Goals can be set once your mentor has accepted.")
    parent = None
    if parent_id is not None:
        parent = await session.get(Goal, parent_id)
        if parent is None or parent.relationship_id != relationship.id or parent.parent_id:
            raise NotFound("That goal doesn't exist.")
    draft = validate(
        draft, today=local_date(clock.now(), relationship.mentee.tz), milestone=parent is not None
    )
    now = clock.now()
    goal = Goal(
        team_id=relationship.team_id,
        relationship_id=relationship.id,
        parent_id=parent.id if parent else None,
        what=draft.what,
        measure=draft.measure,
        target_date=draft.target_date,
        why=draft.why,
        progress=0,
        status=GoalStatus.OPEN,
        shout_out=draft.shout_out,
        created_by=actor.id,
        created_at=now,
        updated_at=now,
    )
    session.add(goal)
    await session.flush()
    await activity.record(
        session=session,
        relationship=relationship,
        actor=actor,
        role=member.role,
        kind=ActivityKind.MILESTONE_SET if parent else ActivityKind.GOAL_SET,
        now=now,
        data={"goal_id": goal.id},
    )
    await _notice(session=session, now=now, goal=goal, relationship=relationship, event="set")
    return goal


async def load(*, session: AsyncSession, actor: User, goal_id: int) -> tuple[Goal, ActorRole]:
    """A goal of the actor's own pair (anyone else is refused, whatever the payload says)."""
    goal = await session.get(Goal, goal_id)
    if goal is None or goal.team_id != actor.team_id:
        raise NotFound("That goal doesn't exist.")
    member = await membership(session=session, actor=actor, relationship_id=goal.relationship_id)
    return goal, member.role


async def set_progress(
    *, session: AsyncSession, clock: Clock, actor: User, goal_id: int, progress: int | None
) -> Goal:
    """The mentee reports progress; 100 % marks the goal (or milestone) achieved, which the
    pair celebrates (and, if the mentee opted in, the program's channel)."""
    goal, role = await load(session=session, actor=actor, goal_id=goal_id)
    require_progress_reporter(role)
    if progress not in STEPS:
        raise InvalidInput.for_fields({F.PROGRESS: "Choose how far along you are."})
    if goal.status is GoalStatus.ACHIEVED:
        if progress == 100:
            return goal  # a double submit
        raise Conflict("That goal is already achieved. Set a new one with `/mentor goals`.")
    if goal.progress == progress:
        return goal
    now = clock.now()
    relationship = await session.get(Relationship, goal.relationship_id)
    assert relationship is not None
    goal.progress = progress
    goal.updated_at = now
    if progress == 100:
        goal.status = GoalStatus.ACHIEVED
        goal.achieved_at = now
    await activity.record(
        session=session,
        relationship=relationship,
        actor=actor,
        role=role,
        kind=ActivityKind.GOAL_ACHIEVED if progress == 100 else ActivityKind.GOAL_PROGRESS,
        now=now,
        data={"goal_id": goal.id, "progress": progress, "milestone": goal.parent_id is not None},
    )
    await _notice(
        session=session,
        now=now,
        goal=goal,
        relationship=relationship,
        event="achieved" if progress == 100 else "progress",
    )
    return goal


async def comment(
    *, session: AsyncSession, clock: Clock, actor: User, goal_id: int, text: str
) -> GoalComment:
    goal, role = await load(session=session, actor=actor, goal_id=goal_id)
    text = text.strip()
    if not text:
        raise InvalidInput.for_fields({F.COMMENT: "Write a comment first."})
    check_length(F.COMMENT, text, COMMENT_MAX)
    now = clock.now()
    note = GoalComment(
        team_id=goal.team_id,
        goal_id=goal.id,
        author_id=actor.id,
        author_role=role,
        text=text,
        created_at=now,
    )
    session.add(note)
    await session.flush()
    relationship = await session.get(Relationship, goal.relationship_id)
    assert relationship is not None
    await activity.record(
        session=session,
        relationship=relationship,
        actor=actor,
        role=role,
        kind=ActivityKind.GOAL_COMMENT,
        now=now,
        data={"goal_id": goal.id},
    )
    await _notice(
        session=session,
        now=now,
        goal=goal,
        relationship=relationship,
        event="comment",
        comment_id=note.id,
    )
    return note


async def of_pair(*, session: AsyncSession, relationship_id: int) -> list[Goal]:
    """Every goal and milestone of a pair, goals by target date, each followed by its
    milestones."""
    rows = list(
        (
            await session.scalars(
                select(Goal)
                .where(Goal.relationship_id == relationship_id)
                .order_by(Goal.target_date, Goal.id)
            )
        ).all()
    )
    out: list[Goal] = []
    for goal in (g for g in rows if g.parent_id is None):
        out.append(goal)
        out.extend(m for m in rows if m.parent_id == goal.id)
    return out


async def open_goals(*, session: AsyncSession, relationship_id: int) -> list[Goal]:
    return [
        g
        for g in await of_pair(session=session, relationship_id=relationship_id)
        if g.parent_id is None and g.status is GoalStatus.OPEN
    ]


async def for_actor(
    *, session: AsyncSession, actor: User
) -> list[tuple[Relationship, ActorRole, list[Goal], list[GoalComment]]]:
    """The actor's live relationships, each with its goals and their comments."""
    out = []
    for relationship, role, _ in await pairs_of(session=session, actor=actor):
        goals = await of_pair(session=session, relationship_id=relationship.id)
        out.append(
            (
                relationship,
                role,
                goals,
                await comments_of(session=session, goal_ids=[g.id for g in goals]),
            )
        )
    return out


async def comments_of(*, session: AsyncSession, goal_ids: list[int]) -> list[GoalComment]:
    if not goal_ids:
        return []
    return list(
        (
            await session.scalars(
                select(GoalComment)
                .where(GoalComment.goal_id.in_(goal_ids))
                .order_by(GoalComment.created_at)
            )
        ).all()
    )


async def _notice(
    *,
    session: AsyncSession,
    now: datetime,
    goal: Goal,
    relationship: Relationship,
    event: str,
    comment_id: int | None = None,
) -> None:
    # Achieved happens once; a comment has its own id; progress may go back and forth.
    suffix = {"achieved": "", "comment": f":{comment_id}"}.get(
        event, f":{goal.progress}:{int(now.timestamp())}"
    )
    await tell_pair(
        session=session,
        now=now,
        kind=Kind.GOAL_NOTICE,
        key=f"goal-notice:{event}:goal:{goal.id}{suffix}",
        relationship=relationship,
        payload={"goal_id": goal.id, "event": event, "comment_id": comment_id},
    )
