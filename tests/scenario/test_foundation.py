"""Issue 2 through the front door: signed requests into the real app, the fake Slack behind."""

from __future__ import annotations

import json

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bot.ids import Action, Callback
from fakeslack import FakeSlack, SlackSender
from fakeslack.blockkit import walk_text
from infra.db import Database
from infra.deps import Deps
from storage.enums import EnrolmentRole, EnrolmentStatus
from storage.models import Enrolment, Program
from tests.scenario.flows import (
    MENTEE_VALUES,
    MENTOR_VALUES,
    create_program,
    delivered,
    enrol,
    open_join,
)
from tests.settle import settled


async def _count(db: Database, model: type) -> int:
    async with db.transaction() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def test_help_fits_the_callers_roles(sender: SlackSender, fake: FakeSlack) -> None:
    response = await sender.command("UMENTEE", "help")  # time to ack: bench/ack_latency.py
    assert response.status_code == 200
    [reply] = await fake.wait_for("response_url")
    text = "\n".join(walk_text(reply.args["blocks"]))
    assert "/mentor join" in text and "/mentor program new" not in text
    assert reply.args["response_type"] == "ephemeral"

    await sender.command("UADMIN", "")  # bare /mentor is help too
    [_, admin] = await fake.wait_for("response_url", count=2)
    assert "/mentor program new" in "\n".join(walk_text(admin.args["blocks"]))


async def test_unknown_subcommand_suggests(sender: SlackSender, fake: FakeSlack) -> None:
    await sender.command("UMENTEE", "jion")
    [reply] = await fake.wait_for("response_url")
    first = reply.args["blocks"][0]["text"]["text"]
    assert "I don't know `/mentor jion`" in first
    assert "Did you mean `/mentor join`?" in first


async def test_unknown_subcommand_text_is_escaped(sender: SlackSender, fake: FakeSlack) -> None:
    await sender.command("UMENTEE", "<!channel> hello")
    [reply] = await fake.wait_for("response_url")
    first = reply.args["blocks"][0]["text"]["text"]
    assert "<!channel>" not in first and "&lt;!channel&gt;" in first


async def test_admin_creates_a_program_after_a_bad_submission(
    sender: SlackSender, fake: FakeSlack, db: Database, deps: Deps
) -> None:
    await sender.command("UADMIN", "program new")
    view = await fake.wait_for_view("UADMIN", callback_id=Callback.PROGRAM_FORM)
    initial = sender.values_of(view)
    assert initial["managers"] == ["UADMIN"]
    assert initial["timezone"] == "Europe/London"  # from the creator's Slack profile
    assert initial["nudge_start"] == "09:00" and initial["nudge_end"] == "17:00"

    bad = {
        **initial,
        "name": "",
        "relationship_months": "30",
        "nudge_start": "17:00",
        "nudge_end": "09:00",
        "timezone": "Mars/Olympus",
        "skills": "",
    }
    response = await sender.view_submission("UADMIN", view, bad)
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"nudge_end"}  # shape errors first…
    bad["nudge_start"], bad["nudge_end"] = "09:00", "17:00"
    answer = (await sender.view_submission("UADMIN", view, bad)).json()
    assert set(answer["errors"]) == {  # …then every meaning error at once
        "name",
        "digest_channel",
        "relationship_months",
        "timezone",
        "skills",
    }
    assert await _count(db, Program) == 0
    assert fake.open_view("UADMIN") is not None  # the modal stays open for corrections

    good = {
        **bad,
        "name": "Engineering mentoring",
        "digest_channel": "CLEADS",
        "relationship_months": "12",
        "timezone": "Europe/London",
        "skills": "SQL, Public speaking, sql, Budgeting",
        "managers": ["UADMIN", "UMENTOR"],
    }
    response = await sender.view_submission("UADMIN", view, good)
    assert response.status_code == 200 and not response.content  # plain ack closes it
    assert fake.open_view("UADMIN") is None
    # After the ack: join the public digest channel, DM the creator and the new manager.
    await fake.wait_for("conversations.join", lambda c: c.args["channel"] == "CLEADS")
    dms = await delivered(deps, fake, "chat.postMessage", count=2)
    by_channel = {c.args["channel"]: c for c in dms}
    creator = "\n".join(walk_text(by_channel["UADMIN"].args["blocks"]))
    assert "Engineering mentoring" in creator and "I joined <#CLEADS>" in creator
    assert "made you a manager" in "\n".join(walk_text(by_channel["UMENTOR"].args["blocks"]))
    async with db.transaction() as s:
        program = await s.scalar(select(Program).options(selectinload(Program.managers)))
    assert program is not None and program.skills == ["SQL", "Public speaking", "Budgeting"]
    assert {m.user.slack_user_id for m in program.managers} == {"UADMIN", "UMENTOR"}


