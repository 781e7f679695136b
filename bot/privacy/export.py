"""`/mentor my-data`: everything Mentorbot keeps about one person, as JSON and as a readable
Markdown summary, built when the work runs.

It holds what the person gave us and what they can already see (their pairs' agendas, notes,
goals and actions), and never what the *other* person of a pair told the managers privately:
a mentor's decline reason when the person is the mentee, the reason the other ended the
relationship early, the other's check-ins and closing survey (nor their answers as logged in
the activity log)."""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.due_work import DueWork, Status
from storage.enums import ActorRole, AuditSubject
from storage.models import (
    ActionItem,
    ActivityEvent,
    Agreement,
    Alert,
    AuditEntry,
    CheckIn,
    ClosingSurvey,
    Enrolment,
    Goal,
    GoalComment,
    MatchProposal,
    MatchRun,
    Meeting,
    Program,
    ProgramManager,
    Relationship,
    RelationshipHealth,
    User,
)

FORMAT = "mentorbot.my-data/1"
# What an activity event done by someone else may show: ids, counts, dates and flags. The
# other person's own answers (a closing survey's outcome, say) stay out.
OTHERS_EVENT_KEYS = frozenset(
    {
        "meeting_id",
        "goal_id",
        "action_id",
        "starts_at",
        "until",
        "actions",
        "source",
        "late",
        "round",
        "progress",
        "milestone",
        "asked",
        "owner",
        "on_time",
    }
)


@dataclass(frozen=True)
class MyData:
    data: dict[str, Any]  # JSON-ready
    summary: str  # Markdown

    @property
    def json(self) -> str:
        return json.dumps(self.data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"

    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.data.items() if isinstance(v, list)}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _row(obj: Any, names: Iterable[str]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in names}


def _role(rel: Relationship, user: User) -> ActorRole:
    return ActorRole.MENTOR if rel.mentor_user_id == user.id else ActorRole.MENTEE


def _relationship(rel: Relationship, user: User) -> dict[str, Any]:
    role = _role(rel, user)
    partner = rel.mentee if role is ActorRole.MENTOR else rel.mentor
    out = _row(
        rel,
        (
            "id",
            "status",
            "created_at",
            "accepted_at",
            "declined_at",
            "started_at",
            "ends_at",
            "ended_at",
            "agreement_signed_at",
            "first_meeting_at",
            "source",
            "match_reasons",
            "extend_to",
            "extend_by_role",
            "ended_by_role",
            "unilateral",
        ),
    )
    out.update(
        program=rel.program.name,
        your_role=role.value,
        partner={"slack_user_id": partner.slack_user_id, "name": partner.display},
    )
    # What someone told the managers privately is theirs: a decline reason is the mentor's,
    # an early end's reason is the one of whoever ended it.
    if role is ActorRole.MENTOR and rel.decline_reason:
        out["your_decline_reason"] = rel.decline_reason
    if rel.ended_by_role is role and rel.end_reason:
        out["your_end_reason"] = rel.end_reason
    return out


def _meeting(meeting: Meeting, user: User) -> dict[str, Any]:
    out = _row(
        meeting,
        (
            "id",
            "relationship_id",
            "status",
            "starts_at",
            "minutes",
            "place",
            "booked_by_role",
            "created_at",
            "cancelled_at",
            "outcome",
            "outcome_by_role",
        ),
    )
    out["booked_by_you"] = meeting.booked_by == user.id
    agenda, notes = meeting.agenda, meeting.notes
    out["agenda"] = (
        _row(
            agenda,
            ("goal", "reality", "options", "way_forward", "mentor_items", "source", "created_at"),
        )
        if agenda is not None
        else None
    )
    out["notes"] = (
        _row(
            notes,
            ("takeaways", "author_role", "source", "created_at", "confirmed_at", "change_request"),
        )
        if notes is not None
        else None
    )
    return out


def _event(event: ActivityEvent, user: User) -> dict[str, Any]:
    out = _row(event, ("relationship_id", "program_id", "kind", "actor_role", "occurred_at"))
    yours = event.actor_user_id == user.id
    out["by_you"] = yours
    data = dict(event.data or {})
    out["data"] = _plain(
        data if yours else {k: v for k, v in data.items() if k in OTHERS_EVENT_KEYS}
    )
    return out


async def _all(session: AsyncSession, query: Any) -> Sequence[Any]:
    return (await session.scalars(query)).all()


