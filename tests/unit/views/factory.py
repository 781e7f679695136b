"""Model objects for the builders, built in memory and never saved (as the views receive them
from the services). Every name and every piece of typed text is hostile: it holds a broadcast,
a mention, a link and markup characters, so a builder that forgets to escape shows it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from bot.agreements.service import Terms
from bot.digest.service import Digest, PairLine, Week, week_so_far, whole_week
from bot.programs import service as program_svc
from infra.hours import WorkingHours
from storage.enums import (
    ActionStatus,
    ActorRole,
    Cadence,
    DepartmentPreference,
    EnrolmentRole,
    EnrolmentStatus,
    GoalStatus,
    MatchRunStatus,
    MeetingStatus,
    RelationshipStatus,
)
from storage.models import (
    ActionItem,
    Agenda,
    Agreement,
    Alert,
    CheckIn,
    Enrolment,
    Goal,
    GoalComment,
    MatchProposal,
    MatchRun,
    Meeting,
    MeetingNotes,
    Program,
    Relationship,
    User,
)

# What a careless builder would turn into a ping, a hidden link or broken markup.
HOSTILE = "<!channel> <@U0EVIL> <https://evil.example|click> & *bold*"
TEAM = "T1"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday
MEETING_AT = datetime(2026, 3, 9, 14, 0, tzinfo=UTC)
HOURS = WorkingHours(time(9), time(17), frozenset(range(5)))


def said(text: str) -> str:
    """Typed text, hostile."""
    return f"{text} {HOSTILE}"


def person(slack_user_id: str, real_name: str, *, tz: str = "Europe/Lisbon", id_: int = 1) -> User:
    return User(
        id=id_,
        team_id=TEAM,
        slack_user_id=slack_user_id,
        name=real_name.split()[0].lower(),
        real_name=f"{real_name} {HOSTILE}",
        tz=tz,
    )


def mia() -> User:
    return person("UMIA", "Mia Mentee", tz="Europe/Lisbon", id_=1)


def omar() -> User:
    return person("UOMAR", "Omar Mentor", tz="America/New_York", id_=2)


def program(**changes: object) -> Program:
    values: dict[str, object] = {
        "id": 3,
        "team_id": TEAM,
        "name": f"Engineering {HOSTILE}"[:80],
        "name_key": "engineering",
        "description": said("Grow engineers into leaders."),
        "digest_channel_id": "CLEADS",
        "cadence": Cadence.FORTNIGHTLY,
        "relationship_months": 12,
        "nudge_start_minute": 9 * 60,
        "nudge_end_minute": 17 * 60,
        "nudge_days": 0b11111,
        "timezone": "Europe/London",
        "skills": ["SQL", "Public speaking", "Budgeting", said("Negotiation")],
        "settings": {},
        "created_by": "UADMIN",
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(changes)
    return Program(**values)


def pair(
    status: RelationshipStatus = RelationshipStatus.CULTIVATION, **changes: object
) -> Relationship:
    values: dict[str, object] = {
        "id": 7,
        "team_id": TEAM,
        "program_id": 3,
        "program": program(),
        "mentee_user_id": 1,
        "mentor_user_id": 2,
        "mentee": mia(),
        "mentor": omar(),
        "status": status,
        "conversation_id": "GPAIR",
        "created_at": NOW,
        "updated_at": NOW,
        "started_at": NOW,
        "accepted_at": NOW,
        "ends_at": datetime(2027, 3, 2, 9, 0, tzinfo=UTC),
        "source": "match",
        "match_reasons": ["Shares 2 skills: SQL, Public speaking", said("Reason")],
        "decline_reason": said("No time this quarter"),
        "end_reason": said("Changed teams"),
        "ended_by_role": ActorRole.MENTEE,
        "unilateral": False,
    }
    values.update(changes)
    return Relationship(**values)


def meeting(relationship: Relationship | None = None, **changes: object) -> Meeting:
    values: dict[str, object] = {
        "id": 42,
        "team_id": TEAM,
        "relationship_id": 7,
        "pair": relationship or pair(),
        "status": MeetingStatus.SCHEDULED,
        "starts_at": MEETING_AT,
        "minutes": 45,
        "place": said("Room 4"),
        "booked_by_role": ActorRole.MENTEE,
        "sequence": 0,
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(changes)
    return Meeting(**values)


def agenda(**changes: object) -> Agenda:
    values: dict[str, object] = {
        "id": 5,
        "team_id": TEAM,
        "meeting_id": 42,
        "goal": said("Decide on the lead role"),
        "reality": said("Two teams asked me"),
        "options": "",
        "way_forward": said("Advice on the conversation"),
        "mentor_items": [{"text": said("Your promotion case"), "at": NOW.isoformat()}],
        "goal_id": None,
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(changes)
    return Agenda(**values)


def notes(author: ActorRole = ActorRole.MENTEE, **changes: object) -> MeetingNotes:
    values: dict[str, object] = {
        "id": 6,
        "team_id": TEAM,
        "meeting_id": 42,
        "takeaways": said("Ship the RFC first"),
        "author_role": author,
        "change_request": said("Add the budget"),
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(changes)
    return MeetingNotes(**values)


def action(
    n: int = 1,
    *,
    owner: ActorRole = ActorRole.MENTEE,
    due_on: date | None = date(2026, 3, 13),
    status: ActionStatus = ActionStatus.OPEN,
    relationship: Relationship | None = None,
) -> ActionItem:
    return ActionItem(
        id=n,
        team_id=TEAM,
        relationship_id=7,
        pair=relationship or pair(),
        meeting_id=42,
        text=said(f"Action {n}"),
        owner_role=owner,
        due_on=due_on,
        status=status,
        created_at=NOW,
    )


def goal(n: int = 11, **changes: object) -> Goal:
    values: dict[str, object] = {
        "id": n,
        "team_id": TEAM,
        "relationship_id": 7,
        "parent_id": None,
        "what": said("Lead the Q3 planning workshop"),
        "measure": said("4 of 5 rate it useful"),
        "target_date": date(2026, 6, 30),
        "why": said("The step to tech lead"),
        "progress": 25,
        "status": GoalStatus.OPEN,
        "shout_out": False,
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(changes)
    return Goal(**values)


def comment(goal_id: int = 11, role: ActorRole = ActorRole.MENTOR, n: int = 1) -> GoalComment:
    return GoalComment(
        id=n,
        team_id=TEAM,
        goal_id=goal_id,
        author_role=role,
        text=said(f"Comment {n}"),
        created_at=NOW,
    )


def terms(**changes: object) -> Terms:
    values: dict[str, object] = {
        "cadence": Cadence.FORTNIGHTLY,
        "meeting_minutes": 45,
        "end_date": date(2026, 12, 18),
        "channel": "other",
        "channel_detail": said("The café"),
        "in_scope": said("Leading projects"),
        "out_of_scope": said("My manager's decisions"),
        "from_mentor": said("Honest feedback"),
        "from_mentee": said("I book and bring an agenda"),
        "confidential": True,
        "note": said("Cameras on"),
    }
    values.update(changes)
    return Terms(**values)  # type: ignore[arg-type]


def agreement(*, signed: bool = False, **changes: object) -> Agreement:
    values: dict[str, object] = {
        "id": 9,
        "team_id": TEAM,
        "relationship_id": 7,
        "version": 2,
        "terms": terms().to_dict(),
        "created_at": NOW,
        "mentee_signed_at": NOW,
        "mentor_signed_at": NOW if signed else None,
        "change_request": said("Monthly suits me better"),
    }
    values.update(changes)
    return Agreement(**values)


def enrolment(
    role: EnrolmentRole = EnrolmentRole.MENTEE,
    *,
    user: User | None = None,
    n: int = 21,
    **changes: object,
) -> Enrolment:
    values: dict[str, object] = {
        "id": n,
        "team_id": TEAM,
        "program_id": 3,
        "program": program(),
        "user": user or (omar() if role is EnrolmentRole.MENTOR else mia()),
        "user_id": 1,
        "role": role,
        "status": EnrolmentStatus.ACTIVE,
        "goals": said("Lead a project end to end"),
        "target_role": said("Tech lead"),
        "skills_to_develop": ["SQL", said("Negotiation")],
        "expertise": ["SQL", "Budgeting"],
        "capacity": 2,
        "department": said("Support"),
        "seniority": 3,
        "location": "Lisbon",
        "current_role": said("Staff engineer"),
        "department_preference": DepartmentPreference.DIFFERENT,
        "joined_at": NOW,
        "updated_at": NOW,
    }
    values.update(changes)
    return Enrolment(**values)


def alert(**changes: object) -> Alert:
    values: dict[str, object] = {
        "id": 13,
        "team_id": TEAM,
        "program_id": 3,
        "relationship_id": 7,
        "pair": pair(),
        "signal": "mentor_chasing",
        "severity": 2,
        "evidence": "mentor followed up 3 times in 60 days; mentee booked 0 meetings",
        "since": datetime(2026, 2, 20, 10, 0, tzinfo=UTC),
        "opened_at": NOW,
        "state": "open",
    }
    values.update(changes)
    return Alert(**values)


def checkin(role: ActorRole = ActorRole.MENTEE) -> CheckIn:
    return CheckIn(
        id=17,
        team_id=TEAM,
        relationship_id=7,
        user_id=1,
        role=role,
        round=1,
        asked_at=NOW,
    )


# --- The services' value objects the builders take -------------------------------------------


def pair_line(n: int, health: str = "at_risk") -> PairLine:
    return PairLine(
        relationship_id=n,
        mentee=f"Mia {n}",
        mentee_id=f"UMIA{n}",
        mentor=f"Omar {n}",
        mentor_id=f"UOMAR{n}",
        health=health,
        reasons=said("the mentee has gone quiet"),
        ends_at=datetime(2026, 3, 20, tzinfo=UTC),
    )


def digest(lines: int = 2, *, so_far: bool = False, empty_weeks: bool = False) -> Digest:
    period = (
        week_so_far(datetime(2026, 3, 4, 15, 0, tzinfo=UTC), "Europe/London")
        if so_far
        else whole_week(date(2026, 2, 23), "Europe/London")
    )
    this = Week() if empty_weeks else Week(5, 3, 2, 4, 1, [4, 5, 2])
    last = Week() if empty_weeks else Week(4, 3, 3, 4, 0, [3])
    return Digest(
        program_id=3,
        program_name=program().name,
        period=period,
        active=12,
        expected=6.0,
        this=this,
        last=last,
        overdue=3,
        at_risk=[pair_line(n) for n in range(lines)],
        attention=[pair_line(100 + n, "needs_attention") for n in range(lines)],
        stalled=[pair_line(200 + n, "too_early") for n in range(lines)],
        ending=[pair_line(300 + n) for n in range(lines)],
        waiting=[said(f"Waiting {n}") for n in range(lines * 3)],
    )


def summary(n: int = 3, *, managed: bool = True) -> program_svc.ProgramSummary:
    return program_svc.ProgramSummary(
        program=program(id=n, name=f"Program {n} {HOSTILE}"[:80]),
        manager_ids=("UADMIN", "UBOSS"),
        mentees=5,
        mentors=1,
        managed_by_viewer=managed,
    )


def match_run(
    pairs: int, *, status: MatchRunStatus = MatchRunStatus.DRAFT, unmatched: int = 2
) -> MatchRun:
    run = MatchRun(
        id=31,
        team_id=TEAM,
        program_id=3,
        program=program(),
        status=status,
        unmatched=[
            {"enrolment_id": 100 + n, "name": said(f"Mentee {n}"), "reason": said("no overlap")}
            for n in range(unmatched)
        ],
        created_at=NOW,
        updated_at=NOW,
    )
    run.proposals = [
        MatchProposal(
            id=n,
            run_id=31,
            mentee=enrolment(n=100 + n),
            mentor=enrolment(EnrolmentRole.MENTOR, n=200 + n),
            mentee_enrolment_id=100 + n,
            mentor_enrolment_id=200 + n,
            score=70.0 + n % 20,
            reasons=[said("Shares SQL")],
            locked=n % 5 == 1,
            dropped=n % 7 == 6,
        )
        for n in range(pairs)
    ]
    return run


def program_draft(**changes: Any) -> program_svc.ProgramDraft:
    values: dict[str, Any] = {
        "name": program().name,
        "description": said("Who it is for"),
        "manager_ids": ("UADMIN", "UBOSS"),
        "digest_channel_id": "CLEADS",
        "cadence": Cadence.MONTHLY,
        "relationship_months": 6,
        "hours": HOURS,
        "timezone": "Europe/London",
        "skills": ("SQL", said("Negotiation")),
        "celebration_channel_id": "CWINS",
    }
    values.update(changes)
    return program_svc.ProgramDraft(**values)
