"""The managers' alert (counts and dates only, and who handled it), the mentee's private
nudges, and the mentee's update to the pair."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.ids import Action
from bot.signals import rules as sig
from bot.signals import views
from bot.signals.episodes import NEXT_STEPS
from infra.text import escape
from tests.unit.views import factory as f
from tests.unit.views.read import buttons, text, times

SINCE = datetime(2026, 2, 20, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("kind", sorted(sig.ALERTING))
def test_an_open_alert_says_what_since_when_and_what_to_do(kind: sig.Kind) -> None:
    blocks = views.alert_message(f.alert(signal=kind.value))
    said = text(blocks)
    assert said.startswith(
        f":rotating_light: *{views.TITLES[kind]}*: <@UMIA> (mentee) and <@UOMAR> (mentor) · "
        f"{escape(f.program().name)}"
    )
    assert f"*Evidence*\n{f.alert().evidence}" in said
    assert f"`{kind.value}` · at risk" in said
    assert f"*Suggested next step*\n{NEXT_STEPS[kind]}" in said
    assert times(blocks) == [(SINCE, "{date_long_pretty}")]
    assert buttons(blocks) == [
        ("Acknowledge", Action.ALERT_ACK, "13"),
        ("Snooze 2 weeks", Action.ALERT_SNOOZE, "13"),
        ("I've spoken with them", Action.ALERT_SPOKEN, "13"),
    ]


@pytest.mark.parametrize(
    ("state", "said"),
    [
        ("acknowledged", "Acknowledged"),
        ("snoozed", "Snoozed for 2 weeks"),
        ("spoken", "Spoken with them"),
    ],
)
def test_a_handled_alert_says_who_handled_it_and_when(state: str, said: str) -> None:
    handled = datetime(2026, 3, 3, 11, 0, tzinfo=UTC)
    blocks = views.alert_message(
        f.alert(state=state, handled_at=handled), f.person("UADMIN", "Ada")
    )
    assert buttons(blocks) == []
    assert f":white_check_mark: {said} by <@UADMIN> <!date^" in text(blocks)
    assert times(blocks)[-1] == (handled, "{date_short_pretty}")
    no_time = views.alert_message(f.alert(state=state), f.person("UADMIN", "Ada"))
    assert text(no_time).endswith(f"{said} by <@UADMIN>")


def test_an_alert_whose_handler_is_unknown_keeps_its_buttons() -> None:
    blocks = views.alert_message(f.alert(state="acknowledged"), None)
    assert len(buttons(blocks)) == 3


@pytest.mark.parametrize(
    ("kind", "lead"),
    [
        (sig.Kind.MENTOR_CHASING, "works best when you lead it"),
        (sig.Kind.MENTEE_SILENT, "It's been a while since you and *"),
    ],
)
def test_the_mentees_private_nudge_offers_the_easy_next_step(kind: sig.Kind, lead: str) -> None:
    blocks = views.accountability(f.pair(), kind)
    assert lead in text(blocks) and escape(f.omar().real_name) in text(blocks)
    assert buttons(blocks) == [
        ("Book a meeting", Action.MEETING_BOOK, "7"),
        ("Send my mentor an update", Action.MENTEE_UPDATE, "7"),
    ]
    assert buttons(views.follow_up_nudge(f.pair())) == buttons(blocks)


def test_the_mentors_follow_up_never_says_they_asked() -> None:
    planned = text(views.follow_up_sent(f.pair(), planned=True))
    assert "I won't say you asked me to chase." in planned
    assert "chase" not in text(views.follow_up_nudge(f.pair()))
    assert text(views.follow_up_sent(f.pair(), planned=False)) == (
        f"You followed up with {escape(f.mia().real_name)} in the last day already."
    )


def test_the_mentees_update_reaches_the_mentor() -> None:
    said = text(views.mentee_update(f.pair(), f.said("On track")))
    assert said.startswith(f":incoming_envelope: *Update from {escape(f.mia().real_name)}*\n")
    assert escape(f.said("On track")) in said
    assert said.endswith("<@UOMAR>, reply here when you can.")
