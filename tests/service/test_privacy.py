"""Erasure's first half against the real database: what ends at once when someone is
forgotten (a live pair, a request waiting for a leaving mentor), what is cancelled, and who
may ask for whom (every refusal writes nothing)."""

from __future__ import annotations

from sqlalchemy import select

from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.privacy import service as privacy
from infra.clock import ManualClock
from infra.db import Database
from scheduling.kinds import Kind
from storage.due_work import DueWork, Status
from storage.enums import EnrolmentStatus, RelationshipStatus
from storage.models import Enrolment, Relationship, User
from tests.service.helpers import (
    accepted_pair,
    person,
    refusal,
    requested_pair,
    stranger,
)


async def pending(db: Database, relationship_id: int) -> dict[str, dict[str, object]]:
    async with db.transaction() as s:
        rows = await s.scalars(
            select(DueWork).where(
                DueWork.relationship_id == relationship_id, DueWork.status == Status.PENDING
            )
        )
        return {w.dedup_key: {"kind": w.kind, **w.payload} for w in rows}


async def test_a_live_pair_ends_kindly_when_the_mentee_is_forgotten(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    assert await pending(db, pair.relationship_id)  # check-ins, signals, wrap-up…
    async with db.transaction() as s:
        await privacy.forget(
            session=s, clock=clock, actor=pair.mentee, subject=pair.mentee, why="asked"
        )
    async with db.transaction() as s:
        relationship = await s.get(Relationship, pair.relationship_id)
        assert relationship is not None
        assert relationship.status is RelationshipStatus.CLOSED and relationship.unilateral
        assert relationship.end_reason == ""
        enrolments = (
            await s.scalars(select(Enrolment).where(Enrolment.user_id == pair.mentee.id))
        ).all()
        assert {e.status for e in enrolments} == {EnrolmentStatus.LEFT}
        erasing = (await s.scalars(select(DueWork).where(DueWork.kind == Kind.ERASE_PERSON))).all()
        assert [w.payload["user_id"] for w in erasing] == [pair.mentee.id]
        assert "UMIA" not in str(erasing[0].payload)  # only our own row id
    # Only the farewell is left to go: everything else about the pair was cancelled.
    left = list((await pending(db, pair.relationship_id)).values())
    assert left == [{"kind": Kind.SEPARATION_NOTICE, "event": "left", "thanks": ""}]


async def test_a_request_waiting_for_a_leaving_mentor_sends_the_mentee_back_to_the_pool(
    db: Database, clock: ManualClock
) -> None:
    async with db.transaction() as s:
        pair = await requested_pair(s, clock)
    async with db.transaction() as s:
        await privacy.forget(
            session=s, clock=clock, actor=pair.mentor, subject=pair.mentor, why="asked"
        )
    async with db.transaction() as s:
        relationship = await s.get(Relationship, pair.relationship_id)
        assert relationship is not None
        assert relationship.status is RelationshipStatus.DECLINED
        assert relationship.decline_reason == ""
        mentee = await s.scalar(
            select(Enrolment).where(Enrolment.id == relationship.mentee_enrolment_id)
        )
        assert mentee is not None and mentee.waitlisted_at is not None
        assert "no longer taking part" in mentee.waitlist_reason
    notices = await pending(db, pair.relationship_id)
    assert {n["to"] for n in notices.values() if n["kind"] == Kind.RELATIONSHIP_NOTICE} == {
        "pair",
        "mentee",
    }


async def test_only_an_admin_of_the_same_workspace_forgets_someone_else(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    eve = await stranger(db, clock)
    foreign = await stranger(db, clock, team_id="T0002")
    await refusal(
        db,
        NotAllowed,
        lambda s: privacy.forget(
            session=s, clock=clock, actor=eve, subject=pair.mentee, why="admin"
        ),
    )
    await refusal(
        db,
        NotAllowed,
        lambda s: privacy.admin_target(session=s, actor=eve, who="@umia"),
    )
    await refusal(
        db,
        NotFound,
        lambda s: privacy.forget(
            session=s, clock=clock, actor=foreign, subject=pair.mentee, why="admin"
        ),
    )
    # The admin (UADMIN) finds people of her own workspace only, by handle or member id.
    async with db.transaction() as s:
        found = await privacy.admin_target(session=s, actor=pair.admin, who="@umia")
        assert found.id == pair.mentee.id
        assert (await privacy.admin_target(session=s, actor=pair.admin, who="UOMAR")).id == (
            pair.mentor.id
        )
        await person(s, clock, "UOTHERMIA", team_id="T0002")
    await refusal(
        db, NotFound, lambda s: privacy.admin_target(session=s, actor=pair.admin, who="UOTHERMIA")
    )
    async with db.transaction() as s:
        twin = await person(s, clock, "UMIA2")
        twin.name = "umia"
    await refusal(
        db, InvalidInput, lambda s: privacy.admin_target(session=s, actor=pair.admin, who="@umia")
    )
    await refusal(db, NotAllowed, lambda s: _own_button(eve, pair.mentee.slack_user_id))


async def _own_button(actor: User, value: str) -> None:
    privacy.require_own(actor, value)
