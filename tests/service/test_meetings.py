"""Meeting services against the real database: booking, moving, cancelling, the agenda and
the mentor's additions, and the start; what each schedules and records, and every refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.agreements import service as agreements
from bot.errors import Conflict, InvalidInput, NotAllowed
from bot.goals import service as goals
from bot.ids import AgendaField as A
from bot.ids import MeetingField as F
from bot.meetings import service as meetings
from infra.clock import ManualClock
from infra.db import Database
from storage.due_work import Status, Timing
from storage.enums import ActorRole, MeetingStatus, RelationshipStatus
from storage.models import ActivityEvent, Agenda, Meeting, Relationship, User
from tests.service.helpers import (
    MISSING,
    Act,
    Pair,
    accepted_pair,
    agreement_terms,
    due_work,
    everything,
    logged,
    refusal,
    refused_to_outsiders,
    requested_pair,
)

MENTEE, MENTOR, SYSTEM = ActorRole.MENTEE, ActorRole.MENTOR, ActorRole.SYSTEM
# The clock starts on Monday 2 March 2026, 09:00 UTC; Lisbon is on UTC until 29 March.
NEXT_MONDAY = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)


def draft(
    starts: datetime | None = NEXT_MONDAY, minutes: int | None = 45, place: str = "Room 4"
) -> meetings.MeetingDraft:
    return meetings.MeetingDraft(starts_at=starts, minutes=minutes, place=place)


async def book(
    db: Database,
    clock: ManualClock,
    pair: Pair,
    *,
    by: User | None = None,
    starts: datetime = NEXT_MONDAY,
    minutes: int = 45,
) -> int:
    async with db.transaction() as s:
        meeting = await meetings.book(
            session=s,
            clock=clock,
            actor=by or pair.mentee,
            relationship_id=pair.relationship_id,
            draft=draft(starts, minutes),
        )
    return meeting.id


async def meeting_row(db: Database, meeting_id: int) -> Meeting:
    async with db.transaction() as s:
        meeting = await s.get(Meeting, meeting_id)
        assert meeting is not None
        return meeting


async def work_of(db: Database, pair: Pair, meeting_id: int) -> dict[str, tuple[object, ...]]:
    """The meeting's due work: key -> (kind, delivery, recipient, due_at, status)."""
    async with db.transaction() as s:
        rows = await due_work(s, pair.relationship_id)
    return {
        key: (w.kind, w.timing, w.recipient_id, w.due_at, w.status)
        for key, w in rows.items()
        if f"meeting:{meeting_id}" in key
    }


# --- Booking -------------------------------------------------------------------------------


