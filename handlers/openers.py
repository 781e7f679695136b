"""Opening and rebuilding modals. Shared by slash commands, buttons and the App Home, so
every route into a modal applies the same permission checks."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot import access
from bot.access import membership
from bot.agreements import service as agreement_svc
from bot.agreements.views import agreement_form, suggest_form
from bot.capture import service as capture_svc
from bot.capture.views import capture_form
from bot.capture.views import suggest_form as capture_suggest_form
from bot.checkins import service as checkin_svc
from bot.checkins.views import form as checkin_form
from bot.enrolment import service as enrolment_svc
from bot.enrolment.views import join_form, parse_join_form
from bot.errors import NotFound
from bot.forms import FormState
from bot.goals import service as goal_svc
from bot.goals.views import comment_form, goal_form, progress_form
from bot.meetings import service as meeting_svc
from bot.meetings.views import agenda_form, meeting_form, mentor_items_form
from bot.people.views import settings_form
from bot.programs import service as program_svc
from bot.programs.service import celebration_channel
from bot.programs.views import program_form
from bot.separation import service as separation_svc
from bot.separation import views as separation_views
from bot.signals import followups
from bot.signals.views import update_form
from infra.deps import Deps
from infra.text import escape
from infra.windows import local_date, local_instant, zone
from scheduling.hours import effective_hours, own_hours
from storage.enums import LIVE_RELATIONSHIP_STATUSES as LIVE
from storage.enums import ActorRole
from storage.models import User
from storage.repositories import enrolments as enrolment_repo
from storage.repositories import programs as program_repo
from storage.repositories import relationships as rel_repo


async def open_program_form(
    deps: Deps, client: AsyncWebClient, *, actor: User, trigger_id: str, program_id: int | None
) -> None:
    """Open the new-program form (admins and managers) or the edit form (its managers)."""
    async with deps.db.transaction() as session:
        if program_id is None:
            await access.require_can_create(session=session, actor=actor)
            draft = program_svc.default_draft(creator=actor)
        else:
            program = await access.require_manager(
                session=session, actor=actor, program_id=program_id
            )
            draft = program_svc.draft_of(program)
    await client.views_open(trigger_id=trigger_id, view=program_form(draft, program_id=program_id))


async def program_id_by_name(deps: Deps, *, actor: User, name: str) -> int:
    async with deps.db.transaction() as session:
        program = await program_repo.by_name(session=session, team_id=actor.team_id, name=name)
        if program is None:
            names = [
                p.name for p in await program_repo.active(session=session, team_id=actor.team_id)
            ]
            known = f" Programs here: {', '.join(names)}." if names else ""
            raise NotFound(f"There is no program called “{name[:80]}”.{known}")
        return program.id


async def open_join_form(
    deps: Deps,
    client: AsyncWebClient,
    *,
    actor: User,
    trigger_id: str,
    program_id: int | None = None,
    program_name: str | None = None,
) -> None:
    """Open the join form: for a chosen program, or the only one there is. If the person is
    already enrolled there it opens pre-filled, as their profile."""
    async with deps.db.transaction() as session:
        programs = await program_repo.active(session=session, team_id=actor.team_id)
        if not programs:
            raise NotFound(
                "There are no mentoring programs to join yet. A workspace admin can create one "
                "with `/mentor program new`."
            )
        if program_name:
            match = await program_repo.by_name(
                session=session, team_id=actor.team_id, name=program_name
            )
            if match is None or match.archived_at is not None:
                names = escape(", ".join(p.name for p in programs))
                raise NotFound(
                    f"There is no program called “{escape(program_name[:80])}”. Try: {names}."
                )
            program_id = match.id
        if program_id is None and len(programs) == 1:
            program_id = programs[0].id
        draft, editing = await _join_draft(session, actor, program_id)
    view = join_form(programs, draft, tz=actor.tz, editing=editing)
    await client.views_open(trigger_id=trigger_id, view=view)


async def rebuild_join_form(
    deps: Deps, client: AsyncWebClient, *, actor: User, view: dict[str, Any], changed: str
) -> None:
    """Re-render the join form after the program or role changed, keeping what was typed."""
    partial = parse_join_form(FormState((view.get("state") or {}).get("values")), strict=False)
    async with deps.db.transaction() as session:
        programs = await program_repo.active(session=session, team_id=actor.team_id)
        editing = False
        if partial.program_id:
            existing = await enrolment_repo.find(
                session=session,
                team_id=actor.team_id,
                program_id=partial.program_id,
                user_id=actor.id,
            )
            editing = existing is not None
            if existing is not None and changed == "program":
                partial = enrolment_svc.draft_of(existing)
    await client.views_update(
        view_id=view["id"],
        hash=view.get("hash"),
        view=join_form(programs, partial, tz=actor.tz, editing=editing),
    )


async def open_settings_form(
    deps: Deps, client: AsyncWebClient, *, actor: User, trigger_id: str
) -> None:
    """Personal nudge hours; the program's hours are shown as the default."""
    async with deps.db.transaction() as session:
        enrolments = await enrolment_repo.for_user(
            session=session, team_id=actor.team_id, user_id=actor.id
        )
    program = enrolments[0].program if enrolments else None
    view = settings_form(tz=actor.tz, own=own_hours(actor), fallback=effective_hours(None, program))
    await client.views_open(trigger_id=trigger_id, view=view)


