"""After a meeting: what was agreed (takeaways and up to five actions), the mentor's
confirmation, "did you meet?" when nothing came, and the actions until they are done.

Capturing is the mentee's job. When the mentor writes the notes instead, that is recorded as
``mentor_wrote_notes``: one of the danger signs the managers' signals look for. The activity
log holds who did what, never the notes' text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import activity
from bot.access import membership
from bot.activity import ActivityKind
from bot.agreements.service import for_actor
from bot.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.forms import check_length
from bot.ids import CaptureField as F
from bot.ids import MeetingField
from bot.meetings import service as meeting_svc
from bot.programs.service import capture_lead
from infra.clock import Clock
from infra.windows import local_date, local_instant, zone
from scheduling.api import cancel as cancel_work
from scheduling.api import schedule, tell_pair
from scheduling.kinds import Kind
from storage.due_work import Timing
from storage.enums import ActionStatus, ActorRole, MeetingOutcome, MeetingStatus
from storage.models import ActionItem, Meeting, MeetingNotes, Relationship, User

MAX_ACTIONS = 5
ACTION_MAX = 300
TAKEAWAYS_MAX = 3000
CHANGE_MAX = 1000
CAPTURE_REMINDER_AFTER = timedelta(hours=48)
CHECK_AFTER = timedelta(hours=96)  # "did you meet?" when nothing was captured by then
# "Did you meet?" answered, as the activity log records it.
OUTCOME_KINDS = {
    MeetingOutcome.MET: ActivityKind.MEETING_MET,
    MeetingOutcome.RESCHEDULED: ActivityKind.MEETING_RESCHEDULED,
    MeetingOutcome.CANCELLED: ActivityKind.MEETING_CANCELLED,
}


@dataclass(frozen=True)
class ActionDraft:
    text: str
    owner: ActorRole
    due_on: date | None


@dataclass(frozen=True)
class CaptureDraft:
    takeaways: str
    actions: tuple[ActionDraft, ...]
    next_starts_at: datetime | None = None
    next_minutes: int | None = None


def require_started(meeting: Meeting, now: datetime) -> None:
    """What was agreed is captured once the meeting has begun."""
    if meeting.starts_at > now:
        raise Conflict("That meeting hasn't happened yet. Capture what you agreed afterwards.")


def notes_to_suggest_on(meeting: Meeting, role: ActorRole) -> MeetingNotes:
    """The meeting's notes, which the partner who didn't write them may suggest changes to."""
    if meeting.notes is None:
        raise NotFound("Those notes no longer exist.")
    if meeting.notes.author_role is role:
        raise NotAllowed("You wrote these notes: edit them with Capture instead.")
    return meeting.notes


def validate(draft: CaptureDraft, *, today: date) -> CaptureDraft:
    draft = CaptureDraft(
        takeaways=draft.takeaways.strip(),
        actions=tuple(
            ActionDraft(a.text.strip(), a.owner, a.due_on) for a in draft.actions if a.text.strip()
        ),
        next_starts_at=draft.next_starts_at,
        next_minutes=draft.next_minutes,
    )
    errors: dict[str, str] = {}
    check_length(F.TAKEAWAYS, draft.takeaways, TAKEAWAYS_MAX, errors)
    if len(draft.actions) > MAX_ACTIONS:
        errors[F.TAKEAWAYS] = f"Up to {MAX_ACTIONS} actions: pick the ones that matter most."
    for n, item in enumerate(draft.actions, start=1):
        check_length(F.action(n, "what"), item.text, ACTION_MAX, errors)
        if item.owner not in (ActorRole.MENTEE, ActorRole.MENTOR):
            errors[F.action(n, "owner")] = "Say whose action this is."
        if item.due_on is not None and item.due_on < today:
            errors[F.action(n, "due")] = "That date has passed."
    if not draft.takeaways and not draft.actions and F.TAKEAWAYS not in errors:
        errors[F.TAKEAWAYS] = "Write what you took away, or at least one action."
    if errors:
        raise InvalidInput.for_fields(errors)
    return draft


async def capture(
    *,
    session: AsyncSession,
    clock: Clock,
    actor: User,
    meeting_id: int,
    draft: CaptureDraft,
    source: str = "modal",
) -> MeetingNotes:
    """Store what was agreed, post it to the pair and plan reminders for the actions.
    Capturing again replaces the open actions of this meeting (an edit); the same capture
    twice (a double submit, a retried event) changes nothing."""
    meeting, role = await meeting_svc.load(session=session, actor=actor, meeting_id=meeting_id)
    now = clock.now()
    if meeting.status is MeetingStatus.CANCELLED or meeting.outcome in (
        MeetingOutcome.CANCELLED,
        MeetingOutcome.RESCHEDULED,
    ):
        raise Conflict("That meeting didn't happen, so there's nothing to capture.")
    require_started(meeting, now)
    draft = validate(draft, today=local_date(clock.now(), actor.tz))
    relationship = meeting.pair
    existing = await actions_of(session=session, meeting_id=meeting.id)
    notes = meeting.notes
    if notes is not None and _same(notes, existing, draft):
        return notes
    if notes is None:
        notes = MeetingNotes(team_id=meeting.team_id, meeting_id=meeting.id, created_at=now)
        session.add(notes)
        meeting.notes = notes
    notes.takeaways = draft.takeaways
    notes.source = source
    notes.author_id = actor.id
    notes.author_role = role
    notes.updated_at = now
    notes.confirmed_at = None
    notes.change_request = ""
    for old in existing:
        if old.status is ActionStatus.OPEN:
            await _cancel_action_work(session=session, now=now, item=old)
            await session.delete(old)
    if draft.next_starts_at is not None:
        await _book_next(
            session=session,
            clock=clock,
            actor=actor,
            relationship=relationship,
            meeting=meeting,
            draft=draft,
        )
    await session.flush()
    for item in draft.actions:
        row = ActionItem(
            team_id=meeting.team_id,
            relationship_id=relationship.id,
            meeting_id=meeting.id,
            text=item.text,
            owner_role=item.owner,
            due_on=item.due_on,
            status=ActionStatus.OPEN,
            created_by=actor.id,
            created_at=now,
        )
        session.add(row)
        await session.flush()
        await _plan_action(session=session, now=now, relationship=relationship, item=row)
    await activity.record(
        session=session,
        relationship=relationship,
        actor=actor,
        role=role,
        kind=ActivityKind.NOTES_CAPTURED
        if role is ActorRole.MENTEE
        else ActivityKind.MENTOR_WROTE_NOTES,
        now=now,
        data={"meeting_id": meeting.id, "actions": len(draft.actions), "source": source},
    )
    if meeting.outcome is None:
        meeting.outcome, meeting.outcome_by_role = MeetingOutcome.MET, role
    for key in _capture_keys(meeting):
        await cancel_work(session=session, key=key, now=now)
    await tell_pair(
        session=session,
        now=now,
        kind=Kind.CAPTURE_POST,
        key=f"capture-post:meeting:{meeting.id}:{int(now.timestamp())}",
        relationship=relationship,
        payload={"meeting_id": meeting.id},
    )
    return notes


def _same(notes: MeetingNotes, existing: list[ActionItem], draft: CaptureDraft) -> bool:
    current = [(a.text, a.owner_role, a.due_on) for a in existing]
    wanted = [(a.text, a.owner, a.due_on) for a in draft.actions]
    return notes.takeaways == draft.takeaways and current == wanted and not draft.next_starts_at


async def _book_next(
    *,
    session: AsyncSession,
    clock: Clock,
    actor: User,
    relationship: Relationship,
    meeting: Meeting,
    draft: CaptureDraft,
) -> None:
    """Book the next meeting from the capture form; its field errors land on the form's own
    next-meeting fields."""
    try:
        await meeting_svc.book(
            session=session,
            clock=clock,
            actor=actor,
            relationship_id=relationship.id,
            draft=meeting_svc.MeetingDraft(
                starts_at=draft.next_starts_at,
                minutes=draft.next_minutes or meeting.minutes,
                place=meeting.place,
            ),
        )
    except InvalidInput as error:
        fields: dict[str, str] = {MeetingField.MINUTES: F.NEXT_MINUTES}
        mapped = {str(fields.get(k, F.NEXT_WHEN)): v for k, v in error.fields.items()}
        raise InvalidInput.for_fields(mapped) from None


async def actions_of(*, session: AsyncSession, meeting_id: int) -> list[ActionItem]:
    return list(
        (
            await session.scalars(
                select(ActionItem)
                .where(ActionItem.meeting_id == meeting_id)
                .order_by(ActionItem.id)
            )
        ).all()
    )


def owner_of(relationship: Relationship, item: ActionItem) -> User:
    return relationship.mentor if item.owner_role is ActorRole.MENTOR else relationship.mentee


async def _plan_action(
    *, session: AsyncSession, now: datetime, relationship: Relationship, item: ActionItem
) -> None:
    """Remind the owner on the due day (in their working hours); note it overdue the day
    after if it is still open."""
    if item.due_on is None:
        return
    owner = owner_of(relationship, item)
    tz = zone(owner.tz)
    common = {
        "session": session,
        "now": now,
        "team_id": item.team_id,
        "program_id": relationship.program_id,
        "relationship_id": relationship.id,
        "payload": {"action_id": item.id},
    }
    await schedule(
        **common,  # type: ignore[arg-type]
        kind=Kind.ACTION_DUE,
        key=f"action-due:action:{item.id}",
        due_at=max(now, local_instant(item.due_on, time(0), tz)),
        timing=Timing.WORKING_HOURS,
        recipient_id=owner.slack_user_id,
    )
    await schedule(
        **common,  # type: ignore[arg-type]
        kind=Kind.ACTION_OVERDUE,
        key=f"action-overdue:action:{item.id}",
        due_at=max(now, local_instant(item.due_on + timedelta(days=1), time(0), tz)),
        timing=Timing.IMMEDIATE,
    )


async def _cancel_action_work(*, session: AsyncSession, now: datetime, item: ActionItem) -> None:
    for key in (f"action-due:action:{item.id}", f"action-overdue:action:{item.id}"):
        await cancel_work(session=session, key=key, now=now)


def _capture_keys(meeting: Meeting) -> list[str]:
    return [
        f"capture-prompt:meeting:{meeting.id}",
        f"capture-reminder:meeting:{meeting.id}",
        f"meeting-check:meeting:{meeting.id}:mentee",
        f"meeting-check:meeting:{meeting.id}:mentor",
    ]


async def plan_after(*, session: AsyncSession, now: datetime, meeting: Meeting) -> None:
    """The meeting has started: ask the mentee to capture an hour after it ends, remind once
    after 48 hours, and ask both "did you meet?" if still nothing has come."""
    relationship = meeting.pair
    mentee, mentor = relationship.mentee, relationship.mentor
    common = {
        "session": session,
        "now": now,
        "team_id": meeting.team_id,
        "program_id": relationship.program_id,
        "relationship_id": relationship.id,
        "payload": {"meeting_id": meeting.id},
        "timing": Timing.WORKING_HOURS,
    }
    ends = meeting.ends_at
    await schedule(
        **common,  # type: ignore[arg-type]
        kind=Kind.CAPTURE_PROMPT,
        key=f"capture-prompt:meeting:{meeting.id}",
        due_at=ends + timedelta(hours=capture_lead(relationship.program)),
        recipient_id=mentee.slack_user_id,
    )
    await schedule(
        **common,  # type: ignore[arg-type]
        kind=Kind.CAPTURE_REMINDER,
        key=f"capture-reminder:meeting:{meeting.id}",
        due_at=ends + CAPTURE_REMINDER_AFTER,
        recipient_id=mentee.slack_user_id,
    )
    for person, part in ((mentee, "mentee"), (mentor, "mentor")):
        await schedule(
            **{**common, "payload": {"meeting_id": meeting.id, "to": part}},  # type: ignore[arg-type]
            kind=Kind.MEETING_CHECK,
            key=f"meeting-check:meeting:{meeting.id}:{part}",
            due_at=ends + CHECK_AFTER,
            recipient_id=person.slack_user_id,
        )


async def confirm(*, session: AsyncSession, clock: Clock, actor: User, meeting_id: int) -> bool:
    """The other person confirms the summary. Returns False if it was already confirmed."""
    meeting, role = await meeting_svc.load(session=session, actor=actor, meeting_id=meeting_id)
    notes = meeting.notes
    if notes is None:
        raise NotFound("Those notes no longer exist.")
    if notes.author_role is role:
        raise Conflict("You wrote these notes: your partner confirms them.")
    if notes.confirmed_at is not None:
        return False
    now = clock.now()
    notes.confirmed_at = now
    await activity.record(
        session=session,
        relationship=meeting.pair,
        actor=actor,
        role=role,
        kind=ActivityKind.NOTES_CONFIRMED,
        now=now,
        data={"meeting_id": meeting.id},
    )
    return True


async def suggest_change(
    *, session: AsyncSession, clock: Clock, actor: User, meeting_id: int, text: str
) -> MeetingNotes:
    meeting, role = await meeting_svc.load(session=session, actor=actor, meeting_id=meeting_id)
    notes = notes_to_suggest_on(meeting, role)
    text = text.strip()
    if not text:
        raise InvalidInput.for_fields({F.CHANGE: "Say what you'd change."})
    check_length(F.CHANGE, text, CHANGE_MAX)
    now = clock.now()
    notes.change_request = text
    notes.confirmed_at = None
    await activity.record(
        session=session,
        relationship=meeting.pair,
        actor=actor,
        role=role,
        kind=ActivityKind.NOTES_CHANGE_SUGGESTED,
        now=now,
        data={"meeting_id": meeting.id},
    )
    await tell_pair(
        session=session,
        now=now,
        kind=Kind.CAPTURE_POST,
        key=f"capture-change:meeting:{meeting.id}:{int(now.timestamp())}",
        relationship=meeting.pair,
        payload={"meeting_id": meeting.id, "event": "change"},
    )
    return notes


async def record_outcome(
    *, session: AsyncSession, clock: Clock, actor: User, meeting_id: int, outcome: MeetingOutcome
) -> tuple[Meeting, bool]:
    """The answer to "Did you meet?". The first answer stands; returns whether this one was
    recorded."""
    meeting, role = await meeting_svc.load(session=session, actor=actor, meeting_id=meeting_id)
    now = clock.now()
    if meeting.starts_at > now:
        raise Conflict("That meeting hasn't happened yet.")
    if meeting.outcome is not None:
        return meeting, False
    meeting.outcome, meeting.outcome_by_role = outcome, role
    meeting.updated_at = now
    await activity.record(
        session=session,
        relationship=meeting.pair,
        actor=actor,
        role=role,
        kind=OUTCOME_KINDS[outcome],
        now=now,
        data={"meeting_id": meeting.id, "asked": True},
    )
    for key in _capture_keys(meeting):
        await cancel_work(session=session, key=key, now=now)
    return meeting, True


async def complete_action(
    *, session: AsyncSession, clock: Clock, actor: User, action_id: int
) -> tuple[ActionItem, bool]:
    """Mark an action done (either of the pair may). Returns whether it changed."""
    item = await session.get(ActionItem, action_id)
    if item is None or item.team_id != actor.team_id:
        raise NotFound("That action no longer exists.")
    member = await membership(session=session, actor=actor, relationship_id=item.relationship_id)
    if item.status is ActionStatus.DONE:
        return item, False
    now = clock.now()
    item.status = ActionStatus.DONE
    item.done_at = now
    item.done_by_role = member.role
    today = local_date(now, owner_of(member.relationship, item).tz)
    await activity.record(
        session=session,
        relationship=member.relationship,
        actor=actor,
        role=member.role,
        kind=ActivityKind.ACTION_DONE,
        now=now,
        data={
            "action_id": item.id,
            "owner": item.owner_role.value,
            "on_time": item.due_on is None or today <= item.due_on,
        },
    )
    await _cancel_action_work(session=session, now=now, item=item)
    return item, True


async def mark_overdue(*, session: AsyncSession, now: datetime, item: ActionItem) -> bool:
    if item.status is not ActionStatus.OPEN or item.overdue_at is not None:
        return False
    item.overdue_at = now
    await activity.record(
        session=session,
        relationship=item.pair,
        actor=None,
        role=ActorRole.SYSTEM,
        kind=ActivityKind.ACTION_OVERDUE,
        now=now,
        data={"action_id": item.id, "owner": item.owner_role.value},
    )
    return True


async def open_actions(
    *, session: AsyncSession, actor: User
) -> list[tuple[Relationship, ActorRole, list[ActionItem]]]:
    """The actor's live relationships with their open actions, soonest due first."""
    out = []
    for relationship, role, _ in await for_actor(session=session, actor=actor):
        rows = (
            await session.scalars(
                select(ActionItem)
                .where(
                    ActionItem.relationship_id == relationship.id,
                    ActionItem.status == ActionStatus.OPEN,
                )
                .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
            )
        ).all()
        out.append((relationship, role, list(rows)))
    return out
