"""Separation services against the real database: the wrap-up stage, extending (both agree),
closing well with the survey, and ending early; what each schedules and records, and every
refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.errors import Conflict, InvalidInput
from bot.ids import SeparationField as SF
from bot.introductions import service as introductions
from bot.separation import service as separation
from infra.clock import ManualClock
from infra.db import Database
from storage.due_work import Status, Timing
from storage.enums import ActorRole, RelationshipStatus
from storage.models import ActivityEvent, ClosingSurvey, Relationship, User
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
    requested_pair,
)

MENTEE, MENTOR, SYSTEM = ActorRole.MENTEE, ActorRole.MENTOR, ActorRole.SYSTEM
# Accepted on Monday 2 March 2026 at 09:00 UTC, for the program's 12 months.
ENDS_AT = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)
WRAP_UP_AT = ENDS_AT - timedelta(days=14)
LATER = date(2027, 6, 30)


async def relationship_of(db: Database, pair: Pair) -> Relationship:
    async with db.transaction() as s:
        relationship = await s.get(Relationship, pair.relationship_id)
    assert relationship is not None
    return relationship


async def enter(db: Database, clock: ManualClock, pair: Pair) -> bool:
    async with db.transaction() as s:
        relationship = await s.get(Relationship, pair.relationship_id)
        assert relationship is not None
        return await separation.enter_separation(
            session=s, now=clock.now(), relationship=relationship
        )


async def propose(
    db: Database, clock: ManualClock, pair: Pair, by: User, until: date | None = LATER
) -> Relationship:
    async with db.transaction() as s:
        return await separation.propose_extension(
            session=s, clock=clock, actor=by, relationship_id=pair.relationship_id, new_end=until
        )


async def answer(
    db: Database, clock: ManualClock, pair: Pair, by: User, agree: bool
) -> Relationship:
    async with db.transaction() as s:
        return await separation.answer_extension(
            session=s, clock=clock, actor=by, relationship_id=pair.relationship_id, agree=agree
        )


async def close(
    db: Database, clock: ManualClock, pair: Pair, by: User, thanks: str = ""
) -> Relationship:
    async with db.transaction() as s:
        return await separation.close(
            session=s,
            clock=clock,
            actor=by,
            relationship_id=pair.relationship_id,
            outcome="achieved",
            goals_met="partly",
            recommend=True,
            thanks=thanks,
        )


async def end_early(
    db: Database, clock: ManualClock, pair: Pair, by: User, reason: str = "Changing teams"
) -> Relationship:
    async with db.transaction() as s:
        return await separation.end_early(
            session=s, clock=clock, actor=by, relationship_id=pair.relationship_id, reason=reason
        )


async def work(db: Database, pair: Pair) -> dict[str, tuple[object, ...]]:
    """key -> (kind, due_at, status, payload)"""
    async with db.transaction() as s:
        rows = await due_work(s, pair.relationship_id)
    return {k: (w.kind, w.due_at, w.status, w.payload) for k, w in rows.items()}


async def notice(db: Database, pair: Pair, event: str, at: datetime) -> tuple[object, ...]:
    async with db.transaction() as s:
        key = f"separation:{event}:relationship:{pair.relationship_id}:{int(at.timestamp())}"
        row = (await due_work(s, pair.relationship_id))[key]
    return (row.kind, row.timing, row.status, row.payload)


async def data_of(db: Database, kind: str) -> dict[str, object]:
    async with db.transaction() as s:
        event = await s.scalar(
            select(ActivityEvent).where(ActivityEvent.kind == kind).order_by(ActivityEvent.id)
        )
    assert event is not None, kind
    return event.data


# --- The wrap-up stage ---------------------------------------------------------------------


async def test_separation_begins_two_weeks_before_the_end_and_only_once(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    clock.set(WRAP_UP_AT - timedelta(seconds=1))
    before = await everything(db)
    assert not await enter(db, clock, pair)
    assert await everything(db) == before
    clock.set(WRAP_UP_AT)
    assert await enter(db, clock, pair)
    relationship = await relationship_of(db, pair)
    assert (relationship.status, relationship.updated_at) == (
        RelationshipStatus.SEPARATION,
        clock.now(),
    )
    assert (await logged(db, pair))[-1] == ("separation_started", SYSTEM)
    # The second person's wrap-up finds the stage begun: asked too, nothing recorded again.
    clock.advance(hours=4)
    before = await everything(db)
    assert await enter(db, clock, pair)
    assert await everything(db) == before


async def test_a_closed_relationship_is_not_wrapped_up(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)
    await end_early(db, clock, pair, pair.mentee)
    clock.set(WRAP_UP_AT)
    before = await everything(db)
    assert not await enter(db, clock, pair)
    assert await everything(db) == before


# --- Extending -----------------------------------------------------------------------------


async def test_one_proposes_an_extension_and_the_other_is_asked(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    clock.set(WRAP_UP_AT + timedelta(days=1))
    proposed = await propose(db, clock, pair, pair.mentee)
    assert (proposed.extend_to, proposed.extend_by_role) == (LATER, MENTEE)
    assert (await logged(db, pair))[-1] == ("extension_proposed", MENTEE)
    assert await data_of(db, "extension_proposed") == {"until": "2027-06-30"}
    assert await notice(db, pair, "extension_proposed", clock.now()) == (
        "separation.notice",
        Timing.IMMEDIATE,
        Status.PENDING,
        {"event": "extension_proposed", "thanks": ""},
    )
    before = await everything(db)
    await propose(db, clock, pair, pair.mentee)
    assert await everything(db) == before


async def test_an_agreed_extension_moves_the_end_and_plans_its_wrap_up(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    clock.set(WRAP_UP_AT)
    await enter(db, clock, pair)
    await propose(db, clock, pair, pair.mentee)
    clock.advance(hours=3)
    extended = await answer(db, clock, pair, pair.mentor, agree=True)
    # The same time of day in the program's zone: 09:00 in London, on summer time by June.
    new_end = datetime(2027, 6, 30, 8, 0, tzinfo=UTC)
    assert (extended.ends_at, extended.extend_to, extended.extend_by_role) == (new_end, None, None)
    assert extended.status is RelationshipStatus.CULTIVATION  # no longer wrapping up
    assert (await logged(db, pair))[-1] == ("extension_agreed", MENTOR)
    assert (await notice(db, pair, "extended", clock.now()))[3] == {
        "event": "extended",
        "thanks": "",
    }
    planned = await work(db, pair)
    for part in ("mentee", "mentor"):
        kind, due_at, status, payload = planned[
            f"wrap-up:relationship:{pair.relationship_id}:2027-06-30:{part}"
        ]
        assert (kind, due_at, status, payload) == (
            "separation.wrap_up",
            new_end - timedelta(days=14),
            Status.PENDING,
            {"to": part},
        )


async def test_a_declined_extension_leaves_the_end_where_it_was(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    await propose(db, clock, pair, pair.mentor)
    declined = await answer(db, clock, pair, pair.mentee, agree=False)
    assert (declined.ends_at, declined.extend_to, declined.extend_by_role) == (ENDS_AT, None, None)
    assert (await logged(db, pair))[-1] == ("extension_declined", MENTEE)
    assert await data_of(db, "extension_declined") == {"until": "2027-06-30"}
    assert (await notice(db, pair, "extension_declined", clock.now()))[3] == {
        "event": "extension_declined",
        "thanks": "",
    }
    assert not [k for k in await work(db, pair) if ":2027-06-30:" in k]


async def test_an_extension_is_answered_by_the_other_once(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)

    def answering(actor: User) -> Act:
        return lambda s: separation.answer_extension(
            session=s, clock=clock, actor=actor, relationship_id=pair.relationship_id, agree=True
        )

    nothing = await refusal(db, Conflict, answering(pair.mentor))
    assert "no extension waiting" in nothing.message
    await propose(db, clock, pair, pair.mentee)
    own = await refusal(db, Conflict, answering(pair.mentee))
    assert "You proposed it" in own.message
    await answer(db, clock, pair, pair.mentor, agree=True)
    await refusal(db, Conflict, answering(pair.mentor))


@pytest.mark.parametrize(
    ("until", "message"),
    [
        (None, "Pick the new end date."),
        (date(2027, 3, 2), "Pick a date after 02 Mar 2027."),
        (date(2027, 3, 1), "Pick a date after 02 Mar 2027."),
        (date(2028, 3, 3), "Extend by up to a year at a time."),
    ],
)
async def test_extension_field_errors(
    db: Database, clock: ManualClock, until: date | None, message: str
) -> None:
    pair = await accepted_pair(db, clock)
    error = await refusal(
        db,
        InvalidInput,
        lambda s: separation.propose_extension(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            new_end=until,
        ),
    )
    assert error.fields == {SF.NEW_END: message}


async def test_an_extension_may_run_a_year_past_the_end(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)
    for until in (date(2027, 3, 3), date(2028, 3, 2)):
        proposed = await propose(db, clock, pair, pair.mentee, until)
        assert proposed.extend_to == until


@pytest.mark.parametrize(
    ("tz", "refused"),
    [
        # The end, 09:00 UTC on 2 March 2027, is still 1 March in Honolulu.
        ("Europe/London", True),
        ("Pacific/Honolulu", False),
    ],
)
async def test_the_current_end_is_read_in_the_proposers_own_calendar(
    db: Database, clock: ManualClock, tz: str, refused: bool
) -> None:
    pair = await accepted_pair(db, clock, mentee_tz=tz, mentor_tz=tz)
    if not refused:
        assert (await propose(db, clock, pair, pair.mentee, date(2027, 3, 2))).extend_to
        return
    await refusal(
        db,
        InvalidInput,
        lambda s: separation.propose_extension(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            new_end=date(2027, 3, 2),
        ),
    )


# --- Closing well --------------------------------------------------------------------------


async def test_closing_stops_everything_planned_and_keeps_the_survey(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    clock.set(WRAP_UP_AT + timedelta(days=2))
    closed = await close(db, clock, pair, pair.mentee, thanks="  Thank you, Omar! \n")
    assert (closed.status, closed.ended_at, closed.ended_by_role, closed.unilateral) == (
        RelationshipStatus.CLOSED,
        clock.now(),
        MENTEE,
        False,
    )
    async with db.transaction() as s:
        [survey] = (await s.scalars(select(ClosingSurvey))).all()
    assert (survey.user_id, survey.role, survey.outcome, survey.goals_met, survey.recommend) == (
        pair.mentee.id,
        MENTEE,
        "achieved",
        "partly",
        True,
    )
    assert (await logged(db, pair))[-1] == ("relationship_closed", MENTEE)
    assert await data_of(db, "relationship_closed") == {
        "outcome": "achieved",
        "goals_met": "partly",
    }
    planned = await work(db, pair)
    closing = (
        f"separation:closed:relationship:{pair.relationship_id}:{int(clock.now().timestamp())}"
    )
    assert planned.pop(closing)[2:] == (
        Status.PENDING,
        {"event": "closed", "thanks": "Thank you, Omar!"},
    )
    # Wrap-ups, check-ins and the rest: nothing else is pending for an ended relationship.
    assert {k for k, v in planned.items() if v[2] is Status.PENDING} == set()
    assert {k for k, v in planned.items() if v[2] is Status.CANCELLED} >= {
        f"wrap-up:relationship:{pair.relationship_id}:2027-03-02:mentee",
        f"checkin:relationship:{pair.relationship_id}:mentor:1",
    }


async def test_the_second_survey_after_the_close_is_kept_and_nothing_else_happens(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    await close(db, clock, pair, pair.mentor, thanks="Only the mentee's thanks are posted")
    assert (await notice(db, pair, "closed", clock.now()))[3] == {"event": "closed", "thanks": ""}
    events = await logged(db, pair)
    clock.advance(days=1)
    await close(db, clock, pair, pair.mentee)
    async with db.transaction() as s:
        surveys = (await s.scalars(select(ClosingSurvey).order_by(ClosingSurvey.id))).all()
    assert [(x.role, x.user_id) for x in surveys] == [
        (MENTOR, pair.mentor.id),
        (MENTEE, pair.mentee.id),
    ]
    assert await logged(db, pair) == events
    assert (await relationship_of(db, pair)).ended_by_role is MENTOR
    # Answering twice keeps the first answers.
    before = await everything(db)
    await close(db, clock, pair, pair.mentee)
    assert await everything(db) == before


@pytest.mark.parametrize(
    ("outcome", "goals_met", "recommend", "thanks", "fields"),
    [
        (None, "yes", True, "", {SF.OUTCOME}),
        ("great", "yes", True, "", {SF.OUTCOME}),
        ("partly", None, True, "", {SF.GOALS_MET}),
        ("partly", "mostly", True, "", {SF.GOALS_MET}),
        ("partly", "yes", None, "", {SF.RECOMMEND}),
        ("partly", "yes", False, "x" * 1001, {SF.THANKS}),
        (
            None,
            None,
            None,
            "",
            {SF.OUTCOME, SF.GOALS_MET, SF.RECOMMEND},
        ),
    ],
)
async def test_closing_survey_field_errors(
    db: Database,
    clock: ManualClock,
    outcome: str | None,
    goals_met: str | None,
    recommend: bool | None,
    thanks: str,
    fields: set[str],
) -> None:
    pair = await accepted_pair(db, clock)
    error = await refusal(
        db,
        InvalidInput,
        lambda s: separation.close(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            outcome=outcome,
            goals_met=goals_met,
            recommend=recommend,
            thanks=thanks,
        ),
    )
    assert set(error.fields) == fields


async def test_a_thank_you_may_be_as_long_as_the_limit(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)
    await close(db, clock, pair, pair.mentee, thanks="x" * separation.THANKS_MAX)
    payload = (await notice(db, pair, "closed", clock.now()))[3]
    assert payload == {"event": "closed", "thanks": "x" * separation.THANKS_MAX}


# --- Ending early --------------------------------------------------------------------------


async def test_ending_early_is_unilateral_and_stops_everything_planned(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    clock.advance(days=40)
    ended = await end_early(db, clock, pair, pair.mentor, reason="  My role changed \n")
    assert (
        ended.status,
        ended.ended_at,
        ended.ended_by_role,
        ended.unilateral,
        ended.end_reason,
    ) == (RelationshipStatus.CLOSED, clock.now(), MENTOR, True, "My role changed")
    assert (await logged(db, pair))[-1] == ("ended_early", MENTOR)
    # The reason is for the managers: the activity log doesn't hold it.
    assert await data_of(db, "ended_early") == {}
    planned = await work(db, pair)
    key = (
        f"separation:ended_early:relationship:{pair.relationship_id}:{int(clock.now().timestamp())}"
    )
    assert planned.pop(key)[2:] == (Status.PENDING, {"event": "ended_early", "thanks": ""})
    assert {k for k, v in planned.items() if v[2] is Status.PENDING} == set()
    before = await everything(db)
    await end_early(db, clock, pair, pair.mentee, reason="Me too")
    assert await everything(db) == before


@pytest.mark.parametrize("reason", ["", " \n ", "x" * (separation.REASON_MAX + 1)])
async def test_ending_early_needs_a_short_reason(
    db: Database, clock: ManualClock, reason: str
) -> None:
    pair = await accepted_pair(db, clock)
    error = await refusal(
        db,
        InvalidInput,
        lambda s: separation.end_early(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            reason=reason,
        ),
    )
    assert set(error.fields) == {SF.REASON}


async def test_what_never_began_cannot_end_close_or_extend(
    db: Database, clock: ManualClock
) -> None:
    async with db.transaction() as s:
        waiting = await requested_pair(s, clock)
        declined = await requested_pair(s, clock, tag="2")
        await introductions.decline(
            session=s,
            clock=clock,
            actor=declined.mentor,
            relationship_id=declined.relationship_id,
            reason="No time",
        )

    def acts(pair: Pair) -> list[Act]:
        return [
            lambda s: separation.end_early(
                session=s,
                clock=clock,
                actor=pair.mentee,
                relationship_id=pair.relationship_id,
                reason="Why not",
            ),
            lambda s: separation.close(
                session=s,
                clock=clock,
                actor=pair.mentee,
                relationship_id=pair.relationship_id,
                outcome="partly",
                goals_met="no",
                recommend=False,
            ),
            lambda s: separation.propose_extension(
                session=s,
                clock=clock,
                actor=pair.mentee,
                relationship_id=pair.relationship_id,
                new_end=LATER,
            ),
        ]

    for pair in (waiting, declined):
        for each in acts(pair):
            error = await refusal(db, Conflict, each)
            assert "has ended" in error.message


async def test_separation_is_the_pairs_alone(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)

    def acts(actor: User, real: bool) -> list[Act]:
        relationship_id = pair.relationship_id if real else MISSING
        return [
            lambda s: separation.propose_extension(
                session=s,
                clock=clock,
                actor=actor,
                relationship_id=relationship_id,
                new_end=LATER,
            ),
            lambda s: separation.answer_extension(
                session=s, clock=clock, actor=actor, relationship_id=relationship_id, agree=True
            ),
            lambda s: separation.close(
                session=s,
                clock=clock,
                actor=actor,
                relationship_id=relationship_id,
                outcome="partly",
                goals_met="no",
                recommend=False,
            ),
            lambda s: separation.end_early(
                session=s, clock=clock, actor=actor, relationship_id=relationship_id, reason="x"
            ),
        ]

    await refused_to_outsiders(db, clock, pair, acts)
