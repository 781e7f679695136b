"""Programs: created by workspace admins and program managers, edited by their managers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import require_can_create, require_manager
from bot.activity import ActivityKind
from bot.audit import service as audit
from bot.audit.service import AuditAction, Subject
from bot.digest import service as digest
from bot.errors import InvalidInput
from bot.forms import check_length
from bot.ids import ProgramField as F
from infra.clock import Clock
from infra.hours import WorkingHours
from storage.enums import ActorRole, Cadence
from storage.models import ActivityEvent, Program, ProgramManager, User
from storage.repositories import programs as program_repo
from storage.repositories import users as user_repo

NAME_MAX = 80
DESCRIPTION_MAX = 1000
SKILL_MAX = 50
SKILLS_MAX = 100  # a Block Kit select offers at most 100 options
MANAGERS_MAX = 10
MONTHS_MIN, MONTHS_MAX = 1, 24
DEFAULT_MONTHS = 12
_SLACK_USER = re.compile(r"[UW][A-Z0-9]{2,}")
_SLACK_CHANNEL = re.compile(r"[CG][A-Z0-9]{2,}")


@dataclass(frozen=True)
class ProgramDraft:
    """What the program form collects, already parsed into Python types."""

    name: str
    description: str
    manager_ids: tuple[str, ...]
    digest_channel_id: str | None
    cadence: Cadence
    relationship_months: int
    hours: WorkingHours
    timezone: str
    skills: tuple[str, ...] = field(default_factory=tuple)
    # Where achieved goals are celebrated, for mentees who opt in (none: no shout-outs)
    celebration_channel_id: str | None = None
    # Prompt timing: the GROW agenda this many hours before a meeting (moved back into the
    # mentee's working hours), the capture this many hours after it ends
    agenda_lead_hours: int = 24
    capture_lead_hours: int = 1
    # The weekly digest (0 = Monday, at this wall time in the program's time zone) and the
    # check-ins (first after this many days, then every so many)
    digest_weekday: int = 0
    digest_time: time = time(9, 0)
    checkin_first_days: int = 30
    checkin_every_days: int = 60


@dataclass(frozen=True)
class ProgramSummary:
    program: Program
    manager_ids: tuple[str, ...]
    mentees: int
    mentors: int
    managed_by_viewer: bool


def parse_skills(raw: str) -> tuple[str, ...]:
    """Split a comma- or newline-separated skills list, keeping the first spelling of each."""
    seen: dict[str, str] = {}
    for part in re.split(r"[,\n;]", raw):
        skill = " ".join(part.split())
        if skill and skill.casefold() not in seen:
            seen[skill.casefold()] = skill
    return tuple(seen.values())


def is_timezone(name: str) -> bool:
    if name not in _ZONES:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


_ZONES = frozenset(available_timezones()) | {"UTC"}


def validate(draft: ProgramDraft) -> None:
    """Raise :class:`InvalidInput` with one message per bad field."""
    errors: dict[str, str] = {}
    name = " ".join(draft.name.split())
    if not name:
        errors[F.NAME] = "Give the program a name."
    else:
        check_length(F.NAME, name, NAME_MAX, errors)
    check_length(F.DESCRIPTION, draft.description, DESCRIPTION_MAX, errors)
    if not draft.manager_ids:
        errors[F.MANAGERS] = "Choose at least one program manager."
    elif len(draft.manager_ids) > MANAGERS_MAX:
        errors[F.MANAGERS] = f"Choose at most {MANAGERS_MAX} managers."
    elif not all(_SLACK_USER.fullmatch(m) for m in draft.manager_ids):
        errors[F.MANAGERS] = "Choose managers from the list of people."
    if not draft.digest_channel_id:
        errors[F.DIGEST_CHANNEL] = "Choose the channel where managers get alerts and the digest."
    elif not _SLACK_CHANNEL.fullmatch(draft.digest_channel_id):
        errors[F.DIGEST_CHANNEL] = "Choose a channel (not a direct message)."
    if draft.celebration_channel_id and not _SLACK_CHANNEL.fullmatch(draft.celebration_channel_id):
        errors[F.CELEBRATIONS] = "Choose a channel (not a direct message)."
    if not AGENDA_LEAD_MIN <= draft.agenda_lead_hours <= AGENDA_LEAD_MAX:
        errors[F.AGENDA_LEAD] = f"Choose between {AGENDA_LEAD_MIN} and {AGENDA_LEAD_MAX} hours."
    if not 0 <= draft.digest_weekday <= 6:
        errors[F.DIGEST_DAY] = "Choose a day of the week."
    if not 7 <= draft.checkin_first_days <= 120:
        errors[F.CHECKIN_FIRST] = "Choose between 7 and 120 days."
    if not 14 <= draft.checkin_every_days <= 180:
        errors[F.CHECKIN_EVERY] = "Choose between 14 and 180 days."
    if not CAPTURE_LEAD_MIN <= draft.capture_lead_hours <= CAPTURE_LEAD_MAX:
        errors[F.CAPTURE_LEAD] = f"Choose between {CAPTURE_LEAD_MIN} and {CAPTURE_LEAD_MAX} hours."
    if not MONTHS_MIN <= draft.relationship_months <= MONTHS_MAX:
        errors[F.LENGTH] = f"Choose between {MONTHS_MIN} and {MONTHS_MAX} months."
    if not is_timezone(draft.timezone):
        errors[F.TIMEZONE] = "Use a time zone name such as Europe/London or America/New_York."
    if not draft.skills:
        errors[F.SKILLS] = "List at least one skill people can pick, separated by commas."
    elif len(draft.skills) > SKILLS_MAX:
        errors[F.SKILLS] = f"List at most {SKILLS_MAX} skills (there are {len(draft.skills)})."
    else:
        long = [s for s in draft.skills if len(s) > SKILL_MAX]
        if long:
            errors[F.SKILLS] = f"Keep each skill to {SKILL_MAX} characters: “{long[0][:30]}…”."
    if errors:
        raise InvalidInput.for_fields(errors)


async def create_program(
    *, session: AsyncSession, clock: Clock, actor: User, draft: ProgramDraft
) -> Program:
    await require_can_create(session=session, actor=actor)
    validate(draft)
    await _check_name_free(session=session, team_id=actor.team_id, name=draft.name)
    now = clock.now()
    managers = await _managers(session=session, actor=actor, draft=draft, now=now)
    program = Program(
        team_id=actor.team_id,
        created_by=actor.slack_user_id,
        created_at=now,
        settings={},
        archived_at=None,
    )
    _apply(program, draft, now)
    program.managers = [
        ProgramManager(user_id=m.id, team_id=actor.team_id, added_at=now) for m in managers
    ]
    session.add(program)
    await session.flush()
    session.add(
        ActivityEvent(
            team_id=actor.team_id,
            program_id=program.id,
            actor_user_id=actor.id,
            actor_role=ActorRole.MANAGER,
            kind=ActivityKind.PROGRAM_CREATED,
            occurred_at=now,
            data={},
        )
    )
    await digest.plan(session=session, now=now, program=program)
    await audit.record(
        session=session,
        now=now,
        actor=actor,
        action=AuditAction.PROGRAM_CREATED,
        subject=Subject.program(program.id),
        program_id=program.id,
        details={"managers": len(managers)},
    )
    return program


async def update_program(
    *, session: AsyncSession, clock: Clock, actor: User, program_id: int, draft: ProgramDraft
) -> tuple[Program, set[str]]:
    """Apply ``draft``; returns the program and the Slack ids of newly added managers."""
    program = await require_manager(session=session, actor=actor, program_id=program_id)
    validate(draft)
    await _check_name_free(
        session=session, team_id=actor.team_id, name=draft.name, except_id=program.id
    )
    now = clock.now()
    managers = await _managers(session=session, actor=actor, draft=draft, now=now)
    changed = _changed_fields(draft_of(program), draft)
    _apply(program, draft, now)
    before = {pm.user_id for pm in program.managers}
    wanted = {m.id: m for m in managers}
    program.managers = [pm for pm in program.managers if pm.user_id in wanted] + [
        ProgramManager(user_id=uid, team_id=actor.team_id, added_at=now)
        for uid in wanted
        if uid not in before
    ]
    await session.flush()
    await digest.plan(session=session, now=now, program=program)
    added, removed = set(wanted) - before, before - set(wanted)
    if changed:
        await audit.record(
            session=session,
            now=now,
            actor=actor,
            action=AuditAction.PROGRAM_EDITED,
            subject=Subject.program(program.id),
            program_id=program.id,
            details={"fields": changed},
        )
    if added or removed:
        await audit.record(
            session=session,
            now=now,
            actor=actor,
            action=AuditAction.PROGRAM_MANAGERS_CHANGED,
            subject=Subject.program(program.id),
            program_id=program.id,
            details={"added": len(added), "removed": len(removed)},
        )
    return program, {wanted[uid].slack_user_id for uid in added}


def _changed_fields(old: ProgramDraft, new: ProgramDraft) -> list[str]:
    """The names of the settings an edit changes (the managers are recorded apart)."""
    return [
        f.name
        for f in fields(ProgramDraft)
        if f.name != "manager_ids" and getattr(old, f.name) != getattr(new, f.name)
    ]


async def summaries(*, session: AsyncSession, viewer: User) -> list[ProgramSummary]:
    """Active programs of the viewer's workspace, with enrolment counts."""
    team_id = viewer.team_id
    programs = await program_repo.active(session=session, team_id=team_id)
    counts = await program_repo.enrolment_counts(session=session, team_id=team_id)
    managed = await program_repo.managed_program_ids(
        session=session, team_id=team_id, user_id=viewer.id
    )
    return [
        ProgramSummary(
            program=p,
            manager_ids=tuple(sorted(pm.user.slack_user_id for pm in p.managers)),
            mentees=counts.get(p.id, (0, 0))[0],
            mentors=counts.get(p.id, (0, 0))[1],
            managed_by_viewer=p.id in managed,
        )
        for p in programs
    ]


