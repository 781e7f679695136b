"""Opening modals. Every route into a modal (a button, a slash command, the App Home) opens
it through :func:`open_form` with one of the forms below, so each applies the same
permission checks whichever way it is reached.

A form reads what the modal shows, in one transaction, checking (through the services'
rules) that the actor may open it, and builds the view. ``target`` is the id the button
carries, or the one a command found; a form that needs one and gets none says the thing no
longer exists. The transaction is over before Slack is asked to open the modal.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import time, timedelta
from typing import Any, Protocol

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession

from bot import access
from bot.access import membership
from bot.agreements import service as agreement_svc
from bot.agreements import views as agreement_views
from bot.capture import service as capture_svc
from bot.capture import views as capture_views
from bot.checkins import service as checkin_svc
from bot.checkins import views as checkin_views
from bot.commands.views import help_blocks
from bot.enrolment import service as enrolment_svc
from bot.enrolment.views import join_form, parse_join_form
from bot.errors import NotFound
from bot.forms import FormState
from bot.goals import service as goal_svc
from bot.goals import views as goal_views
from bot.introductions import service as intro_svc
from bot.introductions.views import decline_form
from bot.matching import views as match_views
from bot.matching.settings import MatchingSettings
from bot.meetings import service as meeting_svc
from bot.meetings import views as meeting_views
from bot.notices import info_modal
from bot.people.roles import roles_of
from bot.people.views import settings_form
from bot.programs import service as program_svc
from bot.programs.views import program_form
from bot.separation import service as separation_svc
from bot.separation import views as separation_views
from bot.signals import followups
from bot.signals.views import update_form
from handlers.context import begin_action
from handlers.payloads import required
from infra.clock import Clock
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


class Form(Protocol):
    """What a modal shows, read and checked for ``actor``, as the view to open."""

    def __call__(
        self, *, session: AsyncSession, clock: Clock, actor: User, target: int | None
    ) -> Awaitable[View]: ...


async def open_form(
    deps: Deps,
    client: AsyncWebClient,
    *,
    actor: User,
    trigger_id: str,
    form: Form,
    target: int | None = None,
) -> None:
    async with deps.db.transaction() as session:
        view = await form(session=session, clock=deps.clock, actor=actor, target=target)
    await client.views_open(trigger_id=trigger_id, view=view)


Listener = Callable[[AsyncAck, dict[str, Any], AsyncBoltContext, AsyncWebClient], Awaitable[None]]


def opens(form: Form) -> Listener:
    """The listener of a button that opens ``form`` for the id the button carries."""

    async def open_modal(
        ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        req, deps, actor = await begin_action(ack, body, context, client)
        await open_form(
            deps, client, actor=actor, trigger_id=req.trigger_id, form=form, target=req.int_value()
        )

    return open_modal


# ------------------------------------------------------------------ programs and people


async def new_program(
    *, session: AsyncSession, clock: Clock, actor: User, target: int | None
) -> View:
    """The new-program form, for admins and managers."""
    await access.require_can_create(session=session, actor=actor)
    return program_form(program_svc.default_draft(creator=actor), program_id=None)


async def edit_program(
    *, session: AsyncSession, clock: Clock, actor: User, target: int | None
) -> View:
    """The program's form, for its managers."""
    program_id = required(target, "program")
    program = await access.require_manager(session=session, actor=actor, program_id=program_id)
    return program_form(program_svc.draft_of(program), program_id=program_id)


async def program_id_by_name(deps: Deps, *, actor: User, name: str) -> int:
    async with deps.db.transaction() as session:
        program = await program_repo.by_name(session=session, team_id=actor.team_id, name=name)
        if program is None:
            names = [
                p.name for p in await program_repo.active(session=session, team_id=actor.team_id)
            ]
            known = f" Programs here: {escape(', '.join(names))}." if names else ""
            raise NotFound(f"There is no program called “{escape(name[:80])}”.{known}")
        return program.id


async def match_settings(
    *, session: AsyncSession, clock: Clock, actor: User, target: int | None
) -> View:
    """The program's matching settings, for its managers."""
    program = await access.require_manager(
        session=session, actor=actor, program_id=required(target, "program")
    )
    return match_views.settings_form(
        MatchingSettings.of(program), program_id=program.id, run_id=None
    )


async def join(*, session: AsyncSession, clock: Clock, actor: User, target: int | None) -> View:
    """The join form: for the program ``target``, or the only one there is. If the person is
    already enrolled there it opens pre-filled, as their profile."""
    return await _join(session=session, actor=actor, program_id=target)


def join_named(name: str) -> Form:
    """The join form for the program called ``name``."""

    async def form(*, session: AsyncSession, clock: Clock, actor: User, target: int | None) -> View:
        return await _join(session=session, actor=actor, program_name=name)

    return form


