"""Goals as the pair sees them: progress, which buttons each side gets, the notices, and the
opt-in public celebration that shows the title only."""

from __future__ import annotations

import json

import pytest

from bot.goals import views
from bot.ids import Action
from bot.ids import GoalField as F
from infra.text import escape
from storage.enums import ActorRole, GoalStatus
from tests.unit.views import factory as f
from tests.unit.views.read import buttons, dicts, inputs, text

MENTEE, MENTOR = ActorRole.MENTEE, ActorRole.MENTOR


@pytest.mark.parametrize(
    ("progress", "status", "bar"),
    [
        (0, GoalStatus.OPEN, "▱▱▱▱ 0%"),
        (25, GoalStatus.OPEN, "▰▱▱▱ 25%"),
        (50, GoalStatus.OPEN, "▰▰▱▱ 50%"),
        (75, GoalStatus.OPEN, "▰▰▰▱ 75%"),
        (100, GoalStatus.ACHIEVED, ":trophy: Achieved"),
    ],
)
def test_progress_as_a_bar(progress: int, status: GoalStatus, bar: str) -> None:
    assert views.progress_bar(f.goal(progress=progress, status=status)) == bar


def test_the_mentee_moves_open_goals_on_the_mentor_comments() -> None:
    goals = [
        f.goal(11),
        f.goal(12, parent_id=11),
        f.goal(13, status=GoalStatus.ACHIEVED, progress=100),
    ]
    mentee = views.goals_list([(f.pair(), MENTEE, goals, [])])
    assert buttons(mentee) == [
        ("Update progress", Action.GOAL_PROGRESS, "11"),
        ("Add a milestone", Action.GOAL_MILESTONE, "11"),
        ("Comment", Action.GOAL_COMMENT, "11"),
        ("Update progress", Action.GOAL_PROGRESS, "12"),  # a milestone has no milestones
        ("Comment", Action.GOAL_COMMENT, "12"),
        ("Comment", Action.GOAL_COMMENT, "13"),  # achieved: nothing to move
        ("Add a goal", Action.GOAL_NEW, "7"),
    ]
    mentor = views.goals_list([(f.pair(), MENTOR, goals, [])])
    assert buttons(mentor) == [("Comment", Action.GOAL_COMMENT, str(n)) for n in (11, 12, 13)]
    said = text(mentee)
    assert f"*{escape(f.goal().what)}* · by Tue 30 Jun 2026" in said
    assert f"    ↳ *{escape(f.goal().what)}*" in said
    assert f"Measure: {escape(f.goal().measure)}" in said and f"Why: {escape(f.goal().why)}" in said


def test_a_goal_shows_its_last_two_comments() -> None:
    comments = [f.comment(11, MENTOR, 1), f.comment(11, MENTEE, 2), f.comment(11, MENTOR, 3)]
    said = text(views.goals_list([(f.pair(), MENTEE, [f.goal(11)], comments)]))
    assert "Comment 1" not in said
    assert f":speech_balloon: mentee: {escape(f.said('Comment 2'))}" in said
    assert f":speech_balloon: mentor: {escape(f.said('Comment 3'))}" in said


def test_no_goals_yet_reads_differently_for_each_side() -> None:
    said = text(views.goals_list([(f.pair(), MENTEE, [], []), (f.pair(id=8), MENTOR, [], [])]))
    assert "No goals yet." in said and "Your mentee hasn't set goals yet." in said
    assert [
        h["text"]["text"]
        for h in dicts(views.goals_list([(f.pair(), MENTOR, [], [])]))
        if h["type"] == "header"
    ] == [f"Goals with {f.mia().real_name}"]
    assert "don't have a mentoring partner yet" in text(views.goals_list([]))


def test_a_long_list_of_goals_fits_one_message() -> None:
    blocks = dicts(views.goals_list([(f.pair(), MENTEE, [f.goal(n) for n in range(40)], [])]))
    assert len(blocks) == views.MESSAGE_BLOCKS_MAX
    assert "mark some achieved" in blocks[-1]["elements"][0]["text"]


@pytest.mark.parametrize(
    ("event", "starts"),
    [
        ("achieved", f":tada: *{escape(f.mia().real_name)} achieved a goal!*"),
        ("comment", ":speech_balloon: <@UOMAR> commented on *"),
        ("progress", f":chart_with_upwards_trend: *{escape(f.goal().what)}*: ▰▱▱▱ 25%"),
        ("set", f":dart: *{escape(f.mia().real_name)} set a goal:* {escape(f.goal().what)}"),
    ],
)
def test_what_the_pair_is_told(event: str, starts: str) -> None:
    blocks = views.goal_notice(
        f.goal(), f.pair(), event=event, comment=f.comment() if event == "comment" else None
    )
    assert text(blocks).startswith(starts)
    expected = [("Comment", Action.GOAL_COMMENT, "11")] if event == "set" else []
    assert buttons(blocks) == expected


def test_an_achievement_asks_the_mentor_to_congratulate_and_a_set_milestone_says_so() -> None:
    achieved = text(views.goal_notice(f.goal(), f.pair(), event="achieved", comment=None))
    assert "<@UOMAR>, a word of congratulations" in achieved
    milestone = text(
        views.goal_notice(f.goal(12, parent_id=11, measure=""), f.pair(), event="set", comment=None)
    )
    assert "set a milestone:*" in milestone and "Measure:" not in milestone
    assert "Target: Tue 30 Jun 2026" in milestone
    by_mentee = text(
        views.goal_notice(f.goal(), f.pair(), event="comment", comment=f.comment(role=MENTEE))
    )
    assert by_mentee.startswith(":speech_balloon: <@UMIA> commented")


def test_the_public_celebration_shows_the_title_and_nothing_else() -> None:
    said = text(views.shout_out(f.goal(), f.pair()))
    assert said.startswith(":tada: <@UMIA> just achieved a mentoring goal: *")
    assert escape(f.goal().what) in said
    for private in (f.goal().measure, f.goal().why):
        assert escape(private) not in said


def test_the_goal_form_for_a_goal_a_milestone_and_several_pairs() -> None:
    one = views.goal_form([f.pair()])
    assert json.loads(one.private_metadata or "") == {"relationship_id": 7}
    assert set(inputs(one)) == {F.WHAT, F.MEASURE, F.TARGET, F.WHY}
    celebrating = views.goal_form([f.pair(), f.pair(id=8)], celebrations=True)
    assert set(inputs(celebrating)) == {F.PAIR, F.WHAT, F.MEASURE, F.TARGET, F.WHY, F.SHOUT_OUT}
    assert json.loads(celebrating.private_metadata or "") == {}
    milestone = views.goal_form([f.pair()], parent=f.goal(), celebrations=True)
    assert set(inputs(milestone)) == {F.WHAT, F.TARGET}
    assert json.loads(milestone.private_metadata or "") == {"parent_id": 11, "relationship_id": 7}
    hint = next(b for b in dicts(milestone) if b.get("block_id") == F.TARGET)["hint"]["text"]
    assert hint == "The goal's target is Tue 30 Jun 2026."
    progress = views.progress_form(f.goal(progress=75))
    assert inputs(progress)[F.PROGRESS]["initial_option"]["value"] == "75"
    assert "initial_option" not in inputs(views.progress_form(f.goal(progress=30)))[F.PROGRESS]