async def open_agreement_form(
    deps: Deps, client: AsyncWebClient, *, actor: User, trigger_id: str, relationship_id: int
) -> None:
    """The mentee drafts, or revises, the agreement (pre-filled from the current version)."""
    async with deps.db.transaction() as session:
        member = await membership(session=session, actor=actor, relationship_id=relationship_id)
        agreement_svc.require_drafter(member.role)
        current = await rel_repo.current_agreement(session=session, relationship_id=relationship_id)
        relationship = member.relationship
        today = local_date(deps.clock.now(), actor.tz)
        terms = (
            agreement_svc.Terms.from_dict(current.terms)
            if current is not None
            else agreement_svc.default_terms(relationship, today)
        )
        view = agreement_form(relationship, terms, revising=current is not None)
    await client.views_open(trigger_id=trigger_id, view=view)


async def open_suggest_form(
    deps: Deps, client: AsyncWebClient, *, actor: User, trigger_id: str, agreement_id: int
) -> None:
    async with deps.db.transaction() as session:
        agreement = await rel_repo.agreement(
            session=session, team_id=actor.team_id, agreement_id=agreement_id
        )
        if agreement is None:
            raise NotFound("That agreement doesn't exist.")
        member = await membership(
            session=session, actor=actor, relationship_id=agreement.relationship_id
        )
        agreement_svc.require_reviewer(member.role)
        view = suggest_form(agreement, member.relationship)
    await client.views_open(trigger_id=trigger_id, view=view)


async def _join_draft(
    session: Any, actor: User, program_id: int | None
) -> tuple[enrolment_svc.EnrolmentDraft, bool]:
    enrolments = await enrolment_repo.for_user(
        session=session, team_id=actor.team_id, user_id=actor.id, include_left=True
    )
    for e in enrolments:
        if e.program_id == program_id:
            return enrolment_svc.draft_of(e), True
    # Reuse the "about you" answers from another program, if there is one.
    if enrolments:
        latest = max(enrolments, key=lambda e: e.updated_at)
        about = enrolment_svc.draft_of(latest)
        return (
            enrolment_svc.EnrolmentDraft(
                program_id=program_id or 0,
                role=None,
                department=about.department,
                current_role=about.current_role,
                seniority=about.seniority,
                location=about.location,
                manager_slack_id=about.manager_slack_id,
                department_preference=about.department_preference,
            ),
            False,
        )
    return enrolment_svc.EnrolmentDraft(program_id=program_id or 0, role=None), False


