"""After the meeting: who confirms the summary, what a done or late action looks like, the
`/mentor actions` list, and the answers to "did you meet?"."""

from __future__ import annotations

from datetime import date

import pytest

from bot.capture import service as svc
from bot.capture import views
from bot.ids import Action, BlockPrefix
from infra.text import escape
from storage.enums import ActionStatus, ActorRole, MeetingOutcome
from storage.models import User
from tests.unit.views import factory as f
from tests.unit.views.read import actions, buttons, dicts, text, times

MENTEE, MENTOR = ActorRole.MENTEE, ActorRole.MENTOR
FRIDAY = date(2026, 3, 13)


@pytest.mark.parametrize(("author", "confirmer"), [(MENTEE, "UOMAR"), (MENTOR, "UMIA")])
def test_the_one_who_did_not_write_the_notes_confirms_them(
    author: ActorRole, confirmer: str
) -> None:
    blocks = views.summary(f.meeting(), f.notes(author), [f.action()])
    assert buttons(blocks) == [
        ("Confirm", Action.CAPTURE_CONFIRM, "42"),
        ("Suggest a change", Action.CAPTURE_SUGGEST, "42"),
    ]
    assert dicts(blocks)[-1]["elements"][0]["text"].startswith(f"<@{confirmer}>, is this")
    writer = f.mia() if author is MENTEE else f.omar()
    assert f"captured by {escape(writer.real_name)}" in text(blocks)
    assert times(blocks) == [(f.MEETING_AT, "{date_long_pretty}")]


def test_confirmed_notes_have_no_buttons_and_done_actions_are_struck_through() -> None:
    items = [f.action(1), f.action(2, owner=MENTOR, status=ActionStatus.DONE, due_on=None)]
    blocks = views.summary(f.meeting(), f.notes(confirmed_at=f.NOW), items)
    assert buttons(blocks) == []
    said = text(blocks)
    assert f"Confirmed by {escape(f.omar().real_name)}" in said
    assert f"• {escape(items[0].text)} · {escape(f.mia().real_name)} · due Fri 13 Mar" in said
    assert f"• ~{escape(items[1].text)}~ · {escape(f.omar().real_name)}\n" in said + "\n"


def test_the_summary_leaves_out_what_was_not_said() -> None:
    said = text(views.summary(f.meeting(), f.notes(takeaways=""), []))
    assert "*Takeaways*" not in said and "*Actions*" not in said


def test_a_change_request_goes_back_to_the_author() -> None:
    blocks = views.change_suggested(f.meeting(), f.notes(MENTEE))
    said = text(blocks)
    assert f"{escape(f.omar().real_name)} suggests a change" in said
    assert ">" + escape(f.said("Add the budget")) in said
    assert "<@UMIA>, you wrote them" in said
    assert buttons(blocks) == [("Edit the notes", Action.CAPTURE_WRITE, "42")]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 3, 12), "Due today"),  # held early by nothing: the reminder's own day
        (FRIDAY, "Due today"),
        (date(2026, 3, 16), "Due Fri 13 Mar and still open"),
    ],
)
def test_an_actions_reminder_says_when_it_was_due(today: date, expected: str) -> None:
    assert views.action_due_text(f.action(due_on=FRIDAY), today=today) == expected
    blocks = views.action_due(f.action(due_on=FRIDAY), today=today)
    assert text(blocks).startswith(
        f":alarm_clock: {expected}, agreed with *{escape(f.omar().real_name)}*"
    )
    assert buttons(blocks) == [("Done", Action.ACTION_DONE, "1")]


def test_an_undated_action_is_due_today_and_the_mentors_names_the_mentee() -> None:
    assert views.action_due_text(f.action(due_on=None), today=FRIDAY) == "Due today"
    blocks = views.action_due(f.action(owner=MENTOR), today=FRIDAY)
    assert f"agreed with *{escape(f.mia().real_name)}*" in text(blocks)
    assert (
        text(views.action_done(f.action()))
        == f":white_check_mark: Done: ~{escape(f.action().text)}~"
    )


