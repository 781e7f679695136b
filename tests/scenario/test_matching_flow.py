"""Issue 4 through the front door: a manager matches a cohort, pairs are introduced, mentors
accept or decline (or let it expire), and pairs sign their agreement."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select, update

from bot.enrolment.service import save_enrolment
from bot.ids import Action, Callback
from fakeslack import FakeSlack, SlackSender
from fakeslack.blockkit import walk_text
from infra.clock import ManualClock
from infra.db import Database
from infra.deps import Deps
from mentorbot.jobs import build_sweeper
from storage.enums import RelationshipStatus
from storage.models import Agreement, Enrolment, MatchRun, Program, Relationship
from tests.scenario.flows import MENTEE_VALUES, MENTOR_VALUES, create_program, delivered, enrol
from tests.service.helpers import mentee_draft, mentor_draft, person
from tests.settle import settled

COHORT: dict[str, tuple[str, str, bool]] = {
    # user: (name, tz, admin)
    "UMIA": ("Mia", "Europe/Lisbon", False),
    "UKEN": ("Ken", "Europe/Paris", False),
    "UZOE": ("Zoe", "Asia/Kolkata", False),  # the SQL mentor's hours never overlap hers
    "UOMAR": ("Omar", "America/New_York", False),
    "UANN": ("Ann", "Europe/London", False),
}


def text_of(blocks: Any) -> str:
    return "\n".join(walk_text(blocks or []))


async def sweep(deps: Deps) -> None:
    await build_sweeper(deps).sweep()


async def cohort(sender: SlackSender, fake: FakeSlack) -> None:
    for uid, (name, tz, admin) in COHORT.items():
        fake.add_user("T0001", uid, name=name.lower(), real_name=name, tz=tz, is_admin=admin)
    fake.add_channel("T0001", "CLEADS", "mentoring-leads")
    await create_program(sender, fake)
    await enrol(
        sender,
        fake,
        "UMIA",
        {**MENTEE_VALUES, "skills_to_develop": ["SQL"], "target_role": "Engineering manager"},
    )
    await enrol(
        sender,
        fake,
        "UKEN",
        {**MENTEE_VALUES, "skills_to_develop": ["Budgeting"], "department": "Sales"},
    )
    await enrol(sender, fake, "UZOE", {**MENTEE_VALUES, "skills_to_develop": ["SQL"]})
    await enrol(
        sender,
        fake,
        "UOMAR",
        {
            **MENTOR_VALUES,
            "expertise": ["SQL"],
            "capacity": "1",
            "current_role": "Senior engineering manager",
        },
    )
    await enrol(
        sender,
        fake,
        "UANN",
        {**MENTOR_VALUES, "expertise": ["Budgeting"], "capacity": "1", "department": "Finance"},
    )


async def review(sender: SlackSender, fake: FakeSlack, user: str = "UADMIN") -> dict[str, Any]:
    await sender.command(user, "match")
    return await fake.wait_for_view(user, callback_id=Callback.MATCH_REVIEW, timeout=10)


def review_button(view: dict[str, Any], action_id: str) -> dict[str, Any]:
    """The review's button for ``action_id``."""
    return dict(
        next(
            e
            for b in view["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"] == action_id
        )
    )


async def relationships(db: Database) -> list[Relationship]:
    async with db.transaction() as s:
        return list((await s.scalars(select(Relationship).order_by(Relationship.id))).all())


async def test_only_managers_match(sender: SlackSender, fake: FakeSlack, db: Database) -> None:
    await cohort(sender, fake)
    await sender.command("UMIA", "match")
    [*_, _reply] = await fake.wait_for(
        "response_url", lambda c: "Only program managers" in str(c.args)
    )
    assert fake.open_view("UMIA") is None
    async with db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(MatchRun)) == 0


async def test_review_shows_pairs_reasons_and_the_unmatched(
    sender: SlackSender, fake: FakeSlack, db: Database
) -> None:
    await cohort(sender, fake)
    view = await review(sender, fake)
    text = text_of(view["blocks"])
    assert "2 pairs" in text and "1 unmatched" in text
    assert "Mia* → *Omar" in text and "Ken* → *Ann" in text
    assert "shares 1 of 1 skills (SQL)" in text or "SQL" in text
    assert "Zoe" in text and "time-zone" in text
    assert view["submit"]["text"] == "Approve all"


