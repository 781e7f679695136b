"""Erasing one person, table by table, a bounded batch at a time.

What is kept and what goes (docs/privacy.md has the full table):

* **Their row in ``users``** stays, so the counts managers' history relies on (pairs,
  meetings, check-in scores, closing surveys) still add up; its Slack id becomes an opaque
  ``erased-<hash>`` and their names, time zone, roles and preferences are blanked.
* **Text they wrote, or that is about the time with them**, is blanked: their enrolment's
  goals, target role, skills, department, location, role and waiting-list reason; in every
  relationship they were part of, the reasons it was matched, declined or ended, the
  agreement's wording, meeting places, agendas, notes, actions and the comments on goals;
  the goals themselves when they were the mentee (a mentor's erasure leaves the mentee's own
  goals); their own check-in notes. Rows stay (counts), their text goes.
* **Where their Slack id or name can appear** is cleared: other people's enrolments naming
  them as line manager, programs they created, activity data, finished due work about them
  (payloads and the messages sent, which quote names and agendas), DM prompts of their
  pairs' meetings, the audit trail (the entries stay, under their anonymous id) and an
  OAuth installation they made (its user token).
* **What they had in Slack** (messages already sent) is Slack's: Mentorbot can't reach it.

Each step selects only rows not yet scrubbed and does at most ``limit`` of them, so a run
that stops half-way (a crash, the batch's budget) is picked up by the next run, and running
the whole erasure twice changes nothing the second time.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Text, and_, cast, delete, null, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import ColumnElement

from bot.privacy.service import anonymous_id, is_erased
from scheduling.kinds import Kind
from storage.due_work import DueWork, Status
from storage.models import (
    ActionItem,
    ActivityEvent,
    Agenda,
    Agreement,
    Alert,
    AuditEntry,
    Base,
    CheckIn,
    DmPrompt,
    Enrolment,
    Goal,
    GoalComment,
    MatchProposal,
    MatchRun,
    Meeting,
    MeetingNotes,
    Program,
    ProgramManager,
    Relationship,
    RelationshipHealth,
    User,
)

BATCH = 500  # rows per run, over all steps: a run is one short transaction
# The agreement's wording (its dates, cadence and channel are kept: counts and stages).
AGREEMENT_TEXT = (
    "channel_detail",
    "in_scope",
    "out_of_scope",
    "from_mentor",
    "from_mentee",
    "note",
)
INSTALLATIONS = "slack_installations"


@dataclass(frozen=True)
class Scope:
    """Everything one erasure touches, read afresh at the start of each run."""

    user: User
    slack_id: str
    anonymous: str
    names: tuple[str, ...]  # their names as stored, to find them in JSON text
    relationships: tuple[int, ...]
    as_mentee: tuple[int, ...]
    enrolments: tuple[int, ...]
    programs: tuple[int, ...]
    meetings: tuple[int, ...]

    @property
    def team_id(self) -> str:
        return self.user.team_id

    def mentions(self, column: Any) -> ColumnElement[bool]:
        """``column`` (JSON or text, as text) names them: their Slack id or a name of theirs."""
        text = cast(column, Text)
        needles = (self.slack_id, *self.names)
        return or_(*(text.contains(needle, autoescape=True) for needle in needles))


async def scope_of(session: AsyncSession, user: User) -> Scope:
    rels = (
        await session.execute(
            select(Relationship.id, Relationship.mentee_user_id).where(
                Relationship.team_id == user.team_id,
                or_(Relationship.mentee_user_id == user.id, Relationship.mentor_user_id == user.id),
            )
        )
    ).all()
    enrolments = (
        await session.execute(
            select(Enrolment.id, Enrolment.program_id).where(
                Enrolment.team_id == user.team_id, Enrolment.user_id == user.id
            )
        )
    ).all()
    rel_ids = tuple(r.id for r in rels)
    meetings = (
        (
            await session.scalars(select(Meeting.id).where(Meeting.relationship_id.in_(rel_ids)))
        ).all()
        if rel_ids
        else []
    )
    # Names as they appear inside stored JSON (escaped as json.dumps writes them), and only
    # ones long enough not to match everything.
    names = tuple(
        json.dumps(n)[1:-1] for n in {user.real_name.strip(), user.name.strip()} if len(n) >= 4
    )
    return Scope(
        user=user,
        slack_id=user.slack_user_id,
        anonymous=anonymous_id(user),
        names=names,
        relationships=rel_ids,
        as_mentee=tuple(r.id for r in rels if r.mentee_user_id == user.id),
        enrolments=tuple(e.id for e in enrolments),
        programs=tuple(sorted({e.program_id for e in enrolments})),
        meetings=tuple(meetings),
    )


# --- The steps --------------------------------------------------------------------------------

Step = Callable[[AsyncSession, Scope, int], Awaitable[int]]


async def _blank(
    session: AsyncSession,
    model: type[Base],
    where: Sequence[ColumnElement[bool]],
    values: dict[str, Any],
    limit: int,
) -> int:
    """Set ``values`` on up to ``limit`` rows of ``model`` matching ``where`` (which must
    exclude rows already blanked, so that a step finishes)."""
    pk: InstrumentedAttribute[int] = model.id  # type: ignore[attr-defined]
    ids = (await session.scalars(select(pk).where(*where).limit(limit))).all()
    if ids:
        await session.execute(
            update(model)
            .where(pk.in_(ids))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    return len(ids)


def _filled(*columns: Any) -> ColumnElement[bool]:
    """Any of these text columns is not blank yet."""
    return or_(*(c != "" for c in columns))


def _not_empty_json(column: Any, empty: str) -> ColumnElement[bool]:
    return and_(column.is_not(None), cast(column, Text) != empty)


async def enrolments(session: AsyncSession, s: Scope, limit: int) -> int:
    return await _blank(
        session,
        Enrolment,
        [
            Enrolment.id.in_(s.enrolments),
            or_(
                _filled(
                    Enrolment.goals,
                    Enrolment.target_role,
                    Enrolment.department,
                    Enrolment.location,
                    Enrolment.current_role,
                    Enrolment.waitlist_reason,
                ),
                Enrolment.manager_slack_id.is_not(None),
                _not_empty_json(Enrolment.skills_to_develop, "[]"),
                _not_empty_json(Enrolment.expertise, "[]"),
            ),
        ],
        {
            "goals": "",
            "target_role": "",
            "department": "",
            "location": "",
            "current_role": "",
            "waitlist_reason": "",
            "manager_slack_id": None,
            "skills_to_develop": [],
            "expertise": [],
        },
        limit,
    )


async def managed_by_them(session: AsyncSession, s: Scope, limit: int) -> int:
    """Other people's enrolments that name them as line manager (matching avoids pairing
    someone with their manager: the pairing is gone, so the name can go)."""
    return await _blank(
        session,
        Enrolment,
        [Enrolment.team_id == s.team_id, Enrolment.manager_slack_id == s.slack_id],
        {"manager_slack_id": None},
        limit,
    )


async def proposals(session: AsyncSession, s: Scope, limit: int) -> int:
    return await _blank(
        session,
        MatchProposal,
        [
            or_(
                MatchProposal.mentee_enrolment_id.in_(s.enrolments),
                MatchProposal.mentor_enrolment_id.in_(s.enrolments),
            ),
            _not_empty_json(MatchProposal.reasons, "[]"),
        ],
        {"reasons": []},
        limit,
    )


async def unmatched(session: AsyncSession, s: Scope, limit: int) -> int:
    """A match run's list of who could not be matched, and why (said from their profile)."""
    if not s.programs:
        return 0
    mine = set(s.enrolments)
    runs = (
        await session.scalars(
            select(MatchRun).where(
                MatchRun.team_id == s.team_id, MatchRun.program_id.in_(s.programs)
            )
        )
    ).all()
    done = 0
    for run in runs:
        if done >= limit:
            break
        kept = [entry for entry in run.unmatched if entry.get("enrolment_id") not in mine]
        if len(kept) != len(run.unmatched):
            run.unmatched = kept
            done += 1
    return done


