"""The managers' match review (totals, paging, locked and dropped pairs, the unmatched), the
approval, and `/mentor find`."""

from __future__ import annotations

import json

from bot.ids import Action
from bot.ids import MatchSettingsField as F
from bot.matching import engine as matching
from bot.matching import views
from bot.matching.settings import MatchingSettings
from infra.text import escape
from storage.enums import EnrolmentRole, MatchRunStatus
from tests.unit.views import factory as f
from tests.unit.views.read import buttons, dicts, inputs, text


def overflow(block: dict[str, object]) -> list[str]:
    accessory = block["accessory"]
    assert isinstance(accessory, dict)
    return [o["value"] for o in accessory["options"]]


def test_one_page_of_pairs_with_its_totals() -> None:
    run = f.match_run(6)  # pair 1 locked; scores 70 to 75
    review = views.review(run)
    said = text(review)
    assert (
        "*6 pairs* for 6 mentees · average score 72 · *2 unmatched* · 1 locked · 0 dropped" in said
    )
    pairs = [b for b in dicts(review) if b.get("accessory", {}).get("type") == "overflow"]
    assert len(pairs) == 6
    assert overflow(pairs[0]) == ["31:0:lock", "31:0:drop"]
    assert overflow(pairs[1]) == ["31:1:unlock", "31:1:drop"]
    assert ":lock:" in pairs[1]["text"]["text"] and ":lock:" not in pairs[0]["text"]["text"]
    assert "Page " not in said
    assert review.submit is not None and review.submit.text == "Approve all"
    assert review.close is not None and review.close.text == "Cancel"
    assert review.notify_on_close is True
    assert json.loads(review.private_metadata or "") == {"page": 0, "run_id": 31}


def test_pages_of_fifteen_with_previous_and_next() -> None:
    run = f.match_run(40, unmatched=15)  # 40 proposed, 5 of them dropped: 35 active
    middle = views.review(run, page=1)
    assert "Page 2 of 3" in text(middle)
    assert [
        (a, v) for _, a, v in buttons(middle) if a in (Action.MATCH_PAGE, Action.MATCH_PAGE_BACK)
    ] == [
        (Action.MATCH_PAGE_BACK, "31:0"),
        (Action.MATCH_PAGE, "31:2"),
    ]
    active = [p for p in run.proposals if not p.dropped]
    shown = [b for b in dicts(middle) if b.get("accessory", {}).get("type") == "overflow"]
    assert [overflow(b)[0].split(":")[1] for b in shown] == [str(p.id) for p in active[15:30]]
    said = text(middle)
    assert "Dropped (never proposed again in this review): " in said
    assert "…and 5 more (all of them are in the CSV)." in said
    assert said.count("• ") == views.UNMATCHED_SHOWN


def test_a_page_past_the_end_shows_the_last_and_an_approved_run_only_closes() -> None:
    review = views.review(f.match_run(40, status=MatchRunStatus.APPROVED), page=9)
    assert "Page 3 of 3" in text(review)
    assert Action.MATCH_PAGE not in [a for _, a, _ in buttons(review)]
    assert json.loads(review.private_metadata or "")["page"] == 2
    assert review.submit is None and review.close is not None and review.close.text == "Close"
    assert views.review(f.match_run(40), page=-3).private_metadata == '{"page":0,"run_id":31}'


def test_nothing_to_approve_when_nothing_was_proposed() -> None:
    review = views.review(f.match_run(0))
    assert "No pairs could be proposed." in text(review)
    assert "*0 pairs* for 0 mentees · average score 0" in text(review)
    assert review.submit is None


def test_the_approval_counts_in_plain_words() -> None:
    assert "*3 introductions* are on their way. 2 mentees joined the waiting list" in text(
        views.approved(f.match_run(3), created=3, already=False)
    )
    assert "*1 introduction* are on their way. 1 mentee joined" in text(
        views.approved(f.match_run(1, unmatched=1), created=1, already=False)
    )
    assert "already approved" in text(views.approved(f.match_run(3), created=0, already=True))


def test_find_offers_a_request_button_per_mentor() -> None:
    mentors = {
        200 + n: f.enrolment(EnrolmentRole.MENTOR, n=200 + n, current_role="Lead" if n == 0 else "")
        for n in range(2)
    }
    pairs = [matching.Pair(21, 200 + n, 80.0, ("Shares SQL",)) for n in range(2)]
    blocks = views.find_results("Sales", 3, pairs, mentors)
    assert buttons(blocks) == [
        ("Request", Action.FIND_REQUEST, "3:200"),
        ("Request", Action.FIND_REQUEST, "3:201"),
    ]
    said = text(blocks)
    assert (
        f"*{escape(f.omar().real_name)}* · Lead · {escape(f.said('Support'))}\nShares SQL" in said
    )
    nobody = text(views.find_results("Sales & co", 3, [], {}))
    assert "No mentor in *Sales &amp; co* is free" in nobody
    assert "I've asked *Omar &amp; Co*" in text(views.requested("Omar & Co"))


def test_the_settings_form_starts_from_the_settings() -> None:
    fields = inputs(
        views.settings_form(
            MatchingSettings(mentors_per_mentee=2, self_serve=True), program_id=3, run_id=None
        )
    )
    assert fields[F.MENTORS_PER_MENTEE]["initial_option"]["value"] == "2"
    assert [o["value"] for o in fields[F.SELF_SERVE]["initial_options"]] == ["on"]
    off = inputs(views.settings_form(MatchingSettings(), program_id=3, run_id=None))
    assert "initial_options" not in off[F.SELF_SERVE]
