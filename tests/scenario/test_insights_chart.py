"""The insights chart in Slack, through the front door: the weekly digest carries it in its
thread once the program has two weeks of history (a short note before that), with alt text
that says the data's numbers; `/mentor digest` sends it to the manager's DM; nobody else gets
it; and the week's health is recorded whether or not the program has a digest channel."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

from PIL import Image
from sqlalchemy import select, update

from bot.insights import chart
from bot.insights import service as insights
from bot.insights.weeks import whole_week
from fakeslack import FakeSlack, SlackSender
from infra.clock import ManualClock
from infra.deps import Deps
from scheduling.kinds import Kind
from storage.due_work import DueWork
from storage.models import Program, ProgramHealthWeek
from tests.scenario.flows import delivered
from tests.scenario.test_capture import held_meeting
from tests.scenario.test_goals import ephemeral
from tests.scenario.test_matching_flow import sweep, text_of
from tests.scenario.test_meetings import posts

MONDAY_9_LONDON = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
NO_CHART = "No chart for Engineering mentoring yet"


def pngs(fake: FakeSlack) -> list[dict[str, object]]:
    return [f for f in fake.uploaded_files if str(f["filename"]).endswith(".png")]


async def test_the_weekly_digest_carries_the_chart_in_its_thread_once_there_is_history(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await held_meeting(sender, fake, deps, clock)
    # The first digest: one week of history, so a note instead of a chart.
    clock.set(MONDAY_9_LONDON)
    await sweep(deps)
    [first] = posts(fake, "CLEADS", "Weekly digest")
    assert NO_CHART in text_of(first.args["blocks"])
    assert pngs(fake) == []
    # A week later there are two: the chart goes in the digest's thread.
    clock.set(MONDAY_9_LONDON + timedelta(days=7))
    await sweep(deps)
    await delivered(deps, fake, "files.completeUploadExternal", lambda c: c.ok)
    _, second = posts(fake, "CLEADS", "Weekly digest")
    assert NO_CHART not in text_of(second.args["blocks"])
    [shared] = pngs(fake)
    assert shared["channel"] == "CLEADS"
    assert shared["thread_ts"] == second.response["ts"]
    image = Image.open(io.BytesIO(shared["content"]))  # type: ignore[arg-type]
    assert (image.format, image.size) == ("PNG", (chart.WIDTH_PX, chart.HEIGHT_PX))
    # The alt text says the very numbers of the program's last twelve weeks.
    async with deps.db.transaction() as session:
        program = (await session.scalars(select(Program))).one()
        end = whole_week(date(2026, 3, 9), program.timezone).end
        seen = await insights.program_insights(session=session, program_id=program.id, now=end)
        recorded = (await session.scalars(select(ProgramHealthWeek))).all()
    assert shared["alt_txt"] == chart.alt_text(seen)
    assert "Meetings held: 1 of 1 expected" in str(shared["alt_txt"])
    assert [w.meetings_held for w in seen.weeks][-2:] == [1, 0]
    assert sorted(r.monday for r in recorded) == [date(2026, 3, 2), date(2026, 3, 9)]
    # The thread holds the chart's share, as Slack shows it.
    [in_thread] = [m for m in fake.workspaces["T0001"].messages["CLEADS"] if m.get("files")]
    assert in_thread["thread_ts"] == second.response["ts"]


async def test_a_program_without_a_digest_channel_still_records_its_weeks_health(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await held_meeting(sender, fake, deps, clock)
    async with deps.db.transaction() as session:
        await session.execute(update(Program).values(digest_channel_id=None))
    clock.set(MONDAY_9_LONDON + timedelta(days=7))
    await sweep(deps)
    await sweep(deps)
    assert posts(fake, "CLEADS", "Weekly digest") == [] and pngs(fake) == []
    async with deps.db.transaction() as session:
        recorded = (await session.scalars(select(ProgramHealthWeek))).all()
    assert [r.monday for r in recorded] == [date(2026, 3, 2)]  # the week its digest covered


async def test_mentor_digest_sends_the_chart_to_the_managers_dm(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await held_meeting(sender, fake, deps, clock)
    # Under two weeks of history: the digest, and a note in the DM instead of a chart.
    shown = await ephemeral(sender, fake, "UADMIN", "digest")
    assert chart.ON_ITS_WAY in text_of(shown["blocks"])
    [note] = await delivered(
        deps, fake, "chat.postMessage", lambda c: c.ok and NO_CHART in str(c.args)
    )
    assert note.args["channel"] == "UADMIN"
    assert pngs(fake) == []
    # Two weeks later, the chart itself.
    clock.set(MONDAY_9_LONDON + timedelta(days=7, hours=1))
    await sweep(deps)
    await ephemeral(sender, fake, "UADMIN", "digest")
    await delivered(deps, fake, "files.completeUploadExternal", lambda c: c.ok)
    [shared] = pngs(fake)
    assert str(shared["channel"]).startswith("D") and shared["thread_ts"] is None
    assert "Meetings held: 1 of 1 expected" in str(shared["alt_txt"])
    Image.open(io.BytesIO(shared["content"])).verify()  # type: ignore[arg-type]


async def test_nobody_but_a_manager_is_sent_the_chart(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await held_meeting(sender, fake, deps, clock)
    refused = await ephemeral(sender, fake, "UMIA", "digest")
    assert "Only program managers can see the digest" in str(refused)
    async with deps.db.transaction() as session:
        planned = (
            await session.scalars(select(DueWork).where(DueWork.kind == Kind.INSIGHTS_CHART))
        ).all()
    assert planned == []