async def build(*, session: AsyncSession, user: User, now: datetime) -> MyData:
    """Everything kept about ``user`` (in their workspace), as of ``now``."""
    team, uid = user.team_id, user.id
    enrolments = await _all(
        session,
        select(Enrolment)
        .where(Enrolment.team_id == team, Enrolment.user_id == uid)
        .order_by(Enrolment.id),
    )
    managed = await _all(
        session,
        select(Program)
        .join(ProgramManager, ProgramManager.program_id == Program.id)
        .where(ProgramManager.team_id == team, ProgramManager.user_id == uid)
        .order_by(Program.id),
    )
    rels = await _all(
        session,
        select(Relationship)
        .where(
            Relationship.team_id == team,
            or_(Relationship.mentor_user_id == uid, Relationship.mentee_user_id == uid),
        )
        .order_by(Relationship.id),
    )
    rel_ids = [r.id for r in rels] or [-1]
    agreements = await _all(
        session,
        select(Agreement)
        .where(Agreement.team_id == team, Agreement.relationship_id.in_(rel_ids))
        .order_by(Agreement.id),
    )
    goals = await _all(
        session,
        select(Goal)
        .where(Goal.team_id == team, Goal.relationship_id.in_(rel_ids))
        .order_by(Goal.id),
    )
    comments = await _all(
        session,
        select(GoalComment)
        .where(GoalComment.team_id == team, GoalComment.goal_id.in_([g.id for g in goals] or [-1]))
        .order_by(GoalComment.id),
    )
    meetings = await _all(
        session,
        select(Meeting)
        .where(Meeting.team_id == team, Meeting.relationship_id.in_(rel_ids))
        .order_by(Meeting.starts_at, Meeting.id),
    )
    actions = await _all(
        session,
        select(ActionItem)
        .where(ActionItem.team_id == team, ActionItem.relationship_id.in_(rel_ids))
        .order_by(ActionItem.id),
    )
    # Only the person's own: the other's check-ins and survey are private to the managers.
    checkins = await _all(
        session,
        select(CheckIn).where(CheckIn.team_id == team, CheckIn.user_id == uid).order_by(CheckIn.id),
    )
    surveys = await _all(
        session,
        select(ClosingSurvey)
        .where(ClosingSurvey.team_id == team, ClosingSurvey.user_id == uid)
        .order_by(ClosingSurvey.id),
    )
    events = await _all(
        session,
        select(ActivityEvent)
        .where(
            ActivityEvent.team_id == team,
            or_(ActivityEvent.relationship_id.in_(rel_ids), ActivityEvent.actor_user_id == uid),
        )
        .order_by(ActivityEvent.occurred_at, ActivityEvent.id),
    )
    health = await _all(
        session,
        select(RelationshipHealth)
        .where(RelationshipHealth.team_id == team, RelationshipHealth.relationship_id.in_(rel_ids))
        .order_by(RelationshipHealth.relationship_id),
    )
    alerts = await _all(
        session,
        select(Alert)
        .where(Alert.team_id == team, Alert.relationship_id.in_(rel_ids))
        .order_by(Alert.id),
    )
    enrolment_ids = [e.id for e in enrolments] or [-1]
    proposals = (
        await session.execute(
            select(MatchProposal, MatchRun.created_at, Program.name)
            .join(MatchRun, MatchRun.id == MatchProposal.run_id)
            .join(Program, Program.id == MatchRun.program_id)
            .where(
                MatchRun.team_id == team,
                or_(
                    MatchProposal.mentee_enrolment_id.in_(enrolment_ids),
                    MatchProposal.mentor_enrolment_id.in_(enrolment_ids),
                ),
            )
            .order_by(MatchProposal.id)
        )
    ).all()
    scheduled = await _all(
        session,
        select(DueWork)
        .where(
            DueWork.team_id == team,
            DueWork.recipient_id == user.slack_user_id,
            DueWork.status == Status.PENDING,
        )
        .order_by(DueWork.due_at),
    )
    audit = await _all(
        session,
        select(AuditEntry)
        .where(
            AuditEntry.team_id == team,
            or_(
                AuditEntry.actor_user_id == uid,
                (AuditEntry.subject_kind == AuditSubject.PERSON)
                & (AuditEntry.subject_id == user.slack_user_id),
            ),
        )
        .order_by(AuditEntry.at, AuditEntry.id),
    )
    enrolment_ids_set = set(enrolment_ids)
    data: dict[str, Any] = {
        "format": FORMAT,
        "exported_at": now.isoformat(),
        "you": _row(
            user,
            (
                "team_id",
                "slack_user_id",
                "name",
                "real_name",
                "tz",
                "is_admin",
                "is_owner",
                "deleted",
                "created_at",
                "refreshed_at",
                "nudge_start_minute",
                "nudge_end_minute",
                "nudge_days",
                "paused_until",
            ),
        ),
        "enrolments": [
            {"program": e.program.name}
            | _row(
                e,
                (
                    "id",
                    "role",
                    "status",
                    "goals",
                    "target_role",
                    "current_role",
                    "skills_to_develop",
                    "expertise",
                    "capacity",
                    "department",
                    "seniority",
                    "location",
                    "manager_slack_id",
                    "department_preference",
                    "joined_at",
                    "updated_at",
                    "left_at",
                    "waitlisted_at",
                    "waitlist_reason",
                ),
            )
            for e in enrolments
        ],
        "programs_you_manage": [{"id": p.id, "name": p.name} for p in managed],
        "relationships": [_relationship(r, user) for r in rels],
        "agreements": [
            _row(
                a,
                (
                    "relationship_id",
                    "version",
                    "terms",
                    "created_at",
                    "mentee_signed_at",
                    "mentor_signed_at",
                    "superseded_at",
                    "change_request",
                ),
            )
            for a in agreements
        ],
        "goals": [
            _row(
                g,
                (
                    "id",
                    "relationship_id",
                    "parent_id",
                    "what",
                    "measure",
                    "target_date",
                    "why",
                    "progress",
                    "status",
                    "shout_out",
                    "achieved_at",
                    "created_at",
                ),
            )
            for g in goals
        ],
        "goal_comments": [
            _row(c, ("goal_id", "author_role", "text", "created_at")) for c in comments
        ],
        "meetings": [_meeting(m, user) for m in meetings],
        "actions": [
            _row(
                a,
                (
                    "relationship_id",
                    "meeting_id",
                    "text",
                    "owner_role",
                    "due_on",
                    "status",
                    "created_at",
                    "done_at",
                    "overdue_at",
                ),
            )
            for a in actions
        ],
        "your_check_ins": [
            _row(
                c,
                ("relationship_id", "role", "round", "asked_at", "answered_at", "score", "note"),
            )
            | {"note_shared_with_managers": c.share_note}
            for c in checkins
        ],
        "your_closing_surveys": [
            _row(s, ("relationship_id", "role", "outcome", "goals_met", "recommend", "created_at"))
            for s in surveys
        ],
        "activity": [_event(e, user) for e in events],
        "relationship_health": [
            _row(h, ("relationship_id", "health", "signals", "evaluated_at", "changed_at"))
            for h in health
        ],
        "alerts_to_managers": [
            _row(
                a,
                (
                    "relationship_id",
                    "signal",
                    "severity",
                    "evidence",
                    "since",
                    "raised_at",
                    "cleared_at",
                    "state",
                ),
            )
            for a in alerts
        ],
        "match_proposals": [
            {
                "your_side": "mentee" if p.mentee_enrolment_id in enrolment_ids_set else "mentor",
                "proposed_at": _plain(proposed_at),
                "program": program_name,
                "score": p.score,
                "reasons": list(p.reasons),
                "dropped": p.dropped,
            }
            for p, proposed_at, program_name in proposals
        ],
        "scheduled_messages": [{"kind": w.kind, "due_at": _plain(w.due_at)} for w in scheduled],
        "audit_trail": [
            _row(a, ("at", "actor_slack_id", "action", "subject_kind", "subject_id", "details"))
            for a in audit
        ],
    }
    return MyData(data, summary(data, user=user))


