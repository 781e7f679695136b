"""Agreement services against the real database: the mentee drafts (and so signs), the mentor
signs or suggests changes, a revision needs both signatures again; what each schedules and
records, and every refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.agreements import service as agreements
from bot.errors import Conflict, InvalidInput, NotAllowed
from bot.ids import AgreementField as F
from bot.meetings import service as meetings
from bot.separation import service as separation
from infra.clock import ManualClock
from infra.db import Database
from storage.due_work import Status, Timing
from storage.enums import ActorRole, Cadence, RelationshipStatus
from storage.models import Agreement, Meeting, Relationship, User
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

MENTEE, MENTOR = ActorRole.MENTEE, ActorRole.MENTOR


async def draft(db: Database, clock: ManualClock, pair: Pair, **changes: object) -> Agreement:
    async with db.transaction() as s:
        return await agreements.draft(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            terms=agreement_terms(**changes),
        )


async def sign(db: Database, clock: ManualClock, pair: Pair, agreement_id: int) -> Agreement:
    async with db.transaction() as s:
        return await agreements.sign(
            session=s, clock=clock, actor=pair.mentor, agreement_id=agreement_id
        )


async def relationship_of(db: Database, pair: Pair) -> Relationship:
    async with db.transaction() as s:
        relationship = await s.get(Relationship, pair.relationship_id)
    assert relationship is not None
    return relationship


async def notice(
    db: Database, pair: Pair, event: str, agreement_id: int, at: datetime
) -> tuple[object, ...]:
    async with db.transaction() as s:
        row = (await due_work(s, pair.relationship_id))[
            f"agreement:{event}:{agreement_id}:{int(at.timestamp())}"
        ]
    return (row.kind, row.timing, row.payload, row.status)


@pytest.mark.parametrize(
    ("tz", "ends_at"),
    [
        # The agreed last day ends at 17:00 where the mentee lives.
        ("Europe/Lisbon", datetime(2026, 12, 18, 17, 0, tzinfo=UTC)),
        ("Asia/Tokyo", datetime(2026, 12, 18, 8, 0, tzinfo=UTC)),
        ("America/New_York", datetime(2026, 12, 18, 22, 0, tzinfo=UTC)),
    ],
)
async def test_the_mentee_drafts_and_drafting_is_their_signature(
    db: Database, clock: ManualClock, tz: str, ends_at: datetime
) -> None:
    pair = await accepted_pair(db, clock, mentee_tz=tz, mentor_tz=tz)
    clock.advance(days=1)
    agreement = await draft(db, clock, pair, in_scope="  Leading projects ")
    assert (agreement.version, agreement.mentee_signed_at, agreement.mentor_signed_at) == (
        1,
        clock.now(),
        None,
    )
    assert agreements.Terms.from_dict(agreement.terms) == agreement_terms(
        in_scope="  Leading projects "
    )
    relationship = await relationship_of(db, pair)
    assert (relationship.ends_at, relationship.agreement_signed_at) == (ends_at, None)
    assert (await logged(db, pair))[-1] == ("agreement_drafted", MENTEE)
    assert await notice(db, pair, "drafted", agreement.id, clock.now()) == (
        "agreement.notice",
        Timing.IMMEDIATE,
        {"agreement_id": agreement.id, "event": "drafted"},
        Status.PENDING,
    )


async def test_the_wrap_up_follows_the_agreed_end_date(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)

    async def wrap_ups() -> dict[str, tuple[datetime, Status]]:
        async with db.transaction() as s:
            rows = await due_work(s, pair.relationship_id, kind="separation.wrap_up")
        return {k: (w.due_at, w.status) for k, w in rows.items()}

    # Accepting planned it two weeks before the program's length (12 months) runs out.
    key = f"wrap-up:relationship:{pair.relationship_id}"
    accepted_end = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)
    assert await wrap_ups() == {
        f"{key}:2027-03-02:{part}": (accepted_end - timedelta(days=14), Status.PENDING)
        for part in ("mentee", "mentor")
    }
    await draft(db, clock, pair, end_date=date(2026, 12, 18))
    agreed_end = datetime(2026, 12, 18, 17, 0, tzinfo=UTC)
    planned = await wrap_ups()
    for part in ("mentee", "mentor"):
        assert planned[f"{key}:2026-12-18:{part}"] == (
            agreed_end - timedelta(days=14),
            Status.PENDING,
        )
        assert planned[f"{key}:2027-03-02:{part}"][1] is Status.CANCELLED


async def test_the_mentor_signs_once(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)
    agreement = await draft(db, clock, pair)
    clock.advance(hours=5)
    signed = await sign(db, clock, pair, agreement.id)
    assert signed.mentor_signed_at == clock.now()
    relationship = await relationship_of(db, pair)
    assert relationship.agreement_signed_at == clock.now()
    # No meeting yet: still getting started.
    assert relationship.status is RelationshipStatus.INITIATION
    assert (await logged(db, pair))[-1] == ("agreement_signed", MENTOR)
    assert (await notice(db, pair, "signed", agreement.id, clock.now()))[2] == {
        "agreement_id": agreement.id,
        "event": "signed",
    }
    clock.advance(seconds=2)
    before = await everything(db)
    again = await sign(db, clock, pair, agreement.id)
    assert again.mentor_signed_at == signed.mentor_signed_at
    assert await everything(db) == before


async def test_signing_after_the_first_meeting_moves_the_pair_on(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    async with db.transaction() as s:
        booked = await meetings.book(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            draft=meetings.MeetingDraft(clock.now() + timedelta(days=1), 30, ""),
        )
    clock.advance(days=1)
    async with db.transaction() as s:
        row = await s.get(Meeting, booked.id)
        assert row is not None
        await meetings.start(session=s, now=clock.now(), meeting=row)
    agreement = await draft(db, clock, pair)
    assert (await relationship_of(db, pair)).status is RelationshipStatus.INITIATION
    await sign(db, clock, pair, agreement.id)
    assert (await relationship_of(db, pair)).status is RelationshipStatus.CULTIVATION


async def test_a_revision_supersedes_the_last_and_needs_both_signatures_again(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    first = await draft(db, clock, pair)
    await sign(db, clock, pair, first.id)
    clock.advance(days=10)
    second = await draft(db, clock, pair, cadence=Cadence.MONTHLY)
    assert (second.version, second.mentor_signed_at) == (2, None)
    assert (await relationship_of(db, pair)).agreement_signed_at is None
    async with db.transaction() as s:
        old = await s.get(Agreement, first.id)
    assert old is not None and old.superseded_at == clock.now()

    def acting_on_the_first(act: str) -> Act:
        if act == "sign":
            return lambda s: agreements.sign(
                session=s, clock=clock, actor=pair.mentor, agreement_id=first.id
            )
        return lambda s: agreements.suggest_changes(
            session=s, clock=clock, actor=pair.mentor, agreement_id=first.id, suggestion="No"
        )

    for act in ("sign", "suggest"):
        error = await refusal(db, Conflict, acting_on_the_first(act))
        assert "newer version" in error.message
    await sign(db, clock, pair, second.id)
    assert (await relationship_of(db, pair)).agreement_signed_at == clock.now()
    async with db.transaction() as s:
        [(relationship, role, current)] = await agreements.for_actor(session=s, actor=pair.mentor)
    assert (relationship.id, role, current and current.id) == (
        pair.relationship_id,
        MENTOR,
        second.id,
    )


async def test_each_of_the_pair_keeps_to_their_part(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)
    error = await refusal(
        db,
        NotAllowed,
        lambda s: agreements.draft(
            session=s,
            clock=clock,
            actor=pair.mentor,
            relationship_id=pair.relationship_id,
            terms=agreement_terms(),
        ),
    )
    assert "The mentee drafts the agreement" in error.message
    agreement = await draft(db, clock, pair)
    await refusal(
        db,
        NotAllowed,
        lambda s: agreements.sign(
            session=s, clock=clock, actor=pair.mentee, agreement_id=agreement.id
        ),
    )
    await refusal(
        db,
        NotAllowed,
        lambda s: agreements.suggest_changes(
            session=s, clock=clock, actor=pair.mentee, agreement_id=agreement.id, suggestion="x"
        ),
    )


async def test_no_agreement_before_the_mentor_accepts_or_after_the_end(
    db: Database, clock: ManualClock
) -> None:
    async with db.transaction() as s:
        waiting = await requested_pair(s, clock)
    accepted = await accepted_pair(db, clock, tag="2")
    async with db.transaction() as s:
        await separation.end_early(
            session=s,
            clock=clock,
            actor=accepted.mentor,
            relationship_id=accepted.relationship_id,
            reason="Moving on",
        )

    def drafting(pair: Pair) -> Act:
        return lambda s: agreements.draft(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            terms=agreement_terms(),
        )

    for pair in (waiting, accepted):
        error = await refusal(db, Conflict, drafting(pair))
        assert "once the mentor has accepted" in error.message
    for pair in (waiting, accepted):
        async with db.transaction() as s:
            assert await agreements.for_actor(session=s, actor=pair.mentee) == []


async def test_an_agreement_is_the_pairs_alone(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)
    agreement = await draft(db, clock, pair)

    def acts(actor: User, real: bool) -> list[Act]:
        relationship_id, agreement_id = (
            (pair.relationship_id, agreement.id) if real else (MISSING, MISSING)
        )
        return [
            lambda s: agreements.draft(
                session=s,
                clock=clock,
                actor=actor,
                relationship_id=relationship_id,
                terms=agreement_terms(),
            ),
            lambda s: agreements.sign(
                session=s, clock=clock, actor=actor, agreement_id=agreement_id
            ),
            lambda s: agreements.suggest_changes(
                session=s, clock=clock, actor=actor, agreement_id=agreement_id, suggestion="x"
            ),
        ]

    await refused_to_outsiders(db, clock, pair, acts)


# The pair was accepted on Monday 2 March 2026 (the clock's start), so 24 months run to
# 2 March 2028.
@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"meeting_minutes": 40}, {F.LENGTH}),
        ({"end_date": date(2026, 3, 2)}, {F.END_DATE}),
        ({"end_date": date(2026, 3, 1)}, {F.END_DATE}),
        ({"end_date": date(2028, 3, 3)}, {F.END_DATE}),
        ({"channel": "carrier pigeon"}, {F.CHANNEL}),
        ({"channel": "other", "channel_detail": "  "}, {F.CHANNEL_DETAIL}),
        ({"channel_detail": "x" * 1001}, {F.CHANNEL_DETAIL}),
        ({"in_scope": " "}, {F.IN_SCOPE}),
        ({"in_scope": "x" * 1001}, {F.IN_SCOPE}),
        ({"out_of_scope": "x" * 1001}, {F.OUT_OF_SCOPE}),
        ({"from_mentor": ""}, {F.FROM_MENTOR}),
        ({"from_mentee": "\n"}, {F.FROM_MENTEE}),
        ({"note": "x" * 1001}, {F.NOTE}),
        (
            {"in_scope": "", "from_mentor": "", "from_mentee": ""},
            {F.IN_SCOPE, F.FROM_MENTOR, F.FROM_MENTEE},
        ),
    ],
)
async def test_agreement_field_errors(
    db: Database, clock: ManualClock, changes: dict[str, object], fields: set[str]
) -> None:
    pair = await accepted_pair(db, clock)
    error = await refusal(
        db,
        InvalidInput,
        lambda s: agreements.draft(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            terms=agreement_terms(**changes),
        ),
    )
    assert set(error.fields) == fields


async def test_the_limits_themselves_are_allowed(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)
    await draft(
        db,
        clock,
        pair,
        end_date=date(2028, 3, 2),
        channel="other",
        channel_detail="x" * 1000,
        in_scope="x" * 1000,
        note="x" * 1000,
    )
    await draft(db, clock, pair, end_date=date(2026, 3, 3), meeting_minutes=90)


@pytest.mark.parametrize(
    ("tz", "refused"),
    [
        # Monday 20:00 UTC: still Monday in Lisbon, already Tuesday (the end date) in Tokyo.
        ("Europe/Lisbon", False),
        ("Asia/Tokyo", True),
    ],
)
async def test_the_end_date_must_be_after_the_mentees_today(
    db: Database, clock: ManualClock, tz: str, refused: bool
) -> None:
    pair = await accepted_pair(db, clock, mentee_tz=tz, mentor_tz=tz)
    clock.set(datetime(2026, 3, 2, 20, 0, tzinfo=UTC))
    tuesday = date(2026, 3, 3)
    if not refused:
        await draft(db, clock, pair, end_date=tuesday)
        return
    error = await refusal(
        db,
        InvalidInput,
        lambda s: agreements.draft(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            terms=agreement_terms(end_date=tuesday),
        ),
    )
    assert set(error.fields) == {F.END_DATE}


async def test_the_mentor_suggests_changes_until_they_sign(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    agreement = await draft(db, clock, pair)
    clock.advance(hours=1)
    async with db.transaction() as s:
        suggested = await agreements.suggest_changes(
            session=s,
            clock=clock,
            actor=pair.mentor,
            agreement_id=agreement.id,
            suggestion="  Monthly suits me better \n",
        )
    assert suggested.change_request == "Monthly suits me better"
    assert (await logged(db, pair))[-1] == ("mentor_suggested_changes", MENTOR)
    assert (await notice(db, pair, "suggested", agreement.id, clock.now()))[2] == {
        "agreement_id": agreement.id,
        "event": "suggested",
    }

    def suggesting(text: str) -> Act:
        return lambda s: agreements.suggest_changes(
            session=s, clock=clock, actor=pair.mentor, agreement_id=agreement.id, suggestion=text
        )

    for text in (" ", "x" * (agreements.SUGGESTION_MAX + 1)):
        error = await refusal(db, InvalidInput, suggesting(text))
        assert set(error.fields) == {"suggestion"}
    await sign(db, clock, pair, agreement.id)
    late = await refusal(db, Conflict, suggesting("Too late"))
    assert "You've signed this version" in late.message


async def test_each_sees_their_own_live_agreements(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)
    async with db.transaction() as s:
        [(_, role, current)] = await agreements.for_actor(session=s, actor=pair.mentee)
    assert (role, current) == (MENTEE, None)
    agreement = await draft(db, clock, pair)
    for actor, expected in ((pair.mentee, MENTEE), (pair.mentor, MENTOR)):
        async with db.transaction() as s:
            [(relationship, role, current)] = await agreements.for_actor(session=s, actor=actor)
        assert (relationship.id, role) == (pair.relationship_id, expected)
        assert current is not None and current.id == agreement.id
    async with db.transaction() as s:
        versions = (await s.scalars(select(Agreement.version))).all()
    assert versions == [1]