async def test_the_mentee_books_and_the_prompts_are_planned_around_the_meeting(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    async with db.transaction() as s:
        evaluations = len(await due_work(s, pair.relationship_id, kind="signals.eval"))
        booked = await meetings.book(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            draft=draft(place="  Room 4 \n"),
        )
    meeting = await meeting_row(db, booked.id)
    assert (meeting.status, meeting.starts_at, meeting.minutes) == (
        MeetingStatus.SCHEDULED,
        NEXT_MONDAY,
        45,
    )
    assert (meeting.place, meeting.booked_by, meeting.booked_by_role, meeting.sequence) == (
        "Room 4",
        pair.mentee.id,
        MENTEE,
        0,
    )
    n, now = meeting.id, clock.now()
    assert await work_of(db, pair, n) == {
        f"meeting-notice:booked:meeting:{n}:0": (
            "meeting.notice",
            Timing.IMMEDIATE,
            None,
            now,
            Status.PENDING,
        ),
        # 24 hours before Monday 09:00 is a Sunday: the mentee's last working window before
        # it ends on Friday at 17:00 in Lisbon, and the prompt goes an hour before that.
        f"agenda-prompt:meeting:{n}": (
            "agenda.prompt",
            Timing.WORKING_HOURS,
            "UMIA",
            datetime(2026, 3, 6, 16, 0, tzinfo=UTC),
            Status.PENDING,
        ),
        f"agenda-reminder:meeting:{n}": (
            "agenda.reminder",
            Timing.WORKING_HOURS,
            "UMIA",
            NEXT_MONDAY - timedelta(hours=2),
            Status.PENDING,
        ),
        f"meeting-start:meeting:{n}": (
            "meeting.start",
            Timing.IMMEDIATE,
            None,
            NEXT_MONDAY,
            Status.PENDING,
        ),
    }
    assert (await logged(db, pair))[-1] == ("meeting_booked", MENTEE)
    async with db.transaction() as s:
        assert len(await due_work(s, pair.relationship_id, kind="signals.eval")) == evaluations + 1


@pytest.mark.parametrize(
    ("mentee_tz", "starts", "prompt_at", "reminder_at"),
    [
        pytest.param(
            "Europe/Lisbon",
            datetime(2026, 3, 3, 10, 0, tzinfo=UTC),
            datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
            datetime(2026, 3, 3, 8, 0, tzinfo=UTC),
            id="a day ahead, inside the window: exactly 24 hours before",
        ),
        pytest.param(
            "Europe/Lisbon",
            datetime(2026, 3, 4, 16, 59, tzinfo=UTC),
            datetime(2026, 3, 3, 16, 59, tzinfo=UTC),
            datetime(2026, 3, 4, 14, 59, tzinfo=UTC),
            id="a minute before the window closes is still inside it",
        ),
        pytest.param(
            "Europe/Lisbon",
            datetime(2026, 3, 4, 17, 0, tzinfo=UTC),
            datetime(2026, 3, 3, 16, 0, tzinfo=UTC),
            datetime(2026, 3, 4, 15, 0, tzinfo=UTC),
            id="the window's end is outside it: an hour before it closes",
        ),
        pytest.param(
            "Europe/Lisbon",
            datetime(2026, 3, 2, 12, 0, tzinfo=UTC),
            datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
            datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
            id="booked three hours ahead: the prompt goes now, never in the past",
        ),
        pytest.param(
            "Asia/Tokyo",
            datetime(2026, 3, 9, 0, 0, tzinfo=UTC),
            datetime(2026, 3, 6, 7, 0, tzinfo=UTC),
            datetime(2026, 3, 8, 22, 0, tzinfo=UTC),
            id="Monday 09:00 in Tokyo: Friday 16:00 in Tokyo",
        ),
    ],
)
async def test_the_agenda_prompt_waits_for_the_mentees_last_working_window(
    db: Database,
    clock: ManualClock,
    mentee_tz: str,
    starts: datetime,
    prompt_at: datetime,
    reminder_at: datetime,
) -> None:
    pair = await accepted_pair(db, clock, mentee_tz=mentee_tz, mentor_tz=mentee_tz)
    n = await book(db, clock, pair, starts=starts, minutes=30)
    work = await work_of(db, pair, n)
    assert work[f"agenda-prompt:meeting:{n}"][3] == prompt_at
    assert work[f"agenda-reminder:meeting:{n}"][3] == reminder_at
    assert work[f"meeting-start:meeting:{n}"][3] == starts


async def test_the_mentor_may_book_and_it_counts_as_their_initiative(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    n = await book(db, clock, pair, by=pair.mentor)
    meeting = await meeting_row(db, n)
    assert (meeting.booked_by, meeting.booked_by_role) == (pair.mentor.id, MENTOR)
    assert (await logged(db, pair))[-1] == ("meeting_booked", MENTOR)
    # The agenda is still the mentee's to write.
    assert (await work_of(db, pair, n))[f"agenda-prompt:meeting:{n}"][2] == "UMIA"


async def test_nobody_outside_the_pair_books(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)

    def booking(actor: User, real: bool) -> list[Act]:
        relationship_id = pair.relationship_id if real else MISSING
        return [
            lambda s: meetings.book(
                session=s, clock=clock, actor=actor, relationship_id=relationship_id, draft=draft()
            )
        ]

    await refused_to_outsiders(db, clock, pair, booking)


async def test_no_meeting_before_the_mentor_accepts(db: Database, clock: ManualClock) -> None:
    async with db.transaction() as s:
        pair = await requested_pair(s, clock)
    error = await refusal(
        db,
        Conflict,
        lambda s: meetings.book(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            draft=draft(),
        ),
    )
    assert "once the mentor has accepted" in error.message


@pytest.mark.parametrize(
    ("starts", "minutes", "place", "field"),
    [
        (None, 45, "", F.WHEN),
        (timedelta(0), 45, "", F.WHEN),
        (timedelta(days=-1), 45, "", F.WHEN),
        (timedelta(days=365, seconds=1), 45, "", F.WHEN),
        (timedelta(days=1), None, "", F.MINUTES),
        (timedelta(days=1), 14, "", F.MINUTES),
        (timedelta(days=1), 241, "", F.MINUTES),
        (timedelta(days=1), 45, "x" * 301, F.PLACE),
    ],
)
async def test_booking_field_errors(
    db: Database,
    clock: ManualClock,
    starts: timedelta | None,
    minutes: int | None,
    place: str,
    field: str,
) -> None:
    pair = await accepted_pair(db, clock)
    at = None if starts is None else clock.now() + starts
    error = await refusal(
        db,
        InvalidInput,
        lambda s: meetings.book(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            draft=draft(at, minutes, place),
        ),
    )
    assert set(error.fields) == {field}


async def test_the_limits_themselves_are_allowed(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)
    for starts, minutes in (
        (clock.now() + timedelta(seconds=1), 15),
        (clock.now() + timedelta(days=365), 240),
    ):
        await book(db, clock, pair, starts=starts, minutes=minutes)
    async with db.transaction() as s:
        assert len((await s.scalars(select(Meeting))).all()) == 2


async def test_a_clash_with_the_pairs_own_meeting_is_refused_back_to_back_is_not(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    await book(db, clock, pair, starts=NEXT_MONDAY, minutes=60)

    def booking(starts: datetime) -> Act:
        return lambda s: meetings.book(
            session=s,
            clock=clock,
            actor=pair.mentor,
            relationship_id=pair.relationship_id,
            draft=draft(starts, 45),
        )

    for starts in (NEXT_MONDAY + timedelta(minutes=59), NEXT_MONDAY - timedelta(minutes=44)):
        error = await refusal(db, InvalidInput, booking(starts))
        assert set(error.fields) == {F.WHEN}
    await book(db, clock, pair, starts=NEXT_MONDAY + timedelta(minutes=60))
    await book(db, clock, pair, starts=NEXT_MONDAY - timedelta(minutes=45))


# --- Moving and cancelling ---------------------------------------------------------------


async def test_moving_a_meeting_re_plans_its_prompts_and_posts_a_new_notice(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    n = await book(db, clock, pair)
    clock.advance(hours=1)
    later = NEXT_MONDAY + timedelta(days=1, hours=5)  # Tuesday 14:00
    async with db.transaction() as s:
        moved = await meetings.reschedule(
            session=s,
            clock=clock,
            actor=pair.mentor,
            meeting_id=n,
            draft=draft(later, 60, " Café "),
        )
    assert (moved.starts_at, moved.minutes, moved.place, moved.sequence) == (later, 60, "Café", 1)
    work = await work_of(db, pair, n)
    assert set(work) == {
        f"meeting-notice:booked:meeting:{n}:0",
        f"meeting-notice:rescheduled:meeting:{n}:1",
        f"agenda-prompt:meeting:{n}",
        f"agenda-reminder:meeting:{n}",
        f"meeting-start:meeting:{n}",
    }
    assert work[f"agenda-prompt:meeting:{n}"][3] == datetime(2026, 3, 9, 14, 0, tzinfo=UTC)
    assert work[f"agenda-reminder:meeting:{n}"][3] == later - timedelta(hours=2)
    assert work[f"meeting-start:meeting:{n}"][3] == later
    assert (await logged(db, pair))[-1] == ("meeting_rescheduled", MENTOR)


async def test_a_meeting_may_move_onto_its_own_old_slot(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)
    n = await book(db, clock, pair, minutes=60)
    async with db.transaction() as s:
        moved = await meetings.reschedule(
            session=s,
            clock=clock,
            actor=pair.mentee,
            meeting_id=n,
            draft=draft(NEXT_MONDAY + timedelta(minutes=15), 60),
        )
    assert moved.starts_at == NEXT_MONDAY + timedelta(minutes=15)


async def test_moving_is_refused_onto_another_meeting_after_the_start_or_once_cancelled(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    first = await book(db, clock, pair)
    second = await book(db, clock, pair, starts=NEXT_MONDAY + timedelta(days=2))

    def move(meeting_id: int, starts: datetime = NEXT_MONDAY + timedelta(days=3)) -> Act:
        return lambda s: meetings.reschedule(
            session=s, clock=clock, actor=pair.mentee, meeting_id=meeting_id, draft=draft(starts)
        )

    clash = await refusal(db, InvalidInput, move(second, NEXT_MONDAY + timedelta(minutes=30)))
    assert set(clash.fields) == {F.WHEN}
    async with db.transaction() as s:
        await meetings.cancel(session=s, clock=clock, actor=pair.mentee, meeting_id=second)
    await refusal(db, Conflict, move(second))
    clock.set(NEXT_MONDAY)
    await refusal(db, Conflict, move(first))


async def test_cancelling_stops_the_prompts_and_tells_the_pair_once(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    n = await book(db, clock, pair)
    clock.advance(hours=2)
    async with db.transaction() as s:
        cancelled = await meetings.cancel(session=s, clock=clock, actor=pair.mentor, meeting_id=n)
    assert (cancelled.status, cancelled.cancelled_at, cancelled.sequence) == (
        MeetingStatus.CANCELLED,
        clock.now(),
        1,
    )
    work = await work_of(db, pair, n)
    for key in ("agenda-prompt", "agenda-reminder", "meeting-start"):
        assert work[f"{key}:meeting:{n}"][4] is Status.CANCELLED, key
    assert work[f"meeting-notice:cancelled:meeting:{n}:1"][4] is Status.PENDING
    assert (await logged(db, pair))[-1] == ("meeting_cancelled", MENTOR)
    # A double click changes nothing at all.
    before = await everything(db)
    async with db.transaction() as s:
        again = await meetings.cancel(session=s, clock=clock, actor=pair.mentee, meeting_id=n)
    assert again.status is MeetingStatus.CANCELLED
    assert await everything(db) == before


async def test_a_started_meeting_cannot_be_cancelled(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)
    n = await book(db, clock, pair)
    clock.set(NEXT_MONDAY)
    error = await refusal(
        db,
        Conflict,
        lambda s: meetings.cancel(session=s, clock=clock, actor=pair.mentee, meeting_id=n),
    )
    assert "already started" in error.message


async def test_a_meeting_is_the_pairs_alone(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)
    n = await book(db, clock, pair)

    def acts(actor: User, real: bool) -> list[Act]:
        meeting_id = n if real else MISSING
        return [
            lambda s: meetings.cancel(session=s, clock=clock, actor=actor, meeting_id=meeting_id),
            lambda s: meetings.reschedule(
                session=s, clock=clock, actor=actor, meeting_id=meeting_id, draft=draft()
            ),
            lambda s: meetings.write_agenda(
                session=s, clock=clock, actor=actor, meeting_id=meeting_id, grow=GROW
            ),
            lambda s: meetings.add_mentor_items(
                session=s, clock=clock, actor=actor, meeting_id=meeting_id, text="More"
            ),
        ]

    await refused_to_outsiders(db, clock, pair, acts)


# --- The agenda ----------------------------------------------------------------------------

GROW = meetings.Grow(
    goal="Decide whether to apply for the lead role",
    reality="Two teams asked me",
    options="",
    way_forward="",
)


async def write(
    db: Database, clock: ManualClock, actor: User, meeting_id: int, grow: meetings.Grow = GROW
) -> Agenda:
    async with db.transaction() as s:
        return await meetings.write_agenda(
            session=s, clock=clock, actor=actor, meeting_id=meeting_id, grow=grow
        )


async def test_the_mentee_writes_the_agenda_and_it_is_posted(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    n = await book(db, clock, pair)
    clock.advance(days=2)
    agenda = await write(db, clock, pair.mentee, n)
    assert (agenda.goal, agenda.reality, agenda.source, agenda.author_id) == (
        GROW.goal,
        GROW.reality,
        "modal",
        pair.mentee.id,
    )
    work = await work_of(db, pair, n)
    post = f"agenda-post:meeting:{n}:{int(clock.now().timestamp())}"
    assert work[post][:2] == ("agenda.post", Timing.IMMEDIATE)
    assert work[f"agenda-reminder:meeting:{n}"][4] is Status.CANCELLED
    assert work[f"agenda-prompt:meeting:{n}"][4] is Status.PENDING
    async with db.transaction() as s:
        event = await s.scalar(select(ActivityEvent).where(ActivityEvent.kind == "agenda_written"))
    assert event is not None and event.actor_role is MENTEE
    # The log says an agenda came, never what it says.
    assert event.data == {"meeting_id": n, "source": "modal", "late": False}


async def test_the_same_agenda_twice_writes_nothing_a_changed_one_is_posted_again(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    n = await book(db, clock, pair)
    await write(db, clock, pair.mentee, n)
    clock.advance(minutes=5)
    before = await everything(db)
    spaced = meetings.Grow(f"  {GROW.goal}\n", GROW.reality + " ", " ", "")
    await write(db, clock, pair.mentee, n, spaced)
    assert await everything(db) == before
    await write(db, clock, pair.mentee, n, meetings.Grow(GROW.goal, "", "", "Ask for advice"))
    posts = [k for k in await work_of(db, pair, n) if k.startswith("agenda-post:")]
    assert len(posts) == 2
    assert [k for k, _ in await logged(db, pair)].count("agenda_written") == 2


async def test_an_agenda_less_than_two_hours_ahead_is_late(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    n = await book(db, clock, pair)
    clock.set(NEXT_MONDAY - timedelta(hours=2))
    await write(db, clock, pair.mentee, n)
    clock.advance(seconds=1)
    await write(db, clock, pair.mentee, n, meetings.Grow("A new goal", "", "", ""))
    async with db.transaction() as s:
        lates = (
            await s.scalars(
                select(ActivityEvent.data)
                .where(ActivityEvent.kind == "agenda_written")
                .order_by(ActivityEvent.id)
            )
        ).all()
    assert [d["late"] for d in lates] == [False, True]


async def test_an_agenda_may_serve_one_of_the_pairs_goals(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)
    n = await book(db, clock, pair)
    async with db.transaction() as s:
        goal = await goals.add(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            draft=goals.GoalDraft("Lead the planning", "It runs", NEXT_MONDAY.date(), ""),
        )
        agenda = await meetings.write_agenda(
            session=s, clock=clock, actor=pair.mentee, meeting_id=n, grow=GROW, goal_id=goal.id
        )
    assert agenda.goal_id == goal.id


@pytest.mark.parametrize(
    ("grow", "goal_id", "fields"),
    [
        (meetings.Grow(" ", "\n", "", ""), None, {A.GOAL}),
        (meetings.Grow("ok", "x" * (meetings.GROW_MAX + 1), "", ""), None, {A.REALITY}),
        (
            meetings.Grow("x" * (meetings.GROW_MAX + 1), "", "", "y" * (meetings.GROW_MAX + 1)),
            None,
            {A.GOAL, A.WAY_FORWARD},
        ),
        (GROW, 999_999, {A.GOAL_LINK}),
    ],
)
async def test_agenda_field_errors(
    db: Database,
    clock: ManualClock,
    grow: meetings.Grow,
    goal_id: int | None,
    fields: set[str],
) -> None:
    pair = await accepted_pair(db, clock)
    n = await book(db, clock, pair)
    error = await refusal(
        db,
        InvalidInput,
        lambda s: meetings.write_agenda(
            session=s, clock=clock, actor=pair.mentee, meeting_id=n, grow=grow, goal_id=goal_id
        ),
    )
    assert set(error.fields) == fields


async def test_the_mentor_does_not_write_the_agenda_nor_anyone_for_a_cancelled_meeting(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    n = await book(db, clock, pair)

    def agenda(actor: User) -> Act:
        return lambda s: meetings.write_agenda(
            session=s, clock=clock, actor=actor, meeting_id=n, grow=GROW
        )

    error = await refusal(db, NotAllowed, agenda(pair.mentor))
    assert "The mentee writes the agenda" in error.message
    async with db.transaction() as s:
        await meetings.cancel(session=s, clock=clock, actor=pair.mentee, meeting_id=n)
    await refusal(db, Conflict, agenda(pair.mentee))


async def add_items(db: Database, clock: ManualClock, pair: Pair, n: int, text: str) -> Agenda:
    async with db.transaction() as s:
        return await meetings.add_mentor_items(
            session=s, clock=clock, actor=pair.mentor, meeting_id=n, text=text
        )


async def test_the_mentor_adds_to_the_agenda_once_per_text(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    n = await book(db, clock, pair)
    await write(db, clock, pair.mentee, n)
    agenda = await add_items(db, clock, pair, n, "  Your promotion case \n")
    assert [i["text"] for i in agenda.mentor_items] == ["Your promotion case"]
    assert agenda.mentor_items[0]["at"] == clock.now().isoformat()
    assert (await logged(db, pair))[-1] == ("mentor_added_agenda", MENTOR)
    before = await everything(db)
    await add_items(db, clock, pair, n, "Your promotion case")
    assert await everything(db) == before
    agenda = await add_items(db, clock, pair, n, "x" * meetings.MENTOR_ITEMS_MAX)
    assert len(agenda.mentor_items) == 2
    work = await work_of(db, pair, n)
    assert {k for k in work if k.startswith("agenda-items:")} == {
        f"agenda-items:meeting:{n}:1",
        f"agenda-items:meeting:{n}:2",
    }


async def test_adding_to_the_agenda_is_refused_until_it_exists_and_after_the_start(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    n = await book(db, clock, pair)

    def add(actor: User, text: str = "Salary talk") -> Act:
        return lambda s: meetings.add_mentor_items(
            session=s, clock=clock, actor=actor, meeting_id=n, text=text
        )

    early = await refusal(db, Conflict, add(pair.mentor))
    assert "hasn't written the agenda yet" in early.message
    await write(db, clock, pair.mentee, n)
    await refusal(db, NotAllowed, add(pair.mentee))
    for text in ("  ", "x" * (meetings.MENTOR_ITEMS_MAX + 1)):
        error = await refusal(db, InvalidInput, add(pair.mentor, text))
        assert set(error.fields) == {A.MENTOR_ITEMS}
    clock.set(NEXT_MONDAY)
    await refusal(db, Conflict, add(pair.mentor))


# --- The start -----------------------------------------------------------------------------


async def start(db: Database, clock: ManualClock, meeting_id: int) -> bool:
    async with db.transaction() as s:
        meeting = await s.get(Meeting, meeting_id)
        assert meeting is not None
        return await meetings.start(session=s, now=clock.now(), meeting=meeting)


async def test_the_first_meeting_starts_without_an_agenda(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)
    n = await book(db, clock, pair)
    clock.set(NEXT_MONDAY)
    assert await start(db, clock, n)
    meeting = await meeting_row(db, n)
    assert meeting.status is MeetingStatus.HELD
    assert (await logged(db, pair))[-1] == ("no_agenda", SYSTEM)
    async with db.transaction() as s:
        relationship = await s.get(Relationship, pair.relationship_id)
    assert relationship is not None and relationship.first_meeting_at == NEXT_MONDAY
    # No signed agreement yet: still getting started.
    assert relationship.status is RelationshipStatus.INITIATION
    # The sweep may run the start again: nothing more happens.
    before = await everything(db)
    assert not await start(db, clock, n)
    assert await everything(db) == before


async def test_a_meeting_with_an_agenda_and_a_signed_agreement_moves_the_pair_on(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    n = await book(db, clock, pair)
    later = await book(db, clock, pair, starts=NEXT_MONDAY + timedelta(days=14))
    await write(db, clock, pair.mentee, n)
    async with db.transaction() as s:
        agreement = await agreements.draft(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            terms=agreement_terms(),
        )
    async with db.transaction() as s:
        await agreements.sign(session=s, clock=clock, actor=pair.mentor, agreement_id=agreement.id)
    clock.set(NEXT_MONDAY)
    assert await start(db, clock, n)
    assert "no_agenda" not in [k for k, _ in await logged(db, pair)]
    async with db.transaction() as s:
        relationship = await s.get(Relationship, pair.relationship_id)
    assert relationship is not None and relationship.status is RelationshipStatus.CULTIVATION
    # The first meeting stays the first.
    clock.set(NEXT_MONDAY + timedelta(days=14))
    assert await start(db, clock, later)
    async with db.transaction() as s:
        relationship = await s.get(Relationship, pair.relationship_id)
    assert relationship is not None and relationship.first_meeting_at == NEXT_MONDAY


async def test_a_cancelled_meeting_never_starts(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)
    n = await book(db, clock, pair)
    async with db.transaction() as s:
        await meetings.cancel(session=s, clock=clock, actor=pair.mentee, meeting_id=n)
    clock.set(NEXT_MONDAY)
    before = await everything(db)
    assert not await start(db, clock, n)
    assert await everything(db) == before