def _md(text: Any) -> str:
    """One line of a Markdown list: the value, with line breaks folded."""
    return " ".join(str(text).split())


def summary(data: dict[str, Any], *, user: User) -> str:
    """The export, readable: who, where, with whom, and how much of everything."""
    you = data["you"]
    lines = [
        f"# What Mentorbot keeps about {_md(user.display)}",
        "",
        f"Exported {data['exported_at']} (UTC). The JSON file next to this one has every "
        "field; this is the short version.",
        "",
        "## You",
        f"- Slack user {you['slack_user_id']} in workspace {you['team_id']}, time zone {you['tz']}",
    ]
    if you["paused_until"]:
        lines.append(f"- Nudges paused until {you['paused_until']}")
    lines += ["", "## Programs"]
    lines += [
        f"- {_md(e['program'])}: {e['role']} ({e['status']}), joined {e['joined_at'][:10]}"
        + (f"; your goals: {_md(e['goals'])}" if e["goals"] else "")
        for e in data["enrolments"]
    ] or ["- none"]
    if data["programs_you_manage"]:
        lines += ["", "## Programs you manage"]
        lines += [f"- {_md(p['name'])}" for p in data["programs_you_manage"]]
    lines += ["", "## Mentoring relationships"]
    lines += [
        f"- {_md(r['program'])}: you are the {r['your_role']}, with "
        f"{_md(r['partner']['name'])}; {r['status']}, since {r['created_at'][:10]}"
        for r in data["relationships"]
    ] or ["- none"]
    lines += ["", "## Goals"]
    lines += [f"- {_md(g['what'])} ({g['status']}, {g['progress']}%)" for g in data["goals"]] or [
        "- none"
    ]
    lines += ["", "## How much of everything"]
    labels = {
        "agreements": "agreement versions",
        "goal_comments": "comments on goals",
        "meetings": "meetings (with their agendas and notes)",
        "actions": "agreed actions",
        "your_check_ins": "check-ins you answered",
        "your_closing_surveys": "closing surveys you answered",
        "activity": "steps in the activity log",
        "relationship_health": "health assessments of your pairs",
        "alerts_to_managers": "alerts the managers received about your pairs",
        "match_proposals": "times you were proposed in a match",
        "scheduled_messages": "messages scheduled for you",
        "audit_trail": "audit trail entries about you or by you",
    }
    lines += [f"- {len(data[key])} {label}" for key, label in labels.items()]
    lines += [
        "",
        "## Not included",
        "What the other person of a pair told the program's managers privately is theirs, not "
        "yours: a mentor's reason for declining, the reason they ended a relationship early, "
        "their check-ins and their closing survey.",
        "",
    ]
    return "\n".join(lines)
