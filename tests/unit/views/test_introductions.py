"""The introduction (who asked, why this match, where each of them is), what it becomes once
settled, and what the mentee and the managers hear."""

from __future__ import annotations

import pytest

from bot.ids import Action
from bot.introductions import views
from infra.text import escape
from storage.enums import EnrolmentRole, RelationshipStatus
from tests.unit.views import factory as f
from tests.unit.views.read import buttons, dicts, text

AWAITING = RelationshipStatus.AWAITING_MENTOR


def introduction(**changes: object) -> list[dict[str, object]]:
    return dicts(
        views.introduction(
            f.pair(AWAITING, **changes),
            mentee=f.enrolment(),
            mentor=f.enrolment(EnrolmentRole.MENTOR, n=22),
            now=f.NOW,
        )
    )


@pytest.mark.parametrize(
    ("source", "opener"),
    [
        ("match", "<@UMIA>, meet <@UOMAR>, your proposed mentor in *"),
        ("self_serve", "<@UMIA> would like <@UOMAR> as their mentor in *"),
    ],
)
def test_the_introduction_says_who_asked(source: str, opener: str) -> None:
    assert opener in text(introduction(source=source))


def test_the_introduction_gives_the_facts_the_reasons_and_the_mentors_buttons() -> None:
    blocks = introduction()
    said = text(blocks)
    assert f"*Goals*\n{escape(f.enrolment().goals)}" in said
    assert "*Wants to develop*\nSQL, " in said
    assert f"*Current role*\n{escape(f.said('Staff engineer'))}" in said
    assert "*Why this match:* Shares 2 skills: SQL, Public speaking · " in said
    assert buttons(blocks) == [
        ("Accept", Action.INTRO_ACCEPT, "7"),
        ("Decline", Action.INTRO_DECLINE, "7"),
    ]
    assert next(b for b in blocks if b["type"] == "actions")["block_id"] == "intro-7"
    assert "Only <@UOMAR> can accept or decline." in said


def test_the_introduction_says_where_each_of_them_is() -> None:
    # Monday 09:00 UTC: 09:00 in Lisbon, 04:00 in New York (UTC-5 until 8 March).
    said = text(introduction())
    mia, omar = escape(f.mia().real_name), escape(f.omar().real_name)
    assert (
        f"{mia} is in Europe/Lisbon (now 09:00) · {omar} is in America/New_York (now 04:00), "
        f"5 h behind {mia}"
    ) in said
    same = dicts(
        views.introduction(
            f.pair(AWAITING, match_reasons=[]),
            mentee=f.enrolment(goals="", target_role="", skills_to_develop=[], department=""),
            mentor=f.enrolment(
                EnrolmentRole.MENTOR,
                user=f.person("UOMAR", "Omar", tz="Europe/Lisbon", id_=2),
                current_role="",
                expertise=[],
                department="",
            ),
            now=f.NOW,
        )
    )
    said = text(same)
    assert "the same time zone" in said
    assert "*Why this match:* a good fit for each other" in said
    assert "*Goals*\n–" in said and "*Can help with*\n–" in said


@pytest.mark.parametrize(
    ("event", "outcome"),
    [
        ("accepted", ":white_check_mark: <@UOMAR> accepted. <@UMIA>, over to you"),
        ("declined", ":leaves: <@UOMAR> can't take this on right now."),
        ("expired", ":hourglass: This request expired without an answer."),
    ],
)
def test_a_settled_introduction_loses_its_buttons_and_says_how_it_ended(
    event: str, outcome: str
) -> None:
    posted = introduction()
    settled = views.introduction_settled(posted, views.outcome_text(f.pair(), event))
    assert buttons(settled) == []
    assert "can accept or decline" not in text(settled)
    assert text(settled).split("\n")[-1].startswith(outcome)
    assert settled[: len(posted) - 2] == [
        b for b in posted if b["type"] != "actions" and "can accept" not in str(b)
    ]


@pytest.mark.parametrize(
    ("position", "place"), [(0, ""), (3, " You're number 3 on the waiting list.")]
)
def test_a_declined_or_expired_mentee_is_back_in_the_pool(position: int, place: str) -> None:
    for build in (views.declined_for_mentee, views.expired_for_mentee):
        said = text(build(f.pair(), position))
        assert said.endswith(f"a program manager will find you another mentor.{place}")
        assert escape(f.omar().real_name) in said


def test_the_managers_hear_the_decline_reason_the_mentee_does_not() -> None:
    reason = escape(f.said("No time this quarter"))
    assert f">{reason}" in text(views.manager_notice(f.pair(), "declined"))
    assert reason not in text(views.declined_for_mentee(f.pair(), 1))
    assert "No reason given." in text(views.manager_notice(f.pair(decline_reason=""), "declined"))
    assert text(views.manager_notice(f.pair(), "expired")).startswith(
        ":hourglass: *Request expired*"
    )


def test_the_mentors_reminder_links_the_introduction_when_it_can() -> None:
    blocks = views.reminder_for_mentor(f.pair())
    assert "The introduction is in <#GPAIR>." in text(blocks)
    assert [a for _, a, _ in buttons(blocks)] == [Action.INTRO_ACCEPT, Action.INTRO_DECLINE]
    assert "The introduction is." in text(views.reminder_for_mentor(f.pair(conversation_id=None)))


def test_accepted_and_the_waiting_list() -> None:
    accepted = views.accepted_for_mentee(f.pair())
    assert buttons(accepted) == [("Draft our agreement", Action.AGREEMENT_DRAFT, "7")]
    waiting = text(views.waitlist_notice("Sales & co", "no mentor offers SQL", 4))
    assert "*Sales &amp; co* this round: no mentor offers SQL." in waiting
    assert "You're number 4 on the waiting list" in waiting
