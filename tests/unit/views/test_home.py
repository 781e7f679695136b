"""The App Home: each relationship's card (for the mentee, for the mentor), the programs, and
the managers' health counts."""

from __future__ import annotations

from collections import Counter

from bot.home import views
from bot.home.service import PairCard
from bot.ids import Action
from bot.people.roles import Roles
from infra.text import escape
from storage.enums import ActorRole, RelationshipStatus
from tests.unit.views import factory as f
from tests.unit.views.read import actions, buttons, dicts, text, times

MENTEE, MENTOR = ActorRole.MENTEE, ActorRole.MENTOR


def home(**changes: object) -> object:
    values: dict[str, object] = {"roles": Roles(), "enrolments": [], "managed": []}
    values.update(changes)
    return views.home(**values)  # type: ignore[arg-type]


def test_the_mentees_card_leads_with_booking_and_goals() -> None:
    card = PairCard(f.pair(), MENTEE, f.meeting(), 1, 2, 1)
    view = home(pairs=[card])
    said = text(view)
    assert (
        f"*{escape(f.omar().real_name)}*, your mentor · {escape(f.program().name)} · Under way"
        in said
    )
    assert "(no agenda yet) · 1 open action · goals: 2 open, 1 achieved" in said
    assert times(view) == [(f.MEETING_AT, "{date_long_pretty} at {time}")]
    book, goal = [b for b in buttons(view) if b[2] == "7"]
    assert (book[1], goal[1]) == (Action.MEETING_BOOK, Action.GOAL_NEW)
    card_buttons = next(b for b in dicts(view) if b["type"] == "actions")["elements"]
    assert card_buttons[0].get("style") == "primary"


def test_the_mentors_card_offers_a_follow_up() -> None:
    card = PairCard(
        f.pair(status=RelationshipStatus.SEPARATION), MENTOR, f.meeting(agenda=f.agenda()), 3, 0, 0
    )
    view = home(pairs=[card])
    said = text(view)
    assert f"*{escape(f.mia().real_name)}*, your mentee" in said and "Wrapping up" in said
    assert "(agenda ready) · 3 open actions" in said
    assert [a for _, a, v in buttons(view) if v == "7"] == [Action.MEETING_BOOK, Action.FOLLOW_UP]
    card_buttons = next(b for b in dicts(view) if b["type"] == "actions")["elements"]
    assert "style" not in card_buttons[0]
    assert "no meeting booked" in text(home(pairs=[PairCard(f.pair(), MENTOR, None, 0, 0, 0)]))


def test_a_newcomer_is_invited_to_join() -> None:
    view = home()
    assert "You haven't joined a mentoring program yet." in text(view)
    assert actions(view) == [Action.JOIN_OPEN, Action.SETTINGS_OPEN, Action.HELP]
    assert "Your mentoring" not in text(view) and "Programs you manage" not in text(view)


def test_managers_see_their_programs_health() -> None:
    view = home(
        roles=Roles(can_create_programs=True, manages=True),
        enrolments=[f.enrolment()],
        managed=[f.summary(3), f.summary(4)],
        health={3: Counter(on_track=4, at_risk=1, too_early=2), 4: Counter()},
    )
    said = text(view)
    assert ":red_circle: 1 :large_green_circle: 4 :white_circle: 2" in said
    assert ":large_yellow_circle:" not in said
    assert Action.PROGRAM_NEW in actions(view)
    assert ("Edit", Action.PROGRAM_EDIT, "3") in buttons(view)
    assert ("Profile", Action.PROFILE_EDIT, "21") in buttons(view)
    assert "· 5 mentees · " in said


def test_the_home_tab_shows_ten_pairs_and_twenty_programs_of_each_kind() -> None:
    view = home(
        roles=Roles(can_create_programs=True, manages=True, mentor=True),
        enrolments=[f.enrolment(n=n) for n in range(30)],
        managed=[f.summary(n) for n in range(30)],
        pairs=[PairCard(f.pair(id=n), MENTOR, None, 0, 0, 0) for n in range(15)],
    )
    assert [v for _, a, v in buttons(view) if a == Action.FOLLOW_UP] == [str(n) for n in range(10)]
    assert [v for _, a, v in buttons(view) if a == Action.PROFILE_EDIT] == [
        str(n) for n in range(20)
    ]
    assert [v for _, a, v in buttons(view) if a == Action.PROGRAM_EDIT] == [
        str(n) for n in range(20)
    ]


def test_managers_get_a_link_to_the_dashboard_when_the_app_has_a_public_url() -> None:
    url = "https://mentorbot.example.com/dashboard/"
    managing = {"roles": Roles(manages=True), "managed": [f.summary(3)]}
    linked = home(**managing, dashboard_url=url)
    [link] = [
        b
        for b in dicts(linked)
        if b["type"] == "actions"
        and any(e.get("action_id") == Action.DASHBOARD_OPEN for e in b["elements"])
    ]
    [button] = link["elements"]
    assert button["text"]["text"] == "Open the dashboard" and button["url"] == url
    # Without a PUBLIC_URL there is no dashboard to link to; nor for someone managing nothing.
    assert Action.DASHBOARD_OPEN not in actions(home(**managing, dashboard_url=None))
    assert Action.DASHBOARD_OPEN not in actions(home(dashboard_url=url))
