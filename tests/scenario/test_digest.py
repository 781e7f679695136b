"""The weekly digest and the report, through the front door: posted on schedule in the
program's time zone, counts without private text, on demand for managers only, within Block
Kit limits however large the program (the rest as a CSV), and the CSV export."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update

from bot.ids import Action, Callback
from fakeslack import FakeSlack, SlackSender
from infra.clock import ManualClock
from infra.deps import Deps
from scheduling.kinds import Kind
from storage.due_work import DueWork, Status
from storage.enums import RelationshipStatus
from storage.models import Program, ProgramHealthWeek, Relationship, RelationshipHealth, User
from tests.scenario.flows import delivered, open_modal
from tests.scenario.test_capture import capture_prompt, held_meeting
from tests.scenario.test_goals import ephemeral
from tests.scenario.test_matching_flow import accepted_pair, sweep, text_of
from tests.scenario.test_meetings import book, posts

MONDAY_9_LONDON = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)


async def test_the_weekly_digest_posts_on_monday_with_counts_and_no_private_text(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await held_meeting(sender, fake, deps, clock)
    prompt = await capture_prompt(fake, deps, clock)
    await sender.click("UMIA", Action.CAPTURE_WRITE, blocks=prompt.args["blocks"])
    form = await fake.wait_for_view("UMIA", callback_id=Callback.CAPTURE_FORM)
    await sender.view_submission(
        "UMIA",
        form,
        {"takeaways": "SECRET takeaway", "action_1_what": "SECRET action"},
    )
    await sweep(deps)
    clock.set(MONDAY_9_LONDON - timedelta(minutes=1))
    await sweep(deps)
    assert posts(fake, "CLEADS", "Weekly digest") == []
    clock.set(MONDAY_9_LONDON)
    await sweep(deps)
    [digest] = posts(fake, "CLEADS", "Weekly digest")
    text = text_of(digest.args["blocks"])
    assert "*Active pairs*\n1" in text
    assert "1 of ~0.5 expected (+1)" in text  # fortnightly: half a meeting a week per pair
    assert "*With a mentee agenda*\n0%" in text
    assert "*Actions captured by the mentee*\n100%" in text
    assert "Waiting list (2)" in text and "Ken" in text
    assert "SECRET" not in str(digest.args)
    # The week's health is recorded, for the insights' history.
    async with deps.db.transaction() as session:
        [week] = (await session.scalars(select(ProgramHealthWeek))).all()
    counted = week.too_early + week.on_track + week.needs_attention + week.at_risk
    assert (week.monday, counted) == (date(2026, 3, 2), 1)  # the one active pair
    # Next week's is planned: one a week.
    clock.set(MONDAY_9_LONDON + timedelta(days=7))
    await sweep(deps)
    assert len(posts(fake, "CLEADS", "Weekly digest")) == 2


async def test_digest_on_demand_for_managers_only_and_the_report_export(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await held_meeting(sender, fake, deps, clock)
    shown = await ephemeral(sender, fake, "UADMIN", "digest")
    assert "Weekly digest · Engineering mentoring" in text_of(shown["blocks"])
    refused = await ephemeral(sender, fake, "UMIA", "digest")
    assert "Only program managers can see the digest" in str(refused)

    before = len(fake.calls_to("files.completeUploadExternal"))
    await sender.command("UADMIN", "report export")
    [done] = (
        await delivered(
            deps, fake, "files.completeUploadExternal", lambda c: c.ok, count=before + 1
        )
    )[-1:]
    assert "Mentoring report" in str(done.args)
    [report] = fake.uploaded_files
    content = report["content"].decode()
    assert report["channel"].startswith("D") and "meetings_held" in content
    assert "Mia,Omar,initiation" in content


async def test_a_large_program_stays_within_block_kit_and_attaches_the_full_list(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await held_meeting(sender, fake, deps, clock)
    # Forty more pairs, all at risk (set up in the database: this is about the digest's size).
    now = clock.now()
    async with deps.db.transaction() as s:
        program = (await s.scalars(select(Program))).one()
        mentor = (await s.scalars(select(User).where(User.slack_user_id == "UANN"))).one()
        for n in range(40):
            user = User(
                team_id="T0001",
                slack_user_id=f"UX{n:03d}",
                name=f"x{n}",
                real_name=f"Mentee {n}",
                tz="Europe/London",
                created_at=now,
            )
            s.add(user)
            await s.flush()
            rel = Relationship(
                team_id="T0001",
                program_id=program.id,
                mentor_user_id=mentor.id,
                mentee_user_id=user.id,
                status=RelationshipStatus.CULTIVATION,
                created_at=now,
                updated_at=now,
                accepted_at=now - timedelta(days=60),
            )
            s.add(rel)
            await s.flush()
            s.add(
                RelationshipHealth(
                    relationship_id=rel.id,
                    team_id="T0001",
                    program_id=program.id,
                    health="at_risk",
                    signals=[
                        {
                            "kind": "mentee_silent",
                            "severity": 2,
                            "evidence": f"{45 + n} days since the mentee last took the initiative",
                            "since": now.isoformat(),
                        }
                    ],
                    evaluated_at=now,
                    changed_at=now,
                )
            )
    clock.set(MONDAY_9_LONDON)
    await sweep(deps)
    await sweep(deps)
    [digest] = posts(fake, "CLEADS", "Weekly digest")
    assert digest.ok  # the fake refuses anything over Block Kit's limits
    text = text_of(digest.args["blocks"])
    assert "At risk (40)" in text and "…and 28 more in the attached CSV." in text
    # The chart (in the digest's thread: these pairs are weeks old) and the CSV.
    await delivered(deps, fake, "files.completeUploadExternal", lambda c: c.ok, count=2)
    [attached] = [f for f in fake.uploaded_files if f["filename"].endswith(".csv")]
    assert attached["channel"] == "CLEADS" and attached["thread_ts"] is None
    lines = attached["content"].decode().strip().splitlines()
    assert len([line for line in lines if ",at_risk," in line]) == 40


async def test_the_program_chooses_the_digest_day_and_time(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await held_meeting(sender, fake, deps, clock)
    form = await open_modal(
        sender, fake, "UADMIN", "program edit Engineering mentoring", Callback.PROGRAM_FORM
    )
    values = sender.values_of(form)
    assert values["digest_weekday"] == "0" and values["checkin_first_days"] == "30"
    bad = await sender.view_submission("UADMIN", form, {**values, "checkin_every_days": "5"})
    assert "between 14 and 180" in bad.json()["errors"]["checkin_every_days"]
    await sender.view_submission(
        "UADMIN", form, {**values, "digest_weekday": "2", "digest_time": "10:30"}
    )
    async with deps.db.transaction() as s:
        pending = (
            await s.scalars(
                select(DueWork).where(
                    DueWork.kind == Kind.DIGEST_WEEKLY, DueWork.status == Status.PENDING
                )
            )
        ).all()
        assert [w.due_at for w in pending] == [datetime(2026, 3, 11, 10, 30, tzinfo=UTC)]
    clock.set(MONDAY_9_LONDON)
    await sweep(deps)
    assert posts(fake, "CLEADS", "Weekly digest") == []
    clock.set(datetime(2026, 3, 11, 10, 30, tzinfo=UTC))  # Wednesday 10:30 in London
    await sweep(deps)
    assert len(posts(fake, "CLEADS", "Weekly digest")) == 1


def _held(text: str) -> str:
    """The digest's "Meetings held" figure, as shown."""
    return text.split("*Meetings held*\n", 1)[1].split("\n", 1)[0]


