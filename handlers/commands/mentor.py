"""`/mentor <subcommand>`: acknowledge at once, then route to the subcommand."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.models.blocks import Block
from slack_sdk.web.async_client import AsyncWebClient

from bot import access
from bot.agreements import service as agreement_svc
from bot.agreements.views import agreements_overview
from bot.audit import service as audit_svc
from bot.audit.views import audit_trail
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
from bot.insights import chart
from bot.insights import service as insights_svc
from bot.introductions import service as relationship_svc
from bot.matching import views as match_views
from bot.people import service as people
from bot.people.roles import roles_of
from bot.people.views import paused, resumed
from bot.privacy import service as privacy
from bot.privacy.views import ADMIN_USAGE, admin_forget_confirm, forget_me_confirm
from bot.programs import service as program_svc
from bot.programs.views import program_list
from bot.receipts import service as receipts
from handlers import matching, openers
from handlers.context import begin_command
from handlers.openers import Form
from handlers.payloads import CommandRequest
from infra.deps import Deps
from infra.text import escape, escape_truncated
from infra.windows import local_date
from storage.enums import ActorRole, EnrolmentStatus
from storage.models import User
from storage.repositories import programs as program_repo


@dataclass(frozen=True)
class Call:
    """One `/mentor` subcommand as typed: ``rest`` is what follows its name."""

    req: CommandRequest
    rest: str
    deps: Deps
    client: AsyncWebClient
    respond: AsyncRespond
    actor: User

    async def reply(self, text: str, blocks: Sequence[Block] = (), **extra: Any) -> None:
        """Answer privately: only the person who typed the command sees it."""
        await self.respond(
            text=text, blocks=[b.to_dict() for b in blocks], response_type="ephemeral", **extra
        )

    async def open(self, form: Form, target: int | None = None) -> None:
        await openers.open_form(
            self.deps,
            self.client,
            actor=self.actor,
            trigger_id=self.req.trigger_id,
            form=form,
            target=target,
        )


Subcommand = Callable[[Call], Awaitable[None]]


async def handle_mentor(
    ack: AsyncAck,
    body: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    req, deps, actor = await begin_command(ack, body, context, client)
    word, rest = req.words()
    call = Call(req, rest, deps, client, respond, actor)
    name = resolve(word) if word else "help"
    if name is None:
        await show_help(call, unknown=req.text, suggestion=suggest(word))
        return
    await ROUTES[name](call)


async def show_help(
    call: Call, *, unknown: str | None = None, suggestion: str | None = None
) -> None:
    async with call.deps.db.transaction() as session:
        roles = await roles_of(session=session, user=call.actor)
    blocks = help_blocks(roles, unknown=unknown, suggestion=suggestion)
    await call.reply("Mentorbot commands", blocks)


async def _help(call: Call) -> None:
    await show_help(call)


async def _program(call: Call) -> None:
    action, _, name = call.rest.partition(" ")
    action = action.lower()
    if action in ("", "list"):
        async with call.deps.db.transaction() as session:
            summaries = await program_svc.summaries(session=session, viewer=call.actor)
            can_create = await access.can_create_programs(session=session, actor=call.actor)
        await call.reply("Mentoring programs", program_list(summaries, can_create=can_create))
    elif action in ("new", "create"):
        await call.open(openers.new_program)
    elif action == "edit" and name.strip():
        program_id = await openers.program_id_by_name(
            call.deps, actor=call.actor, name=name.strip()
        )
        await call.open(openers.edit_program, program_id)
    else:
        shown = escape_truncated(call.rest, 40)
        await call.reply(
            f"I don't know `/mentor program {shown}`. Try `/mentor program new`, "
            "`/mentor program edit <name>` or just `/mentor program`."
        )


async def _join(call: Call) -> None:
    await call.open(openers.join_named(call.rest) if call.rest else openers.join)


async def _profile(call: Call) -> None:
    async with call.deps.db.transaction() as session:
        enrolments = await enrolment_svc.enrolments_of(session=session, user=call.actor)
    await call.reply("Your mentoring profile", profile(enrolments, tz=call.actor.tz))


async def _leave(call: Call) -> None:
    async with call.deps.db.transaction() as session:
        enrolments = [
            e
            for e in await enrolment_svc.enrolments_of(session=session, user=call.actor)
            if e.status is not EnrolmentStatus.LEFT
        ]
    if call.rest:
        wanted = call.rest.casefold()
        enrolments = [e for e in enrolments if e.program.name.casefold() == wanted] or enrolments
    await call.reply("Leave a program", leave_choices(enrolments))


async def _settings(call: Call) -> None:
    await call.open(openers.settings)


async def _pause(call: Call) -> None:
    deps, actor = call.deps, call.actor
    until = people.parse_pause(call.rest, now=deps.clock.now(), tz=actor.tz)
    async with deps.db.transaction() as session:
        await people.pause(session=session, clock=deps.clock, user=actor, until=until)
    await call.reply("Nudges paused", paused(until, actor.tz))


async def _resume(call: Call) -> None:
    async with call.deps.db.transaction() as session:
        released = await people.resume(session=session, clock=call.deps.clock, user=call.actor)
    await call.reply("Nudges resumed", resumed(released))


async def _match(call: Call) -> None:
    deps, actor = call.deps, call.actor
    words = call.rest.split(" ", 1)
    if words[0].lower() == "settings":
        name = words[1] if len(words) > 1 else ""
        await call.open(
            openers.match_settings, await matching.managed_program_id(deps, actor, name)
        )
        return
    program_id = await matching.managed_program_id(deps, actor, call.rest)
    async with deps.db.transaction() as session:
        await access.require_manager(session=session, actor=actor, program_id=program_id)
    # Open at once (the trigger expires in 3 seconds), then fill in when the solver is done.
    opened = await call.client.views_open(
        trigger_id=call.req.trigger_id, view=matching.working("Finding the best matches…")
    )
    await matching.compute_into(
        deps, call.client, actor=actor, view_id=opened["view"]["id"], program_id=program_id
    )


async def _find(call: Call) -> None:
    deps, actor = call.deps, call.actor
    async with deps.db.transaction() as session:
        program_id = None
        if call.rest:
            program = await program_repo.by_name(
                session=session, team_id=actor.team_id, name=call.rest
            )
            program_id = program.id if program else -1
        found_in, pairs, enrolments = await relationship_svc.find_mentors(
            session=session, clock=deps.clock, actor=actor, program_id=program_id
        )
        program = await program_repo.get(
            session=session, team_id=actor.team_id, program_id=found_in
        )
        assert program is not None
        blocks = match_views.find_results(program.name, program.id, pairs, enrolments)
    await call.reply("Mentors for you", blocks)


async def _agreement(call: Call) -> None:
    async with call.deps.db.transaction() as session:
        items = await agreement_svc.for_actor(session=session, actor=call.actor)
        blocks = agreements_overview(items)
    await call.reply("Your mentoring agreement", blocks)


async def _meet(call: Call) -> None:
    await call.open(openers.meeting)


async def _goals(call: Call) -> None:
    async with call.deps.db.transaction() as session:
        pairs = await goal_svc.for_actor(session=session, actor=call.actor)
        blocks = goals_list(pairs)
    mentee_without_goals = any(
        role is ActorRole.MENTEE and not goals for _, role, goals, _ in pairs
    )
    if call.rest.lower() in ("new", "add") or (not call.rest and mentee_without_goals):
        await call.open(openers.goal)
        return
    await call.reply("Your mentoring goals", blocks)


async def _actions(call: Call) -> None:
    async with call.deps.db.transaction() as session:
        pairs = await capture_svc.open_actions(session=session, actor=call.actor)
    today = local_date(call.deps.clock.now(), call.actor.tz)
    await call.reply("Your open actions", actions_list(pairs, today=today))


async def _digest(call: Call) -> None:
    deps, actor = call.deps, call.actor
    program_id = await matching.managed_program_id(deps, actor, call.rest, doing="see the digest")
    async with deps.db.transaction() as session:
        program = await access.require_manager(session=session, actor=actor, program_id=program_id)
        now = deps.clock.now()
        period = digest_svc.week_so_far(now, program.timezone)
        built = await digest_svc.build(session=session, program=program, period=period, now=now)
        # The chart of the last twelve weeks, drawn by the sweep and shared in their DM.
        await insights_svc.send_chart(session=session, now=now, actor=actor, program=program)
    deps.kick()
    blocks, overflow = digest_views.blocks(built, chart_note=chart.ON_ITS_WAY)
    await call.reply(f"Digest · {escape(built.program_name)}", blocks)
    if overflow:
        await call.reply(
            "The lists are longer than a message: `/mentor report export` has them all.",
            replace_original=False,
        )


async def _report(call: Call) -> None:
    deps, actor = call.deps, call.actor
    action, _, name = call.rest.partition(" ")
    if action.lower() != "export":
        await call.reply("Try `/mentor report export [program]` for a CSV of every relationship.")
        return
    program_id = await matching.managed_program_id(
        deps, actor, name.strip(), doing="export a report"
    )
    async with deps.db.transaction() as session:
        program = await access.require_manager(session=session, actor=actor, program_id=program_id)
        # Built and shared by the sweep: a failed upload is retried, not lost.
        await receipts.report_export(
            session=session, clock=deps.clock, actor=actor, program=program
        )
    deps.kick()
    await call.reply("The report is on its way to your DMs with me.")


async def _end(call: Call) -> None:
    await call.open(openers.end)


async def _audit(call: Call) -> None:
    async with call.deps.db.transaction() as session:
        trail = await audit_svc.for_viewer(session=session, actor=call.actor)
    blocks = audit_trail(trail.entries, tz=call.actor.tz, programs=trail.programs)
    await call.reply("Audit trail", blocks)


async def _my_data(call: Call) -> None:
    async with call.deps.db.transaction() as session:
        # Always the acting person's own: nothing in the command names anyone else.
        await receipts.my_data_export(session=session, clock=call.deps.clock, user=call.actor)
    call.deps.kick()
    await call.reply(
        "Everything I keep about you is on its way to your DMs with me: a JSON file and a "
        "readable summary."
    )


async def _forget_me(call: Call) -> None:
    await call.reply("Erase your mentoring data?", forget_me_confirm(call.actor.slack_user_id))


async def _admin(call: Call) -> None:
    action, _, who = call.rest.partition(" ")
    if action.lower() != "forget":
        privacy.require_admin(call.actor)
        await call.reply(ADMIN_USAGE)
        return
    async with call.deps.db.transaction() as session:
        target = await privacy.admin_target(session=session, actor=call.actor, who=who)
        shown = admin_forget_confirm(target.display, target.slack_user_id)
    await call.reply("Erase their mentoring data?", shown)


ROUTES: dict[str, Subcommand] = {
    "forget-me": _forget_me,
    "admin": _admin,
    "end": _end,
    "audit": _audit,
    "my-data": _my_data,
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
