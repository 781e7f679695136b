"""Joining, the profile, leaving: what each role is told, and the buttons that go with it."""

from __future__ import annotations

import pytest

from bot.enrolment import views
from bot.ids import Action
from infra.text import escape
from storage.enums import EnrolmentRole, EnrolmentStatus
from tests.unit.views import factory as f
from tests.unit.views.read import buttons, dicts, text


@pytest.mark.parametrize(
    ("role", "mentee", "mentor"),
    [
        (EnrolmentRole.MENTEE, True, False),
        (EnrolmentRole.MENTOR, False, True),
        (EnrolmentRole.BOTH, True, True),
    ],
)
def test_joining_tells_each_role_what_comes_next(
    role: EnrolmentRole, mentee: bool, mentor: bool
) -> None:
    said = text(views.enrolled(f.enrolment(role), newly_joined=True))
    assert said.startswith(f":wave: You've joined *{escape(f.program().name)}* as a {role.value}.")
    assert ("*As a mentee you lead.*" in said) is mentee
    assert ("*As a mentor*" in said) is mentor
    assert text(views.enrolled(f.enrolment(role), newly_joined=False)) == (
        f":pencil2: Your profile for *{escape(f.program().name)}* is updated."
    )


def test_the_profile_shows_each_roles_answers() -> None:
    blocks = views.profile(
        [
            f.enrolment(EnrolmentRole.MENTEE),
            f.enrolment(EnrolmentRole.MENTOR, n=22, capacity=1, status=EnrolmentStatus.PAUSED),
        ],
        tz="Europe/Lisbon",
    )
    said = text(blocks)
    assert "*Level*\nMid-level" in said and "*Time zone*\nEurope/Lisbon" in said
    assert f"*Target role*\n{escape(f.said('Tech lead'))}" in said
    assert "*Capacity*\n1 mentee" in said and " (paused)" in said
    assert f"*Goals*\n{escape(f.enrolment().goals)}" in said
    assert [(a, v) for _, a, v in buttons(blocks)] == [
        (Action.PROFILE_EDIT, "21"),
        (Action.LEAVE, "21"),
        (Action.PROFILE_EDIT, "22"),
        (Action.LEAVE, "22"),
    ]
    leave = next(b for b in dicts(blocks) if b["type"] == "actions")["elements"][1]
    assert leave["style"] == "danger"
    assert escape(f.program().name) in leave["confirm"]["text"]["text"]


def test_the_profile_before_joining_and_at_most_ten() -> None:
    assert buttons(views.profile([], tz="UTC")) == [("Join a program", Action.JOIN_OPEN, None)]
    many = views.profile([f.enrolment(n=n) for n in range(15)], tz="UTC")
    assert [v for _, a, v in buttons(many) if a == Action.PROFILE_EDIT] == [
        str(n) for n in range(10)
    ]


def test_leaving_lists_the_programs_and_thanks() -> None:
    blocks = views.leave_choices([f.enrolment(n=n) for n in range(25)])
    assert [v for _, _, v in buttons(blocks)] == [str(n) for n in range(20)]
    assert "nothing to leave" in text(views.leave_choices([]))
    assert "You can rejoin any time" in text(views.left(f.enrolment()))
    assert views.manager_mention("UBOSS") == "<@UBOSS>"
    assert views.manager_mention(None) == "–"


def test_the_day_after_joining_the_mentee_prepares() -> None:
    blocks = views.prepare_for_mentoring("Sales & co", 21)
    assert "*While you wait for your mentor in Sales &amp; co*" in text(blocks)
    assert buttons(blocks) == [("Review my goals", Action.PROFILE_EDIT, "21")]