def test_the_actions_list_flags_what_is_late_and_offers_done_for_each() -> None:
    late, today_, undated = (
        f.action(1, due_on=date(2026, 3, 12)),
        f.action(2, due_on=FRIDAY),
        f.action(3, due_on=None),
    )
    blocks = views.actions_list(
        [(f.pair(), MENTEE, [late, today_, undated]), (f.pair(id=8), MENTOR, [])], today=FRIDAY
    )
    rows = {b["block_id"]: b["text"]["text"] for b in dicts(blocks) if b.get("block_id")}
    late_row, today_row, undated_row = (rows[BlockPrefix.ACTIONS_LIST.of(n)] for n in (1, 2, 3))
    assert late_row.endswith(":warning: *overdue*")
    assert "overdue" not in today_row
    assert "overdue" not in undated_row and "due" not in undated_row
    assert buttons(blocks) == [("Done", Action.ACTION_DONE, str(n)) for n in (1, 2, 3)]
    headers = [b["text"]["text"] for b in dicts(blocks) if b["type"] == "header"]
    assert headers == [f"Actions with {f.omar().real_name}", f"Actions with {f.mia().real_name}"]
    assert "Nothing open" in text(blocks)


def test_the_actions_list_fits_one_message() -> None:
    blocks = dicts(
        views.actions_list([(f.pair(), MENTEE, [f.action(n) for n in range(1, 80)])], today=FRIDAY)
    )
    assert len(blocks) == views.MESSAGE_BLOCKS_MAX
    assert blocks[-1]["elements"][0]["text"] == "More open actions than fit: finish a few!"
    assert text(views.actions_list([], today=FRIDAY)) == "You don't have a mentoring partner yet."


@pytest.mark.parametrize(("to", "other"), [(MENTEE, f.omar()), (MENTOR, f.mia())])
def test_did_you_meet_asks_about_the_other_person(to: ActorRole, other: User) -> None:
    blocks = views.meeting_check(f.meeting(), to=to)
    assert f"Did you meet *{escape(other.real_name)}*" in text(blocks)
    assert buttons(blocks) == [
        ("Yes, we met", Action.MEETING_MET, "42"),
        ("We rescheduled", Action.MEETING_RESCHEDULED, "42"),
        ("It was cancelled", Action.MEETING_CANCELLED, "42"),
    ]


@pytest.mark.parametrize(
    ("outcome", "first", "lead", "button"),
    [
        (MeetingOutcome.MET, True, "Thanks: noted that you met.", (Action.CAPTURE_WRITE, "42")),
        (MeetingOutcome.MET, False, "Already answered: you met.", (Action.CAPTURE_WRITE, "42")),
        (
            MeetingOutcome.RESCHEDULED,
            True,
            "Thanks: noted that it was rescheduled.",
            (Action.MEETING_BOOK, "7"),
        ),
        (
            MeetingOutcome.CANCELLED,
            False,
            "Already answered: it was cancelled.",
            (Action.MEETING_BOOK, "7"),
        ),
    ],
)
def test_the_answer_to_did_you_meet_leads_to_the_next_step(
    outcome: MeetingOutcome, first: bool, lead: str, button: tuple[str, str]
) -> None:
    blocks = views.outcome_noted(f.meeting(), outcome, first=first)
    assert text(blocks).startswith(lead)
    assert [(a, v) for _, a, v in buttons(blocks)] == [button]


def test_what_the_bot_understood_from_a_typed_capture() -> None:
    draft = svc.CaptureDraft(
        takeaways="Ship first",
        actions=(
            svc.ActionDraft("Call Sam", MENTEE, FRIDAY),
            svc.ActionDraft("Send it", MENTOR, None),
        ),
    )
    said = text(views.understood(f.meeting(), draft, 2))
    assert f"• Call Sam · {escape(f.mia().real_name)} · due Fri 13 Mar" in said
    assert f"• Send it · {escape(f.omar().real_name)} · no due date" in said
    assert "I kept the first 5 actions and left out 2." in said
    assert "left out" not in text(views.understood(f.meeting(), draft, 0))


def test_the_capture_prompt_and_its_reminder() -> None:
    first = views.capture_prompt(f.meeting())
    assert actions(first) == [Action.CAPTURE_WRITE, Action.MEETING_BOOK]
    assert buttons(first)[1][2] == "7"
    assert times(first) == []
    reminder = views.capture_prompt(f.meeting(), reminder=True)
    assert times(reminder) == [(f.MEETING_AT, "{date_long_pretty}")]
    assert views.REPLY_HINT in text(reminder)
