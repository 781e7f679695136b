"""Reading plain-text DM replies into agendas and captured actions."""

from __future__ import annotations

from datetime import date

import pytest

from bot.threads import reading
from storage.enums import ActorRole

TUESDAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("Friday", date(2026, 3, 13)),
        ("fri", date(2026, 3, 13)),
        ("Tuesday", date(2026, 3, 17)),  # said on a Tuesday: the next one
        ("next Monday", date(2026, 3, 16)),
        ("next Friday", date(2026, 3, 20)),
        ("tomorrow", date(2026, 3, 11)),
        ("today", TUESDAY),
        ("next week", date(2026, 3, 20)),
        ("end of the week", date(2026, 3, 13)),
        ("end of month", date(2026, 3, 31)),
        ("in 2 weeks", date(2026, 3, 24)),
        ("in 3 days", date(2026, 3, 13)),
        ("2026-04-01", date(2026, 4, 1)),
        ("12 April", date(2026, 4, 12)),
        ("April 12th", date(2026, 4, 12)),
        ("2 Feb", date(2027, 2, 2)),  # passed this year: next year's
        ("the weekend-ish", None),
        ("31 Feb", None),
        ("12 Smarch", None),
    ],
)
def test_due_dates(words: str, expected: date | None) -> None:
    assert reading.due_date(words, TUESDAY) == expected


def test_capture_reads_bullets_as_actions_and_the_rest_as_takeaways() -> None:
    parsed = reading.capture(
        "Great session, clearer on the promotion case.\n"
        "- call Sam by Friday\n"
        "* mentor: send the leadership article by tomorrow\n"
        "1. draft the workshop agenda (next week)\n"
        "• read the book\n"
        "Also: I'm less worried now.",
        TUESDAY,
        author=ActorRole.MENTEE,
    )
    assert parsed.takeaways == (
        "Great session, clearer on the promotion case.\nAlso: I'm less worried now."
    )
    assert parsed.actions == (
        reading.ParsedAction("Call Sam", ActorRole.MENTEE, date(2026, 3, 13)),
        reading.ParsedAction("Send the leadership article", ActorRole.MENTOR, date(2026, 3, 11)),
        reading.ParsedAction("Draft the workshop agenda", ActorRole.MENTEE, date(2026, 3, 20)),
        reading.ParsedAction("Read the book", ActorRole.MENTEE, None),
    )
    assert parsed.dropped == 0


def test_a_word_that_isnt_a_date_stays_in_the_action() -> None:
    [parsed] = reading.capture("- decide on the team", TUESDAY, author=ActorRole.MENTEE).actions
    assert parsed == reading.ParsedAction("Decide on the team", ActorRole.MENTEE, None)


def test_more_than_five_actions_are_counted_not_kept() -> None:
    text = "\n".join(f"- step {n}" for n in range(7))
    parsed = reading.capture(text, TUESDAY, author=ActorRole.MENTEE)
    assert len(parsed.actions) == 5 and parsed.dropped == 2


def test_agenda_reply_with_and_without_labels() -> None:
    assert reading.agenda("I want to talk about my promotion")["goal"] == (
        "I want to talk about my promotion"
    )
    parts = reading.agenda(
        "Goal: decide on the tech lead role\nReality: two offers\nsecond line\n"
        "Way forward: your honest view"
    )
    assert parts == {
        "goal": "decide on the tech lead role",
        "reality": "two offers\nsecond line",
        "options": "",
        "way_forward": "your honest view",
    }
