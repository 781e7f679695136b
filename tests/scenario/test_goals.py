"""SMART goals through the front door: the mentee sets them and moves them on, the mentor
comments but can't edit, an achieved goal is celebrated (publicly only when opted in)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.ids import Action, Callback
from fakeslack import FakeSlack, SlackSender
from infra.deps import Deps
from storage.enums import ActorRole, GoalStatus
from storage.models import ActivityEvent, Goal
from tests.scenario.flows import open_modal
from tests.scenario.test_matching_flow import accepted_pair, sweep, text_of
from tests.scenario.test_meetings import MONDAY_9, book, posts

GOAL: dict[str, Any] = {
    "what": "Lead the Q3 planning workshop <!channel>",
    "measure": "It runs, and 4 of 5 attendees rate it useful",
    "target_date": "2026-06-30",
    "why": "The step to tech lead",
}


async def goals(deps: Deps) -> list[Goal]:
    async with deps.db.transaction() as s:
        return list((await s.scalars(select(Goal).order_by(Goal.id))).all())


async def kinds(deps: Deps) -> list[tuple[str, ActorRole]]:
    async with deps.db.transaction() as s:
        rows = await s.scalars(select(ActivityEvent).order_by(ActivityEvent.id))
        return [(e.kind, e.actor_role) for e in rows.all() if e.kind.startswith("goal")]


async def ephemeral(sender: SlackSender, fake: FakeSlack, user: str, text: str) -> Any:
    before = len(fake.calls_to("response_url"))
    await sender.command(user, text)
    calls = await fake.wait_for("response_url", lambda c: True, count=before + 1)
    return calls[-1].args


async def celebrations_channel(sender: SlackSender, fake: FakeSlack) -> None:
    fake.add_channel("T0001", "CWINS", "mentoring-wins")
    form = await open_modal(
        sender, fake, "UADMIN", "program edit Engineering mentoring", Callback.PROGRAM_FORM
    )
    values = {**sender.values_of(form), "celebration_channel": "CWINS"}
    response = await sender.view_submission("UADMIN", form, values)
    assert not response.content or "errors" not in response.json()


async def test_the_mentee_sets_a_smart_goal_and_the_mentor_sees_it(
    sender: SlackSender, fake: FakeSlack, deps: Deps
) -> None:
    channel = await accepted_pair(sender, fake, deps)
    # No goals yet: `/mentor goals` opens the form straight away.
    form = await open_modal(sender, fake, "UMIA", "goals", Callback.GOAL_FORM)
    bad = (
        await sender.view_submission(
            "UMIA", form, {"what": "Get better", "target_date": "2026-01-01"}
        )
    ).json()
    assert "measure" in bad["errors"] and "passed" in bad["errors"]["target_date"]
    too_long = (await sender.view_submission("UMIA", form, {**GOAL, "why": "x" * 501})).json()
    assert "500 characters" in too_long["errors"]["why"]
    assert await goals(deps) == []

    await sender.view_submission("UMIA", form, GOAL)
    [goal] = await goals(deps)
    assert goal.status is GoalStatus.OPEN and str(goal.target_date) == "2026-06-30"
    assert await kinds(deps) == [("goal_set", ActorRole.MENTEE)]
    await sweep(deps)
    [post] = posts(fake, channel, "set a goal")
    text = text_of(post.args["blocks"])
    assert "workshop &lt;!channel&gt;" in text and "4 of 5 attendees" in text

    # The mentor sees the goal with a Comment button, and nothing to edit it with.
    shown = await ephemeral(sender, fake, "UOMAR", "goals")
    actions = [
        e["action_id"] for b in shown["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert Action.GOAL_COMMENT in actions and Action.GOAL_PROGRESS not in actions
    assert "Goals with Mia" in text_of(shown["blocks"])


async def test_the_mentor_comments_but_cannot_edit_and_strangers_are_refused(
    sender: SlackSender, fake: FakeSlack, deps: Deps
) -> None:
    channel = await accepted_pair(sender, fake, deps)
    form = await open_modal(sender, fake, "UMIA", "goals new", Callback.GOAL_FORM)
    await sender.view_submission("UMIA", form, GOAL)
    [goal] = await goals(deps)
    shown = await ephemeral(sender, fake, "UMIA", "goals")

    # The mentor presses the mentee's Update progress button: refused.
    await sender.click("UOMAR", Action.GOAL_PROGRESS, blocks=shown["blocks"])
    await fake.wait_for("response_url", lambda c: "Only your mentee updates" in str(c.args))
    # A stranger names the goal in a Comment click: refused.
    fake.add_user("T0001", "UEVE", name="eve", real_name="Eve", tz="Europe/London")
    await sender.click("UEVE", Action.GOAL_COMMENT, blocks=shown["blocks"])
    await fake.wait_for("response_url", lambda c: "Only the mentor and mentee" in str(c.args))
    # Nor can the program's manager: they see signals, never goal text.
    before = len(fake.calls_to("views.open"))
    await sender.click("UADMIN", Action.GOAL_COMMENT, blocks=shown["blocks"])
    await fake.wait_for(
        "response_url", lambda c: "Only the mentor and mentee" in str(c.args), count=2
    )
    assert len(fake.calls_to("views.open")) == before
    # And a forged progress form from the mentor changes nothing.
    await sender.click("UMIA", Action.GOAL_PROGRESS, blocks=shown["blocks"])
    progress_form = await fake.wait_for_view("UMIA", callback_id=Callback.GOAL_PROGRESS_FORM)
    forged = await sender.view_submission("UOMAR", progress_form, {"progress": "100"})
    assert forged.status_code == 200
    assert (await goals(deps))[0].status is GoalStatus.OPEN

    await sender.click("UOMAR", Action.GOAL_COMMENT, blocks=shown["blocks"])
    comment_form = await fake.wait_for_view("UOMAR", callback_id=Callback.GOAL_COMMENT_FORM)
    empty = (await sender.view_submission("UOMAR", comment_form, {"comment": "  "})).json()
    assert "Write a comment" in empty["errors"]["comment"]
    await sender.view_submission(
        "UOMAR", comment_form, {"comment": "Book the room early <@UADMIN>"}
    )
    await sweep(deps)
    [post] = posts(fake, channel, "commented on")
    assert "Book the room early &lt;@UADMIN&gt;" in text_of(post.args["blocks"])
    assert ("goal_comment", ActorRole.MENTOR) in await kinds(deps)
    assert goal.id == (await goals(deps))[0].id


async def test_milestones_progress_and_an_achieved_goal_is_celebrated(
    sender: SlackSender, fake: FakeSlack, deps: Deps
) -> None:
    channel = await accepted_pair(sender, fake, deps)
    await celebrations_channel(sender, fake)
    form = await open_modal(sender, fake, "UMIA", "goals", Callback.GOAL_FORM)
    assert any(b.get("block_id") == "shout_out" for b in form["blocks"])
    await sender.view_submission("UMIA", form, {**GOAL, "shout_out": ["yes"]})
    shown = await ephemeral(sender, fake, "UMIA", "goals")

    await sender.click("UMIA", Action.GOAL_MILESTONE, blocks=shown["blocks"])
    milestone_form = await fake.wait_for_view("UMIA", callback_id=Callback.GOAL_FORM)
    assert not any(b.get("block_id") == "measure" for b in milestone_form["blocks"])
    await sender.view_submission(
        "UMIA", milestone_form, {"what": "Draft the agenda", "target_date": "2026-05-01"}
    )
    goal, milestone = await goals(deps)
    assert milestone.parent_id == goal.id

    shown = await ephemeral(sender, fake, "UMIA", "goals")
    assert "↳" in text_of(shown["blocks"])
    await sender.click("UMIA", Action.GOAL_PROGRESS, blocks=shown["blocks"])
    progress_form = await fake.wait_for_view("UMIA", callback_id=Callback.GOAL_PROGRESS_FORM)
    await sender.view_submission("UMIA", progress_form, {"progress": "50"})
    await sweep(deps)
    assert posts(fake, channel, "50%")

    await sender.view_submission("UMIA", progress_form, {"progress": "100"})
    await sender.view_submission("UMIA", progress_form, {"progress": "100"})  # double submit
    await sweep(deps)
    await sweep(deps)
    assert len(posts(fake, channel, "achieved a goal")) == 1
    [shout] = posts(fake, "CWINS", "just achieved a mentoring goal")
    assert "Q3 planning workshop" in text_of(shout.args["blocks"])
    assert "4 of 5" not in text_of(shout.args["blocks"])  # the title only
    assert (await goals(deps))[0].status is GoalStatus.ACHIEVED
    assert await kinds(deps) == [
        ("goal_set", ActorRole.MENTEE),
        ("goal_progress", ActorRole.MENTEE),
        ("goal_achieved", ActorRole.MENTEE),
    ]


async def test_no_shout_out_without_opting_in(
    sender: SlackSender, fake: FakeSlack, deps: Deps
) -> None:
    await accepted_pair(sender, fake, deps)
    await celebrations_channel(sender, fake)
    form = await open_modal(sender, fake, "UMIA", "goals", Callback.GOAL_FORM)
    await sender.view_submission("UMIA", form, GOAL)
    shown = await ephemeral(sender, fake, "UMIA", "goals")
    await sender.click("UMIA", Action.GOAL_PROGRESS, blocks=shown["blocks"])
    progress_form = await fake.wait_for_view("UMIA", callback_id=Callback.GOAL_PROGRESS_FORM)
    await sender.view_submission("UMIA", progress_form, {"progress": "100"})
    await sweep(deps)
    assert fake.calls_to("chat.postMessage", channel="CWINS") == []


async def test_the_agenda_links_one_of_the_pairs_own_goals(
    sender: SlackSender, fake: FakeSlack, deps: Deps
) -> None:
    channel = await accepted_pair(sender, fake, deps)
    form = await open_modal(sender, fake, "UMIA", "goals", Callback.GOAL_FORM)
    await sender.view_submission("UMIA", form, GOAL)
    [goal] = await goals(deps)
    await book(sender, fake, "UMIA", {"when": int(MONDAY_9.timestamp()), "minutes": "45"})
    await sweep(deps)
    [booking] = posts(fake, channel, "Meeting")
    await sender.click("UMIA", Action.AGENDA_WRITE, blocks=booking.args["blocks"])
    agenda_form = await fake.wait_for_view("UMIA", callback_id=Callback.AGENDA_FORM)
    await sender.view_submission(
        "UMIA", agenda_form, {"goal": "Plan the workshop", "goal_id": str(goal.id)}
    )
    await sweep(deps)
    [posted] = posts(fake, channel, "'s agenda")
    assert "Towards: Lead the Q3 planning workshop" in text_of(posted.args["blocks"])