async def relationships(session: AsyncSession, s: Scope, limit: int) -> int:
    return await _blank(
        session,
        Relationship,
        [
            Relationship.id.in_(s.relationships),
            or_(
                _filled(Relationship.decline_reason, Relationship.end_reason),
                Relationship.conversation_id.is_not(None),
                Relationship.intro_ts.is_not(None),
                _not_empty_json(Relationship.match_reasons, "[]"),
            ),
        ],
        {
            "decline_reason": "",
            "end_reason": "",
            "conversation_id": None,
            "intro_ts": None,
            "match_reasons": [],
        },
        limit,
    )


async def agreements(session: AsyncSession, s: Scope, limit: int) -> int:
    rows = (
        await session.scalars(
            select(Agreement).where(Agreement.relationship_id.in_(s.relationships))
        )
    ).all()
    done = 0
    for agreement in rows:
        if done >= limit:
            break
        terms = dict(agreement.terms)
        blank = {key: "" for key in AGREEMENT_TEXT if terms.get(key)}
        if blank or agreement.change_request or agreement.channel_id or agreement.message_ts:
            agreement.terms = {**terms, **blank}
            agreement.change_request = ""
            agreement.channel_id = None
            agreement.message_ts = None
            done += 1
    return done


async def goals(session: AsyncSession, s: Scope, limit: int) -> int:
    """The mentee's goals are theirs: blanked when the mentee is erased (a mentor's erasure
    leaves them to the mentee)."""
    return await _blank(
        session,
        Goal,
        [
            or_(Goal.relationship_id.in_(s.as_mentee), Goal.created_by == s.user.id),
            _filled(Goal.what, Goal.measure, Goal.why),
        ],
        {"what": "", "measure": "", "why": ""},
        limit,
    )


