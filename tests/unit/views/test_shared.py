"""The small builders every view uses (limits, long text, times), the notices, `/mentor help`,
the nudge settings and pauses, and the check-in question."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from slack_sdk.models.blocks import Block

from bot import blocks as ui
from bot import notices
from bot.checkins import views as checkin_views
from bot.commands import views as command_views
from bot.ids import Action
from bot.people import views as people_views
from bot.people.roles import Roles
from infra.text import escape
from storage.enums import ActorRole
from tests.unit.views import factory as f
from tests.unit.views.read import buttons, dicts, text


def test_texts_are_cut_to_slacks_limits_with_an_ellipsis() -> None:
    assert ui.header("H" * 400).to_dict()["text"]["text"] == "H" * 149 + "…"
    assert len(ui.section("s" * 5000).to_dict()["text"]["text"]) == ui.SECTION_TEXT_MAX
    assert ui.title("T" * 40).text == "T" * 23 + "…"
    assert ui.button("B" * 100, "a").to_dict()["text"]["text"] == "B" * 74 + "…"
    assert ui.option("v", "O" * 100).to_dict()["text"]["text"] == "O" * 74 + "…"
    short = ui.button("Go", "go").to_dict()
    assert short == {
        "type": "button",
        "text": {"type": "plain_text", "text": "Go", "emoji": True},
        "action_id": "go",
    }


def test_long_text_is_split_never_cut() -> None:
    words = " ".join(f"w{n}" for n in range(2000))
    parts = ui.long_text("Notes", words)
    assert len(parts) >= 3
    texts = [p.to_dict()["text"]["text"] for p in parts]
    assert texts[0].startswith("*Notes*\n")
    assert all(len(t) <= ui.SECTION_TEXT_MAX for t in texts)
    joined = " ".join([texts[0].removeprefix("*Notes*\n"), *texts[1:]])
    assert joined.split() == words.split()
    assert len(ui.long_text("Notes", "short")) == 1


def test_fields_and_context_keep_to_ten() -> None:
    section = ui.fields_section([(f"L{n}", "v") for n in range(12)]).to_dict()
    assert [field["text"] for field in section["fields"]] == [f"*L{n}*\nv" for n in range(10)]
    assert "text" not in section
    assert len(ui.context(*(str(n) for n in range(12))).to_dict()["elements"]) == 10


def test_fit_keeps_a_list_within_its_limit_with_a_note() -> None:
    few: list[Block] = [ui.section(str(n)) for n in range(3)]
    assert ui.fit(few, 3, overflow_note="more") is few
    fitted = dicts(ui.fit([ui.section(str(n)) for n in range(80)], 50, overflow_note="more"))
    assert len(fitted) == 50 and fitted[48]["text"]["text"] == "48"
    assert fitted[49] == {"type": "context", "elements": [{"type": "mrkdwn", "text": "more"}]}


def test_a_time_is_a_token_with_a_utc_fallback() -> None:
    at = datetime(2026, 3, 9, 14, 0, tzinfo=UTC)
    assert ui.when(at) == (
        f"<!date^{int(at.timestamp())}^{{date_long_pretty}} at {{time}}|Mon 09 Mar 2026 14:00 UTC>"
    )
    assert ui.when(at, style="{time}").startswith(f"<!date^{int(at.timestamp())}^{{time}}|")


def test_metadata_is_compact_and_stable() -> None:
    assert ui.metadata(b=2, a=[1, "x"]) == '{"a":[1,"x"],"b":2}'
    assert json.loads(ui.metadata(relationship_id=7)) == {"relationship_id": 7}


def test_a_confirmation_is_a_danger_with_its_own_words() -> None:
    confirm = ui.confirm("Leave?", "You'll leave.", yes="Leave").to_dict()
    assert confirm["style"] == "danger"
    assert (confirm["confirm"]["text"], confirm["deny"]["text"]) == ("Leave", "Cancel")


def test_the_notices() -> None:
    assert text(notices.error_blocks("Nope.")) == ":warning: Nope."
    modal = notices.error_modal("Nope.")
    assert (modal.type, modal.submit) == ("modal", None)
    assert text(modal) == ":warning: Nope."
    assert modal.title is not None and modal.title.text == "Mentorbot"
    info = notices.info_modal("I" * 40, [ui.section("x")])
    assert info.title is not None and len(info.title.text) == ui.TITLE_MAX
    assert "`/mentor help`" in text(notices.dm_help())
    assert "{ref}" in notices.GENERIC_ERROR


def test_help_shows_each_audiences_commands_once() -> None:
    newcomer = text(command_views.help_blocks(Roles()))
    assert "*Everyone*\n`/mentor help` · Show the commands you can use" in newcomer
    assert "*Program managers*" not in newcomer and "*Admins*" not in newcomer
    assert newcomer.endswith("New here? Start with `/mentor join`.")
    everything = text(
        command_views.help_blocks(
            Roles(can_create_programs=True, manages=True, mentor=True, mentee=True)
        )
    )
    for audience in ("*Everyone*", "*Mentees*", "*Mentors*", "*Program managers*", "*Admins*"):
        assert everything.count(audience) == 1, audience
    assert "New here?" not in everything


def test_help_after_a_typo_escapes_it_and_guesses() -> None:
    said = text(command_views.help_blocks(Roles(), unknown="<!channel> " * 10, suggestion="goals"))
    first = said.split("\n")[0]
    assert first.startswith(":thinking_face: I don't know `/mentor &lt;!channel&gt;")
    assert first.endswith("Did you mean `/mentor goals`?") and "…" in first
    assert "Did you mean" not in text(command_views.help_blocks(Roles(), unknown="zzz"))


def test_nudge_settings_pauses_and_resuming() -> None:
    form = people_views.settings_form(tz="Europe/Lisbon", own=None, fallback=f.HOURS)
    assert "(*Europe/Lisbon*)" in text(form)
    assert "Your program's hours: 09:00–17:00, Monday to Friday." in text(form)
    assert text(people_views.settings_saved(f.HOURS)) == (
        ":white_check_mark: I'll nudge you 09:00–17:00, Monday to Friday, your time."
    )
    # 23:30 UTC on Monday 16 March is already Tuesday in Tokyo.
    paused = people_views.paused(datetime(2026, 3, 16, 23, 30, tzinfo=UTC), "Asia/Tokyo")
    assert "paused until *Tuesday 17 March 2026*" in text(paused)
    assert buttons(paused) == [("Resume now", Action.RESUME, None)]
    assert text(people_views.resumed(0)) == ":wave: Welcome back: nudges are on again."
    assert text(people_views.resumed(1)).endswith(" 1 held nudge will arrive shortly.")
    assert text(people_views.resumed(5)).endswith(" 5 held nudges will arrive shortly.")


def test_the_checkin_question_is_about_the_other_and_private() -> None:
    to_mentee = text(checkin_views.question(f.pair(), f.checkin(ActorRole.MENTEE)))
    other = escape(f.omar().real_name)
    assert f"How is your mentoring with {other} going?" in to_mentee
    assert f"{other} never sees it." in to_mentee
    to_mentor = text(checkin_views.question(f.pair(), f.checkin(ActorRole.MENTOR)))
    assert escape(f.mia().real_name) in to_mentor and other not in to_mentor
    assert buttons(checkin_views.question(f.pair(), f.checkin())) == [
        ("Answer", Action.CHECKIN_OPEN, "17")
    ]
    form = checkin_views.form(f.pair(), f.checkin())
    assert json.loads(form.private_metadata or "") == {"checkin_id": 17}


def test_the_form_fields_start_from_what_they_are_given() -> None:
    opts = ui.options([("1", "One"), ("2", "Two")])
    assert (
        ui.pick(opts, "2") is opts[1] and ui.pick(opts, "9") is None and ui.pick(opts, None) is None
    )
    days = ui.days_field("d", "Days", {4, 0, 2}).to_dict()["element"]
    assert [o["value"] for o in days["initial_options"]] == ["0", "2", "4"]
    assert len(days["options"]) == 7
    private = ui.channel_field("c", "C", initial="CLEADS", private=True).to_dict()["element"]
    public = ui.channel_field("c", "C", initial=None, private=False).to_dict()["element"]
    assert (
        private["filter"]["include"] == ["public", "private"]
        and private["initial_conversation"] == "CLEADS"
    )
    assert public["filter"]["include"] == ["public"] and "initial_conversation" not in public
    assert (
        ui.time_field("t", "At", datetime(2026, 1, 1, 7, 5).time()).to_dict()["element"][
            "initial_time"
        ]
        == "07:05"
    )
    assert "initial_option" not in ui.select_field("s", "S", opts, initial="9").to_dict()["element"]
    bare = ui.form("cb", "Title", [ui.section("x")], submit="Save")
    assert bare.private_metadata is None and bare.close is not None and bare.close.text == "Cancel"
    with_ids = ui.form("cb", "Title", [ui.section("x")], submit="Save", private_metadata={"b": 1})
    assert with_ids.private_metadata == '{"b":1}'
