"""`/mentor <subcommand>`: acknowledge at once, then route to the subcommand."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot import access
from bot.agreements import service as agreement_svc
from bot.agreements.views import agreements_overview
from bot.capture import service as capture_svc
from bot.capture.views import actions_list
from bot.commands.catalogue import resolve, suggest
from bot.commands.views import help_blocks
from bot.digest import service as digest_svc
from bot.digest import views as digest_views
from bot.enrolment import service as enrolment_svc
from bot.enrolment.views import leave_choices, profile
from bot.goals import service as goal_svc
from bot.goals.views import goals_list
from bot.introductions import service as relationship_svc
from bot.matching import views as match_views
from bot.matching.settings import MatchingSettings
from bot.people import service as people
from bot.people.roles import roles_of
from bot.people.views import paused, resumed
from bot.programs import service as program_svc
from bot.programs.views import program_list
from bot.receipts import service as confirm
from handlers import matching, openers
from handlers.context import acting_user, deps_of
from handlers.payloads import CommandRequest
from infra.deps import Deps
from infra.text import escape, escape_truncated
from infra.windows import local_date
from storage.enums import ActorRole, EnrolmentStatus
from storage.models import User
from storage.repositories import programs as program_repo

Subcommand = Callable[
    [CommandRequest, str, Deps, AsyncWebClient, AsyncRespond, User], Awaitable[None]
]


async def handle_mentor(
    ack: AsyncAck,
    body: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    await ack()
    req = CommandRequest.parse(body)
    deps = deps_of(context)
    actor = await acting_user(deps, client, team_id=req.team_id, user_id=req.user_id)
    word, rest = req.words()
    name = resolve(word) if word else "help"
    if name is None:
        await show_help(deps, respond, actor, unknown=req.text, suggestion=suggest(word))
        return
    await ROUTES[name](req, rest, deps, client, respond, actor)


async def show_help(
    deps: Deps,
    respond: AsyncRespond,
    actor: User,
    *,
    unknown: str | None = None,
    suggestion: str | None = None,
) -> None:
    async with deps.db.transaction() as session:
        roles = await roles_of(session=session, user=actor)
    blocks = help_blocks(roles, unknown=unknown, suggestion=suggestion)
    await respond(
        text="Mentorbot commands", blocks=[b.to_dict() for b in blocks], response_type="ephemeral"
    )


async def _help(
    req: CommandRequest,
    rest: str,
    deps: Deps,
    client: AsyncWebClient,
    respond: AsyncRespond,
    actor: User,
) -> None:
    await show_help(deps, respond, actor)


async def _program(
    req: CommandRequest,
    rest: str,
    deps: Deps,
    client: AsyncWebClient,
    respond: AsyncRespond,
    actor: User,
) -> None:
    action, _, name = rest.partition(" ")
    action = action.lower()
    if action in ("", "list"):
        async with deps.db.transaction() as session:
            summaries = await program_svc.summaries(session=session, viewer=actor)
            can_create = await access.can_create_programs(session=session, actor=actor)
        blocks = program_list(summaries, can_create=can_create)
        await respond(
            text="Mentoring programs",
            blocks=[b.to_dict() for b in blocks],
            response_type="ephemeral",
        )
    elif action in ("new", "create"):
        await openers.open_program_form(
            deps, client, actor=actor, trigger_id=req.trigger_id, program_id=None
        )
    elif action == "edit" and name.strip():
        program_id = await openers.program_id_by_name(deps, actor=actor, name=name.strip())
        await openers.open_program_form(
            deps, client, actor=actor, trigger_id=req.trigger_id, program_id=program_id
        )
    else:
        shown = escape_truncated(rest, 40)
        await respond(
            text=f"I don't know `/mentor program {shown}`. Try `/mentor program new`, "
            "`/mentor program edit <name>` or just `/mentor program`.",
            response_type="ephemeral",
        )


async def _join(
    req: CommandRequest,
    rest: str,
    deps: Deps,
    client: AsyncWebClient,
    respond: AsyncRespond,
    actor: User,
) -> None:
    await openers.open_join_form(
        deps, client, actor=actor, trigger_id=req.trigger_id, program_name=rest or None
    )


async def _profile(
    req: CommandRequest,
    rest: str,
    deps: Deps,
    client: AsyncWebClient,
    respond: AsyncRespond,
    actor: User,
) -> None:
    async with deps.db.transaction() as session:
        enrolments = await enrolment_svc.enrolments_of(session=session, user=actor)
    blocks = profile(enrolments, tz=actor.tz)
    await respond(
        text="Your mentoring profile",
        blocks=[b.to_dict() for b in blocks],
        response_type="ephemeral",
    )


async def _leave(
    req: CommandRequest,
    rest: str,
    deps: Deps,
    client: AsyncWebClient,
    respond: AsyncRespond,
    actor: User,
) -> None:
    async with deps.db.transaction() as session:
        enrolments = [
            e
            for e in await enrolment_svc.enrolments_of(session=session, user=actor)
            if e.status is not EnrolmentStatus.LEFT
        ]
    if rest:
        wanted = rest.casefold()
        enrolments = [e for e in enrolments if e.program.name.casefold() == wanted] or enrolments
    blocks = leave_choices(enrolments)
    await respond(
        text="Leave a program", blocks=[b.to_dict() for b in blocks], response_type="ephemeral"
    )


async def _settings(
    req: CommandRequest,
    rest: str,
    deps: Deps,
    client: AsyncWebClient,
    respond: AsyncRespond,
    actor: User,
) -> None:
    await openers.open_settings_form(deps, client, actor=actor, trigger_id=req.trigger_id)


async def _pause(
    req: CommandRequest,
    rest: str,
    deps: Deps,
    client: AsyncWebClient,
    respond: AsyncRespond,
    actor: User,
) -> None:
    until = people.parse_pause(rest, now=deps.clock.now(), tz=actor.tz)
    async with deps.db.transaction() as session:
        await people.pause(session=session, clock=deps.clock, user=actor, until=until)
    await respond(
        text="Nudges paused",
        blocks=[b.to_dict() for b in paused(until, actor.tz)],
        response_type="ephemeral",
    )


async def _resume(
    req: CommandRequest,
    rest: str,
    deps: Deps,
    client: AsyncWebClient,
    respond: AsyncRespond,
    actor: User,
) -> None:
    async with deps.db.transaction() as session:
        released = await people.resume(session=session, clock=deps.clock, user=actor)
    await respond(
        text="Nudges resumed",
        blocks=[b.to_dict() for b in resumed(released)],
        response_type="ephemeral",
    )


async def _match(
    req: CommandRequest,
    rest: str,
    deps: Deps,
    client: AsyncWebClient,
    respond: AsyncRespond,
    actor: User,
) -> None:
    words = rest.split(" ", 1)
    if words[0].lower() == "settings":
        program_id = await matching.managed_program_id(
            deps, actor, words[1] if len(words) > 1 else ""
        )
        async with deps.db.transaction() as session:
            program = await access.require_manager(
                session=session, actor=actor, program_id=program_id
            )
            view = match_views.settings_form(
                MatchingSettings.of(program), program_id=program.id, run_id=None
            )
        await client.views_open(trigger_id=req.trigger_id, view=view)
        return
    program_id = await matching.managed_program_id(deps, actor, rest)
    async with deps.db.transaction() as session:
        await access.require_manager(session=session, actor=actor, program_id=program_id)
    # Open at once (the trigger expires in 3 seconds), then fill in when the solver is done.
    opened = await client.views_open(
        trigger_id=req.trigger_id, view=matching.working("Finding the best matches…")
    )
    await matching.compute_into(
        deps, client, actor=actor, view_id=opened["view"]["id"], program_id=program_id
    )


async def _find(
    req: CommandRequest,
    rest: str,
    deps: Deps,
    client: AsyncWebClient,
    respond: AsyncRespond,
    actor: User,
) -> None:
    async with deps.db.transaction() as session:
        program_id = None
        if rest:
            program = await program_repo.by_name(session=session, team_id=actor.team_id, name=rest)
            program_id = program.id if program else -1
        found_in, pairs, enrolments = await relationship_svc.find_mentors(
            session=session, clock=deps.clock, actor=actor, program_id=program_id
        )
        program = await program_repo.get(
            session=session, team_id=actor.team_id, program_id=found_in
        )
        assert program is not None
        blocks = match_views.find_results(program.name, program.id, pairs, enrolments)
    await respond(
        text="Mentors for you", blocks=[b.to_dict() for b in blocks], response_type="ephemeral"
    )


async def _agreement(
    req: CommandRequest,
    rest: str,
    deps: Deps,
    client: AsyncWebClient,
    respond: AsyncRespond,
    actor: User,
) -> None:
    async with deps.db.transaction() as session:
        items = await agreement_svc.for_actor(session=session, actor=actor)
        blocks = agreements_overview(items)
    await respond(
        text="Your mentoring agreement",
        blocks=[b.to_dict() for b in blocks],
        response_type="ephemeral",
    )


async def _meet(
    req: CommandRequest,
    rest: str,
    deps: Deps,
    client: AsyncWebClient,
    respond: AsyncRespond,
    actor: User,
) -> None:
    await openers.open_meeting_form(deps, client, actor=actor, trigger_id=req.trigger_id)


async def _goals(
    req: CommandRequest,
    rest: str,
    deps: Deps,
    client: AsyncWebClient,
    respond: AsyncRespond,
    actor: User,
) -> None:
    async with deps.db.transaction() as session:
        pairs = await goal_svc.for_actor(session=session, actor=actor)
        blocks = goals_list(pairs)
    mentee_without_goals = any(
        role is ActorRole.MENTEE and not goals for _, role, goals, _ in pairs
    )
    if rest.lower() in ("new", "add") or (not rest and mentee_without_goals):
        await openers.open_goal_form(deps, client, actor=actor, trigger_id=req.trigger_id)
        return
    await respond(
        text="Your mentoring goals", blocks=[b.to_dict() for b in blocks], response_type="ephemeral"
    )


async def _actions(
    req: CommandRequest,
    rest: str,
    deps: Deps,
    client: AsyncWebClient,
    respond: AsyncRespond,
    actor: User,
) -> None:
    async with deps.db.transaction() as session:
        pairs = await capture_svc.open_actions(session=session, actor=actor)
    today = local_date(deps.clock.now(), actor.tz)
    blocks = actions_list(pairs, today=today)
    await respond(
        text="Your open actions", blocks=[b.to_dict() for b in blocks], response_type="ephemeral"
    )


async def _digest(
    req: CommandRequest,
    rest: str,
    deps: Deps,
    client: AsyncWebClient,
    respond: AsyncRespond,
    actor: User,
) -> None:
    program_id = await matching.managed_program_id(deps, actor, rest, doing="see the digest")
    async with deps.db.transaction() as session:
        program = await access.require_manager(session=session, actor=actor, program_id=program_id)
        now = deps.clock.now()
        period = digest_svc.week_so_far(now, program.timezone)
        built = await digest_svc.build(session=session, program=program, period=period, now=now)
    blocks, overflow = digest_views.blocks(built)
    await respond(
        text=f"Digest · {escape(built.program_name)}",
        blocks=[b.to_dict() for b in blocks],
        response_type="ephemeral",
    )
    if overflow:
        await respond(
            text="The lists are longer than a message: `/mentor report export` has them all.",
            response_type="ephemeral",
            replace_original=False,
        )


async def _report(
    req: CommandRequest,
    rest: str,
    deps: Deps,
    client: AsyncWebClient,
    respond: AsyncRespond,
    actor: User,
) -> None:
    action, _, name = rest.partition(" ")
    if action.lower() != "export":
        await respond(
            text="Try `/mentor report export [program]` for a CSV of every relationship.",
            response_type="ephemeral",
        )
        return
    program_id = await matching.managed_program_id(
        deps, actor, name.strip(), doing="export a report"
    )
    async with deps.db.transaction() as session:
        program = await access.require_manager(session=session, actor=actor, program_id=program_id)
        # Built and shared by the sweep: a failed upload is retried, not lost.
        await confirm.report_export(session=session, clock=deps.clock, actor=actor, program=program)
    deps.kick()
    await respond(text="The report is on its way to your DMs with me.", response_type="ephemeral")


async def _end(
    req: CommandRequest,
    rest: str,
    deps: Deps,
    client: AsyncWebClient,
    respond: AsyncRespond,
    actor: User,
) -> None:
    await openers.open_end_form(deps, client, actor=actor, trigger_id=req.trigger_id)


ROUTES: dict[str, Subcommand] = {
    "end": _end,
    "digest": _digest,
    "report": _report,
    "actions": _actions,
    "goals": _goals,
    "meet": _meet,
    "match": _match,
    "find": _find,
    "agreement": _agreement,
    "settings": _settings,
    "pause": _pause,
    "resume": _resume,
    "help": _help,
    "program": _program,
    "join": _join,
    "profile": _profile,
    "leave": _leave,
}
