"""The mentoring agreement: drafted by the mentee, signed by both, revised by a new version
that both sign again. Its text is private to the pair."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy.ext.asyncio import AsyncSession

from bot import activity
from bot.access import membership
from bot.activity import ActivityKind
from bot.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.forms import check_length
from bot.ids import AgreementField as F
from bot.separation.wrapup import plan_wrap_up
from infra.clock import Clock
from infra.windows import local_instant, zone
from scheduling.api import cancel_where, tell_pair
from scheduling.kinds import Kind
from storage.enums import LIVE_RELATIONSHIP_STATUSES as LIVE
from storage.enums import ActorRole, Cadence, RelationshipStatus
from storage.models import Agreement, Relationship, User
from storage.repositories import relationships as rel_repo

CHANNELS = {
    "slack": "Slack huddles and messages",
    "video": "Video calls",
    "in_person": "In person",
    "phone": "Phone calls",
    "other": "Something else",
}
MEETING_MINUTES = (30, 45, 60, 90)
TEXT_MAX = 1000
SUGGESTION_MAX = 1000


@dataclass(frozen=True)
class Terms:
    cadence: Cadence
    meeting_minutes: int
    end_date: date
    channel: str
    channel_detail: str = ""
    in_scope: str = ""
    out_of_scope: str = ""
    from_mentor: str = ""  # what the mentee expects of the mentor
    from_mentee: str = ""  # what the mentor can expect of the mentee
    confidential: bool = True
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["cadence"] = self.cadence.value
        data["end_date"] = self.end_date.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Terms:
        return cls(
            cadence=Cadence(data["cadence"]),
            meeting_minutes=int(data["meeting_minutes"]),
            end_date=date.fromisoformat(data["end_date"]),
            channel=str(data["channel"]),
            channel_detail=str(data.get("channel_detail", "")),
            in_scope=str(data.get("in_scope", "")),
            out_of_scope=str(data.get("out_of_scope", "")),
            from_mentor=str(data.get("from_mentor", "")),
            from_mentee=str(data.get("from_mentee", "")),
            confidential=bool(data.get("confidential", True)),
            note=str(data.get("note", "")),
        )


def default_terms(relationship: Relationship, today: date) -> Terms:
    end = (
        relationship.ends_at.date()
        if relationship.ends_at
        else today + relativedelta(months=relationship.program.relationship_months)
    )
    return Terms(
        cadence=relationship.program.cadence,
        meeting_minutes=45,
        end_date=end,
        channel="video",
        confidential=True,
    )


def validate(terms: Terms, *, today: date, started: date) -> None:
    errors: dict[str, str] = {}
    if terms.meeting_minutes not in MEETING_MINUTES:
        errors[F.LENGTH] = "Choose how long your meetings last."
    if terms.end_date <= today:
        errors[F.END_DATE] = "Choose a date in the future."
    elif terms.end_date > started + relativedelta(months=24):
        errors[F.END_DATE] = "Mentoring relationships last at most 24 months."
    if terms.channel not in CHANNELS:
        errors[F.CHANNEL] = "Choose how you'll meet."
    if terms.channel == "other" and not terms.channel_detail.strip():
        errors[F.CHANNEL_DETAIL] = "Say how you'll meet."
    for key, value in (
        (F.CHANNEL_DETAIL, terms.channel_detail),
        (F.IN_SCOPE, terms.in_scope),
        (F.OUT_OF_SCOPE, terms.out_of_scope),
        (F.FROM_MENTOR, terms.from_mentor),
        (F.FROM_MENTEE, terms.from_mentee),
        (F.NOTE, terms.note),
    ):
        check_length(key, value, TEXT_MAX, errors)
    if not terms.in_scope.strip():
        errors.setdefault(F.IN_SCOPE, "Say what you'd like to work on together.")
    if not terms.from_mentor.strip():
        errors.setdefault(F.FROM_MENTOR, "Say what you're hoping for from your mentor.")
    if not terms.from_mentee.strip():
        errors.setdefault(F.FROM_MENTEE, "Say what your mentor can count on from you.")
    if errors:
        raise InvalidInput.for_fields(errors)


def require_drafter(role: ActorRole) -> None:
    """The mentee drafts the agreement, and revises it."""
    if role is not ActorRole.MENTEE:
        raise NotAllowed(
            "The mentee drafts the agreement: it's their relationship to lead. "
            "You can sign it or suggest changes once it's posted."
        )


def require_reviewer(role: ActorRole) -> None:
    """The mentor suggests changes to it (the mentee revises it instead)."""
    if role is not ActorRole.MENTOR:
        raise NotAllowed("You drafted it: revise it with `/mentor agreement`.")


async def draft(
    *, session: AsyncSession, clock: Clock, actor: User, relationship_id: int, terms: Terms
) -> Agreement:
    """The mentee writes (or revises) the agreement; drafting it is their signature."""
    member = await membership(session=session, actor=actor, relationship_id=relationship_id)
    relationship = member.relationship
    require_drafter(member.role)
    if relationship.status not in LIVE:
        raise Conflict("The agreement can be drafted once the mentor has accepted.")
    now = clock.now()
    tz = zone(actor.tz)
    validate(
        terms,
        today=now.astimezone(tz).date(),
        started=(relationship.started_at or now).astimezone(tz).date(),
    )
    previous = await rel_repo.current_agreement(session=session, relationship_id=relationship.id)
    if previous is not None:
        previous.superseded_at = now
    agreement = Agreement(
        team_id=relationship.team_id,
        relationship_id=relationship.id,
        version=(previous.version + 1) if previous else 1,
        terms=terms.to_dict(),
        created_at=now,
        mentee_signed_at=now,
        mentor_signed_at=None,
        superseded_at=None,
        change_request="",
    )
    session.add(agreement)
    relationship.ends_at = local_instant(terms.end_date, time(17, 0), tz)
    relationship.agreement_signed_at = None  # a revision needs both signatures again
    relationship.updated_at = now
    await session.flush()
    await activity.record(
        session=session,
        relationship=relationship,
        actor=actor,
        role=ActorRole.MENTEE,
        kind=ActivityKind.AGREEMENT_DRAFTED,
        now=now,
    )
    await _notice(
        session=session, now=now, agreement=agreement, relationship=relationship, event="drafted"
    )
    # Both are asked to wrap up two weeks before the agreed end, not the one planned when the
    # mentor accepted.
    await cancel_where(
        session=session,
        now=now,
        team_id=relationship.team_id,
        relationship_id=relationship.id,
        kinds=(Kind.WRAP_UP,),
    )
    await plan_wrap_up(session=session, now=now, relationship=relationship)
    return agreement


async def sign(*, session: AsyncSession, clock: Clock, actor: User, agreement_id: int) -> Agreement:
    agreement, relationship, role = await _current(
        session=session, actor=actor, agreement_id=agreement_id
    )
    if role is not ActorRole.MENTOR:
        raise NotAllowed("Your signature is on it already: you drafted it.")
    if agreement.mentor_signed_at is not None:
        return agreement  # a double click
    now = clock.now()
    agreement.mentor_signed_at = now
    relationship.agreement_signed_at = now
    relationship.updated_at = now
    advance(relationship)
    await activity.record(
        session=session,
        relationship=relationship,
        actor=actor,
        role=ActorRole.MENTOR,
        kind=ActivityKind.AGREEMENT_SIGNED,
        now=now,
    )
    await _notice(
        session=session, now=now, agreement=agreement, relationship=relationship, event="signed"
    )
    return agreement


async def suggest_changes(
    *, session: AsyncSession, clock: Clock, actor: User, agreement_id: int, suggestion: str
) -> Agreement:
    agreement, relationship, role = await _current(
        session=session, actor=actor, agreement_id=agreement_id
    )
    require_reviewer(role)
    text = suggestion.strip()
    if not text:
        raise InvalidInput.for_fields({F.SUGGESTION: "Say what you'd like changed."})
    check_length(F.SUGGESTION, text, SUGGESTION_MAX)
    if agreement.mentor_signed_at is not None:
        raise Conflict("You've signed this version. The mentee can revise it if you both agree.")
    now = clock.now()
    agreement.change_request = text
    await activity.record(
        session=session,
        relationship=relationship,
        actor=actor,
        role=ActorRole.MENTOR,
        kind=ActivityKind.MENTOR_SUGGESTED_CHANGES,
        now=now,
    )
    await _notice(
        session=session, now=now, agreement=agreement, relationship=relationship, event="suggested"
    )
    return agreement


async def for_actor(
    *, session: AsyncSession, actor: User
) -> list[tuple[Relationship, ActorRole, Agreement | None]]:
    """The actor's live relationships with their current agreements (for `/mentor agreement`)."""
    out: list[tuple[Relationship, ActorRole, Agreement | None]] = []
    for relationship in await rel_repo.for_user(
        session=session, team_id=actor.team_id, user_id=actor.id
    ):
        if relationship.status not in LIVE:
            continue
        role = ActorRole.MENTOR if relationship.mentor_user_id == actor.id else ActorRole.MENTEE
        current = await rel_repo.current_agreement(session=session, relationship_id=relationship.id)
        out.append((relationship, role, current))
    return out


