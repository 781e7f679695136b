"""Capture services against the real database: what was agreed after a meeting, its actions
and their reminders (in each owner's time zone), confirming, suggesting a change, "did you
meet?", and completing actions; what each schedules and records, and every refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.capture import service as capture
from bot.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.ids import CaptureField as F
from bot.meetings import service as meetings
from infra.clock import ManualClock
from infra.db import Database
from storage.due_work import Status, Timing
from storage.enums import ActionStatus, ActorRole, MeetingOutcome
from storage.models import ActionItem, ActivityEvent, Meeting, MeetingNotes, User
from tests.service.helpers import (
    MISSING,
    Act,
    Pair,
    accepted_pair,
    due_work,
    everything,
    logged,
    refusal,
    refused_to_outsiders,
)

MENTEE, MENTOR, SYSTEM = ActorRole.MENTEE, ActorRole.MENTOR, ActorRole.SYSTEM
# Monday 9 March 2026, 09:00 UTC: 09:00 in Lisbon, 05:00 in New York (on summer time since
# the 8th).
MEETING_AT = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
FRIDAY = date(2026, 3, 13)


def act(text: str, owner: ActorRole = MENTEE, due: date | None = FRIDAY) -> capture.ActionDraft:
    return capture.ActionDraft(text=text, owner=owner, due_on=due)


def notes(
    takeaways: str = "Ship the RFC before asking for the promotion",
    *actions: capture.ActionDraft,
    next_at: datetime | None = None,
    next_minutes: int | None = None,
) -> capture.CaptureDraft:
    return capture.CaptureDraft(
        takeaways=takeaways,
        actions=actions,
        next_starts_at=next_at,
        next_minutes=next_minutes,
    )


async def held_meeting(db: Database, clock: ManualClock, **tz: str) -> tuple[Pair, int]:
    """A pair whose meeting (Monday 09:00, 45 minutes) has just ended; the sweep has planned
    what comes after it."""
    pair = await accepted_pair(db, clock, **tz)
    async with db.transaction() as s:
        meeting = await meetings.book(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            draft=meetings.MeetingDraft(starts_at=MEETING_AT, minutes=45, place="Room 4"),
        )
    clock.set(MEETING_AT)
    async with db.transaction() as s:
        row = await s.get(Meeting, meeting.id)
        assert row is not None
        await meetings.start(session=s, now=clock.now(), meeting=row)
        await capture.plan_after(session=s, now=clock.now(), meeting=row)
    clock.set(MEETING_AT + timedelta(hours=1))
    return pair, meeting.id


async def write(
    db: Database,
    clock: ManualClock,
    actor: User,
    meeting_id: int,
    draft: capture.CaptureDraft | None = None,
) -> MeetingNotes:
    async with db.transaction() as s:
        return await capture.capture(
            session=s, clock=clock, actor=actor, meeting_id=meeting_id, draft=draft or notes()
        )


async def actions_of(db: Database, meeting_id: int) -> list[ActionItem]:
    async with db.transaction() as s:
        return await capture.actions_of(session=s, meeting_id=meeting_id)


async def work(db: Database, pair: Pair) -> dict[str, tuple[object, ...]]:
    """key -> (kind, delivery, recipient, due_at, status)"""
    async with db.transaction() as s:
        rows = await due_work(s, pair.relationship_id)
    return {k: (w.kind, w.timing, w.recipient_id, w.due_at, w.status) for k, w in rows.items()}


async def last_event(db: Database, kind: str) -> ActivityEvent:
    async with db.transaction() as s:
        event = await s.scalar(
            select(ActivityEvent)
            .where(ActivityEvent.kind == kind)
            .order_by(ActivityEvent.id.desc())
        )
    assert event is not None, kind
    return event


# --- Capturing -----------------------------------------------------------------------------


async def test_after_the_meeting_the_mentee_is_asked_then_reminded_then_both_are_checked(
    db: Database, clock: ManualClock
) -> None:
    pair, n = await held_meeting(db, clock)
    ends = MEETING_AT + timedelta(minutes=45)
    planned = {k: v for k, v in (await work(db, pair)).items() if f"meeting:{n}" in k}
    assert {k: v for k, v in planned.items() if not k.startswith(("agenda", "meeting-"))} == {
        f"capture-prompt:meeting:{n}": (
            "capture.prompt",
            Timing.WORKING_HOURS,
            "UMIA",
            ends + timedelta(hours=1),
            Status.PENDING,
        ),
        f"capture-reminder:meeting:{n}": (
            "capture.reminder",
            Timing.WORKING_HOURS,
            "UMIA",
            ends + timedelta(hours=48),
            Status.PENDING,
        ),
    }
    for part, who in (("mentee", "UMIA"), ("mentor", "UOMAR")):
        assert planned[f"meeting-check:meeting:{n}:{part}"] == (
            "meeting.check",
            Timing.WORKING_HOURS,
            who,
            ends + timedelta(hours=96),
            Status.PENDING,
        )


async def test_the_mentee_captures_and_each_action_is_planned_in_its_owners_time_zone(
    db: Database, clock: ManualClock
) -> None:
    pair, n = await held_meeting(db, clock)
    written = await write(
        db,
        clock,
        pair.mentee,
        n,
        notes(
            "  Ship the RFC first \n",
            act(" Draft the RFC "),
            act("Send the article", MENTOR),
            act("   "),  # an empty row of the form: dropped
            act("Read chapter 3", due=None),
        ),
    )
    assert (written.takeaways, written.author_role, written.source, written.confirmed_at) == (
        "Ship the RFC first",
        MENTEE,
        "modal",
        None,
    )
    draft_rfc, article, chapter = await actions_of(db, n)
    assert [(a.text, a.owner_role, a.due_on, a.status) for a in (draft_rfc, article, chapter)] == [
        ("Draft the RFC", MENTEE, FRIDAY, ActionStatus.OPEN),
        ("Send the article", MENTOR, FRIDAY, ActionStatus.OPEN),
        ("Read chapter 3", MENTEE, None, ActionStatus.OPEN),
    ]
    planned = await work(db, pair)
    # Reminded on the due day, from midnight where the owner lives (in their working hours);
    # overdue from the next midnight there. Lisbon is on UTC, New York on UTC-4.
    assert planned[f"action-due:action:{draft_rfc.id}"][:4] == (
        "action.due",
        Timing.WORKING_HOURS,
        "UMIA",
        datetime(2026, 3, 13, 0, 0, tzinfo=UTC),
    )
    assert planned[f"action-overdue:action:{draft_rfc.id}"][:4] == (
        "action.overdue",
        Timing.IMMEDIATE,
        None,
        datetime(2026, 3, 14, 0, 0, tzinfo=UTC),
    )
    assert planned[f"action-due:action:{article.id}"][2:4] == (
        "UOMAR",
        datetime(2026, 3, 13, 4, 0, tzinfo=UTC),
    )
    assert planned[f"action-overdue:action:{article.id}"][3] == datetime(
        2026, 3, 14, 4, 0, tzinfo=UTC
    )
    assert not [k for k in planned if k.endswith(f"action:{chapter.id}")]
    # The summary is posted; the prompts that asked for it stop.
    post = f"capture-post:meeting:{n}:{int(clock.now().timestamp())}"
    assert planned[post][:2] == ("capture.post", Timing.IMMEDIATE)
    for key in ("capture-prompt", "capture-reminder"):
        assert planned[f"{key}:meeting:{n}"][4] is Status.CANCELLED, key
    for part in ("mentee", "mentor"):
        assert planned[f"meeting-check:meeting:{n}:{part}"][4] is Status.CANCELLED, part
    event = await last_event(db, "notes_captured")
    assert event.actor_role is MENTEE
    assert event.data == {"meeting_id": n, "actions": 3, "source": "modal"}
    async with db.transaction() as s:
        meeting = await s.get(Meeting, n)
    assert meeting is not None
    assert (meeting.outcome, meeting.outcome_by_role) == (MeetingOutcome.MET, MENTEE)


async def test_a_mentor_writing_the_notes_is_recorded_as_the_mentor_doing_it(
    db: Database, clock: ManualClock
) -> None:
    pair, n = await held_meeting(db, clock)
    written = await write(db, clock, pair.mentor, n)
    assert written.author_role is MENTOR
    assert (await logged(db, pair))[-1] == ("mentor_wrote_notes", MENTOR)


async def test_the_same_capture_twice_writes_nothing(db: Database, clock: ManualClock) -> None:
    pair, n = await held_meeting(db, clock)
    draft = notes("Takeaway", act("Draft the RFC"), act("Send it", MENTOR, None))
    await write(db, clock, pair.mentee, n, draft)
    clock.advance(minutes=1)
    before = await everything(db)
    await write(db, clock, pair.mentee, n, draft)
    assert await everything(db) == before


async def test_capturing_again_replaces_the_open_actions_and_keeps_the_done_ones(
    db: Database, clock: ManualClock
) -> None:
    pair, n = await held_meeting(db, clock)
    await write(db, clock, pair.mentee, n, notes("First", act("Done soon"), act("Drop me")))
    done, dropped = await actions_of(db, n)
    async with db.transaction() as s:
        await capture.complete_action(session=s, clock=clock, actor=pair.mentee, action_id=done.id)
        await capture.confirm(session=s, clock=clock, actor=pair.mentor, meeting_id=n)
    clock.advance(minutes=10)
    edited = await write(db, clock, pair.mentee, n, notes("Second", act("New one", MENTOR)))
    assert (edited.takeaways, edited.confirmed_at) == ("Second", None)  # to be confirmed again
    kept, new = await actions_of(db, n)
    assert (kept.id, kept.status) == (done.id, ActionStatus.DONE)
    assert (new.text, new.owner_role) == ("New one", MENTOR)
    planned = await work(db, pair)
    assert planned[f"action-due:action:{new.id}"][4] is Status.PENDING
    # The dropped action is gone, with its reminders: its id names no other action, so the
    # Done button of a reminder already sent for it can't complete the new one (and the new
    # one's reminders can't collide with the dropped one's).
    assert new.id != dropped.id
    for key in (f"action-due:action:{dropped.id}", f"action-overdue:action:{dropped.id}"):
        assert planned[key][4] is Status.CANCELLED, key
    await refusal(
        db,
        NotFound,
        lambda s: capture.complete_action(
            session=s, clock=clock, actor=pair.mentee, action_id=dropped.id
        ),
    )
    assert len([k for k in planned if k.startswith(f"capture-post:meeting:{n}:")]) == 2


@pytest.mark.parametrize(
    ("tz", "refused"),
    [
        # Monday 20:00 UTC is still Monday in Lisbon, and already Tuesday in Tokyo.
        ("Europe/Lisbon", False),
        ("Asia/Tokyo", True),
    ],
)
async def test_a_due_date_has_passed_by_the_writers_own_calendar(
    db: Database, clock: ManualClock, tz: str, refused: bool
) -> None:
    pair, n = await held_meeting(db, clock, mentee_tz=tz, mentor_tz=tz)
    clock.set(datetime(2026, 3, 9, 20, 0, tzinfo=UTC))
    draft = notes("", act("Today's action", due=date(2026, 3, 9)))
    if not refused:
        await write(db, clock, pair.mentee, n, draft)
        return
    error = await refusal(
        db,
        InvalidInput,
        lambda s: capture.capture(
            session=s, clock=clock, actor=pair.mentee, meeting_id=n, draft=draft
        ),
    )
    assert error.fields == {F.action(1, "due"): "That date has passed."}


@pytest.mark.parametrize(
    ("draft", "fields"),
    [
        (notes(" \n "), {F.TAKEAWAYS}),
        (notes("x" * (capture.TAKEAWAYS_MAX + 1)), {F.TAKEAWAYS}),
        (notes("", *(act(f"Action {i}") for i in range(6))), {F.TAKEAWAYS}),
        (notes("", act("ok"), act("x" * (capture.ACTION_MAX + 1))), {F.action(2, "what")}),
        (notes("", act("ok", SYSTEM)), {F.action(1, "owner")}),
        (
            notes("", act("late", due=date(2026, 3, 8)), act("later", due=date(2026, 3, 1))),
            {F.action(1, "due"), F.action(2, "due")},
        ),
    ],
)
async def test_capture_field_errors(
    db: Database, clock: ManualClock, draft: capture.CaptureDraft, fields: set[str]
) -> None:
    pair, n = await held_meeting(db, clock)
    error = await refusal(
        db,
        InvalidInput,
        lambda s: capture.capture(
            session=s, clock=clock, actor=pair.mentee, meeting_id=n, draft=draft
        ),
    )
    assert set(error.fields) == fields


async def test_the_limits_themselves_are_allowed(db: Database, clock: ManualClock) -> None:
    pair, n = await held_meeting(db, clock)
    most = notes(
        "x" * capture.TAKEAWAYS_MAX,
        *(act(f"{i}" * capture.ACTION_MAX, due=date(2026, 3, 9)) for i in range(5)),
    )
    await write(db, clock, pair.mentee, n, most)
    assert len(await actions_of(db, n)) == capture.MAX_ACTIONS


async def test_nothing_is_captured_before_the_meeting_or_for_one_that_did_not_happen(
    db: Database, clock: ManualClock
) -> None:
    pair, n = await held_meeting(db, clock)
    async with db.transaction() as s:
        upcoming = await meetings.book(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            draft=meetings.MeetingDraft(MEETING_AT + timedelta(days=14), 30, ""),
        )
        cancelled = await meetings.book(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            draft=meetings.MeetingDraft(MEETING_AT + timedelta(days=7), 30, ""),
        )
    async with db.transaction() as s:
        await meetings.cancel(session=s, clock=clock, actor=pair.mentee, meeting_id=cancelled.id)
    async with db.transaction() as s:
        await capture.record_outcome(
            session=s,
            clock=clock,
            actor=pair.mentor,
            meeting_id=n,
            outcome=MeetingOutcome.CANCELLED,
        )
    clock.set(MEETING_AT + timedelta(days=8))  # the cancelled one's time has passed too

    def capturing(meeting_id: int) -> Act:
        return lambda s: capture.capture(
            session=s, clock=clock, actor=pair.mentee, meeting_id=meeting_id, draft=notes()
        )

    assert "hasn't happened yet" in (await refusal(db, Conflict, capturing(upcoming.id))).message
    for meeting_id in (cancelled.id, n):
        error = await refusal(db, Conflict, capturing(meeting_id))
        assert "didn't happen" in error.message


async def test_the_notes_are_the_pairs_alone(db: Database, clock: ManualClock) -> None:
    pair, n = await held_meeting(db, clock)
    await write(db, clock, pair.mentee, n, notes("Mine", act("Draft the RFC")))
    [item] = await actions_of(db, n)

    def acts(actor: User, real: bool) -> list[Act]:
        meeting_id, action_id = (n, item.id) if real else (MISSING, MISSING)
        return [
            lambda s: capture.capture(
                session=s, clock=clock, actor=actor, meeting_id=meeting_id, draft=notes()
            ),
            lambda s: capture.confirm(session=s, clock=clock, actor=actor, meeting_id=meeting_id),
            lambda s: capture.suggest_change(
                session=s, clock=clock, actor=actor, meeting_id=meeting_id, text="No"
            ),
            lambda s: capture.record_outcome(
                session=s,
                clock=clock,
                actor=actor,
                meeting_id=meeting_id,
                outcome=MeetingOutcome.MET,
            ),
            lambda s: capture.complete_action(
                session=s, clock=clock, actor=actor, action_id=action_id
            ),
        ]

    await refused_to_outsiders(db, clock, pair, acts)


# --- The next meeting, booked from the capture form ----------------------------------------


async def test_the_next_meeting_is_booked_from_the_capture_in_the_same_place(
    db: Database, clock: ManualClock
) -> None:
    pair, n = await held_meeting(db, clock)
    next_at = MEETING_AT + timedelta(days=14)
    await write(db, clock, pair.mentee, n, notes("Good", next_at=next_at))
    async with db.transaction() as s:
        booked = await s.scalar(select(Meeting).where(Meeting.starts_at == next_at))
    assert booked is not None
    assert (booked.minutes, booked.place, booked.booked_by_role) == (45, "Room 4", MENTEE)
    kinds = [k for k, _ in await logged(db, pair)]
    assert kinds[-2:] == ["meeting_booked", "notes_captured"]
    # Sending the same form again can't book it twice: the slot is taken now.
    clock.advance(minutes=1)
    error = await refusal(
        db,
        InvalidInput,
        lambda s: capture.capture(
            session=s,
            clock=clock,
            actor=pair.mentee,
            meeting_id=n,
            draft=notes("Good", next_at=next_at),
        ),
    )
    assert set(error.fields) == {F.NEXT_WHEN}


@pytest.mark.parametrize(
    ("next_at", "minutes", "fields"),
    [
        (timedelta(hours=-1), None, {F.NEXT_WHEN}),
        (timedelta(days=7), 600, {F.NEXT_MINUTES}),
        (timedelta(minutes=-30), 600, {F.NEXT_WHEN, F.NEXT_MINUTES}),
    ],
)
async def test_the_next_meetings_errors_land_on_the_capture_forms_own_fields(
    db: Database,
    clock: ManualClock,
    next_at: timedelta,
    minutes: int | None,
    fields: set[str],
) -> None:
    pair, n = await held_meeting(db, clock)
    draft = notes("Good", next_at=clock.now() + next_at, next_minutes=minutes)
    error = await refusal(
        db,
        InvalidInput,
        lambda s: capture.capture(
            session=s, clock=clock, actor=pair.mentee, meeting_id=n, draft=draft
        ),
    )
    assert set(error.fields) == fields


async def test_a_next_meeting_that_clashes_refuses_the_whole_capture(
    db: Database, clock: ManualClock
) -> None:
    pair, n = await held_meeting(db, clock)
    taken = MEETING_AT + timedelta(days=14)
    async with db.transaction() as s:
        await meetings.book(
            session=s,
            clock=clock,
            actor=pair.mentor,
            relationship_id=pair.relationship_id,
            draft=meetings.MeetingDraft(taken, 60, ""),
        )
    error = await refusal(
        db,
        InvalidInput,
        lambda s: capture.capture(
            session=s,
            clock=clock,
            actor=pair.mentee,
            meeting_id=n,
            draft=notes("Good", act("Draft it"), next_at=taken + timedelta(minutes=30)),
        ),
    )
    assert set(error.fields) == {F.NEXT_WHEN}


# --- Confirming and suggesting a change ------------------------------------------------------


async def test_the_partner_confirms_once(db: Database, clock: ManualClock) -> None:
    pair, n = await held_meeting(db, clock)
    await write(db, clock, pair.mentee, n)
    clock.advance(hours=3)
    async with db.transaction() as s:
        assert await capture.confirm(session=s, clock=clock, actor=pair.mentor, meeting_id=n)
    async with db.transaction() as s:
        meeting = await s.get(Meeting, n)
    assert meeting is not None and meeting.notes is not None
    assert meeting.notes.confirmed_at == clock.now()
    assert (await logged(db, pair))[-1] == ("notes_confirmed", MENTOR)
    before = await everything(db)
    async with db.transaction() as s:
        assert not await capture.confirm(session=s, clock=clock, actor=pair.mentor, meeting_id=n)
    assert await everything(db) == before


async def test_confirming_needs_notes_and_someone_other_than_their_author(
    db: Database, clock: ManualClock
) -> None:
    pair, n = await held_meeting(db, clock)

    def confirming(actor: User) -> Act:
        return lambda s: capture.confirm(session=s, clock=clock, actor=actor, meeting_id=n)

    await refusal(db, NotFound, confirming(pair.mentor))
    await write(db, clock, pair.mentor, n)
    error = await refusal(db, Conflict, confirming(pair.mentor))
    assert "your partner confirms" in error.message


async def test_the_partner_suggests_a_change_which_unconfirms_the_notes(
    db: Database, clock: ManualClock
) -> None:
    pair, n = await held_meeting(db, clock)
    await write(db, clock, pair.mentee, n)
    async with db.transaction() as s:
        await capture.confirm(session=s, clock=clock, actor=pair.mentor, meeting_id=n)
    clock.advance(minutes=30)
    async with db.transaction() as s:
        changed = await capture.suggest_change(
            session=s, clock=clock, actor=pair.mentor, meeting_id=n, text="  Add the budget \n"
        )
    assert (changed.change_request, changed.confirmed_at) == ("Add the budget", None)
    async with db.transaction() as s:
        key = f"capture-change:meeting:{n}:{int(clock.now().timestamp())}"
        row = (await due_work(s, pair.relationship_id))[key]
    assert (row.kind, row.payload) == ("capture.post", {"meeting_id": n, "event": "change"})
    assert (await logged(db, pair))[-1] == ("notes_change_suggested", MENTOR)


async def test_suggesting_a_change_is_refused_to_the_author_and_without_words(
    db: Database, clock: ManualClock
) -> None:
    pair, n = await held_meeting(db, clock)

    def suggesting(actor: User, text: str = "Add the budget") -> Act:
        return lambda s: capture.suggest_change(
            session=s, clock=clock, actor=actor, meeting_id=n, text=text
        )

    await refusal(db, NotFound, suggesting(pair.mentor))
    await write(db, clock, pair.mentee, n)
    await refusal(db, NotAllowed, suggesting(pair.mentee))
    for text in (" \n", "x" * (capture.CHANGE_MAX + 1)):
        error = await refusal(db, InvalidInput, suggesting(pair.mentor, text))
        assert set(error.fields) == {F.CHANGE}


# --- "Did you meet?" ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "kind"),
    [
        (MeetingOutcome.MET, "meeting_met"),
        (MeetingOutcome.RESCHEDULED, "meeting_rescheduled"),
        (MeetingOutcome.CANCELLED, "meeting_cancelled"),
    ],
)
async def test_the_first_answer_to_did_you_meet_stands(
    db: Database, clock: ManualClock, outcome: MeetingOutcome, kind: str
) -> None:
    pair, n = await held_meeting(db, clock)
    clock.advance(days=4)
    async with db.transaction() as s:
        meeting, recorded = await capture.record_outcome(
            session=s, clock=clock, actor=pair.mentor, meeting_id=n, outcome=outcome
        )
    assert recorded and (meeting.outcome, meeting.outcome_by_role) == (outcome, MENTOR)
    event = await last_event(db, kind)
    assert (event.actor_role, event.data) == (MENTOR, {"meeting_id": n, "asked": True})
    planned = await work(db, pair)
    for key in ("capture-prompt", "capture-reminder"):
        assert planned[f"{key}:meeting:{n}"][4] is Status.CANCELLED, key
    for part in ("mentee", "mentor"):
        assert planned[f"meeting-check:meeting:{n}:{part}"][4] is Status.CANCELLED, part
    before = await everything(db)
    async with db.transaction() as s:
        again, recorded = await capture.record_outcome(
            session=s, clock=clock, actor=pair.mentee, meeting_id=n, outcome=MeetingOutcome.MET
        )
    assert not recorded and again.outcome is outcome
    assert await everything(db) == before


async def test_did_you_meet_is_not_answered_before_the_meeting(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    async with db.transaction() as s:
        meeting = await meetings.book(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            draft=meetings.MeetingDraft(MEETING_AT, 45, ""),
        )
    clock.set(MEETING_AT - timedelta(seconds=1))
    await refusal(
        db,
        Conflict,
        lambda s: capture.record_outcome(
            session=s,
            clock=clock,
            actor=pair.mentee,
            meeting_id=meeting.id,
            outcome=MeetingOutcome.MET,
        ),
    )


# --- Actions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("owner", "on_time"),
    [
        # Saturday 14 March, 02:00 UTC: still Friday evening in New York, Saturday in Lisbon.
        (MENTOR, True),
        (MENTEE, False),
    ],
)
async def test_an_action_is_on_time_by_its_owners_calendar(
    db: Database, clock: ManualClock, owner: ActorRole, on_time: bool
) -> None:
    pair, n = await held_meeting(db, clock)
    await write(db, clock, pair.mentee, n, notes("", act("Send the article", owner)))
    [item] = await actions_of(db, n)
    clock.set(datetime(2026, 3, 14, 2, 0, tzinfo=UTC))
    async with db.transaction() as s:
        done, changed = await capture.complete_action(
            session=s, clock=clock, actor=pair.mentee, action_id=item.id
        )
    assert changed
    assert (done.status, done.done_at, done.done_by_role) == (
        ActionStatus.DONE,
        clock.now(),
        MENTEE,
    )
    event = await last_event(db, "action_done")
    assert event.data == {"action_id": item.id, "owner": owner.value, "on_time": on_time}
    planned = await work(db, pair)
    for key in (f"action-due:action:{item.id}", f"action-overdue:action:{item.id}"):
        assert planned[key][4] is Status.CANCELLED, key
    before = await everything(db)
    async with db.transaction() as s:
        _, changed = await capture.complete_action(
            session=s, clock=clock, actor=pair.mentor, action_id=item.id
        )
    assert not changed
    assert await everything(db) == before


async def test_an_open_action_is_marked_overdue_once(db: Database, clock: ManualClock) -> None:
    pair, n = await held_meeting(db, clock)
    await write(db, clock, pair.mentee, n, notes("", act("Draft it"), act("Done it")))
    first, second = await actions_of(db, n)
    async with db.transaction() as s:
        await capture.complete_action(
            session=s, clock=clock, actor=pair.mentee, action_id=second.id
        )
    clock.set(datetime(2026, 3, 14, tzinfo=UTC))
    for item, expected in ((first, True), (first, False), (second, False)):
        async with db.transaction() as s:
            row = await s.get(ActionItem, item.id)
            assert row is not None
            assert await capture.mark_overdue(session=s, now=clock.now(), item=row) is expected
    [overdue] = [e for e in await logged(db, pair) if e[0] == "action_overdue"]
    assert overdue == ("action_overdue", SYSTEM)
    async with db.transaction() as s:
        row = await s.get(ActionItem, first.id)
    assert row is not None and row.overdue_at == clock.now()


async def test_open_actions_come_soonest_due_first(db: Database, clock: ManualClock) -> None:
    pair, n = await held_meeting(db, clock)
    await write(
        db,
        clock,
        pair.mentee,
        n,
        notes(
            "",
            act("Someday", due=None),
            act("Later", due=date(2026, 3, 20)),
            act("Soon", MENTOR, due=date(2026, 3, 10)),
            act("Finished", due=date(2026, 3, 9)),
        ),
    )
    finished = (await actions_of(db, n))[-1]
    async with db.transaction() as s:
        await capture.complete_action(
            session=s, clock=clock, actor=pair.mentor, action_id=finished.id
        )
    for actor, role in ((pair.mentee, MENTEE), (pair.mentor, MENTOR)):
        async with db.transaction() as s:
            [(relationship, seen_as, items)] = await capture.open_actions(session=s, actor=actor)
        assert (relationship.id, seen_as) == (pair.relationship_id, role)
        assert [a.text for a in items] == ["Soon", "Later", "Someday"]