async def test_private_digest_channel_asks_for_an_invite(
    sender: SlackSender, fake: FakeSlack, deps: Deps
) -> None:
    await create_program(sender, fake, digest_channel="GPRIVATE")
    [dm] = await delivered(deps, fake, "chat.postMessage")
    text = "\n".join(walk_text(dm.args["blocks"]))
    assert "/invite @Mentorbot" in text
    assert fake.calls_to("conversations.info")  # it checked whether it was invited


async def test_non_admin_is_refused(sender: SlackSender, fake: FakeSlack, db: Database) -> None:
    await sender.command("UMENTEE", "program new")
    [reply] = await fake.wait_for("response_url")
    assert "Only workspace admins and owners" in reply.args["text"]
    await settled(sender.http)
    assert not fake.calls_to("views.open")
    # Even a forged submission of the form is refused, and nothing is written.
    await sender.command("UADMIN", "program new")
    view = await fake.wait_for_view("UADMIN", callback_id=Callback.PROGRAM_FORM)
    response = await sender.view_submission(
        "UMENTEE",
        view,
        {**sender.values_of(view), "name": "Sneaky", "digest_channel": "CLEADS", "skills": "SQL"},
    )
    answer = response.json()
    assert answer["response_action"] == "update"
    assert "Only workspace admins" in json.dumps(answer["view"])
    assert await _count(db, Program) == 0


async def test_two_people_enrol(
    sender: SlackSender, fake: FakeSlack, db: Database, deps: Deps
) -> None:
    await create_program(sender, fake)
    await delivered(deps, fake, "chat.postMessage")

    view = await open_join(sender, fake, "UMENTEE")
    block_ids = {b.get("block_id") for b in view["blocks"]}
    assert "goals" not in block_ids and "expertise" not in block_ids  # no role chosen yet
    await enrol(sender, fake, "UMENTEE", MENTEE_VALUES)
    await enrol(sender, fake, "UMENTOR", MENTOR_VALUES)

    welcome = await delivered(
        deps,
        fake,
        "chat.postMessage",
        lambda c: c.args["channel"] in ("UMENTEE", "UMENTOR"),
        count=2,
    )
    mentee_dm = next(c for c in welcome if c.args["channel"] == "UMENTEE")
    assert "As a mentee you lead" in "\n".join(walk_text(mentee_dm.args["blocks"]))
    async with db.transaction() as s:
        rows = (await s.scalars(select(Enrolment).order_by(Enrolment.id))).all()
    assert [(e.user.slack_user_id, e.role) for e in rows] == [
        ("UMENTEE", EnrolmentRole.MENTEE),
        ("UMENTOR", EnrolmentRole.MENTOR),
    ]
    assert rows[0].skills_to_develop == ["SQL", "Public speaking"]
    assert rows[0].user.tz == "Europe/Lisbon"  # from their Slack profile
    assert rows[1].capacity == 2
    # The home tab was refreshed for each of them.
    assert fake.home_view("UMENTEE") is not None


async def test_join_form_refuses_missing_answers(
    sender: SlackSender, fake: FakeSlack, db: Database
) -> None:
    await create_program(sender, fake)
    view = await open_join(sender, fake, "UMENTEE")
    answer = (await sender.view_submission("UMENTEE", view, sender.values_of(view))).json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) >= {"role", "department", "seniority"}
    assert await _count(db, Enrolment) == 0