async def profile(*, session: AsyncSession, clock: Clock, actor: User, target: int | None) -> View:
    """The join form of the actor's own enrolment ``target``, pre-filled."""
    enrolment = await enrolment_svc.own_enrolment(
        session=session, user=actor, enrolment_id=target, doing="edit your own profile"
    )
    return await _join(session=session, actor=actor, program_id=enrolment.program_id)


async def _join(
    *,
    session: AsyncSession,
    actor: User,
    program_id: int | None = None,
    program_name: str | None = None,
) -> View:
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
    return join_form(programs, draft, tz=actor.tz, editing=editing)


async def _join_draft(
    session: AsyncSession, actor: User, program_id: int | None
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


async def settings(*, session: AsyncSession, clock: Clock, actor: User, target: int | None) -> View:
    """Personal nudge hours; the program's hours are shown as the default."""
    enrolments = await enrolment_repo.for_user(
        session=session, team_id=actor.team_id, user_id=actor.id
    )
    program = enrolments[0].program if enrolments else None
    return settings_form(tz=actor.tz, own=own_hours(actor), fallback=effective_hours(None, program))


async def help_form(
    *, session: AsyncSession, clock: Clock, actor: User, target: int | None
) -> View:
    """The commands the actor can use."""
    roles = await roles_of(session=session, user=actor)
    return info_modal("Help", help_blocks(roles))


# ------------------------------------------------------------------ a pair's forms


async def decline(*, session: AsyncSession, clock: Clock, actor: User, target: int | None) -> View:
    """The mentor declines an introduction, with a reason."""
    relationship_id = required(target, "introduction")
    member = await membership(session=session, actor=actor, relationship_id=relationship_id)
    intro_svc.require_decliner(member.role)
    return decline_form(member.relationship)


async def agreement(
    *, session: AsyncSession, clock: Clock, actor: User, target: int | None
) -> View:
    """The mentee drafts, or revises, the agreement (pre-filled from the current version)."""
    relationship_id = required(target, "relationship")
    member = await membership(session=session, actor=actor, relationship_id=relationship_id)
    agreement_svc.require_drafter(member.role)
    current = await rel_repo.current_agreement(session=session, relationship_id=relationship_id)
    relationship = member.relationship
    today = local_date(clock.now(), actor.tz)
    terms = (
        agreement_svc.Terms.from_dict(current.terms)
        if current is not None
        else agreement_svc.default_terms(relationship, today)
    )
    return agreement_views.agreement_form(relationship, terms, revising=current is not None)


async def agreement_suggestion(
    *, session: AsyncSession, clock: Clock, actor: User, target: int | None
) -> View:
    """The mentor suggests changes to the agreement."""
    found = await rel_repo.agreement(
        session=session, team_id=actor.team_id, agreement_id=required(target, "agreement")
    )
    if found is None:
        raise NotFound("That agreement doesn't exist.")
    member = await membership(session=session, actor=actor, relationship_id=found.relationship_id)
    agreement_svc.require_reviewer(member.role)
    return agreement_views.suggest_form(found, member.relationship)


async def meeting(*, session: AsyncSession, clock: Clock, actor: User, target: int | None) -> View:
    """Book a meeting: with the pair ``target``, or a choice of the actor's partners."""
    tz = zone(actor.tz)
    # Default: tomorrow at 10:00 in the actor's own time zone.
    start = local_instant(clock.now().astimezone(tz).date() + timedelta(days=1), time(10), tz)
    if target is not None:
        member = await membership(session=session, actor=actor, relationship_id=target)
        pairs = [(member.relationship, member.role)]
    else:
        pairs = [
            (r, role) for r, role, _ in await agreement_svc.for_actor(session=session, actor=actor)
        ]
    if not pairs:
        raise NotFound(
            "You don't have a mentoring partner yet. Once a mentor accepts, "
            "`/mentor meet` books your meetings."
        )
    return meeting_views.meeting_form(pairs, start=start)


async def meeting_move(
    *, session: AsyncSession, clock: Clock, actor: User, target: int | None
) -> View:
    """Move the meeting ``target``."""
    found, role = await meeting_svc.load(
        session=session, actor=actor, meeting_id=required(target, "meeting")
    )
    return meeting_views.meeting_form(
        [(found.pair, role)],
        start=found.starts_at,
        minutes=found.minutes,
        place=found.place,
        meeting=found,
    )


async def agenda(*, session: AsyncSession, clock: Clock, actor: User, target: int | None) -> View:
    """The mentee writes the meeting's GROW agenda."""
    found, role = await meeting_svc.load(
        session=session, actor=actor, meeting_id=required(target, "meeting")
    )
    meeting_svc.require_agenda_writer(role)
    goals = await goal_svc.open_goals(session=session, relationship_id=found.relationship_id)
    return meeting_views.agenda_form(found, found.agenda, goals)


async def mentor_items(
    *, session: AsyncSession, clock: Clock, actor: User, target: int | None
) -> View:
    """The mentor adds items to the mentee's agenda."""
    found, role = await meeting_svc.load(
        session=session, actor=actor, meeting_id=required(target, "meeting")
    )
    meeting_svc.require_agenda_adder(role)
    return meeting_views.mentor_items_form(found)


async def goal(*, session: AsyncSession, clock: Clock, actor: User, target: int | None) -> View:
    """A new goal: for the pair ``target``, or a choice of the pairs the actor is mentee in."""
    if target is not None:
        member = await membership(session=session, actor=actor, relationship_id=target)
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
    return goal_views.goal_form(
        pairs,
        parent=None,
        celebrations=len(pairs) == 1
        and program_svc.celebration_channel(pairs[0].program) is not None,
    )


async def milestone(
    *, session: AsyncSession, clock: Clock, actor: User, target: int | None
) -> View:
    """A milestone under the goal ``target``."""
    parent, role = await goal_svc.load(
        session=session, actor=actor, goal_id=required(target, "goal")
    )
    member = await membership(session=session, actor=actor, relationship_id=parent.relationship_id)
    goal_svc.require_goal_setter(role)
    return goal_views.goal_form(
        [member.relationship],
        parent=parent,
        celebrations=program_svc.celebration_channel(member.relationship.program) is not None,
    )


async def goal_progress(
    *, session: AsyncSession, clock: Clock, actor: User, target: int | None
) -> View:
    found, role = await goal_svc.load(
        session=session, actor=actor, goal_id=required(target, "goal")
    )
    goal_svc.require_progress_reporter(role)
    return goal_views.progress_form(found)


async def goal_comment(
    *, session: AsyncSession, clock: Clock, actor: User, target: int | None
) -> View:
    found, _ = await goal_svc.load(session=session, actor=actor, goal_id=required(target, "goal"))
    return goal_views.comment_form(found)


async def capture(*, session: AsyncSession, clock: Clock, actor: User, target: int | None) -> View:
    """Either of the pair may open it (a mentor who does is recorded as writing the notes)."""
    found, role = await meeting_svc.load(
        session=session, actor=actor, meeting_id=required(target, "meeting")
    )
    capture_svc.require_started(found, clock.now())
    actions = await capture_svc.actions_of(session=session, meeting_id=found.id)
    return capture_views.capture_form(found, role, found.notes, actions)


async def capture_suggestion(
    *, session: AsyncSession, clock: Clock, actor: User, target: int | None
) -> View:
    """The partner who didn't write the notes suggests a change."""
    found, role = await meeting_svc.load(
        session=session, actor=actor, meeting_id=required(target, "meeting")
    )
    capture_svc.notes_to_suggest_on(found, role)
    return capture_views.suggest_form(found)


async def update(*, session: AsyncSession, clock: Clock, actor: User, target: int | None) -> View:
    """The mentee's update to their mentor."""
    member = await membership(
        session=session, actor=actor, relationship_id=required(target, "relationship")
    )
    followups.require_update_sender(member.role)
    return update_form(member.relationship)


async def checkin(*, session: AsyncSession, clock: Clock, actor: User, target: int | None) -> View:
    row = await checkin_svc.load(
        session=session, actor=actor, checkin_id=required(target, "check-in")
    )
    checkin_svc.require_unanswered(row)
    member = await membership(session=session, actor=actor, relationship_id=row.relationship_id)
    return checkin_views.form(member.relationship, row)


async def extend(*, session: AsyncSession, clock: Clock, actor: User, target: int | None) -> View:
    member = await membership(
        session=session, actor=actor, relationship_id=required(target, "relationship")
    )
    relationship = member.relationship
    current = local_date(separation_svc.require_extendable(relationship), actor.tz)
    return separation_views.extend_form(relationship, current)


async def close(*, session: AsyncSession, clock: Clock, actor: User, target: int | None) -> View:
    member = await membership(
        session=session, actor=actor, relationship_id=required(target, "relationship")
    )
    return separation_views.close_form(member.relationship, member.role)


async def end(*, session: AsyncSession, clock: Clock, actor: User, target: int | None) -> View:
    """End one of the actor's live relationships early."""
    pairs = [
        (r, role)
        for r, role, _ in await agreement_svc.for_actor(session=session, actor=actor)
        if r.status in LIVE
    ]
    if not pairs:
        raise NotFound("You don't have an active mentoring relationship to end.")
    return separation_views.end_form(pairs)
