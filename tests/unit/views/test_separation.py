"""Wrapping up: what each person is asked and told, and what only the managers see."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from bot.ids import Action
from bot.ids import SeparationField as SF
from bot.separation import service as svc
from bot.separation import views
from infra.text import escape
from storage.enums import ActorRole
from storage.models import User
from tests.unit.views import factory as f
from tests.unit.views.read import buttons, inputs, text, times

MENTEE, MENTOR = ActorRole.MENTEE, ActorRole.MENTOR
ENDS = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("to", "other", "ask"),
    [
        (MENTEE, f.omar(), "Were your goals met?"),
        (MENTOR, f.mia(), "Did your mentee get where they wanted?"),
    ],
)
def test_the_wrap_up_asks_each_about_the_other(to: ActorRole, other: User, ask: str) -> None:
    blocks = views.wrap_up(f.pair(), to)
    assert f"Your mentoring with *{escape(other.real_name)}* ends <!date^" in text(blocks)
    assert ask in text(blocks)
    assert times(blocks) == [(ENDS, "{date_long_pretty}")]
    assert buttons(blocks) == [("Extend", Action.SEP_EXTEND, "7"), ("Close", Action.SEP_CLOSE, "7")]
    assert " ends soon." in text(views.wrap_up(f.pair(ends_at=None), to))


def test_an_extension_is_put_to_the_other_and_its_answer_to_both() -> None:
    blocks = views.extension_request(f.pair(extend_to=date(2027, 6, 30)), MENTOR)
    assert (
        f"*{escape(f.mia().real_name)}* would like to keep going until *Wed 30 Jun 2027*"
        in text(blocks)
    )
    assert buttons(blocks) == [
        ("Agree", Action.SEP_AGREE, "7"),
        ("Decline", Action.SEP_DECLINE, "7"),
    ]
    assert text(views.extension_request(f.pair(extend_to=None), MENTOR)) == (
        "An extension was proposed.\nAgree\nDecline"
    )
    agreed = views.extension_answered(
        f.pair(ends_at=datetime(2027, 6, 30, 8, tzinfo=UTC)), agreed=True
    )
    assert times(agreed) == [(datetime(2027, 6, 30, 8, tzinfo=UTC), "{date_long_pretty}")]
    declined = views.extension_answered(f.pair(), agreed=False)
    assert text(declined) == "The extension was declined. You can still close well: press *Close*."


def test_the_extend_form_says_the_current_end() -> None:
    form = views.extend_form(f.pair(), date(2027, 3, 2))
    assert "It ends on Tue 02 Mar 2027 now." in text(form)
    assert json.loads(form.private_metadata or "") == {"relationship_id": 7}
    assert set(inputs(form)) == {SF.NEW_END}


def test_ending_early_names_the_other_or_asks_which() -> None:
    one = views.end_form([(f.pair(), MENTOR)])
    assert f"This ends your mentoring with *{escape(f.mia().real_name)}* now." in text(one)
    assert json.loads(one.private_metadata or "") == {"relationship_id": 7}
    assert set(inputs(one)) == {SF.REASON}
    several = views.end_form([(f.pair(), MENTEE), (f.pair(id=8), MENTOR)])
    assert json.loads(several.private_metadata or "") == {}
    pick = inputs(several)["pair"]
    assert [o["value"] for o in pick["options"]] == ["7", "8"]
    assert [o["text"]["text"] for o in pick["options"]] == [
        f.omar().real_name[:75],
        f.mia().real_name[:75],
    ]


def test_closing_thanks_come_from_the_mentee() -> None:
    with_thanks = views.closed(f.pair(), f.said("Thank you"))
    said = text(with_thanks)
    assert said.startswith(":mortar_board: <@UMIA> and <@UOMAR> have closed their mentoring.")
    assert f"*From {escape(f.mia().real_name)}:*\n{escape(f.said('Thank you'))}" in said
    assert len(views.closed(f.pair(), "")) == 1
    survey = views.survey_invite(f.pair(), MENTOR)
    assert f"Your mentoring with *{escape(f.mia().real_name)}* is closed." in text(survey)
    assert buttons(survey) == [("Answer", Action.SEP_CLOSE, "7")]


def test_an_early_end_is_told_kindly_and_its_reason_only_to_the_managers() -> None:
    kindly = text(views.ended_early_kindly(f.pair(), MENTOR))
    assert f"*{escape(f.mia().real_name)}* has ended early" in kindly
    assert escape(f.said("Changed teams")) not in kindly
    managers = text(views.ended_early_managers(f.pair(ended_by_role=MENTOR)))
    assert managers.startswith(":warning: <@UOMAR> ended the mentoring relationship of <@UMIA>")
    assert f"*Their reason*\n{escape(f.said('Changed teams'))}" in managers
    assert managers.endswith("Only the program's managers see this.")
    assert text(views.ended_early_managers(f.pair(ended_by_role=MENTEE))).startswith(
        ":warning: <@UMIA> ended"
    )


def test_only_the_mentee_is_asked_for_a_thank_you() -> None:
    mentee = views.close_form(f.pair(), MENTEE)
    assert set(inputs(mentee)) == {SF.OUTCOME, SF.GOALS_MET, SF.RECOMMEND, SF.THANKS}
    assert set(inputs(views.close_form(f.pair(), MENTOR))) == {
        SF.OUTCOME,
        SF.GOALS_MET,
        SF.RECOMMEND,
    }
    assert [o["value"] for o in inputs(mentee)[SF.OUTCOME]["options"]] == list(svc.OUTCOMES)
    assert [o["value"] for o in inputs(mentee)[SF.GOALS_MET]["options"]] == list(svc.GOALS_MET)
