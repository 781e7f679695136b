"""The agreement as the pair sees it: who may sign, what the terms say, and `/mentor agreement`
for each side."""

from __future__ import annotations

import json

from bot.agreements import views
from bot.ids import Action
from infra.text import escape
from storage.enums import ActorRole, Cadence
from tests.unit.views import factory as f
from tests.unit.views.read import actions, buttons, dicts, text

MENTEE, MENTOR = ActorRole.MENTEE, ActorRole.MENTOR


def test_an_unsigned_agreement_waits_for_the_mentor() -> None:
    blocks = views.agreement_message(f.agreement(), f.pair())
    assert dicts(blocks)[0]["text"]["text"] == ":memo: Mentoring agreement (version 2)"
    assert buttons(blocks) == [
        ("Sign", Action.AGREEMENT_SIGN, "9"),
        ("Suggest changes", Action.AGREEMENT_SUGGEST, "9"),
    ]
    assert dicts(blocks)[-1]["block_id"] == "agreement-9"
    assert f"waiting for {escape(f.omar().real_name)}" in text(blocks)


def test_a_signed_agreement_is_agreed_and_offers_nothing_to_press() -> None:
    blocks = views.agreement_message(f.agreement(signed=True), f.pair())
    assert buttons(blocks) == []
    assert text(blocks).endswith(f":white_check_mark: {escape(f.omar().real_name)} signed. Agreed.")


def test_the_terms_in_plain_words() -> None:
    said = text(views.terms_blocks(f.agreement()))
    assert "*Meetings*\nEvery two weeks, about 45 minutes" in said
    assert "*Until*\n18 December 2026" in said
    assert f"*Mostly by*\nSomething else ({escape(f.said('The café'))})" in said
    assert "*Confidential*\nYes" in said
    for label, value in (
        ("What we'll work on", f.terms().in_scope),
        ("Out of scope", f.terms().out_of_scope),
        ("From the mentor", f.terms().from_mentor),
        ("From the mentee", f.terms().from_mentee),
        ("Also", f.terms().note),
    ):
        assert f"*{label}*\n{escape(value)}" in said
    least = f.terms(
        cadence=Cadence.WEEKLY,
        channel="video",
        channel_detail="",
        out_of_scope="",
        note="",
        confidential=False,
    )
    said = text(views.terms_blocks(f.agreement(terms=least.to_dict())))
    assert "*Meetings*\nWeekly" in said and "*Mostly by*\nVideo calls\n" in said
    assert "*Confidential*\nNot agreed" in said
    assert "Out of scope" not in said and "*Also*" not in said


def test_the_agreements_overview_offers_each_side_its_part() -> None:
    blocks = views.agreements_overview(
        [
            (f.pair(), MENTEE, None),
            (f.pair(id=8), MENTOR, None),
            (f.pair(id=9), MENTEE, f.agreement(signed=True)),
            (f.pair(id=10), MENTOR, f.agreement()),
        ]
    )
    assert buttons(blocks) == [
        ("Draft our agreement", Action.AGREEMENT_DRAFT, "7"),
        ("Revise", Action.AGREEMENT_DRAFT, "9"),
    ]
    said = text(blocks)
    assert said.count("Not drafted yet.") == 2
    assert "version 2, signed by both" in said and "version 2, waiting for the mentor" in said
    assert (
        f"*Your agreement with {escape(f.omar().real_name)}* ({escape(f.program().name)})" in said
    )
    assert f"*Your agreement with {escape(f.mia().real_name)}*" in said


def test_the_overview_shows_five_and_says_when_there_is_none() -> None:
    many = views.agreements_overview([(f.pair(id=n), MENTOR, None) for n in range(8)])
    assert text(many).count("Not drafted yet.") == 5
    assert text(views.agreements_overview([])) == (
        "You don't have a mentoring relationship with an agreement yet."
    )


def test_the_forms_and_the_mentors_suggestion() -> None:
    form = views.agreement_form(f.pair(), f.terms(), revising=True)
    assert form.title is not None and form.title.text == "Revise agreement"
    assert json.loads(form.private_metadata or "") == {"relationship_id": 7}
    first = views.agreement_form(f.pair(), f.terms(), revising=False)
    assert first.title is not None and first.title.text == "Our agreement"
    suggest = views.suggest_form(f.agreement(), f.pair())
    assert json.loads(suggest.private_metadata or "") == {"agreement_id": 9}
    blocks = views.suggestion_for_mentee(f.agreement(), f.pair())
    assert ">" + escape(f.said("Monthly suits me better")) in text(blocks)
    assert actions(blocks) == [Action.AGREEMENT_DRAFT]