async def goal_comments(session: AsyncSession, s: Scope, limit: int) -> int:
    on_their_goals = select(Goal.id).where(Goal.relationship_id.in_(s.as_mentee))
    return await _blank(
        session,
        GoalComment,
        [
            or_(GoalComment.author_id == s.user.id, GoalComment.goal_id.in_(on_their_goals)),
            GoalComment.text != "",
        ],
        {"text": ""},
        limit,
    )


async def meetings(session: AsyncSession, s: Scope, limit: int) -> int:
    return await _blank(
        session,
        Meeting,
        [
            Meeting.id.in_(s.meetings),
            or_(Meeting.place != "", Meeting.channel_id.is_not(None)),
        ],
        {"place": "", "channel_id": None, "message_ts": None},
        limit,
    )


async def agendas(session: AsyncSession, s: Scope, limit: int) -> int:
    return await _blank(
        session,
        Agenda,
        [
            Agenda.meeting_id.in_(s.meetings),
            or_(
                _filled(Agenda.goal, Agenda.reality, Agenda.options, Agenda.way_forward),
                _not_empty_json(Agenda.mentor_items, "[]"),
                Agenda.channel_id.is_not(None),
            ),
        ],
        {
            "goal": "",
            "reality": "",
            "options": "",
            "way_forward": "",
            "mentor_items": [],
            "channel_id": None,
            "message_ts": None,
        },
        limit,
    )


async def notes(session: AsyncSession, s: Scope, limit: int) -> int:
    return await _blank(
        session,
        MeetingNotes,
        [
            MeetingNotes.meeting_id.in_(s.meetings),
            or_(
                _filled(MeetingNotes.takeaways, MeetingNotes.change_request),
                MeetingNotes.channel_id.is_not(None),
            ),
        ],
        {"takeaways": "", "change_request": "", "channel_id": None, "message_ts": None},
        limit,
    )


async def actions(session: AsyncSession, s: Scope, limit: int) -> int:
    return await _blank(
        session,
        ActionItem,
        [ActionItem.relationship_id.in_(s.relationships), ActionItem.text != ""],
        {"text": ""},
        limit,
    )


async def check_ins(session: AsyncSession, s: Scope, limit: int) -> int:
    """Their own answers' comments (scores stay: counts)."""
    return await _blank(
        session,
        CheckIn,
        [CheckIn.user_id == s.user.id, CheckIn.note != ""],
        {"note": "", "share_note": False},
        limit,
    )


async def dm_prompts(session: AsyncSession, s: Scope, limit: int) -> int:
    ids = (
        await session.scalars(
            select(DmPrompt.id).where(DmPrompt.meeting_id.in_(s.meetings)).limit(limit)
        )
    ).all()
    if ids:
        await session.execute(delete(DmPrompt).where(DmPrompt.id.in_(ids)))
    return len(ids)


async def alerts(session: AsyncSession, s: Scope, limit: int) -> int:
    return await _blank(
        session,
        Alert,
        [Alert.relationship_id.in_(s.relationships), Alert.evidence != ""],
        {"evidence": ""},
        limit,
    )


async def health(session: AsyncSession, s: Scope, limit: int) -> int:
    ids = (
        await session.scalars(
            select(RelationshipHealth.relationship_id)
            .where(
                RelationshipHealth.relationship_id.in_(s.relationships),
                s.mentions(RelationshipHealth.signals),
            )
            .limit(limit)
        )
    ).all()
    if ids:
        await session.execute(
            update(RelationshipHealth)
            .where(RelationshipHealth.relationship_id.in_(ids))
            .values(signals=[])
        )
    return len(ids)


async def activity(session: AsyncSession, s: Scope, limit: int) -> int:
    return await _blank(
        session,
        ActivityEvent,
        [ActivityEvent.team_id == s.team_id, s.mentions(ActivityEvent.data)],
        {"data": {}},
        limit,
    )


