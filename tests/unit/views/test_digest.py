"""The weekly digest: the week it covers, the numbers with last week's change, and lists that
stay short (the rest goes in the CSV)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.digest import views
from bot.digest.service import Week, week_so_far, whole_week
from infra.text import escape
from tests.unit.views import factory as f
from tests.unit.views.read import dicts, text


def fields(blocks: object) -> dict[str, str]:
    section = next(b for b in dicts(blocks) if b.get("fields"))
    return dict(field["text"].split("\n", 1) for field in section["fields"])


def test_what_a_digest_covers() -> None:
    assert views.covers(whole_week(date(2026, 2, 23), "Europe/London")) == (
        "Mon 23 Feb to Sun 01 Mar 2026 · changes on the week before in brackets"
    )
    so_far = week_so_far(datetime(2026, 3, 4, 15, 0, tzinfo=UTC), "Europe/London")
    assert views.covers(so_far) == (
        "This week so far, Mon 02 Mar to Wed 04 Mar 2026 · changes on the same days of last "
        "week in brackets"
    )


def test_the_numbers_and_their_change_on_last_week() -> None:
    blocks, overflow = views.blocks(f.digest())
    assert not overflow
    assert fields(blocks) == {
        "*Active pairs*": "12",
        "*Meetings held*": "5 of ~6 expected (+1)",
        "*With a mentee agenda*": "60% (-15 pts)",
        "*Actions captured by the mentee*": "40% (-35 pts)",
        "*Actions done · overdue*": "4 (=) · 3",
        "*Goals achieved*": "1 (+1)",
        "*Average check-in*": "3.7/5 (+0.7)",
    }


def test_a_quiet_week_shows_dashes_and_no_change() -> None:
    blocks, _ = views.blocks(f.digest(0, empty_weeks=True))
    assert fields(blocks) == {
        "*Active pairs*": "12",
        "*Meetings held*": "0 of ~6 expected (=)",
        "*With a mentee agenda*": "–",
        "*Actions captured by the mentee*": "–",
        "*Actions done · overdue*": "0 (=) · 3",
        "*Goals achieved*": "0 (=)",
        "*Average check-in*": "–",
    }
    assert ":large_green_circle: No pair needs attention this week." in text(blocks)


def test_lists_show_twelve_pairs_and_send_the_rest_as_a_csv() -> None:
    blocks, overflow = views.blocks(f.digest(40))
    assert overflow
    said = text(blocks)
    for title in (":red_circle: At risk (40)", ":large_yellow_circle: Needs attention (40)"):
        assert f"*{title}*" in said
    assert said.count("…and 28 more in the attached CSV.") == 4  # three lists and the endings
    assert said.count("• <@UMIA0> & <@UOMAR0>: " + escape(f.said("the mentee has gone quiet"))) == 1
    assert "• <@UMIA300> & <@UOMAR300>: ends Fri 20 Mar" in said
    assert "No pair needs attention" not in said
    waiting = next(t for t in said.split("\n*") if t.startswith(":inbox_tray: Waiting list (120)"))
    assert waiting.count(escape(f.HOSTILE)) == 30 and waiting.endswith(" and 90 more")
    assert "Waiting 29 " in waiting and "Waiting 30 " not in waiting
    assert len(dicts(blocks)) <= views.MESSAGE_BLOCKS_MAX


def test_a_short_list_needs_no_csv() -> None:
    digest = f.digest(12)
    blocks, overflow = views.blocks(digest)
    assert not overflow and "attached CSV" not in text(blocks)
    digest.this, digest.last = Week(held=2, with_agenda=1), Week()
    assert fields(views.blocks(digest)[0])["*With a mentee agenda*"] == "50%"
