"""Meetings of a pair: booking, rescheduling, cancelling, the GROW agenda, and the prompts
the scheduler sends around them.

The mentee is expected to book; either of the pair may. Every booking, reschedule and
cancellation is an activity event with the actor's role, so a mentor who does the booking
shows up as the one taking the initiative. Agenda text stays with the pair: the activity
log records only that an agenda arrived, and from whom.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import activity
from bot.access import membership
from bot.activity import ActivityKind
from bot.agreements.service import advance
from bot.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.forms import check_length
from bot.ids import AgendaField as A
from bot.ids import MeetingField as F
from bot.programs.service import agenda_lead
from infra.clock import Clock
from infra.windows import last_open_before
from scheduling.api import cancel as cancel_work
from scheduling.api import schedule, schedule_many, tell_pair, work
from scheduling.hours import effective_hours
from scheduling.kinds import Kind
from storage.due_work import Timing
from storage.enums import LIVE_RELATIONSHIP_STATUSES as LIVE
from storage.enums import ActorRole, MeetingStatus
from storage.models import Agenda, Goal, Meeting, Relationship, User

MIN_MINUTES, MAX_MINUTES = 15, 240
DURATIONS = (15, 30, 45, 60, 90, 120)
PLACE_MAX = 300
GROW_MAX = 1500
MAX_AHEAD = timedelta(days=365)
AGENDA_REMINDER_LEAD = timedelta(hours=2)  # one reminder if no agenda by then


@dataclass(frozen=True)
class MeetingDraft:
    starts_at: datetime | None  # UTC; None when the picker was left empty
    minutes: int | None
    place: str


@dataclass(frozen=True)
class Grow:
    goal: str
    reality: str
    options: str
    way_forward: str

    def is_empty(self) -> bool:
        return not any((self.goal, self.reality, self.options, self.way_forward))

    def stripped(self) -> Grow:
        return Grow(
            self.goal.strip(), self.reality.strip(), self.options.strip(), self.way_forward.strip()
        )

    @classmethod
    def of(cls, agenda: Agenda) -> Grow:
        return cls(agenda.goal, agenda.reality, agenda.options, agenda.way_forward)


def validate(draft: MeetingDraft, *, now: datetime, others: list[Meeting]) -> tuple[datetime, int]:
    """Field errors for a meeting in the past, an absurd length or a clash with another."""
    errors: dict[str, str] = {}
    starts, minutes = draft.starts_at, draft.minutes
    if starts is None:
        errors[F.WHEN] = "Pick a date and time."
    elif starts <= now:
        errors[F.WHEN] = "That time has passed. Pick a time in the future."
    elif starts > now + MAX_AHEAD:
        errors[F.WHEN] = "Pick a time within the next year."
    if minutes is None or not MIN_MINUTES <= minutes <= MAX_MINUTES:
        errors[F.MINUTES] = f"Meetings last {MIN_MINUTES} minutes to {MAX_MINUTES // 60} hours."
    check_length(F.PLACE, draft.place, PLACE_MAX, errors)
    if not errors and starts is not None and minutes is not None:
        ends = starts + timedelta(minutes=minutes)
        for other in others:
            if other.starts_at < ends and starts < other.ends_at:
                errors[F.WHEN] = "You already have a meeting then. Pick another time."
                break
    if errors:
        raise InvalidInput.for_fields(errors)
    assert starts is not None and minutes is not None
    return starts, minutes


async def _scheduled(*, session: AsyncSession, relationship_id: int) -> list[Meeting]:
    return list(
        (
            await session.scalars(
                select(Meeting)
                .where(
                    Meeting.relationship_id == relationship_id,
                    Meeting.status == MeetingStatus.SCHEDULED,
                )
                .order_by(Meeting.starts_at)
            )
        ).all()
    )


async def book(
    *, session: AsyncSession, clock: Clock, actor: User, relationship_id: int, draft: MeetingDraft
) -> Meeting:
    member = await membership(session=session, actor=actor, relationship_id=relationship_id)
    relationship = member.relationship
    if relationship.status not in LIVE:
        raise Conflict("Meetings can be booked once the mentor has accepted.")
    now = clock.now()
    starts, minutes = validate(
        draft, now=now, others=await _scheduled(session=session, relationship_id=relationship.id)
    )
    meeting = Meeting(
        team_id=relationship.team_id,
        relationship_id=relationship.id,
        status=MeetingStatus.SCHEDULED,
        starts_at=starts,
        minutes=minutes,
        place=draft.place.strip(),
        booked_by=actor.id,
        booked_by_role=member.role,
        sequence=0,
        created_at=now,
        updated_at=now,
    )
    session.add(meeting)
    await session.flush()
    await activity.record(
        session=session,
        relationship=relationship,
        actor=actor,
        role=member.role,
        kind=ActivityKind.MEETING_BOOKED,
        now=now,
        data={"meeting_id": meeting.id, "starts_at": starts.isoformat()},
    )
    await _plan(
        session=session, now=now, meeting=meeting, relationship=relationship, event="booked"
    )
    return meeting


async def load(*, session: AsyncSession, actor: User, meeting_id: int) -> tuple[Meeting, ActorRole]:
    """A meeting of the actor's own pair (anyone else is refused, whatever the payload says)."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None or meeting.team_id != actor.team_id:
        raise NotFound("That meeting doesn't exist.")
    member = await membership(session=session, actor=actor, relationship_id=meeting.relationship_id)
    return meeting, member.role


