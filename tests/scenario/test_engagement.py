"""Engagement signals through the front door: the mentor's follow-up, the alert in the
managers' channel with its evidence, the mentee's accountability DM, the managers' buttons,
episodes that clear and return, the daily pass for silence, and a mentee-led pair that never
looks like a chasing mentor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.ids import Action, Callback
from fakeslack import FakeSlack, SlackSender
from infra.clock import ManualClock
from infra.deps import Deps
from storage.enums import ActorRole
from storage.models import Alert, RelationshipHealth
from tests.scenario.flows import delivered
from tests.scenario.test_matching_flow import accepted_pair, sweep, text_of
from tests.scenario.test_meetings import book, events, posts


async def home_blocks(sender: SlackSender, fake: FakeSlack, user: str) -> list[dict[str, Any]]:
    before = len(fake.calls_to("views.publish"))
    await sender.event({"type": "app_home_opened", "user": user, "tab": "home"})
    await fake.wait_for("views.publish", lambda c: True, count=before + 1)
    view = fake.home_view(user)
    assert view is not None
    return list(view["blocks"])


async def follow_up(sender: SlackSender, fake: FakeSlack, expect: str) -> None:
    blocks = await home_blocks(sender, fake, "UOMAR")
    before = len(fake.calls_to("response_url"))
    await sender.click("UOMAR", Action.FOLLOW_UP, blocks=blocks)
    calls = await fake.wait_for("response_url", lambda c: True, count=before + 1)
    assert expect in str(calls[-1].args)


async def alerts(deps: Deps) -> list[Alert]:
    async with deps.db.transaction() as s:
        return list((await s.scalars(select(Alert).order_by(Alert.id))).all())


async def health_of(deps: Deps) -> RelationshipHealth:
    async with deps.db.transaction() as s:
        [row] = (await s.scalars(select(RelationshipHealth))).all()
        return row


def alert_posts(fake: FakeSlack) -> list[Any]:
    return posts(fake, "CLEADS", ":rotating_light:")


async def test_unanswered_follow_ups_alert_the_managers_and_nudge_the_mentee(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    channel = await accepted_pair(sender, fake, deps)
    clock.set(datetime(2026, 3, 3, 15, 0, tzinfo=UTC))  # Tuesday; 10:00 for Omar
    await follow_up(sender, fake, "nudge Mia")
    await sweep(deps)
    [nudge] = posts(fake, "UMIA", "would like to hear how things are going")
    assert "Book a meeting" in text_of(nudge.args["blocks"])
    await follow_up(sender, fake, "in the last day already")  # once a day at most
    assert len(await events(deps, "mentor_follow_up")) == 1
    assert alert_posts(fake) == []  # one follow-up is not chasing

    clock.set(datetime(2026, 3, 5, 15, 0, tzinfo=UTC))
    await follow_up(sender, fake, "nudge Mia")
    await sweep(deps)
    await sweep(deps)  # the evaluation plans the alert; the next sweep delivers it
    [alert] = alert_posts(fake)
    text = text_of(alert.args["blocks"])
    assert "The mentor is doing the chasing" in text and "<@UMIA>" in text
    assert "mentor followed up 2 times in 60 days; mentee booked 0 meetings" in text
    assert "the last 2 follow-ups went unanswered" in text
    assert "Suggested next step" in text
    [accountable] = posts(fake, "UMIA", "lately Omar has been the one reaching out")
    assert "Send my mentor an update" in text_of(accountable.args["blocks"])
    # The mentor never sees the managers' alert, nor the mentee's nudge about it.
    assert not posts(fake, "UOMAR", "chasing") and not posts(fake, channel, "chasing")
    assert (await health_of(deps)).health == "at_risk"

    [stored] = await alerts(deps)  # where it was posted is remembered
    assert (stored.channel_id, stored.message_ts) == ("CLEADS", alert.response["ts"])
    # Only the program's managers may press the alert's buttons.
    await sender.click("UOMAR", Action.ALERT_ACK, blocks=alert.args["blocks"], channel_id="CLEADS")
    await fake.wait_for("response_url", lambda c: "manage" in str(c.args).lower())
    assert (await alerts(deps))[0].state == "open"
    await sender.click("UADMIN", Action.ALERT_ACK, blocks=alert.args["blocks"], channel_id="CLEADS")
    await fake.wait_for("response_url", lambda c: "Acknowledged by <@UADMIN>" in str(c.args))

    # Mia answers with an update: her initiative clears the signal, ending the episode.
    await sender.click("UMIA", Action.MENTEE_UPDATE, blocks=accountable.args["blocks"])
    form = await fake.wait_for_view("UMIA", callback_id=Callback.UPDATE_FORM)
    empty = (await sender.view_submission("UMIA", form, {"update": " "})).json()
    assert "update" in empty["errors"]
    await sender.view_submission("UMIA", form, {"update": "Shipped the doc <!here>; next: review"})
    await sweep(deps)
    [update] = posts(fake, channel, "Update from Mia")
    assert "Shipped the doc &lt;!here&gt;" in text_of(update.args["blocks"])
    [answered] = await events(deps, "follow_up_answered")
    assert answered.actor_role is ActorRole.MENTEE
    [episode] = await alerts(deps)
    assert episode.cleared_at is None and episode.severity == 2  # answered, but 2 to 1
    assert "mentor_chasing" in [s["kind"] for s in (await health_of(deps)).signals]
    # She books their next meeting too: level again, so the episode ends.
    monday = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
    await book(sender, fake, "UMIA", {"when": int(monday.timestamp()), "minutes": "30"})
    await sweep(deps)
    [episode] = await alerts(deps)
    assert episode.cleared_at is not None
    assert "Shipped" not in episode.evidence

    # The chase starts again later: a new episode, a new alert (one per episode).
    clock.set(datetime(2026, 3, 10, 15, 0, tzinfo=UTC))
    await follow_up(sender, fake, "nudge Mia")
    await sweep(deps)
    assert len(alert_posts(fake)) == 1
    clock.set(datetime(2026, 3, 12, 15, 0, tzinfo=UTC))
    await follow_up(sender, fake, "nudge Mia")
    await sweep(deps)
    await sweep(deps)
    assert len(alert_posts(fake)) == 2
    assert [a.cleared_at is None for a in await alerts(deps)] == [False, True]


async def test_a_mentee_led_pair_never_raises_mentor_chasing(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await accepted_pair(sender, fake, deps)
    start = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    for week in range(0, 8, 2):
        clock.set(start + timedelta(weeks=week))
        meeting_at = start + timedelta(weeks=week, days=2)
        await book(sender, fake, "UMIA", {"when": int(meeting_at.timestamp()), "minutes": "30"})
        await sweep(deps)
    # The mentor books one and follows up once: still the mentee's relationship.
    await book(
        sender,
        fake,
        "UOMAR",
        {"when": int((start + timedelta(weeks=9)).timestamp()), "minutes": "30"},
    )
    await follow_up(sender, fake, "nudge Mia")
    await sweep(deps)
    row = await health_of(deps)
    assert "mentor_chasing" not in [s["kind"] for s in row.signals]
    assert alert_posts(fake) == []


async def test_a_silent_mentee_is_found_by_the_daily_pass_and_snoozing_holds_alerts(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await accepted_pair(sender, fake, deps)
    accepted = clock.now()
    for day in range(1, 44):
        clock.set(accepted + timedelta(days=day))
        await sweep(deps)
        if day == 29:
            assert (await health_of(deps)).health == "needs_attention"  # 2× the cadence
            assert alert_posts(fake) == []
    [alert] = alert_posts(fake)
    text = text_of(alert.args["blocks"])
    assert "The mentee has gone quiet" in text
    assert "since the match was accepted" in text
    assert posts(fake, "UMIA", "since you and *Omar* last connected")
    await sender.click(
        "UADMIN", Action.ALERT_SNOOZE, blocks=alert.args["blocks"], channel_id="CLEADS"
    )
    await fake.wait_for("response_url", lambda c: "Snoozed for 2 weeks" in str(c.args))
    [row] = await alerts(deps)
    assert row.snoozed_until is not None

    # Mia books: the silence is over. Omar then chases twice inside the snooze: the episode is
    # recorded, but the managers hear nothing until the snooze ends.
    await book(
        sender,
        fake,
        "UMIA",
        {"when": int((clock.now() + timedelta(days=1)).timestamp()), "minutes": "30"},
    )
    await sweep(deps)
    assert (await alerts(deps))[0].cleared_at is not None
    snoozed_at = clock.now()
    clock.set(snoozed_at + timedelta(days=2, hours=5))
    await follow_up(sender, fake, "nudge Mia")
    clock.set(snoozed_at + timedelta(days=4, hours=5))
    await follow_up(sender, fake, "nudge Mia")
    await sweep(deps)
    await sweep(deps)
    chasing = [a for a in await alerts(deps) if a.signal == "mentor_chasing"]
    assert len(chasing) == 1 and chasing[0].raised_at is None
    assert len(alert_posts(fake)) == 1
    clock.set(snoozed_at + timedelta(days=15))  # the daily pass after the snooze
    await sweep(deps)
    await sweep(deps)
    assert len(alert_posts(fake)) == 2
    assert "The mentor is doing the chasing" in text_of(alert_posts(fake)[-1].args["blocks"])


async def test_check_ins_are_private_and_a_low_score_is_a_signal(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    channel = await accepted_pair(sender, fake, deps)
    accepted = clock.now()
    clock.set(accepted + timedelta(days=29))
    await sweep(deps)
    assert not posts(fake, "UMIA", "How is your mentoring with")
    clock.set(accepted + timedelta(days=30, hours=6))  # in both people's working hours
    await sweep(deps)
    [asked_mia] = posts(fake, "UMIA", "How is your mentoring with Omar going?")
    [asked_omar] = posts(fake, "UOMAR", "How is your mentoring with Mia going?")
    assert "never sees it" in text_of(asked_mia.args["blocks"])

    # Omar can't open Mia's check-in.
    await sender.click("UOMAR", Action.CHECKIN_OPEN, blocks=asked_mia.args["blocks"])
    await fake.wait_for("response_url", lambda c: "isn't yours" in str(c.args))
    await sender.click("UMIA", Action.CHECKIN_OPEN, blocks=asked_mia.args["blocks"])
    form = await fake.wait_for_view("UMIA", callback_id=Callback.CHECKIN_FORM)
    empty = (await sender.view_submission("UMIA", form, {})).json()
    assert "score" in empty["errors"]
    await sender.view_submission(
        "UMIA", form, {"score": "2", "note": "We keep rescheduling", "share": []}
    )
    await sender.click("UOMAR", Action.CHECKIN_OPEN, blocks=asked_omar.args["blocks"])
    form = await fake.wait_for_view("UOMAR", callback_id=Callback.CHECKIN_FORM)
    await sender.view_submission(
        "UOMAR", form, {"score": "4", "note": "Launch season <!here>", "share": ["yes"]}
    )
    await sweep(deps)

    row = await health_of(deps)
    low = next(s for s in row.signals if s["kind"] == "low_checkin")
    assert low["evidence"] == "the mentee rated it 2/5" and low["severity"] == 2
    assert "rescheduling" not in str(row.signals)
    # Nobody else hears of her answer: not Omar, not the pair's conversation.
    for where in ("UOMAR", channel):
        assert not posts(fake, where, "2/5") and not posts(fake, where, "rescheduling")
    [answered, _] = await events(deps, "checkin_answered")
    assert "score" not in answered.data
    # Managers see the scores, and a note only where its writer shared it.
    await sender.command("UADMIN", "report export")
    await delivered(deps, fake, "files.completeUploadExternal", lambda c: c.ok)
    [report] = fake.uploaded_files
    content = report["content"].decode()
    assert ",2,4,Launch season <!here>" in content  # a CSV: text, not mrkdwn
    assert "rescheduling" not in content


async def test_the_app_home_shows_each_relationship_and_managers_see_health(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await accepted_pair(sender, fake, deps)
    monday = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
    await book(sender, fake, "UMIA", {"when": int(monday.timestamp()), "minutes": "30"})
    await sweep(deps)
    mia = text_of(await home_blocks(sender, fake, "UMIA"))
    assert "*Omar*, your mentor" in mia and "Getting started" in mia
    assert f"next meeting <!date^{int(monday.timestamp())}^" in mia and "(no agenda yet)" in mia
    assert "0 open actions · goals: 0 open, 0 achieved" in mia
    assert Action.GOAL_NEW in mia and Action.FOLLOW_UP not in mia
    omar = text_of(await home_blocks(sender, fake, "UOMAR"))
    assert "*Mia*, your mentee" in omar and Action.FOLLOW_UP in omar
    admin = text_of(await home_blocks(sender, fake, "UADMIN"))
    assert ":white_circle: 1" in admin  # one pair, too early to tell


async def signal_kinds(deps: Deps) -> dict[str, int]:
    row = await health_of(deps)
    return {s["kind"]: s["severity"] for s in row.signals}


async def test_the_other_signals_through_the_front_door(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    """Stalled initiation, no meeting, no agenda, the mentor writing the notes and the
    mentee's overdue actions, each raised by what people do (or don't) in Slack."""
    await accepted_pair(sender, fake, deps)
    accepted = clock.now()
    clock.set(accepted + timedelta(days=20))
    await sweep(deps)
    assert "stalled_initiation" not in await signal_kinds(deps)
    clock.set(accepted + timedelta(days=22))
    await sweep(deps)
    found = await signal_kinds(deps)
    assert found["stalled_initiation"] == 1 and "no_meeting" not in found
    clock.set(accepted + timedelta(days=29))  # twice the fortnightly cadence
    await sweep(deps)
    assert (await signal_kinds(deps))["no_meeting"] == 1

    # Two meetings, neither with an agenda; the mentor captures the second, with an action
    # for the mentee that then goes overdue.
    for n, day in enumerate((30, 37)):
        start = (accepted + timedelta(days=day)).replace(hour=14, minute=0)
        clock.set(start - timedelta(days=1))
        await book(sender, fake, "UMIA", {"when": int(start.timestamp()), "minutes": "30"})
        await sweep(deps)
        clock.set(start)
        await sweep(deps)
        if n == 1:
            clock.set(start + timedelta(hours=2))
            await sweep(deps)
            [prompt] = posts(fake, "UMIA", "How did your meeting with")[-1:]
            await sender.click("UOMAR", Action.CAPTURE_WRITE, blocks=prompt.args["blocks"])
            form = await fake.wait_for_view("UOMAR", callback_id=Callback.CAPTURE_FORM)
            due = (start + timedelta(days=2)).date().isoformat()
            await sender.view_submission(
                "UOMAR",
                form,
                {"takeaways": "x", "action_1_what": "Draft the plan", "action_1_due": due},
            )
    clock.set(accepted + timedelta(days=41))
    await sweep(deps)
    await sweep(deps)
    found = await signal_kinds(deps)
    assert found["no_agenda"] == 1  # 2 of the last 2 meetings had no agenda
    assert found["mentor_wrote_notes"] == 1
    assert found["actions_overdue"] == 1
    assert "no_meeting" not in found  # they met
    row = await health_of(deps)
    evidence = {s["kind"]: s["evidence"] for s in row.signals}
    assert evidence["no_agenda"] == "2 of the last 2 meetings had no agenda"
    assert evidence["actions_overdue"] == "1 action owned by the mentee overdue"
    assert row.health == "needs_attention"
    assert alert_posts(fake) == []  # none of these alert the managers' channel at once