async def open_meeting_form(
    deps: Deps,
    client: AsyncWebClient,
    *,
    actor: User,
    trigger_id: str,
    relationship_id: int | None = None,
    meeting_id: int | None = None,
) -> None:
    """Book a meeting (with one partner, or a choice of them), or move ``meeting_id``."""
    now = deps.clock.now()
    tz = zone(actor.tz)
    # Default: tomorrow at 10:00 in the actor's own time zone.
    start = local_instant(now.astimezone(tz).date() + timedelta(days=1), time(10), tz)
    async with deps.db.transaction() as session:
        if meeting_id is not None:
            meeting, role = await meeting_svc.load(
                session=session, actor=actor, meeting_id=meeting_id
            )
            view = meeting_form(
                [(meeting.pair, role)],
                start=meeting.starts_at,
                minutes=meeting.minutes,
                place=meeting.place,
                meeting=meeting,
            )
        else:
            if relationship_id is not None:
                member = await membership(
                    session=session, actor=actor, relationship_id=relationship_id
                )
                pairs = [(member.relationship, member.role)]
            else:
                pairs = [
                    (r, role)
                    for r, role, _ in await agreement_svc.for_actor(session=session, actor=actor)
                ]
            if not pairs:
                raise NotFound(
                    "You don't have a mentoring partner yet. Once a mentor accepts, "
                    "`/mentor meet` books your meetings."
                )
            view = meeting_form(pairs, start=start)
    await client.views_open(trigger_id=trigger_id, view=view)


async def open_agenda_form(
    deps: Deps, client: AsyncWebClient, *, actor: User, trigger_id: str, meeting_id: int
) -> None:
    async with deps.db.transaction() as session:
        meeting, role = await meeting_svc.load(session=session, actor=actor, meeting_id=meeting_id)
        meeting_svc.require_agenda_writer(role)
        goals = await goal_svc.open_goals(session=session, relationship_id=meeting.relationship_id)
        view = agenda_form(meeting, meeting.agenda, goals)
    await client.views_open(trigger_id=trigger_id, view=view)


async def open_goal_form(
    deps: Deps,
    client: AsyncWebClient,
    *,
    actor: User,
    trigger_id: str,
    relationship_id: int | None = None,
    parent_id: int | None = None,
) -> None:
    """A new goal (for one partner, or a choice of them), or a milestone under ``parent_id``."""
    async with deps.db.transaction() as session:
        parent = None
        if parent_id is not None:
            parent, role = await goal_svc.load(session=session, actor=actor, goal_id=parent_id)
            member = await membership(
                session=session, actor=actor, relationship_id=parent.relationship_id
            )
            pairs = [member.relationship]
        elif relationship_id is not None:
            member = await membership(session=session, actor=actor, relationship_id=relationship_id)
            role = member.role
            pairs = [member.relationship]
        else:
            found = await agreement_svc.for_actor(session=session, actor=actor)
            pairs = [r for r, r_role, _ in found if r_role is ActorRole.MENTEE]
            role = ActorRole.MENTEE if pairs else ActorRole.MENTOR
            if not pairs and not found:
                raise NotFound(
                    "You don't have a mentoring partner yet. Once a mentor accepts, "
                    "`/mentor goals` is where you set what you're working towards."
                )
        goal_svc.require_goal_setter(role)
        view = goal_form(
            pairs,
            parent=parent,
            celebrations=len(pairs) == 1 and celebration_channel(pairs[0].program) is not None,
        )
    await client.views_open(trigger_id=trigger_id, view=view)


async def open_goal_progress_form(
    deps: Deps, client: AsyncWebClient, *, actor: User, trigger_id: str, goal_id: int
) -> None:
    async with deps.db.transaction() as session:
        goal, role = await goal_svc.load(session=session, actor=actor, goal_id=goal_id)
        goal_svc.require_progress_reporter(role)
        view = progress_form(goal)
    await client.views_open(trigger_id=trigger_id, view=view)


async def open_goal_comment_form(
    deps: Deps, client: AsyncWebClient, *, actor: User, trigger_id: str, goal_id: int
) -> None:
    async with deps.db.transaction() as session:
        goal, _ = await goal_svc.load(session=session, actor=actor, goal_id=goal_id)
        view = comment_form(goal)
    await client.views_open(trigger_id=trigger_id, view=view)