def advance(relationship: Relationship) -> None:
    """Initiation becomes cultivation once the agreement is signed and the first meeting held."""
    if (
        relationship.status is RelationshipStatus.INITIATION
        and relationship.agreement_signed_at is not None
        and relationship.first_meeting_at is not None
    ):
        relationship.status = RelationshipStatus.CULTIVATION


async def _current(
    *, session: AsyncSession, actor: User, agreement_id: int
) -> tuple[Agreement, Relationship, ActorRole]:
    agreement = await rel_repo.agreement(
        session=session, team_id=actor.team_id, agreement_id=agreement_id
    )
    if agreement is None:
        raise NotFound("That agreement doesn't exist.")
    member = await membership(
        session=session, actor=actor, relationship_id=agreement.relationship_id
    )
    if agreement.superseded_at is not None:
        raise Conflict("There's a newer version of this agreement: see `/mentor agreement`.")
    return agreement, member.relationship, member.role


async def _notice(
    *,
    session: AsyncSession,
    now: datetime,
    agreement: Agreement,
    relationship: Relationship,
    event: str,
) -> None:
    await tell_pair(
        session=session,
        now=now,
        kind=Kind.AGREEMENT_NOTICE,
        key=f"agreement:{event}:{agreement.id}:{int(now.timestamp())}",
        relationship=relationship,
        payload={"agreement_id": agreement.id, "event": event},
    )
