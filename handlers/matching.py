"""Shared steps of the match review, used by the command, its buttons and its forms."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot import blocks as ui
from bot.errors import NotFound
from bot.matching import review as matches
from bot.matching import views
from bot.notices import info_modal
from infra.deps import Deps
from infra.text import escape
from storage.models import User
from storage.repositories import programs as program_repo


async def managed_program_id(
    deps: Deps, actor: User, name: str, *, doing: str = "match people"
) -> int:
    """The program named, or the only one the actor manages."""
    async with deps.db.transaction() as session:
        if name:
            program = await program_repo.by_name(session=session, team_id=actor.team_id, name=name)
            if program is None:
                raise NotFound(f"There is no program called “{escape(name[:80])}”.")
            return program.id
        managed = await program_repo.managed_program_ids(
            session=session, team_id=actor.team_id, user_id=actor.id
        )
    if len(managed) == 1:
        return next(iter(managed))
    if not managed:
        raise NotFound(f"Only program managers can {doing}, and you don't manage a program.")
    raise NotFound("You manage several programs: say which, e.g. `Engineering` after the command.")


async def show_run(
    deps: Deps, client: AsyncWebClient, *, actor: User, view_id: str, run_id: int, page: int = 0
) -> None:
    async with deps.db.transaction() as session:
        run = await matches.load_run(session=session, actor=actor, run_id=run_id)
        view = views.review(run, page=page)
    await client.views_update(view_id=view_id, view=view)


async def compute_into(
    deps: Deps, client: AsyncWebClient, *, actor: User, view_id: str, program_id: int
) -> None:
    run_id = await matches.start_run(
        db=deps.db, clock=deps.clock, actor=actor, program_id=program_id
    )
    await show_run(deps, client, actor=actor, view_id=view_id, run_id=run_id)


def working(text: str) -> dict[str, object]:
    return info_modal("Review matches", [ui.section(f":hourglass: {text}")]).to_dict()
