"""Goal services against the real database: the mentee sets SMART goals and milestones and
reports progress, either of the pair comments; what each schedules and records, and every
refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.goals import service as goals
from bot.ids import GoalField as F
from bot.meetings import service as meetings
from bot.separation import service as separation
from infra.clock import ManualClock
from infra.db import Database
from storage.due_work import Status, Timing
from storage.enums import ActorRole, GoalStatus
from storage.models import ActivityEvent, Goal, GoalComment, User
from tests.service.helpers import (
    MISSING,
    Act,
    Pair,
    accepted_pair,
    due_work,
    everything,
    logged,
    refusal,
    refused_to_outsiders,
)

MENTEE, MENTOR = ActorRole.MENTEE, ActorRole.MENTOR
# The clock starts on Monday 2 March 2026.
TODAY = date(2026, 3, 2)
JUNE = date(2026, 6, 30)


def smart(
    what: str = "Lead the Q3 planning workshop",
    measure: str = "It runs, and 4 of 5 attendees rate it useful",
    target: date | None = JUNE,
    why: str = "The step to tech lead",
    shout_out: bool = False,
) -> goals.GoalDraft:
    return goals.GoalDraft(what, measure, target, why, shout_out)


async def add(
    db: Database,
    clock: ManualClock,
    pair: Pair,
    draft: goals.GoalDraft | None = None,
    parent_id: int | None = None,
) -> Goal:
    async with db.transaction() as s:
        return await goals.add(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            draft=draft or smart(),
            parent_id=parent_id,
        )


async def progress(db: Database, clock: ManualClock, pair: Pair, goal_id: int, to: int) -> Goal:
    async with db.transaction() as s:
        return await goals.set_progress(
            session=s, clock=clock, actor=pair.mentee, goal_id=goal_id, progress=to
        )


async def notices(db: Database, pair: Pair) -> dict[str, dict[str, object]]:
    async with db.transaction() as s:
        rows = await due_work(s, pair.relationship_id, kind="goal.notice")
    for row in rows.values():
        assert (row.timing, row.status) == (Timing.IMMEDIATE, Status.PENDING)
    return {key: row.payload for key, row in rows.items()}


async def events(db: Database, kind: str) -> list[ActivityEvent]:
    async with db.transaction() as s:
        rows = await s.scalars(
            select(ActivityEvent).where(ActivityEvent.kind == kind).order_by(ActivityEvent.id)
        )
        return list(rows)


async def test_the_mentee_sets_a_goal_and_the_pair_hears_of_it(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    goal = await add(db, clock, pair, smart("  Lead the workshop ", " It runs ", JUNE, " Why "))
    assert (goal.what, goal.measure, goal.target_date, goal.why) == (
        "Lead the workshop",
        "It runs",
        JUNE,
        "Why",
    )
    assert (goal.status, goal.progress, goal.parent_id, goal.created_by) == (
        GoalStatus.OPEN,
        0,
        None,
        pair.mentee.id,
    )
    assert (await logged(db, pair))[-1] == ("goal_set", MENTEE)
    assert await notices(db, pair) == {
        f"goal-notice:set:goal:{goal.id}:0:{int(clock.now().timestamp())}": {
            "goal_id": goal.id,
            "event": "set",
            "comment_id": None,
        }
    }


async def test_a_milestone_needs_only_what_and_when(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)
    goal = await add(db, clock, pair)
    milestone = await add(
        db, clock, pair, smart("Draft the agenda", "", date(2026, 5, 1), ""), goal.id
    )
    assert milestone.parent_id == goal.id
    assert (await logged(db, pair))[-1] == ("milestone_set", MENTEE)
    # A goal with no measure is refused: it wouldn't be measurable.
    error = await refusal(
        db,
        InvalidInput,
        lambda s: goals.add(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            draft=smart(measure=" "),
        ),
    )
    assert set(error.fields) == {F.MEASURE}


async def test_a_milestone_hangs_from_a_goal_of_the_same_pair(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    other = await accepted_pair(db, clock, tag="2")
    goal = await add(db, clock, pair)
    milestone = await add(db, clock, pair, smart("Step one"), goal.id)
    theirs = await add(db, clock, other)

    def under(parent_id: int) -> Act:
        return lambda s: goals.add(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            draft=smart("Step two"),
            parent_id=parent_id,
        )

    for parent_id in (milestone.id, theirs.id, 999_999):
        await refusal(db, NotFound, under(parent_id))


@pytest.mark.parametrize(
    ("draft", "fields"),
    [
        (smart(what=" "), {F.WHAT}),
        (smart(what="x" * 301), {F.WHAT}),
        (smart(measure=""), {F.MEASURE}),
        (smart(measure="x" * 501), {F.MEASURE}),
        (smart(why="x" * 501), {F.WHY}),
        (smart(target=None), {F.TARGET}),
        (smart(target=TODAY - timedelta(days=1)), {F.TARGET}),
        (smart(target=TODAY + timedelta(days=731)), {F.TARGET}),
        (smart(what="", measure="", target=None), {F.WHAT, F.MEASURE, F.TARGET}),
    ],
)
async def test_goal_field_errors(
    db: Database, clock: ManualClock, draft: goals.GoalDraft, fields: set[str]
) -> None:
    pair = await accepted_pair(db, clock)
    error = await refusal(
        db,
        InvalidInput,
        lambda s: goals.add(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            draft=draft,
        ),
    )
    assert set(error.fields) == fields


async def test_the_limits_themselves_are_allowed(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)
    await add(db, clock, pair, smart("x" * 300, "y" * 500, TODAY, "z" * 500))
    await add(db, clock, pair, smart(target=TODAY + timedelta(days=730)))


@pytest.mark.parametrize(
    ("tz", "refused"),
    [
        # Monday 20:00 UTC: still Monday in Lisbon, already Tuesday in Tokyo.
        ("Europe/Lisbon", False),
        ("Asia/Tokyo", True),
    ],
)
async def test_a_target_date_has_passed_by_the_mentees_calendar(
    db: Database, clock: ManualClock, tz: str, refused: bool
) -> None:
    pair = await accepted_pair(db, clock, mentee_tz=tz, mentor_tz=tz)
    clock.set(datetime(2026, 3, 2, 20, 0, tzinfo=UTC))
    draft = smart(target=TODAY)
    if not refused:
        await add(db, clock, pair, draft)
        return
    error = await refusal(
        db,
        InvalidInput,
        lambda s: goals.add(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            draft=draft,
        ),
    )
    assert set(error.fields) == {F.TARGET}


async def test_the_mentor_comments_but_does_not_set_or_move_goals(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    goal = await add(db, clock, pair)
    error = await refusal(
        db,
        NotAllowed,
        lambda s: goals.add(
            session=s,
            clock=clock,
            actor=pair.mentor,
            relationship_id=pair.relationship_id,
            draft=smart(),
        ),
    )
    assert "Your mentee sets the goals" in error.message
    await refusal(
        db,
        NotAllowed,
        lambda s: goals.set_progress(
            session=s, clock=clock, actor=pair.mentor, goal_id=goal.id, progress=50
        ),
    )


async def test_no_goals_once_the_relationship_has_ended(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)
    async with db.transaction() as s:
        await separation.end_early(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            reason="Changing teams",
        )
    await refusal(
        db,
        Conflict,
        lambda s: goals.add(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            draft=smart(),
        ),
    )


async def test_progress_moves_step_by_step_and_is_told_each_time(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    goal = await add(db, clock, pair)
    clock.advance(days=7)
    moved = await progress(db, clock, pair, goal.id, 50)
    assert (moved.progress, moved.status, moved.updated_at) == (50, GoalStatus.OPEN, clock.now())
    [event] = await events(db, "goal_progress")
    assert event.data == {"goal_id": goal.id, "progress": 50, "milestone": False}
    key = f"goal-notice:progress:goal:{goal.id}:50:{int(clock.now().timestamp())}"
    assert (await notices(db, pair))[key]["event"] == "progress"
    # The same step again is no news.
    before = await everything(db)
    await progress(db, clock, pair, goal.id, 50)
    assert await everything(db) == before
    # Back and forth are news each time.
    clock.advance(days=1)
    await progress(db, clock, pair, goal.id, 25)
    clock.advance(days=1)
    await progress(db, clock, pair, goal.id, 50)
    assert len([k for k in await notices(db, pair) if ":progress:" in k]) == 3


async def test_achieving_a_goal_is_celebrated_once(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)
    goal = await add(db, clock, pair)
    milestone = await add(db, clock, pair, smart("Step one", ""), goal.id)
    clock.advance(days=30)
    done = await progress(db, clock, pair, milestone.id, 100)
    assert (done.status, done.achieved_at, done.progress) == (
        GoalStatus.ACHIEVED,
        clock.now(),
        100,
    )
    [event] = await events(db, "goal_achieved")
    assert (event.actor_role, event.data) == (
        MENTEE,
        {"goal_id": milestone.id, "progress": 100, "milestone": True},
    )
    assert (await notices(db, pair))[f"goal-notice:achieved:goal:{milestone.id}"] == {
        "goal_id": milestone.id,
        "event": "achieved",
        "comment_id": None,
    }
    # A double submit changes nothing; going back is refused.
    before = await everything(db)
    await progress(db, clock, pair, milestone.id, 100)
    assert await everything(db) == before
    error = await refusal(
        db,
        Conflict,
        lambda s: goals.set_progress(
            session=s, clock=clock, actor=pair.mentee, goal_id=milestone.id, progress=75
        ),
    )
    assert "already achieved" in error.message
    async with db.transaction() as s:
        # The milestone is done; the goal is still open.
        assert [
            g.id for g in await goals.open_goals(session=s, relationship_id=pair.relationship_id)
        ] == [goal.id]


@pytest.mark.parametrize("step", [None, -25, 30, 101, 125])
async def test_progress_is_one_of_the_steps(
    db: Database, clock: ManualClock, step: int | None
) -> None:
    pair = await accepted_pair(db, clock)
    goal = await add(db, clock, pair)
    error = await refusal(
        db,
        InvalidInput,
        lambda s: goals.set_progress(
            session=s, clock=clock, actor=pair.mentee, goal_id=goal.id, progress=step
        ),
    )
    assert set(error.fields) == {F.PROGRESS}


async def test_either_of_the_pair_comments(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)
    goal = await add(db, clock, pair)
    said: list[GoalComment] = []
    for who, text in ((pair.mentor, "  Great goal \n"), (pair.mentee, "x" * goals.COMMENT_MAX)):
        clock.advance(minutes=5)
        async with db.transaction() as s:
            said.append(
                await goals.comment(session=s, clock=clock, actor=who, goal_id=goal.id, text=text)
            )
    assert [(c.author_role, c.author_id, c.text) for c in said] == [
        (MENTOR, pair.mentor.id, "Great goal"),
        (MENTEE, pair.mentee.id, "x" * goals.COMMENT_MAX),
    ]
    assert [e for e in await logged(db, pair) if e[0] == "goal_comment"] == [
        ("goal_comment", MENTOR),
        ("goal_comment", MENTEE),
    ]
    for comment in said:
        payload = (await notices(db, pair))[f"goal-notice:comment:goal:{goal.id}:{comment.id}"]
        assert payload == {"goal_id": goal.id, "event": "comment", "comment_id": comment.id}


async def test_a_comment_needs_words_and_fits_its_limit(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)
    goal = await add(db, clock, pair)

    def commenting(text: str) -> Act:
        return lambda s: goals.comment(
            session=s, clock=clock, actor=pair.mentor, goal_id=goal.id, text=text
        )

    for text in (" \n ", "x" * (goals.COMMENT_MAX + 1)):
        error = await refusal(db, InvalidInput, commenting(text))
        assert set(error.fields) == {F.COMMENT}


async def test_goals_are_the_pairs_alone(db: Database, clock: ManualClock) -> None:
    pair = await accepted_pair(db, clock)
    goal = await add(db, clock, pair)

    def acts(actor: User, real: bool) -> list[Act]:
        relationship_id, goal_id = (pair.relationship_id, goal.id) if real else (MISSING, MISSING)
        return [
            lambda s: goals.add(
                session=s,
                clock=clock,
                actor=actor,
                relationship_id=relationship_id,
                draft=smart(),
            ),
            lambda s: goals.set_progress(
                session=s, clock=clock, actor=actor, goal_id=goal_id, progress=50
            ),
            lambda s: goals.comment(
                session=s, clock=clock, actor=actor, goal_id=goal_id, text="Hm"
            ),
        ]

    await refused_to_outsiders(db, clock, pair, acts)


async def test_goals_come_by_target_date_each_followed_by_its_milestones(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    later = await add(db, clock, pair, smart("Later goal", target=date(2026, 9, 1)))
    sooner = await add(db, clock, pair, smart("Sooner goal", target=date(2026, 5, 1)))
    await add(db, clock, pair, smart("Later, step 2", "", date(2026, 8, 1)), later.id)
    await add(db, clock, pair, smart("Later, step 1", "", date(2026, 7, 1)), later.id)
    await add(db, clock, pair, smart("Sooner, step", "", date(2026, 4, 1)), sooner.id)
    async with db.transaction() as s:
        await goals.comment(session=s, clock=clock, actor=pair.mentor, goal_id=sooner.id, text="Go")
    expected = ["Sooner goal", "Sooner, step", "Later goal", "Later, step 1", "Later, step 2"]
    for actor, role in ((pair.mentee, MENTEE), (pair.mentor, MENTOR)):
        async with db.transaction() as s:
            [(relationship, seen_as, listed, comments)] = await goals.for_actor(
                session=s, actor=actor
            )
        assert (relationship.id, seen_as) == (pair.relationship_id, role)
        assert [g.what for g in listed] == expected
        assert [(c.goal_id, c.text) for c in comments] == [(sooner.id, "Go")]


async def test_an_agenda_links_only_to_the_pairs_own_goals(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    other = await accepted_pair(db, clock, tag="2")
    theirs = await add(db, clock, other)
    async with db.transaction() as s:
        meeting = await meetings.book(
            session=s,
            clock=clock,
            actor=pair.mentee,
            relationship_id=pair.relationship_id,
            draft=meetings.MeetingDraft(clock.now() + timedelta(days=3), 30, ""),
        )
    error = await refusal(
        db,
        InvalidInput,
        lambda s: meetings.write_agenda(
            session=s,
            clock=clock,
            actor=pair.mentee,
            meeting_id=meeting.id,
            grow=meetings.Grow("Plan", "", "", ""),
            goal_id=theirs.id,
        ),
    )
    assert error.fields == {"goal_id": "Choose one of your own goals."}