async def manager_roles(session: AsyncSession, s: Scope, limit: int) -> int:
    """An erased person manages nothing any more."""
    result = await session.execute(
        delete(ProgramManager).where(
            ProgramManager.team_id == s.team_id, ProgramManager.user_id == s.user.id
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def programs_created(session: AsyncSession, s: Scope, limit: int) -> int:
    return await _blank(
        session,
        Program,
        [Program.team_id == s.team_id, Program.created_by == s.slack_id],
        {"created_by": s.anonymous},
        limit,
    )


async def due_work(session: AsyncSession, s: Scope, limit: int) -> int:
    """Finished work about them: what it was asked to do and the messages it sent (names,
    agendas, notes quoted in them). Pending work about them was cancelled when the erasure
    was asked for, and the engine waits below for what still runs."""
    about_them = or_(
        DueWork.relationship_id.in_(s.relationships),
        DueWork.recipient_id == s.slack_id,
        s.mentions(DueWork.payload),
        s.mentions(DueWork.outbox),
        s.mentions(DueWork.last_error),
    )
    return await _blank(
        session,
        DueWork,
        [
            DueWork.team_id == s.team_id,
            DueWork.status.in_((Status.DONE, Status.FAILED, Status.CANCELLED)),
            about_them,
            or_(
                cast(DueWork.payload, Text) != "{}",
                # A JSON column holds None as JSON null unless told otherwise: either is empty.
                _not_empty_json(DueWork.outbox, "null"),
                DueWork.recipient_id.is_not(None),
                DueWork.last_error.is_not(None),
            ),
        ],
        {"payload": {}, "outbox": null(), "recipient_id": None, "last_error": None},
        limit,
    )


async def audit_trail(session: AsyncSession, s: Scope, limit: int) -> int:
    """The audit trail keeps what was done, under their anonymous id: as the one who did it
    (a manager or admin they were), as whose data it was, or named in its details."""
    rows = (
        await session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.team_id == s.team_id,
                or_(
                    AuditEntry.actor_slack_id == s.slack_id,
                    AuditEntry.subject_id == s.slack_id,
                    s.mentions(AuditEntry.details),
                ),
            )
            .limit(limit)
        )
    ).all()
    for entry in rows:
        if entry.actor_slack_id == s.slack_id:
            entry.actor_slack_id = s.anonymous
        if entry.subject_id == s.slack_id:
            entry.subject_id = s.anonymous
        entry.details = json.loads(
            json.dumps(entry.details).replace(json.dumps(s.slack_id)[1:-1], s.anonymous)
        )
    return len(rows)


async def installation(session: AsyncSession, s: Scope, limit: int) -> int:
    """An OAuth installation they made keeps the bot's token, and loses theirs."""
    table = Base.metadata.tables[INSTALLATIONS]
    result = await session.execute(
        update(table)
        .where(table.c.team_id == s.team_id, table.c.user_id == s.slack_id)
        .values(
            user_id=s.anonymous,
            user_token=None,
            user_refresh_token=None,
            user_scopes=None,
            user_token_expires_at=None,
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


STEPS: tuple[Step, ...] = (
    enrolments,
    managed_by_them,
    proposals,
    unmatched,
    relationships,
    agreements,
    goals,
    goal_comments,
    meetings,
    agendas,
    notes,
    actions,
    check_ins,
    dm_prompts,
    alerts,
    health,
    activity,
    manager_roles,
    programs_created,
    due_work,
    audit_trail,
    installation,
)


def anonymise(user: User, now: datetime) -> None:
    """The last step: the row stays (counts point at it), nothing in it is theirs."""
    user.slack_user_id = anonymous_id(user)
    user.name = ""
    user.real_name = ""
    user.tz = "UTC"
    user.is_admin = False
    user.is_owner = False
    user.deleted = True
    user.refreshed_at = now
    user.nudge_start_minute = None
    user.nudge_end_minute = None
    user.nudge_days = None
    user.paused_until = None


async def still_running(session: AsyncSession, s: Scope) -> int:
    """Work about them that is still to go out or going out now (the farewell notices to
    their partners and managers, which name them): the erasure of its messages waits."""
    return int(
        await session.scalar(
            select(DueWork.id)
            .where(
                DueWork.team_id == s.team_id,
                DueWork.status.in_((Status.PENDING, Status.RUNNING)),
                DueWork.kind != Kind.ERASE_PERSON,
                or_(
                    DueWork.relationship_id.in_(s.relationships),
                    DueWork.recipient_id == s.slack_id,
                ),
            )
            .limit(1)
        )
        or 0
    )


@dataclass(frozen=True)
class Progress:
    """What one run did: rows changed, and whether the person is fully erased."""

    changed: int
    finished: bool


async def erase_batch(
    *, session: AsyncSession, now: datetime, user: User, limit: int = BATCH
) -> Progress:
    """One run of the erasure: the steps in order within a budget of ``limit`` rows; the
    user's row is anonymised only once every step found nothing left."""
    if is_erased(user):
        return Progress(0, True)
    s = await scope_of(session, user)
    budget = limit
    for step in STEPS:
        budget -= await step(session, s, budget)
        if budget <= 0:
            return Progress(limit, False)
    anonymise(user, now)
    return Progress(limit - budget + 1, True)


__all__ = ["BATCH", "STEPS", "Progress", "Scope", "erase_batch", "still_running"]