async def test_profile_and_leave(sender: SlackSender, fake: FakeSlack, db: Database) -> None:
    await create_program(sender, fake)
    await enrol(sender, fake, "UMENTEE", {**MENTEE_VALUES, "goals": "Speak up <!here> & lead"})
    await sender.command("UMENTEE", "profile")
    [profile] = await fake.wait_for("response_url")
    text = "\n".join(walk_text(profile.args["blocks"]))
    assert "Speak up &lt;!here&gt; &amp; lead" in text and "<!here>" not in text

    await sender.command("UMENTEE", "leave")
    [_, choices] = await fake.wait_for("response_url", count=2)
    # Someone else pressing Mia's Leave button (a forged payload) is refused.
    await sender.click("UOTHER", Action.LEAVE, blocks=choices.args["blocks"])
    [_, _, refused] = await fake.wait_for("response_url", count=3)
    assert "only leave programs you are part of" in refused.args["text"]
    async with db.transaction() as s:
        enrolment = await s.scalar(select(Enrolment))
    assert enrolment is not None and enrolment.status is EnrolmentStatus.ACTIVE
    await sender.click("UMENTEE", Action.LEAVE, blocks=choices.args["blocks"])
    [*_, done] = await fake.wait_for("response_url", count=4)
    assert done.args["replace_original"] is True
    async with db.transaction() as s:
        enrolment = await s.scalar(select(Enrolment))
    assert enrolment is not None and enrolment.status is EnrolmentStatus.LEFT


async def test_program_list_and_edit_permissions(
    sender: SlackSender, fake: FakeSlack, db: Database
) -> None:
    await create_program(sender, fake, name="Ops <!channel> club")
    await sender.command("UMENTEE", "program")
    [listing] = await fake.wait_for("response_url")
    text = "\n".join(walk_text(listing.args["blocks"]))
    assert "Ops &lt;!channel&gt; club" in text
    assert Action.PROGRAM_EDIT not in json.dumps(listing.args["blocks"])  # not a manager

    async with db.transaction() as s:
        program = await s.scalar(select(Program))
    assert program is not None
    # A forged Edit click naming the program is refused on the server.
    await sender.block_action("UMENTEE", Action.PROGRAM_EDIT, value=str(program.id))
    [_, refused] = await fake.wait_for("response_url", count=2)
    assert "Only the managers" in refused.args["text"]

    await sender.command("UADMIN", "program edit ops <!channel> club")
    view = await fake.wait_for_view("UADMIN", callback_id=Callback.PROGRAM_FORM)
    values = {**sender.values_of(view), "name": "Ops club", "cadence": "monthly"}
    await sender.view_submission("UADMIN", view, values)
    async with db.transaction() as s:
        program = await s.scalar(select(Program))
    assert program is not None and program.name == "Ops club" and program.cadence == "monthly"


async def test_app_home_and_direct_messages(
    sender: SlackSender, fake: FakeSlack, deps: Deps
) -> None:
    await sender.event(
        {"type": "app_home_opened", "user": "UADMIN", "tab": "home", "channel": "DADMIN"}
    )
    await fake.wait_for("views.publish")
    home = fake.home_view("UADMIN")
    assert home is not None and Action.PROGRAM_NEW in json.dumps(home["blocks"])
    await sender.event(
        {
            "type": "message",
            "channel_type": "im",
            "channel": "DMENTEE",
            "user": "UMENTEE",
            "text": "hello?",
            "ts": "1700000000.000100",
        }
    )
    [reply] = await delivered(deps, fake, "chat.postMessage")
    assert reply.args["thread_ts"] == "1700000000.000100"
    assert "/mentor help" in reply.args["text"] + json.dumps(reply.args["blocks"])


async def test_health_and_metrics(
    sender: SlackSender, http: httpx.AsyncClient, fake: FakeSlack
) -> None:
    health = await http.get("/healthz")
    assert health.status_code == 200 and health.json() == {"status": "ok", "database": "ok"}
    await sender.command("UMENTEE", "help")
    await fake.wait_for("response_url")
    metrics = (await http.get("/metrics")).text
    assert 'mentorbot_requests_total{kind="command",status="200"} 1.0' in metrics
    assert "mentorbot_ack_seconds_bucket" in metrics
