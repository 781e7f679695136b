"""The agreement form and the mentor's suggestion form."""

from __future__ import annotations

from bot.agreements import service as svc
from bot.agreements.views import parse_agreement_form
from bot.ids import AgreementField
from handlers.context import Submitted, on_submit


@on_submit
async def submit_agreement(form: Submitted) -> None:
    req, deps, actor = form.req, form.deps, form.actor
    terms = parse_agreement_form(req.state)
    async with deps.db.transaction() as session:
        await svc.draft(
            session=session,
            clock=deps.clock,
            actor=actor,
            relationship_id=req.metadata_id("relationship_id") or 0,
            terms=terms,
        )
    await form.ack()
    deps.kick()


@on_submit
async def submit_suggestion(form: Submitted) -> None:
    req, deps, actor = form.req, form.deps, form.actor
    async with deps.db.transaction() as session:
        await svc.suggest_changes(
            session=session,
            clock=deps.clock,
            actor=actor,
            agreement_id=req.metadata_id("agreement_id") or 0,
            suggestion=req.state.text(AgreementField.SUGGESTION),
        )
    await form.ack()
    deps.kick()
