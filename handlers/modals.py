"""Opening and rebuilding modals. Shared by slash commands, buttons and the App Home, so
every route into a modal applies the same permission checks."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot import enrolment as enrolment_svc
from bot import programs as program_svc
from bot.deps import Deps
from bot.errors import NotFound
from bot.people import effective_hours, own_hours
from bot.text import escape
from bot.views.enrolment import join_form, parse_join_form
from bot.views.programs import program_form
from bot.views.settings import settings_form
from bot.views.state import FormState
from storage.models import User
from storage.repositories import enrolments as enrolment_repo
from storage.repositories import programs as program_repo


async def open_program_form(
    deps: Deps, client: AsyncWebClient, *, actor: User, trigger_id: str, program_id: int | None
) -> None:
    """Open the new-program form (admins and managers) or the edit form (its managers)."""
    async with deps.db.transaction() as session:
        if program_id is None:
            await program_svc.require_can_create(session=session, actor=actor)
            draft = program_svc.default_draft(creator=actor)
        else:
            program = await program_svc.require_manager(
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
                seniority=about.seniority,
                location=about.location,
                manager_slack_id=about.manager_slack_id,
                department_preference=about.department_preference,
            ),
            False,
        )
    return enrolment_svc.EnrolmentDraft(program_id=program_id or 0, role=None), False
