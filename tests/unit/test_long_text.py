"""The longest text people may type still renders within Slack's limits, uncut."""

from __future__ import annotations

from datetime import UTC, date, datetime

from slack_sdk.models.blocks import Block

from bot.capture import service as capture_svc
from bot.capture import views as capture_views
from bot.meetings import service as meeting_svc
from bot.meetings import views as meeting_views
from fakeslack.blockkit import check_message, walk_text
from infra.text import chunks, escape
from storage.enums import ActionStatus, ActorRole, MeetingStatus, RelationshipStatus
from storage.models import ActionItem, Agenda, Meeting, MeetingNotes, Relationship, User

# Every character escapes to five: the worst case for length.
WORST = "&" * 7 + "<!channel> "


def typed(limit: int) -> str:
    return (WORST * (limit // len(WORST) + 1))[:limit]


def pair() -> Relationship:
    mentee = User(id=1, team_id="T1", slack_user_id="UMIA", name="mia", real_name="Mia")
    mentor = User(id=2, team_id="T1", slack_user_id="UOMAR", name="omar", real_name="Omar")
    return Relationship(
        id=1, team_id="T1", mentee=mentee, mentor=mentor, status=RelationshipStatus.CULTIVATION
    )


def meeting() -> Meeting:
    return Meeting(
        id=7,
        team_id="T1",
        pair=pair(),
        status=MeetingStatus.HELD,
        starts_at=datetime(2026, 3, 4, 14, tzinfo=UTC),
        minutes=30,
        booked_by_role=ActorRole.MENTEE,
    )


def full_text(blocks: list[Block]) -> str:
    return "".join(walk_text([b.to_dict() for b in blocks]))


def test_chunks_split_at_lines_then_spaces_never_inside_an_entity() -> None:
    text = escape(typed(5000))
    pieces = chunks(text, 2900)
    assert all(len(p) <= 2900 for p in pieces)
    assert all(not p.endswith("&") and not p.endswith("&am") for p in pieces)
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")
    assert chunks("a\nb", 10) == ["a\nb"]
    assert chunks("", 10) == [""]


def test_the_longest_agenda_and_notes_fit_and_nothing_is_cut() -> None:
    m = meeting()
    grow = typed(meeting_svc.GROW_MAX)
    agenda = Agenda(
        goal=grow,
        reality=grow,
        options=grow,
        way_forward=grow,
        mentor_items=[{"text": typed(meeting_svc.MENTOR_ITEMS_MAX)}] * 3,
    )
    blocks = meeting_views.agenda_message(m, agenda)
    assert check_message([b.to_dict() for b in blocks], "agenda") == []
    assert full_text(blocks).count(escape(grow).split(" ")[0]) >= 4
    assert "…" not in full_text(blocks)

    notes = MeetingNotes(takeaways=typed(capture_svc.TAKEAWAYS_MAX), author_role=ActorRole.MENTEE)
    actions = [
        ActionItem(
            id=n,
            text=typed(capture_svc.ACTION_MAX),
            owner_role=ActorRole.MENTOR,
            due_on=date(2026, 3, 9),
            status=ActionStatus.OPEN,
        )
        for n in range(capture_svc.MAX_ACTIONS)
    ]
    summary = capture_views.summary(m, notes, actions)
    assert check_message([b.to_dict() for b in summary], "notes") == []
    assert "…" not in full_text(summary)
    assert "<!channel>" not in full_text(summary)
