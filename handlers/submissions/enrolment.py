"""The join form's submission."""

from __future__ import annotations

from bot.enrolment import service as enrolment_svc
from bot.enrolment.views import parse_join_form
from bot.receipts import service as receipts
from handlers.context import Submitted, on_submit
from handlers.events.home import publish_home


@on_submit
async def submit_join(form: Submitted) -> None:
    req, deps, actor = form.req, form.deps, form.actor
    draft = parse_join_form(req.state)
    async with deps.db.transaction() as session:
        enrolment, newly_joined = await enrolment_svc.save_enrolment(
            session=session, clock=deps.clock, user=actor, draft=draft
        )
        # The reply goes as due work, scheduled with the save: a Slack failure can't lose it.
        await receipts.enrolment_saved(
            session=session, clock=deps.clock, enrolment=enrolment, newly_joined=newly_joined
        )
    await form.ack()
    deps.kick()
    await publish_home(deps, form.client, actor)