def working_hours(program: Program) -> WorkingHours:
    return WorkingHours.from_storage(
        program.nudge_start_minute, program.nudge_end_minute, program.nudge_days
    )


def default_draft(*, creator: User) -> ProgramDraft:
    """The form's starting values for a new program."""
    return ProgramDraft(
        name="",
        description="",
        manager_ids=(creator.slack_user_id,),
        digest_channel_id=None,
        cadence=Cadence.FORTNIGHTLY,
        relationship_months=DEFAULT_MONTHS,
        hours=WorkingHours(),
        timezone=creator.tz if is_timezone(creator.tz) else "UTC",
        skills=(),
    )


def draft_of(program: Program) -> ProgramDraft:
    return ProgramDraft(
        name=program.name,
        description=program.description,
        manager_ids=tuple(sorted(pm.user.slack_user_id for pm in program.managers)),
        digest_channel_id=program.digest_channel_id,
        cadence=program.cadence,
        relationship_months=program.relationship_months,
        hours=working_hours(program),
        timezone=program.timezone,
        skills=tuple(program.skills),
        celebration_channel_id=celebration_channel(program),
        agenda_lead_hours=agenda_lead(program),
        capture_lead_hours=capture_lead(program),
        digest_weekday=_hours_setting(program, "digest_weekday", 0),
        digest_time=digest_time(program),
        checkin_first_days=_hours_setting(program, "checkin_first_days", 30),
        checkin_every_days=_hours_setting(program, "checkin_every_days", 60),
    )