async def reschedule(
    *, session: AsyncSession, clock: Clock, actor: User, meeting_id: int, draft: MeetingDraft
) -> Meeting:
    meeting, role = await load(session=session, actor=actor, meeting_id=meeting_id)
    now = clock.now()
    if meeting.status is not MeetingStatus.SCHEDULED or meeting.starts_at <= now:
        raise Conflict("That meeting can't be moved any more: book a new one with `/mentor meet`.")
    others = [
        m
        for m in await _scheduled(session=session, relationship_id=meeting.relationship_id)
        if m.id != meeting.id
    ]
    starts, minutes = validate(draft, now=now, others=others)
    meeting.starts_at, meeting.minutes = starts, minutes
    meeting.place = draft.place.strip()
    meeting.sequence += 1
    meeting.updated_at = now
    await activity.record(
        session=session,
        relationship=meeting.pair,
        actor=actor,
        role=role,
        kind=ActivityKind.MEETING_RESCHEDULED,
        now=now,
        data={"meeting_id": meeting.id, "starts_at": starts.isoformat()},
    )
    await _plan(
        session=session, now=now, meeting=meeting, relationship=meeting.pair, event="rescheduled"
    )
    return meeting


async def cancel(*, session: AsyncSession, clock: Clock, actor: User, meeting_id: int) -> Meeting:
    meeting, role = await load(session=session, actor=actor, meeting_id=meeting_id)
    now = clock.now()
    if meeting.status is MeetingStatus.CANCELLED:
        return meeting  # a double click
    if meeting.status is not MeetingStatus.SCHEDULED or meeting.starts_at <= now:
        raise Conflict("That meeting has already started.")
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancelled_at = now
    meeting.sequence += 1
    meeting.updated_at = now
    await activity.record(
        session=session,
        relationship=meeting.pair,
        actor=actor,
        role=role,
        kind=ActivityKind.MEETING_CANCELLED,
        now=now,
        data={"meeting_id": meeting.id},
    )
    for key in _prompt_keys(meeting):
        await cancel_work(session=session, key=key, now=now)
    await _notice(session=session, now=now, meeting=meeting, event="cancelled")
    return meeting


def _prompt_keys(meeting: Meeting) -> list[str]:
    return [
        f"agenda-prompt:meeting:{meeting.id}",
        f"agenda-reminder:meeting:{meeting.id}",
        f"meeting-start:meeting:{meeting.id}",
    ]


