"""Separation through the front door: the wrap-up two weeks before the end, an extension
both must agree to, closing well with a survey and a thank-you, and ending early."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.ids import Action, Callback
from fakeslack import FakeSlack, SlackSender
from infra.clock import ManualClock
from infra.deps import Deps
from storage.due_work import DueWork, Status
from storage.enums import ActorRole, RelationshipStatus
from storage.models import ClosingSurvey, Relationship
from tests.scenario.flows import open_modal
from tests.scenario.test_matching_flow import accepted_pair, sweep, text_of
from tests.scenario.test_meetings import events, posts


async def pair(deps: Deps) -> Relationship:
    async with deps.db.transaction() as s:
        return (
            await s.scalars(select(Relationship).where(Relationship.accepted_at.is_not(None)))
        ).one()


async def test_wrap_up_extend_by_agreement_then_close_well(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    channel = await accepted_pair(sender, fake, deps)
    relationship = await pair(deps)
    assert relationship.ends_at is not None
    end = relationship.ends_at
    clock.set(end - timedelta(days=15))
    await sweep(deps)
    assert not posts(fake, "UMIA", "ends")
    clock.set(end - timedelta(days=14) + timedelta(hours=5))  # in both people's hours
    await sweep(deps)
    [wrap_mia] = posts(fake, "UMIA", "Your mentoring with *Omar* ends")
    assert posts(fake, "UOMAR", "Your mentoring with *Mia* ends")
    assert (await pair(deps)).status is RelationshipStatus.SEPARATION

    await sender.click("UMIA", Action.SEP_EXTEND, blocks=wrap_mia.args["blocks"])
    form = await fake.wait_for_view("UMIA", callback_id=Callback.EXTEND_FORM)
    early = (await sender.view_submission("UMIA", form, {"new_end": "2026-03-10"})).json()
    assert "Pick a date after" in early["errors"]["new_end"]
    new_end = (end + timedelta(days=63)).date()  # a Tuesday, like the end
    await sender.view_submission("UMIA", form, {"new_end": new_end.isoformat()})
    await sweep(deps)
    [request] = posts(fake, "UOMAR", "would like to keep going until")
    await sender.click("UMIA", Action.SEP_AGREE, blocks=request.args["blocks"])
    await fake.wait_for("response_url", lambda c: "You proposed it" in str(c.args))
    await sender.click("UOMAR", Action.SEP_AGREE, blocks=request.args["blocks"])
    await fake.wait_for("response_url", lambda c: "Extended" in str(c.args))
    extended = await pair(deps)
    assert extended.ends_at is not None and extended.ends_at.date() == new_end
    assert extended.status is RelationshipStatus.CULTIVATION
    await sweep(deps)
    assert posts(fake, channel, "Extended")

    # Two weeks before the new end: the wrap-up again. Mia closes, with a thank-you.
    clock.set(extended.ends_at - timedelta(days=14) + timedelta(hours=5))
    await sweep(deps)
    [wrap_again] = posts(fake, "UMIA", "Your mentoring with *Omar* ends")[-1:]
    await sender.click("UMIA", Action.SEP_CLOSE, blocks=wrap_again.args["blocks"])
    close = await fake.wait_for_view("UMIA", callback_id=Callback.CLOSE_FORM)
    empty = (await sender.view_submission("UMIA", close, {})).json()
    assert {"outcome", "goals_met", "recommend"} <= set(empty["errors"])
    await sender.view_submission(
        "UMIA",
        close,
        {
            "outcome": "achieved",
            "goals_met": "yes",
            "recommend": "yes",
            "thanks": "You changed how I lead <!channel>",
        },
    )
    closed = await pair(deps)
    assert closed.status is RelationshipStatus.CLOSED and not closed.unilateral
    await sweep(deps)
    [goodbye] = posts(fake, channel, "have closed their mentoring")
    assert "You changed how I lead &lt;!channel&gt;" in text_of(goodbye.args["blocks"])
    [invite] = posts(fake, "UOMAR", "Three quick questions")
    await sender.click("UOMAR", Action.SEP_CLOSE, blocks=invite.args["blocks"])
    survey = await fake.wait_for_view("UOMAR", callback_id=Callback.CLOSE_FORM)
    assert not any(b.get("block_id") == "thanks" for b in survey["blocks"])
    await sender.view_submission(
        "UOMAR", survey, {"outcome": "partly", "goals_met": "partly", "recommend": "yes"}
    )
    async with deps.db.transaction() as s:
        surveys = (await s.scalars(select(ClosingSurvey).order_by(ClosingSurvey.id))).all()
        assert [(x.role, x.outcome) for x in surveys] == [
            (ActorRole.MENTEE, "achieved"),
            (ActorRole.MENTOR, "partly"),
        ]
        pending = (
            await s.scalars(
                select(DueWork).where(
                    DueWork.relationship_id == closed.id, DueWork.status == Status.PENDING
                )
            )
        ).all()
        assert pending == []  # no more prompts for a closed relationship
    [event] = await events(deps, "relationship_closed")
    assert event.actor_role is ActorRole.MENTEE


async def test_ending_early_is_kind_to_the_other_and_private_to_managers(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    channel = await accepted_pair(sender, fake, deps)
    form = await open_modal(sender, fake, "UOMAR", "end", Callback.END_FORM)
    empty = (await sender.view_submission("UOMAR", form, {"reason": " "})).json()
    assert "reason" in empty["errors"]
    await sender.view_submission("UOMAR", form, {"reason": "New role, no time <@UMIA>"})
    ended = await pair(deps)
    assert ended.status is RelationshipStatus.CLOSED and ended.unilateral
    assert ended.ended_by_role is ActorRole.MENTOR
    await sweep(deps)
    [kind] = posts(fake, "UMIA", "has ended early")
    assert "nobody's failure" in text_of(kind.args["blocks"])
    [managers] = posts(fake, "CLEADS", "ended the mentoring relationship")
    assert "New role, no time &lt;@UMIA&gt;" in text_of(managers.args["blocks"])
    for where in ("UMIA", channel):
        assert not posts(fake, where, "New role")
    # Nothing left to end.
    again = await sender.command("UOMAR", "end")
    assert again.status_code == 200
    await fake.wait_for("response_url", lambda c: "don't have an active" in str(c.args))
