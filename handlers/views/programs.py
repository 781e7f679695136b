"""The program form's submission."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import programs as program_svc
from bot.channels import ensure_member
from bot.text import escape
from bot.views.programs import channel_note, manager_added, parse_program_form, program_saved
from handlers.context import acting_user, deps_of
from handlers.payloads import ViewRequest


async def submit_program(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req = ViewRequest.parse(body)
    deps = deps_of(context)
    actor = await acting_user(deps, client, team_id=req.team_id, user_id=req.user_id)
    draft = parse_program_form(req.state)
    program_id = req.metadata_id("program_id")
    # Validation errors raise InvalidInput before ack: the error handler answers with
    # response_action=errors, and the transaction rolls back so nothing is half-written.
    async with deps.db.transaction() as session:
        if program_id is None:
            program = await program_svc.create_program(
                session=session, clock=deps.clock, actor=actor, draft=draft
            )
            added = set(draft.manager_ids)
        else:
            program, added = await program_svc.update_program(
                session=session, clock=deps.clock, actor=actor, program_id=program_id, draft=draft
            )
    await ack()

    # After the acknowledgement: get into the digest (and celebrations) channel and tell
    # the people concerned.
    access = await ensure_member(client, program.digest_channel_id or "")
    celebrations = program_svc.celebration_channel(program)
    if celebrations:
        await ensure_member(client, celebrations)  # public only; a failure shows on first use
    hours = program_svc.working_hours(program)
    blocks = program_saved(
        program,
        created=program_id is None,
        channel_note=channel_note(access, program.digest_channel_id or ""),
        hours=hours,
    )
    await client.chat_postMessage(
        channel=actor.slack_user_id, text=f"{escape(program.name)} saved", blocks=blocks
    )
    for manager in sorted(added - {actor.slack_user_id}):
        await client.chat_postMessage(
            channel=manager,
            text=f"You're now a manager of {escape(program.name)}",
            blocks=manager_added(program, added_by=actor.slack_user_id),
        )