AGENDA_LEAD_MIN, AGENDA_LEAD_MAX = 2, 168
CAPTURE_LEAD_MIN, CAPTURE_LEAD_MAX = 0, 48


def _hours_setting(program: Program, key: str, default: int) -> int:
    value = (program.settings or {}).get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def agenda_lead(program: Program) -> int:
    """Hours before a meeting that the mentee is asked for a GROW agenda."""
    return _hours_setting(program, "agenda_lead_hours", 24)


def capture_lead(program: Program) -> int:
    """Hours after a meeting ends that the mentee is asked to capture what was agreed."""
    return _hours_setting(program, "capture_lead_hours", 1)


def digest_time(program: Program) -> time:
    raw = (program.settings or {}).get("digest_time")
    try:
        return time.fromisoformat(raw) if isinstance(raw, str) else time(9, 0)
    except ValueError:
        return time(9, 0)


def celebration_channel(program: Program) -> str | None:
    value = (program.settings or {}).get("celebration_channel_id")
    return value if isinstance(value, str) and value else None


def _apply(program: Program, draft: ProgramDraft, now: datetime) -> None:
    program.name = " ".join(draft.name.split())
    program.name_key = program_repo.name_key(draft.name)
    program.description = draft.description.strip()
    program.digest_channel_id = draft.digest_channel_id
    program.cadence = draft.cadence
    program.relationship_months = draft.relationship_months
    program.nudge_start_minute = draft.hours.start_minute
    program.nudge_end_minute = draft.hours.end_minute
    program.nudge_days = draft.hours.day_mask
    program.timezone = draft.timezone
    program.skills = list(draft.skills)
    # A new dict, so the JSON column sees the change
    program.settings = {
        **(program.settings or {}),
        "celebration_channel_id": draft.celebration_channel_id,
        "agenda_lead_hours": draft.agenda_lead_hours,
        "capture_lead_hours": draft.capture_lead_hours,
        "digest_weekday": draft.digest_weekday,
        "digest_time": draft.digest_time.strftime("%H:%M"),
        "checkin_first_days": draft.checkin_first_days,
        "checkin_every_days": draft.checkin_every_days,
    }
    program.updated_at = now


async def _check_name_free(
    *, session: AsyncSession, team_id: str, name: str, except_id: int | None = None
) -> None:
    existing = await program_repo.by_name(session=session, team_id=team_id, name=name)
    if existing is not None and existing.id != except_id:
        raise InvalidInput.for_fields(
            {F.NAME: f"There is already a program called {existing.name}."}
        )


async def _managers(
    *, session: AsyncSession, actor: User, draft: ProgramDraft, now: datetime
) -> list[User]:
    users = await user_repo.ensure_many(
        session=session, team_id=actor.team_id, slack_user_ids=draft.manager_ids, now=now
    )
    unfit = [users[m] for m in draft.manager_ids if users[m].is_bot or users[m].deleted]
    if unfit:
        raise InvalidInput.for_fields(
            {
                F.MANAGERS: f"{unfit[0].display} can't manage a program "
                "(a bot or a deactivated account)."
            }
        )
    return [users[m] for m in draft.manager_ids]
