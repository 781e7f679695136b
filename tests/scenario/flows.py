"""Things people do in Slack, as sequences of real signed requests."""

from __future__ import annotations

from typing import Any

from bot.ids import Callback
from tests.fakeslack import FakeSlack, SlackSender

PROGRAM_VALUES: dict[str, Any] = {
    "name": "Engineering mentoring",
    "description": "Grow engineers into leaders.",
    "managers": ["UADMIN"],
    "digest_channel": "CLEADS",
    "cadence": "fortnightly",
    "relationship_months": "12",
    "nudge_start": "09:00",
    "nudge_end": "17:00",
    "nudge_days": ["0", "1", "2", "3", "4"],
    "timezone": "Europe/London",
    "skills": "SQL, Public speaking, Budgeting, People management",
}


async def create_program(
    sender: SlackSender, fake: FakeSlack, user: str = "UADMIN", **changes: Any
) -> dict[str, Any]:
    """Open `/mentor program new`, fill it in and submit; returns the ack's JSON (if any)."""
    view = await open_modal(sender, fake, user, "program new", Callback.PROGRAM_FORM)
    values = {**PROGRAM_VALUES, **changes}
    response = await sender.view_submission(user, view, values)
    assert response.status_code == 200
    return response.json() if response.content else {}


async def open_join(
    sender: SlackSender, fake: FakeSlack, user: str, text: str = ""
) -> dict[str, Any]:
    return await open_modal(sender, fake, user, f"join {text}".strip(), Callback.JOIN_FORM)


async def open_modal(
    sender: SlackSender, fake: FakeSlack, user: str, text: str, callback_id: str
) -> dict[str, Any]:
    """Type a command that opens a modal, and return that (new) modal."""
    before = len(fake.calls_to("views.open"))
    await sender.command(user, text)
    await fake.wait_for("views.open", lambda c: c.ok, count=before + 1)
    return await fake.wait_for_view(user, callback_id=callback_id)


async def choose_role(
    sender: SlackSender, fake: FakeSlack, user: str, view: dict[str, Any], role: str
) -> dict[str, Any]:
    """Pick a role in the join form: Slack sends block_actions and the app rebuilds the form."""
    before = len(fake.calls_to("views.update"))
    option = next(
        o
        for b in view["blocks"]
        if b.get("block_id") == "role"
        for o in b["element"]["options"]
        if o["value"] == role
    )
    await sender.block_action(
        user,
        "join.role",
        block_id="role",
        action={"type": "radio_buttons", "selected_option": option},
        view=view,
        values={k: v for k, v in sender.values_of(view).items() if k in ("program",)}
        | {"role": role},
    )
    await fake.wait_for("views.update", count=before + 1)
    updated = fake.open_view(user)
    assert updated is not None
    return updated


MENTEE_VALUES: dict[str, Any] = {
    "role": "mentee",
    "goals": "Lead a project end to end by June",
    "target_role": "Tech lead",
    "skills_to_develop": ["SQL", "Public speaking"],
    "department": "Support",
    "seniority": "2",
    "location": "Lisbon",
    "department_preference": "different",
}

MENTOR_VALUES: dict[str, Any] = {
    "role": "mentor",
    "expertise": ["SQL", "Budgeting"],
    "capacity": "2",
    "department": "Engineering",
    "seniority": "5",
    "department_preference": "any",
}


async def enrol(
    sender: SlackSender, fake: FakeSlack, user: str, values: dict[str, Any]
) -> dict[str, Any]:
    view = await open_join(sender, fake, user)
    view = await choose_role(sender, fake, user, view, values["role"])
    filled = {**sender.values_of(view), **values}
    response = await sender.view_submission(user, view, filled)
    assert response.status_code == 200
    return response.json() if response.content else {}