async def drop_and_resolve(sender: SlackSender, fake: FakeSlack, name: str) -> dict[str, Any]:
    """Drop the pair of the mentee called ``name`` in the review, re-solve; the new review."""
    view = await review(sender, fake)
    menu = next(
        b["accessory"]
        for b in view["blocks"]
        if b.get("accessory", {}).get("type") == "overflow" and name in text_of([b])
    )
    drop = next(o for o in menu["options"] if o["value"].endswith(":drop"))
    before = len(fake.calls_to("views.update"))
    await sender.block_action(
        "UADMIN", Action.MATCH_PAIR, action={"type": "overflow", "selected_option": drop}, view=view
    )
    await fake.wait_for("views.update", count=before + 1)
    dropped = fake.open_view("UADMIN")
    assert dropped is not None and "Dropped" in text_of(dropped["blocks"])
    view = dropped
    resolve = next(
        e
        for b in view["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == Action.MATCH_RESOLVE
    )
    await sender.block_action("UADMIN", Action.MATCH_RESOLVE, value=resolve["value"], view=view)
    await fake.wait_for("views.update", count=before + 3)
    resolved = fake.open_view("UADMIN")
    assert resolved is not None
    return resolved


async def test_drop_lock_and_resolve(sender: SlackSender, fake: FakeSlack, db: Database) -> None:
    await cohort(sender, fake)
    resolved = await drop_and_resolve(sender, fake, "Mia")
    text = text_of(resolved["blocks"])
    assert "Mia* → *Omar" not in text and "1 pair" in text


async def test_a_mentee_whose_pair_was_dropped_is_told_so(
    sender: SlackSender, fake: FakeSlack, db: Database
) -> None:
    # Omar is the only mentor with SQL in Mia's hours: once the manager drops that pair,
    # she is not matched, and the reason must not say he was her mentor or manager.
    await cohort(sender, fake)
    resolved = await drop_and_resolve(sender, fake, "Mia")
    text = text_of(resolved["blocks"])
    assert "Mia: the program's managers set aside the pairs proposed for you" in text


async def test_a_forged_review_action_is_refused(
    sender: SlackSender, fake: FakeSlack, db: Database
) -> None:
    await cohort(sender, fake)
    view = await review(sender, fake)
    meta = json.loads(view["private_metadata"])
    # Mia (not a manager) forges an approval of the manager's run.
    answer = (await sender.view_submission("UMIA", view, {})).json()
    assert answer["response_action"] == "update"
    assert "Only the managers" in json.dumps(answer["view"])
    assert await relationships(db) == []
    await sender.block_action(
        "UMIA",
        Action.MATCH_PAIR,
        action={
            "type": "overflow",
            "selected_option": {
                "text": {"type": "plain_text", "text": "x"},
                "value": f"{meta['run_id']}:1:drop",
            },
        },
        view=view,
    )
    await fake.wait_for("views.update", lambda c: "Only the managers" in json.dumps(c.args))


async def test_approve_introduces_once_and_waitlists_the_rest(
    sender: SlackSender, fake: FakeSlack, deps: Deps, db: Database
) -> None:
    await cohort(sender, fake)
    view = await review(sender, fake)
    first = (await sender.view_submission("UADMIN", view, {})).json()
    assert first["response_action"] == "update"
    assert "2 introductions" in json.dumps(first["view"])
    again = (await sender.view_submission("UADMIN", view, {})).json()  # a double submit
    assert "already approved" in json.dumps(again["view"])
    rels = await relationships(db)
    assert len(rels) == 2 and {r.status for r in rels} == {RelationshipStatus.AWAITING_MENTOR}

    await sweep(deps)
    opens = [c for c in fake.calls_to("conversations.open") if "," in str(c.args.get("users"))]
    assert len(opens) == 2
    intros = [
        c for c in fake.calls_to("chat.postMessage") if c.ok and c.args["channel"].startswith("G")
    ]
    assert len(intros) == 2
    mia_intro = next(c for c in intros if "<@UMIA>" in text_of(c.args["blocks"]))
    text = text_of(mia_intro.args["blocks"])
    for duty in ("clarify", "make sure meetings happen", "arrive with an agenda", "summarise"):
        assert duty in text
    assert "Why this match" in text and "Accept" in text and "Decline" in text
    # Zoe hears why she wasn't matched, with her place on the waiting list.
    [zoe] = [
        c
        for c in fake.calls_to("chat.postMessage", channel="UZOE")
        if c.ok and "waiting list" in text_of(c.args["blocks"])
    ]
    assert "number 1 on the waiting list" in text_of(zoe.args["blocks"])
    async with db.transaction() as s:
        zoe_enrolment = await s.scalar(
            select(Enrolment).join(Enrolment.user).where(Enrolment.waitlisted_at.is_not(None))
        )
    assert zoe_enrolment is not None and zoe_enrolment.user.slack_user_id == "UZOE"
    # Sweeping again sends nothing new.
    sent = len(fake.calls_to("chat.postMessage"))
    await sweep(deps)
    assert len(fake.calls_to("chat.postMessage")) == sent


async def approved(sender: SlackSender, fake: FakeSlack, deps: Deps) -> list[Relationship]:
    await cohort(sender, fake)
    view = await review(sender, fake)
    await sender.view_submission("UADMIN", view, {})
    await sweep(deps)
    return await relationships(deps.db)


def intro_blocks(fake: FakeSlack, user: str) -> tuple[str, list[dict[str, Any]]]:
    call = next(
        c
        for c in fake.calls_to("chat.postMessage")
        if c.ok
        and f"<@{user}>" in text_of(c.args.get("blocks"))
        and c.args["channel"].startswith("G")
    )
    return call.args["channel"], call.args["blocks"]


async def test_mentor_accepts_and_the_mentee_is_told(
    sender: SlackSender, fake: FakeSlack, deps: Deps
) -> None:
    await approved(sender, fake, deps)
    channel, blocks = intro_blocks(fake, "UMIA")
    # The mentee can't accept on the mentor's behalf.
    await sender.click("UMIA", Action.INTRO_ACCEPT, blocks=blocks, channel_id=channel)
    await fake.wait_for("response_url", lambda c: "Only Omar can accept" in str(c.args))
    await sender.click("UOMAR", Action.INTRO_ACCEPT, blocks=blocks, channel_id=channel)
    await settled(sender.http)
    mia = next(r for r in await relationships(deps.db) if r.mentee.slack_user_id == "UMIA")
    assert mia.status is RelationshipStatus.INITIATION and mia.ends_at is not None
    await sweep(deps)
    [told] = [
        c
        for c in fake.calls_to("chat.postMessage", channel="UMIA")
        if "accepted" in text_of(c.args.get("blocks"))
    ]
    assert "within a week" in text_of(told.args["blocks"])
    [update] = fake.calls_to("chat.update", channel=channel)
    assert "Omar> accepted" in text_of(update.args["blocks"]) or "accepted" in text_of(
        update.args["blocks"]
    )
    assert Action.INTRO_ACCEPT not in json.dumps(update.args["blocks"])


async def test_decline_is_kind_to_the_mentee_and_the_reason_goes_to_managers_only(
    sender: SlackSender, fake: FakeSlack, deps: Deps
) -> None:
    await approved(sender, fake, deps)
    channel, blocks = intro_blocks(fake, "UKEN")
    await sender.click("UANN", Action.INTRO_DECLINE, blocks=blocks, channel_id=channel)
    form = await fake.wait_for_view("UANN", callback_id=Callback.DECLINE_FORM)
    await sender.view_submission("UANN", form, {"reason": "Leaving on parental leave <!here>"})
    await sweep(deps)
    ken = next(r for r in await relationships(deps.db) if r.mentee.slack_user_id == "UKEN")
    assert ken.status is RelationshipStatus.DECLINED
    to_ken = [c for c in fake.calls_to("chat.postMessage", channel="UKEN") if c.ok]
    assert "not about you" in text_of(to_ken[-1].args["blocks"])
    assert all("parental" not in text_of(c.args.get("blocks")) for c in to_ken)
    [alert] = [
        c
        for c in fake.calls_to("chat.postMessage", channel="CLEADS")
        if c.ok and "declined" in text_of(c.args.get("blocks"))
    ]
    assert "parental leave &lt;!here&gt;" in text_of(alert.args["blocks"])


async def test_unanswered_requests_are_chased_then_expire(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await approved(sender, fake, deps)
    clock.advance(days=2, hours=6)  # Wednesday afternoon
    await sweep(deps)
    reminders = [
        c
        for c in fake.calls_to("chat.postMessage", channel="UOMAR")
        if "waiting to hear" in text_of(c.args.get("blocks"))
    ]
    assert len(reminders) == 1
    clock.advance(days=2)
    await sweep(deps)
    await sweep(deps)
    rels = await relationships(deps.db)
    assert {r.status for r in rels} == {RelationshipStatus.EXPIRED}
    assert [
        c
        for c in fake.calls_to("chat.postMessage", channel="CLEADS")
        if "Request expired" in text_of(c.args.get("blocks"))
    ]
    assert [
        c
        for c in fake.calls_to("chat.postMessage", channel="UMIA")
        if "didn't get an answer" in text_of(c.args.get("blocks"))
    ]


async def accepted_pair(sender: SlackSender, fake: FakeSlack, deps: Deps) -> str:
    await approved(sender, fake, deps)
    channel, blocks = intro_blocks(fake, "UMIA")
    await sender.click("UOMAR", Action.INTRO_ACCEPT, blocks=blocks, channel_id=channel)
    await settled(sender.http)
    assert any(r.status is RelationshipStatus.INITIATION for r in await relationships(deps.db))
    await sweep(deps)
    return channel


AGREEMENT: dict[str, Any] = {
    "cadence": "fortnightly",
    "meeting_minutes": "45",
    "end_date": "2026-12-18",
    "channel": "video",
    "in_scope": "Leading projects; my promotion case",
    "out_of_scope": "Personal matters",
    "from_mentor": "Honest feedback",
    "from_mentee": "I book our meetings and bring an agenda",
    "confidential": ["yes"],
}


async def test_agreement_is_drafted_signed_revised_and_private(
    sender: SlackSender, fake: FakeSlack, deps: Deps, db: Database
) -> None:
    channel = await accepted_pair(sender, fake, deps)
    told = [
        c
        for c in fake.calls_to("chat.postMessage", channel="UMIA")
        if "accepted" in text_of(c.args.get("blocks"))
    ][-1]
    await sender.click("UMIA", Action.AGREEMENT_DRAFT, blocks=told.args["blocks"])
    form = await fake.wait_for_view("UMIA", callback_id=Callback.AGREEMENT_FORM)
    bad = (
        await sender.view_submission(
            "UMIA",
            form,
            {**sender.values_of(form), **AGREEMENT, "end_date": "2026-01-01", "in_scope": ""},
        )
    ).json()
    assert set(bad["errors"]) == {"end_date", "in_scope"}
    await sender.view_submission("UMIA", form, {**sender.values_of(form), **AGREEMENT})
    await sweep(deps)
    [posted] = [
        c
        for c in fake.calls_to("chat.postMessage", channel=channel)
        if c.ok and "Mentoring agreement" in text_of(c.args.get("blocks"))
    ]
    assert "waiting for Omar" in text_of(posted.args["blocks"])
    # Only the mentor signs; a stranger can't either.
    await sender.click(
        "UMIA", Action.AGREEMENT_SIGN, blocks=posted.args["blocks"], channel_id=channel
    )
    await sender.click(
        "UKEN", Action.AGREEMENT_SIGN, blocks=posted.args["blocks"], channel_id=channel
    )
    await fake.wait_for("response_url", lambda c: "Only the mentor and mentee" in str(c.args))
    # Omar suggests a change; Mia revises; Omar signs version 2.
    await sender.click(
        "UOMAR", Action.AGREEMENT_SUGGEST, blocks=posted.args["blocks"], channel_id=channel
    )
    suggest = await fake.wait_for_view("UOMAR", callback_id=Callback.SUGGEST_FORM)
    await sender.view_submission("UOMAR", suggest, {"suggestion": "Monthly suits me better"})
    await sweep(deps)
    [note] = [
        c
        for c in fake.calls_to("chat.postMessage", channel="UMIA")
        if "suggested changes" in text_of(c.args.get("blocks"))
    ]
    assert "Monthly suits me better" in text_of(note.args["blocks"])
    await sender.click("UMIA", Action.AGREEMENT_DRAFT, blocks=note.args["blocks"])
    form = await fake.wait_for_view("UMIA", callback_id=Callback.AGREEMENT_FORM)
    assert form["title"]["text"] == "Revise agreement"
    await sender.view_submission("UMIA", form, {**sender.values_of(form), "cadence": "monthly"})
    await sweep(deps)
    posted2 = [
        c
        for c in fake.calls_to("chat.postMessage", channel=channel)
        if c.ok and "version 2" in text_of(c.args.get("blocks"))
    ][-1]
    await sender.click(
        "UOMAR", Action.AGREEMENT_SIGN, blocks=posted2.args["blocks"], channel_id=channel
    )
    await settled(sender.http)
    async with db.transaction() as s:
        v2 = await s.scalar(select(Agreement).where(Agreement.version == 2))
    assert v2 is not None and v2.mentor_signed_at is not None and v2.terms["cadence"] == "monthly"
    async with db.transaction() as s:
        v1 = await s.scalar(select(Agreement).where(Agreement.version == 1))
    assert v1 is not None and v1.superseded_at is not None
    await sweep(deps)
    [update] = [
        c for c in fake.calls_to("chat.update") if "Agreed" in text_of(c.args.get("blocks"))
    ]
    assert update.args["channel"] == channel
    # /mentor agreement: the pair sees it; anyone else doesn't.
    await sender.command("UOMAR", "agreement")
    await fake.wait_for(
        "response_url", lambda c: "Leading projects" in text_of(c.args.get("blocks"))
    )
    await sender.command("UKEN", "agreement")
    [*_, _ken] = await fake.wait_for(
        "response_url",
        lambda c: "don't have a mentoring relationship" in text_of(c.args.get("blocks")),
    )


async def test_self_serve_find_and_request(
    sender: SlackSender, fake: FakeSlack, deps: Deps, db: Database
) -> None:
    await cohort(sender, fake)
    await sender.command("UMIA", "find")
    await fake.wait_for(
        "response_url", lambda c: "program managers make the matches" in str(c.args)
    )
    # The manager turns self-serve on in the matching settings.
    await sender.command("UADMIN", "match settings")
    form = await fake.wait_for_view("UADMIN", callback_id=Callback.MATCH_SETTINGS_FORM)
    bad = (
        await sender.view_submission(
            "UADMIN", form, {**sender.values_of(form), "accept_expiry_days": "1"}
        )
    ).json()
    assert "accept_expiry_days" in bad["errors"]
    await sender.view_submission("UADMIN", form, {**sender.values_of(form), "self_serve": ["on"]})
    await sender.command("UMIA", "find")
    [found] = await fake.wait_for(
        "response_url", lambda c: "Mentors for you" in text_of(c.args.get("blocks"))
    )
    assert "Omar" in text_of(found.args["blocks"])
    await sender.click("UMIA", Action.FIND_REQUEST, blocks=found.args["blocks"])
    await fake.wait_for("response_url", lambda c: "I've asked" in text_of(c.args.get("blocks")))
    [rel] = await relationships(db)
    assert rel.source == "self_serve" and rel.status is RelationshipStatus.AWAITING_MENTOR
    await sweep(deps)
    _channel, blocks = intro_blocks(fake, "UMIA")
    assert "would like" in text_of(blocks)
    # Asking twice (an old button) doesn't create a second request.
    await sender.click("UMIA", Action.FIND_REQUEST, blocks=found.args["blocks"])
    await fake.wait_for("response_url", lambda c: "already have a mentor" in str(c.args))
    assert len(await relationships(db)) == 1


async def test_csv_download(sender: SlackSender, fake: FakeSlack, deps: Deps) -> None:
    await cohort(sender, fake)
    view = await review(sender, fake)
    button = review_button(view, Action.MATCH_CSV)
    await sender.block_action("UADMIN", Action.MATCH_CSV, value=button["value"], view=view)
    await delivered(deps, fake, "files.completeUploadExternal", timeout=5)
    [upload] = fake.uploaded_files
    content = upload["content"].decode()
    assert content.startswith("mentee,mentor,score,status,reasons")
    assert "Mia,Omar" in content and "Zoe,,,unmatched" in content


async def sql_program(
    sender: SlackSender,
    fake: FakeSlack,
    deps: Deps,
    clock: ManualClock,
    *,
    mentees: int,
    mentors: int,
    capacity: int,
) -> None:
    """A program of alike people: mentees UE000… who want SQL, mentors UM000… who offer it."""
    await create_program(sender, fake)
    async with deps.db.transaction() as s:
        program = await s.scalar(select(Program))
        assert program is not None
        for n in range(mentees):
            user = await person(s, clock, f"UE{n:03d}")
            await save_enrolment(
                session=s,
                clock=clock,
                user=user,
                draft=mentee_draft(program.id, skills_to_develop=("SQL",)),
            )
        for n in range(mentors):
            user = await person(s, clock, f"UM{n:03d}")
            await save_enrolment(
                session=s,
                clock=clock,
                user=user,
                draft=mentor_draft(program.id, expertise=("SQL",), capacity=capacity),
            )


async def test_a_large_program_pages_through_the_review(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await sql_program(sender, fake, deps, clock, mentees=40, mentors=17, capacity=2)
    view = await review(sender, fake)
    text = text_of(view["blocks"])
    assert "*34 pairs* for 34 mentees" in text and "*6 unmatched*" in text
    assert "Page 1 of 3" in text and text.count("· score ") == 15
    nav = next(
        e
        for b in view["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == Action.MATCH_PAGE
    )
    before = len(fake.calls_to("views.update"))
    await sender.block_action("UADMIN", Action.MATCH_PAGE, value=nav["value"], view=view)
    await fake.wait_for("views.update", count=before + 1)
    page_two = fake.open_view("UADMIN")
    assert page_two is not None and "Page 2 of 3" in text_of(page_two["blocks"])
    back = next(
        e
        for b in page_two["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == Action.MATCH_PAGE_BACK
    )
    await sender.block_action("UADMIN", Action.MATCH_PAGE_BACK, value=back["value"], view=page_two)
    await fake.wait_for("views.update", count=before + 2)
    page_one = fake.open_view("UADMIN")
    assert page_one is not None and "Page 1 of 3" in text_of(page_one["blocks"])
    # Every view the app sent passed the fake's Block Kit checks.
    assert all(c.ok for c in fake.calls if c.method.startswith("views."))


async def test_a_program_of_alike_people_matches_everyone(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    # 150 mentees and 150 mentors with one place each, all alike to the scorer: more mentors
    # than a mentee's pruned candidates, so only a solution priced over every pair (not the
    # same few mentors every mentee shortlists) matches everyone.
    await sql_program(sender, fake, deps, clock, mentees=150, mentors=150, capacity=1)
    view = await review(sender, fake)
    text = text_of(view["blocks"])
    assert "*150 pairs* for 150 mentees" in text and "*0 unmatched*" in text
    assert "fully booked" not in text


async def test_without_a_digest_channel_the_managers_hear_of_a_decline_by_dm(
    sender: SlackSender, fake: FakeSlack, deps: Deps
) -> None:
    await approved(sender, fake, deps)
    async with deps.db.transaction() as s:
        await s.execute(update(Program).values(digest_channel_id=None))
    channel, blocks = intro_blocks(fake, "UKEN")
    await sender.click("UANN", Action.INTRO_DECLINE, blocks=blocks, channel_id=channel)
    form = await fake.wait_for_view("UANN", callback_id=Callback.DECLINE_FORM)
    await sender.view_submission("UANN", form, {"reason": "Too busy this quarter"})
    await sweep(deps)
    managers = {
        c.args["channel"]
        for c in fake.calls_to("chat.postMessage")
        if c.ok and "Too busy this quarter" in text_of(c.args.get("blocks"))
    }
    assert managers == {"UADMIN"}
