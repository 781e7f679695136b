"""The program list, the saved program, and what a manager is told about the digest channel."""

from __future__ import annotations

import pytest

from bot.ids import Action
from bot.programs import views
from bot.programs.channels import ChannelAccess
from infra.text import escape
from tests.unit.views import factory as f
from tests.unit.views.read import actions, buttons, text


@pytest.mark.parametrize(
    ("access", "note"),
    [
        (
            None,
            ":inbox_tray: Alerts and the digest go to <#CLEADS>. If it's private, please invite",
        ),
        (ChannelAccess.JOINED, ":inbox_tray: I joined <#CLEADS>; alerts and the digest go there."),
        (ChannelAccess.MEMBER, ":inbox_tray: Alerts and the digest go to <#CLEADS>."),
        (ChannelAccess.NEEDS_INVITE, ":lock: <#CLEADS> is private, so I can't join it myself."),
        (ChannelAccess.ARCHIVED, ":warning: <#CLEADS> is archived."),
        (ChannelAccess.NOT_FOUND, ":warning: I can't find that channel."),
    ],
)
def test_what_a_manager_is_told_about_the_digest_channel(
    access: ChannelAccess | None, note: str
) -> None:
    assert views.channel_note(access, "CLEADS").startswith(note)


def test_without_a_channel_the_note_says_so() -> None:
    assert "go to the digest channel." in views.channel_note(None, "")


def test_the_program_list_offers_edit_to_managers_and_join_to_the_rest() -> None:
    blocks = views.program_list([f.summary(3), f.summary(4, managed=False)], can_create=False)
    assert buttons(blocks) == [
        ("Edit", Action.PROGRAM_EDIT, "3"),
        ("Join", Action.JOIN_OPEN, "4"),
        ("Join a program", Action.JOIN_OPEN, None),
    ]
    said = text(blocks)
    assert "5 mentees · 1 mentor · every two weeks meetings · 12 months" in said
    assert "managed by <@UADMIN> and <@UBOSS>" in said
    assert escape(f.program().description) in said


def test_the_program_list_is_capped_and_says_how_many_more() -> None:
    blocks = views.program_list([f.summary(n) for n in range(25)], can_create=True)
    assert "…and 5 more." in text(blocks)
    assert actions(blocks)[-2:] == [Action.JOIN_OPEN, Action.PROGRAM_NEW]
    assert actions(blocks).count(Action.PROGRAM_EDIT) == views.LIST_MAX
    empty = views.program_list([], can_create=False)
    assert "There are no mentoring programs in this workspace yet." in text(empty)
    assert actions(empty) == [Action.JOIN_OPEN]


def test_a_saved_program_sums_itself_up() -> None:
    note = views.channel_note(ChannelAccess.MEMBER, "CLEADS")
    created = text(views.program_saved(f.program(), created=True, channel_note=note, hours=f.HOURS))
    assert f"*{escape(f.program().name)}* is ready." in created
    assert "*Nudges*\n09:00–17:00, Monday to Friday" in created
    assert "*Length*\n12 months" in created and note in created
    assert "Next: invite people to run `/mentor join`." in created
    updated = text(
        views.program_saved(f.program(), created=False, channel_note=note, hours=f.HOURS)
    )
    assert "was updated." in updated and "Next:" not in updated


def test_managers_are_told_they_were_added_and_when_the_channel_refused() -> None:
    added = text(views.manager_added(f.program(), added_by="UADMIN"))
    assert added.startswith(f"<@UADMIN> made you a manager of *{escape(f.program().name)}*.")
    assert "You never see a pair's agendas or notes." in added
    refused = text(views.not_in_channel("Sales & co", "CLEADS"))
    assert "I couldn't post to <#CLEADS> for *Sales &amp; co*" in refused
