"""The program form's submission."""

from __future__ import annotations

from bot.programs import service as program_svc
from bot.programs.channels import ensure_member
from bot.programs.views import parse_program_form
from bot.receipts import service as receipts
from handlers.context import Submitted, on_submit


@on_submit
async def submit_program(form: Submitted) -> None:
    req, deps, actor = form.req, form.deps, form.actor
    draft = parse_program_form(req.state)
    program_id = req.metadata_id("program_id")
    created = program_id is None
    # Validation errors raise InvalidInput before ack: the error handler answers with
    # response_action=errors, and the transaction rolls back so nothing is half-written.
    # The replies are scheduled with the save (due work: a Slack failure can't lose them).
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
        await receipts.managers_added(
            session=session, clock=deps.clock, actor=actor, program=program, added=added
        )
        await receipts.program_saved(
            session=session, clock=deps.clock, actor=actor, program=program, created=created
        )
    await form.ack()
    deps.kick()

    # After the acknowledgement: get into the digest (and celebrations) channel, and say in
    # the reply to the manager how that went.
    access = await ensure_member(form.client, program.digest_channel_id or "")
    celebrations = program_svc.celebration_channel(program)
    if celebrations:
        await ensure_member(form.client, celebrations)  # public only; a failure shows on first use
    async with deps.db.transaction() as session:
        await receipts.program_saved(
            session=session,
            clock=deps.clock,
            actor=actor,
            program=program,
            created=created,
            access=access,
        )
    deps.kick()