async def _plan(
    *,
    session: AsyncSession,
    now: datetime,
    meeting: Meeting,
    relationship: Relationship,
    event: str,
) -> None:
    """Post (or update) the booking, and (re)schedule the prompts around the meeting."""
    await _notice(session=session, now=now, meeting=meeting, event=event)
    mentee = relationship.mentee
    hours = effective_hours(mentee, relationship.program)
    # The prompt goes out in the mentee's last working window before the lead time, so a
    # Monday 09:00 meeting is prompted on Friday; never before now.
    lead = timedelta(hours=agenda_lead(relationship.program))
    prompt_at = max(now, last_open_before(meeting.starts_at - lead, tz=mentee.tz, hours=hours))
    common = {
        "now": now,
        "team_id": meeting.team_id,
        "program_id": relationship.program_id,
        "relationship_id": relationship.id,
        "payload": {"meeting_id": meeting.id},
    }
    await schedule_many(
        session,
        [
            work(
                **common,  # type: ignore[arg-type]
                kind=Kind.AGENDA_PROMPT,
                key=f"agenda-prompt:meeting:{meeting.id}",
                due_at=prompt_at,
                timing=Timing.WORKING_HOURS,
                recipient_id=mentee.slack_user_id,
            ),
            work(
                **common,  # type: ignore[arg-type]
                kind=Kind.AGENDA_REMINDER,
                key=f"agenda-reminder:meeting:{meeting.id}",
                due_at=max(now, meeting.starts_at - AGENDA_REMINDER_LEAD),
                timing=Timing.WORKING_HOURS,
                recipient_id=mentee.slack_user_id,
            ),
            work(
                **common,  # type: ignore[arg-type]
                kind=Kind.MEETING_START,
                key=f"meeting-start:meeting:{meeting.id}",
                due_at=meeting.starts_at,
                timing=Timing.IMMEDIATE,
            ),
        ],
    )


async def _notice(*, session: AsyncSession, now: datetime, meeting: Meeting, event: str) -> None:
    await schedule(
        session=session,
        now=now,
        kind=Kind.MEETING_NOTICE,
        key=f"meeting-notice:{event}:meeting:{meeting.id}:{meeting.sequence}",
        team_id=meeting.team_id,
        relationship_id=meeting.relationship_id,
        due_at=now,
        timing=Timing.IMMEDIATE,
        payload={"meeting_id": meeting.id, "event": event},
    )


# --- The agenda ------------------------------------------------------------------------------


def validate_grow(grow: Grow) -> None:
    errors: dict[str, str] = {}
    for block, value in (
        (A.GOAL, grow.goal),
        (A.REALITY, grow.reality),
        (A.OPTIONS, grow.options),
        (A.WAY_FORWARD, grow.way_forward),
    ):
        check_length(str(block), value, GROW_MAX, errors)
    if grow.is_empty():
        errors[str(A.GOAL)] = "Write at least what you want from this session."
    if errors:
        raise InvalidInput.for_fields(errors)


def require_agenda_writer(role: ActorRole) -> None:
    """The mentee writes the agenda."""
    if role is not ActorRole.MENTEE:
        raise NotAllowed(
            "The mentee writes the agenda: it's their meeting to lead. You can add items to "
            "it once it's posted."
        )


def require_agenda_adder(role: ActorRole) -> None:
    """The mentor adds items to the mentee's agenda (the mentee rewrites it instead)."""
    if role is not ActorRole.MENTOR:
        raise NotAllowed("It's your agenda: change it with Write agenda.")


