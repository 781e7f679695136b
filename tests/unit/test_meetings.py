"""Meeting and agenda validation (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import InvalidInput
from bot.meetings import service as svc
from storage.enums import ActorRole, MeetingStatus
from storage.models import Meeting

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def other(start: datetime, minutes: int) -> Meeting:
    return Meeting(
        starts_at=start,
        minutes=minutes,
        status=MeetingStatus.SCHEDULED,
        booked_by_role=ActorRole.MENTEE,
    )


def errors(draft: svc.MeetingDraft, others: list[Meeting] | None = None) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        svc.validate(draft, now=NOW, others=others or [])
    return dict(caught.value.fields)


def test_absurd_and_missing_values_are_field_errors() -> None:
    later = NOW + timedelta(days=1)
    assert "minutes" in errors(svc.MeetingDraft(later, 600, ""))
    assert "minutes" in errors(svc.MeetingDraft(later, 5, ""))
    assert "minutes" in errors(svc.MeetingDraft(later, None, ""))
    assert "when" in errors(svc.MeetingDraft(None, 30, ""))
    assert "when" in errors(svc.MeetingDraft(NOW, 30, ""))
    assert "place" in errors(svc.MeetingDraft(later, 30, "x" * 301))


def test_clashes_overlap_but_back_to_back_is_fine() -> None:
    at = NOW + timedelta(days=1)
    booked = [other(at, 60)]
    assert "when" in errors(svc.MeetingDraft(at + timedelta(minutes=30), 30, ""), booked)
    assert "when" in errors(svc.MeetingDraft(at - timedelta(minutes=15), 30, ""), booked)
    assert svc.validate(svc.MeetingDraft(at + timedelta(hours=1), 30, ""), now=NOW, others=booked)


def test_an_agenda_needs_a_goal_and_fits_its_limits() -> None:
    with pytest.raises(InvalidInput) as empty:
        svc.validate_grow(svc.Grow("", "", "", ""))
    assert "goal" in empty.value.fields
    with pytest.raises(InvalidInput) as long:
        svc.validate_grow(svc.Grow("ok", "x" * (svc.GROW_MAX + 1), "", ""))
    assert "reality" in long.value.fields
    svc.validate_grow(svc.Grow("ok", "", "", ""))


def test_agenda_text_is_compared_and_checked_without_surrounding_space() -> None:
    grow = svc.Grow("  Decide on the plan \n", " ", "", "help ").stripped()
    assert grow == svc.Grow("Decide on the plan", "", "", "help")
    with pytest.raises(InvalidInput):
        svc.validate_grow(svc.Grow("   ", "\n", "", "").stripped())