async def open_capture_form(
    deps: Deps, client: AsyncWebClient, *, actor: User, trigger_id: str, meeting_id: int
) -> None:
    """Either of the pair may open it (a mentor who does is recorded as writing the notes)."""
    async with deps.db.transaction() as session:
        meeting, role = await meeting_svc.load(session=session, actor=actor, meeting_id=meeting_id)
        capture_svc.require_started(meeting, deps.clock.now())
        actions = await capture_svc.actions_of(session=session, meeting_id=meeting.id)
        view = capture_form(meeting, role, meeting.notes, actions)
    await client.views_open(trigger_id=trigger_id, view=view)


async def open_capture_suggest_form(
    deps: Deps, client: AsyncWebClient, *, actor: User, trigger_id: str, meeting_id: int
) -> None:
    async with deps.db.transaction() as session:
        meeting, role = await meeting_svc.load(session=session, actor=actor, meeting_id=meeting_id)
        capture_svc.notes_to_suggest_on(meeting, role)
        view = capture_suggest_form(meeting)
    await client.views_open(trigger_id=trigger_id, view=view)


async def open_mentor_items_form(
    deps: Deps, client: AsyncWebClient, *, actor: User, trigger_id: str, meeting_id: int
) -> None:
    async with deps.db.transaction() as session:
        meeting, role = await meeting_svc.load(session=session, actor=actor, meeting_id=meeting_id)
        meeting_svc.require_agenda_adder(role)
        view = mentor_items_form(meeting)
    await client.views_open(trigger_id=trigger_id, view=view)


async def open_update_form(
    deps: Deps, client: AsyncWebClient, *, actor: User, trigger_id: str, relationship_id: int
) -> None:
    async with deps.db.transaction() as session:
        member = await membership(session=session, actor=actor, relationship_id=relationship_id)
        followups.require_update_sender(member.role)
        view = update_form(member.relationship)
    await client.views_open(trigger_id=trigger_id, view=view)


async def open_checkin_form(
    deps: Deps, client: AsyncWebClient, *, actor: User, trigger_id: str, checkin_id: int
) -> None:
    async with deps.db.transaction() as session:
        row = await checkin_svc.load(session=session, actor=actor, checkin_id=checkin_id)
        checkin_svc.require_unanswered(row)
        member = await membership(session=session, actor=actor, relationship_id=row.relationship_id)
        view = checkin_form(member.relationship, row)
    await client.views_open(trigger_id=trigger_id, view=view)


async def open_extend_form(
    deps: Deps, client: AsyncWebClient, *, actor: User, trigger_id: str, relationship_id: int
) -> None:
    async with deps.db.transaction() as session:
        member = await membership(session=session, actor=actor, relationship_id=relationship_id)
        relationship = member.relationship
        current = local_date(separation_svc.require_extendable(relationship), actor.tz)
        view = separation_views.extend_form(relationship, current)
    await client.views_open(trigger_id=trigger_id, view=view)


async def open_close_form(
    deps: Deps, client: AsyncWebClient, *, actor: User, trigger_id: str, relationship_id: int
) -> None:
    async with deps.db.transaction() as session:
        member = await membership(session=session, actor=actor, relationship_id=relationship_id)
        view = separation_views.close_form(member.relationship, member.role)
    await client.views_open(trigger_id=trigger_id, view=view)


async def open_end_form(
    deps: Deps, client: AsyncWebClient, *, actor: User, trigger_id: str
) -> None:
    async with deps.db.transaction() as session:
        pairs = [
            (r, role)
            for r, role, _ in await agreement_svc.for_actor(session=session, actor=actor)
            if r.status in LIVE
        ]
        if not pairs:
            raise NotFound("You don't have an active mentoring relationship to end.")
        view = separation_views.end_form(pairs)
    await client.views_open(trigger_id=trigger_id, view=view)