async def write_agenda(
    *,
    session: AsyncSession,
    clock: Clock,
    actor: User,
    meeting_id: int,
    grow: Grow,
    source: str = "modal",
    goal_id: int | None = None,
) -> Agenda:
    """The mentee writes (or rewrites) the agenda; it is posted to the pair. Writing it
    twice (a double submit, a retried event) keeps one agenda and posts once per change."""
    meeting, role = await load(session=session, actor=actor, meeting_id=meeting_id)
    require_agenda_writer(role)
    if meeting.status is not MeetingStatus.SCHEDULED:
        raise Conflict("That meeting was cancelled.")
    grow = grow.stripped()
    validate_grow(grow)
    if goal_id is not None:
        goal = await session.get(Goal, goal_id)
        if goal is None or goal.relationship_id != meeting.relationship_id:
            raise InvalidInput.for_fields({A.GOAL_LINK: "Choose one of your own goals."})
    now = clock.now()
    agenda = meeting.agenda
    if agenda is not None and Grow.of(agenda) == grow and agenda.goal_id == goal_id:
        return agenda  # the same text again: nothing new to post
    if agenda is None:
        agenda = Agenda(team_id=meeting.team_id, meeting_id=meeting.id, created_at=now)
        session.add(agenda)
        meeting.agenda = agenda
    agenda.goal, agenda.reality = grow.goal, grow.reality
    agenda.options, agenda.way_forward = grow.options, grow.way_forward
    agenda.source = source
    agenda.goal_id = goal_id
    agenda.author_id = actor.id
    agenda.updated_at = now
    await session.flush()
    late = meeting.starts_at - now < AGENDA_REMINDER_LEAD
    await activity.record(
        session=session,
        relationship=meeting.pair,
        actor=actor,
        role=role,
        kind=ActivityKind.AGENDA_WRITTEN,
        now=now,
        data={"meeting_id": meeting.id, "source": source, "late": late},
    )
    await cancel_work(session=session, key=f"agenda-reminder:meeting:{meeting.id}", now=now)
    await schedule(
        session=session,
        now=now,
        kind=Kind.AGENDA_POST,
        key=f"agenda-post:meeting:{meeting.id}:{int(now.timestamp())}",
        team_id=meeting.team_id,
        relationship_id=meeting.relationship_id,
        due_at=now,
        timing=Timing.IMMEDIATE,
        payload={"meeting_id": meeting.id},
    )
    return agenda


MENTOR_ITEMS_MAX = 1000


async def add_mentor_items(
    *, session: AsyncSession, clock: Clock, actor: User, meeting_id: int, text: str
) -> Agenda:
    """The mentor adds to the mentee's agenda: a mentor-initiated step, recorded as such."""
    meeting, role = await load(session=session, actor=actor, meeting_id=meeting_id)
    require_agenda_adder(role)
    agenda = meeting.agenda
    if agenda is None:
        raise Conflict("Your mentee hasn't written the agenda yet. You can add to it once they do.")
    now = clock.now()
    if meeting.status is not MeetingStatus.SCHEDULED or meeting.starts_at <= now:
        raise Conflict("That meeting has already started.")
    text = text.strip()
    if not text:
        raise InvalidInput.for_fields({A.MENTOR_ITEMS: "Write what you'd like to add."})
    check_length(A.MENTOR_ITEMS, text, MENTOR_ITEMS_MAX)
    if any(item.get("text") == text for item in agenda.mentor_items):
        return agenda  # a double submit
    agenda.mentor_items = [*agenda.mentor_items, {"text": text, "at": now.isoformat()}]
    agenda.updated_at = now
    await activity.record(
        session=session,
        relationship=meeting.pair,
        actor=actor,
        role=role,
        kind=ActivityKind.MENTOR_ADDED_AGENDA,
        now=now,
        data={"meeting_id": meeting.id},
    )
    await tell_pair(
        session=session,
        now=now,
        kind=Kind.AGENDA_ITEMS,
        key=f"agenda-items:meeting:{meeting.id}:{len(agenda.mentor_items)}",
        relationship=meeting.pair,
        payload={"meeting_id": meeting.id},
    )
    return agenda


async def start(*, session: AsyncSession, now: datetime, meeting: Meeting) -> bool:
    """The meeting's start time has come: record a missing agenda, and count the first
    meeting (initiation moves to cultivation once the agreement is signed too). Returns
    whether it started now (False for a cancelled or already started meeting)."""
    if meeting.status is not MeetingStatus.SCHEDULED:
        return False
    meeting.status = MeetingStatus.HELD
    meeting.updated_at = now
    relationship = meeting.pair
    if meeting.agenda is None:
        await activity.record(
            session=session,
            relationship=relationship,
            actor=None,
            role=ActorRole.SYSTEM,
            kind=ActivityKind.NO_AGENDA,
            now=now,
            data={"meeting_id": meeting.id},
        )
    if relationship.first_meeting_at is None:
        relationship.first_meeting_at = meeting.starts_at
    advance(relationship)
    return True