async def _meetings_held_at(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock, *starts: datetime
) -> None:
    """Book a meeting at each of ``starts`` now, then sweep just after each start (so it is
    held), without sweeping at any other instant."""
    for at in starts:
        await book(sender, fake, "UMIA", {"when": int(at.timestamp()), "minutes": "30"})
    await sweep(deps)
    for at in starts:
        clock.set(at + timedelta(minutes=1))
        await sweep(deps)


async def test_a_late_digest_reports_its_planned_week_and_on_demand_says_so_far(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await accepted_pair(sender, fake, deps)  # Monday 2 March, 09:00
    # Two meetings in the week of Monday 2 March, one on Monday 9 March before 09:00.
    await _meetings_held_at(
        sender,
        fake,
        deps,
        clock,
        datetime(2026, 3, 2, 12, 0, tzinfo=UTC),
        datetime(2026, 3, 2, 15, 0, tzinfo=UTC),
        datetime(2026, 3, 9, 7, 30, tzinfo=UTC),
    )
    assert posts(fake, "CLEADS", "Weekly digest") == []
    # The digest planned for Monday 09:00 goes out on Tuesday (the scheduler was down).
    clock.set(datetime(2026, 3, 10, 10, 0, tzinfo=UTC))
    await sweep(deps)
    [digest] = posts(fake, "CLEADS", "Weekly digest")
    text = text_of(digest.args["blocks"])
    assert "Mon 02 Mar to Sun 08 Mar 2026 · changes on the week before" in text
    assert _held(text) == "2 of ~0.5 expected (+2)"  # Monday 9 March is next week's
    # Next week's digest is planned for Monday 16 March, for the week of the 9th.
    async with deps.db.transaction() as s:
        [pending] = (
            await s.scalars(
                select(DueWork).where(
                    DueWork.kind == Kind.DIGEST_WEEKLY, DueWork.status == Status.PENDING
                )
            )
        ).all()
    assert pending.due_at == datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
    assert pending.payload == {"week": "2026-03-09"}

    # On demand on Wednesday: this week so far, against the same days of last week.
    clock.set(datetime(2026, 3, 11, 12, 0, tzinfo=UTC))
    shown = text_of((await ephemeral(sender, fake, "UADMIN", "digest"))["blocks"])
    assert "This week so far, Mon 09 Mar to Wed 11 Mar 2026 · changes on the same days" in shown
    assert _held(shown) == "1 of ~0.2 expected (-1)"


async def test_the_digest_week_follows_the_programs_clock_across_daylight_saving(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    # London moves to summer time on Sunday 29 March 2026: that week runs from Monday 23
    # March 00:00 GMT to Monday 30 March 00:00 BST (Sunday 23:00 UTC), 167 hours.
    await accepted_pair(sender, fake, deps)
    await _meetings_held_at(
        sender,
        fake,
        deps,
        clock,
        datetime(2026, 3, 23, 0, 30, tzinfo=UTC),  # Monday 00:30 GMT: in the week
        datetime(2026, 3, 29, 23, 30, tzinfo=UTC),  # Monday 30 March 00:30 BST: the next
    )
    # The digest planned for Monday 30 March 09:00 BST goes out on Tuesday.
    clock.set(datetime(2026, 3, 31, 10, 0, tzinfo=UTC))
    await sweep(deps)
    digest = posts(fake, "CLEADS", "Weekly digest")[-1]
    text = text_of(digest.args["blocks"])
    assert "Mon 23 Mar to Sun 29 Mar 2026 · changes on the week before" in text
    assert _held(text) == "1 of ~0.5 expected (+1)"
    async with deps.db.transaction() as s:
        [pending] = (
            await s.scalars(
                select(DueWork).where(
                    DueWork.kind == Kind.DIGEST_WEEKLY, DueWork.status == Status.PENDING
                )
            )
        ).all()
    assert pending.due_at == datetime(2026, 4, 6, 8, 0, tzinfo=UTC)  # 09:00 BST
    assert pending.payload == {"week": "2026-03-30"}


async def test_a_digest_planned_before_weeks_were_named_reports_the_week_before_it_was_due(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await accepted_pair(sender, fake, deps)
    await _meetings_held_at(sender, fake, deps, clock, datetime(2026, 3, 4, 14, 0, tzinfo=UTC))
    async with deps.db.transaction() as s:  # as a row planned by an older version holds it
        await s.execute(
            update(DueWork).where(DueWork.kind == Kind.DIGEST_WEEKLY).values(payload={})
        )
    clock.set(datetime(2026, 3, 10, 16, 0, tzinfo=UTC))  # due Monday 9 March, sent Tuesday
    await sweep(deps)
    [digest] = posts(fake, "CLEADS", "Weekly digest")
    text = text_of(digest.args["blocks"])
    assert "Mon 02 Mar to Sun 08 Mar 2026" in text and _held(text) == "1 of ~0.5 expected (+1)"
