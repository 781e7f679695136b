"""Every button and form that carries an id (a relationship's, a meeting's, a program's…) in
its value or private metadata, pressed or submitted by somebody it doesn't belong to: a
stranger to the relationship, or a non-manager for managers' controls. Each is refused with
a friendly message to that person alone, and nothing is written.

The tables below must name every action id and callback id the app registers, so a new
listener cannot arrive without a row here (see the two coverage tests)."""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select

from bot.ids import Action, Callback
from fakeslack import FakeSlack, SlackSender
from infra.clock import ManualClock
from infra.deps import Deps
from storage.enums import ActionStatus, ActorRole, GoalStatus, MeetingStatus, RelationshipStatus
from storage.models import (
    ActionItem,
    Agreement,
    Alert,
    CheckIn,
    Goal,
    MatchProposal,
    MatchRun,
    Meeting,
    Relationship,
    User,
)
from tests.scenario.test_matching_flow import accepted_pair
from tests.security.helpers import unchanged
from tests.settle import settled

ROOT = Path(__file__).resolve().parents[2]

# Who tries: a mentee enrolled in the program but in no relationship, a member of the
# relationship who is no manager, and someone in no program at all.
STRANGER, MEMBER, OUTSIDER = "UZOE", "UMIA", "UOTHER"


@dataclass(frozen=True)
class Press:
    actor: str
    value: str  # a template: {rel}, {meeting}, {goal}… are filled from the world


ACTIONS: dict[Action, Press | None] = {
    # None: open to everyone and naming nobody else's data (the reason is given alongside).
    Action.PROGRAM_NEW: Press(MEMBER, ""),
    Action.PROGRAM_EDIT: Press(MEMBER, "{program}"),
    Action.JOIN_OPEN: None,  # anyone may open the join form of any program
    Action.JOIN_PROGRAM: None,  # rebuilds the presser's own open join form
    Action.JOIN_ROLE: None,  # likewise
    Action.PROFILE_EDIT: Press(STRANGER, "{enrolment}"),
    Action.LEAVE: Press(STRANGER, "{enrolment}"),
    Action.HELP: None,  # the presser's own help
    Action.SETTINGS_OPEN: None,  # the presser's own settings
    Action.RESUME: None,  # ends the presser's own pause
    Action.MATCH_PAGE: Press(MEMBER, "{run}:2"),
    Action.MATCH_PAGE_BACK: Press(MEMBER, "{run}:1"),
    Action.MATCH_PAIR: Press(MEMBER, "{run}:{proposal}:drop"),
    Action.MATCH_RESOLVE: Press(MEMBER, "{run}"),
    Action.MATCH_CSV: Press(MEMBER, "{run}"),
    Action.MATCH_SETTINGS: Press(MEMBER, "{run}"),
    Action.INTRO_ACCEPT: Press(STRANGER, "{rel}"),
    Action.INTRO_DECLINE: Press(STRANGER, "{rel}"),
    Action.FIND_REQUEST: Press(OUTSIDER, "{program}:{mentor_enrolment}"),
    Action.AGREEMENT_DRAFT: Press(STRANGER, "{rel}"),
    Action.AGREEMENT_SIGN: Press(STRANGER, "{agreement}"),
    Action.AGREEMENT_SUGGEST: Press(STRANGER, "{agreement}"),
    Action.MEETING_BOOK: Press(STRANGER, "{rel}"),
    Action.MEETING_RESCHEDULE: Press(STRANGER, "{meeting}"),
    Action.MEETING_CANCEL: Press(STRANGER, "{meeting}"),
    Action.AGENDA_WRITE: Press(STRANGER, "{meeting}"),
    Action.MEETING_ICS: None,  # a link: the signed URL is the check (tests/scenario)
    Action.DASHBOARD_OPEN: None,  # a link: the dashboard signs people in (tests/dashboard)
    Action.AGENDA_ADD: Press(STRANGER, "{meeting}"),
    Action.GOAL_NEW: Press(STRANGER, "{rel}"),
    Action.GOAL_PROGRESS: Press(STRANGER, "{goal}"),
    Action.GOAL_MILESTONE: Press(STRANGER, "{goal}"),
    Action.GOAL_COMMENT: Press(STRANGER, "{goal}"),
    Action.CAPTURE_WRITE: Press(STRANGER, "{meeting}"),
    Action.CAPTURE_CONFIRM: Press(STRANGER, "{meeting}"),
    Action.CAPTURE_SUGGEST: Press(STRANGER, "{meeting}"),
    Action.MEETING_MET: Press(STRANGER, "{meeting}"),
    Action.MEETING_RESCHEDULED: Press(STRANGER, "{meeting}"),
    Action.MEETING_CANCELLED: Press(STRANGER, "{meeting}"),
    Action.ACTION_DONE: Press(STRANGER, "{action}"),
    Action.FOLLOW_UP: Press(STRANGER, "{rel}"),
    Action.MENTEE_UPDATE: Press(STRANGER, "{rel}"),
    Action.ALERT_ACK: Press(MEMBER, "{alert}"),
    Action.ALERT_SNOOZE: Press(MEMBER, "{alert}"),
    Action.ALERT_SPOKEN: Press(MEMBER, "{alert}"),
    Action.CHECKIN_OPEN: Press(STRANGER, "{checkin}"),
    Action.SEP_EXTEND: Press(STRANGER, "{rel}"),
    Action.SEP_CLOSE: Press(STRANGER, "{rel}"),
    Action.SEP_AGREE: Press(STRANGER, "{rel}"),
    Action.SEP_DECLINE: Press(STRANGER, "{rel}"),
    # Erasure: a forged "Erase my data" naming Mia, and a non-admin's "Erase" naming Omar.
    Action.FORGET_ME: Press(STRANGER, MEMBER),
    Action.ADMIN_FORGET: Press(MEMBER, "UOMAR"),
}
NOT_LISTENERS = {Action.FIELD}  # an input's action id inside forms, never dispatched


@dataclass(frozen=True)
class Submit:
    actor: str
    metadata: dict[str, str]  # key -> world id name
    state: dict[str, dict[str, Any]]  # block id -> the element's state


def _text(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def _choice(value: str) -> dict[str, Any]:
    return {"type": "static_select", "selected_option": {"value": value}}


FORMS: dict[Callback, Submit | None] = {
    Callback.PROGRAM_FORM: Submit(MEMBER, {"program_id": "program"}, {}),
    Callback.JOIN_FORM: None,  # the submitter's own enrolment
    Callback.SETTINGS_FORM: None,  # the submitter's own hours
    Callback.MATCH_REVIEW: Submit(MEMBER, {"run_id": "run"}, {}),
    Callback.MATCH_SETTINGS_FORM: Submit(MEMBER, {"program_id": "program"}, {}),
    Callback.DECLINE_FORM: Submit(STRANGER, {"relationship_id": "rel"}, {"reason": _text("no")}),
    Callback.AGREEMENT_FORM: Submit(STRANGER, {"relationship_id": "rel"}, {}),
    Callback.SUGGEST_FORM: Submit(
        STRANGER, {"agreement_id": "agreement"}, {"change": _text("more meetings")}
    ),
    Callback.MEETING_FORM: Submit(
        STRANGER,
        {"meeting_id": "meeting"},
        {"when": {"type": "datetimepicker", "selected_date_time": 1773100000}},
    ),
    Callback.AGENDA_FORM: Submit(STRANGER, {"meeting_id": "meeting"}, {"goal": _text("x")}),
    Callback.AGENDA_ADD_FORM: Submit(
        STRANGER, {"meeting_id": "meeting"}, {"mentor_items": _text("x")}
    ),
    Callback.GOAL_FORM: Submit(
        STRANGER,
        {"relationship_id": "rel"},
        {"what": _text("Lead a project"), "measure": _text("shipped")},
    ),
    Callback.GOAL_PROGRESS_FORM: Submit(STRANGER, {"goal_id": "goal"}, {"progress": _choice("50")}),
    Callback.GOAL_COMMENT_FORM: Submit(STRANGER, {"goal_id": "goal"}, {"comment": _text("hi")}),
    Callback.CAPTURE_FORM: Submit(
        STRANGER, {"meeting_id": "meeting"}, {"takeaways": _text("we talked")}
    ),
    Callback.CAPTURE_SUGGEST_FORM: Submit(
        STRANGER, {"meeting_id": "meeting"}, {"change": _text("not quite")}
    ),
    Callback.UPDATE_FORM: Submit(STRANGER, {"relationship_id": "rel"}, {"update": _text("hi")}),
    Callback.CHECKIN_FORM: Submit(STRANGER, {"checkin_id": "checkin"}, {"score": _choice("2")}),
    Callback.EXTEND_FORM: Submit(STRANGER, {"relationship_id": "rel"}, {}),
    Callback.CLOSE_FORM: Submit(STRANGER, {"relationship_id": "rel"}, {}),
    Callback.END_FORM: Submit(STRANGER, {"relationship_id": "rel"}, {}),
}


# Forms read in full before the service sees who is asking (an empty one is field errors).
FIELDS_FIRST = {Callback.PROGRAM_FORM, Callback.MATCH_SETTINGS_FORM, Callback.AGREEMENT_FORM}


def _registered(module: str, method: str, enum: str) -> set[str]:
    """The ids ``module``'s register() passes to ``app.<method>(<enum>.X)``."""
    tree = ast.parse((ROOT / module).read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == method
            and node.args
            and isinstance(node.args[0], ast.Attribute)
            and isinstance(node.args[0].value, ast.Name)
            and node.args[0].value.id == enum
        ):
            found.add(node.args[0].attr)
    return found


def test_every_registered_action_is_in_the_table() -> None:
    registered = _registered("handlers/actions/__init__.py", "action", "Action")
    assert registered, "found no app.action(Action.X) registrations"
    assert {Action[name] for name in registered} == set(ACTIONS)
    assert set(Action) == set(ACTIONS) | NOT_LISTENERS


def test_every_registered_form_is_in_the_table() -> None:
    registered = _registered("handlers/submissions/__init__.py", "view", "Callback")
    assert {Callback[name] for name in registered} == set(FORMS) == set(Callback)


# ---------------------------------------------------------------------- the world


async def _world(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> dict[str, int]:
    """Mia and Omar in a relationship with a meeting, an agreement, a goal, an action, an
    alert and a check-in; Zoe enrolled but unmatched; Olly in no program."""
    await accepted_pair(sender, fake, deps)
    now = clock.now()
    async with deps.db.transaction() as s:
        rel = await s.scalar(
            select(Relationship).where(Relationship.status == RelationshipStatus.INITIATION)
        )
        assert rel is not None
        mia = rel.mentee
        team = rel.team_id
        meeting = Meeting(
            team_id=team,
            relationship_id=rel.id,
            status=MeetingStatus.SCHEDULED,
            starts_at=now + timedelta(days=3),
            minutes=30,
            booked_by=mia.id,
            booked_by_role=ActorRole.MENTEE,
            created_at=now,
            updated_at=now,
        )
        agreement = Agreement(team_id=team, relationship_id=rel.id, version=1, created_at=now)
        goal = Goal(
            team_id=team,
            relationship_id=rel.id,
            what="Lead a project",
            status=GoalStatus.OPEN,
            created_by=mia.id,
            created_at=now,
            updated_at=now,
        )
        s.add_all([meeting, agreement, goal])
        await s.flush()
        action = ActionItem(
            team_id=team,
            relationship_id=rel.id,
            meeting_id=meeting.id,
            text="Draft the plan",
            owner_role=ActorRole.MENTEE,
            status=ActionStatus.OPEN,
            created_by=mia.id,
            created_at=now,
        )
        alert = Alert(
            team_id=team,
            program_id=rel.program_id,
            relationship_id=rel.id,
            signal="no_meeting",
            severity=2,
            since=now,
            opened_at=now,
            raised_at=now,
        )
        checkin = CheckIn(
            team_id=team,
            relationship_id=rel.id,
            user_id=mia.id,
            role=ActorRole.MENTEE,
            round=1,
            asked_at=now,
        )
        s.add_all([action, alert, checkin])
        await s.flush()
        enrolment = rel.mentee_enrolment_id
        mentor_enrolment = rel.mentor_enrolment_id
        run = await s.scalar(select(MatchRun))
        proposal = await s.scalar(select(MatchProposal))
        assert enrolment and mentor_enrolment and run and proposal
        ids = {
            "rel": rel.id,
            "program": rel.program_id,
            "meeting": meeting.id,
            "agreement": agreement.id,
            "goal": goal.id,
            "action": action.id,
            "alert": alert.id,
            "checkin": checkin.id,
            "enrolment": enrolment,
            "mentor_enrolment": mentor_enrolment,
            "run": run.id,
            "proposal": proposal.id,
        }
    # Everyone who will try has been seen once (looking them up again writes nothing).
    await sender.command(OUTSIDER, "help")
    await settled(sender.http)
    async with deps.db.transaction() as s:
        known = set((await s.scalars(select(User.slack_user_id))).all())
    assert {STRANGER, MEMBER, OUTSIDER} <= known
    return ids


REFUSED = ("only", "can't", "cannot", "not part", "isn't", "no longer", "aren't", "couldn't")


def _is_refusal(text: str) -> bool:
    lower = text.lower()
    return ":warning:" in text or any(word in lower for word in REFUSED)


async def test_buttons_and_forms_naming_somebody_elses_data_are_refused(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    """One world for every attempt: each is refused and writes nothing, so the world the
    next attempt sees is the same (which the row counts check)."""
    world = await _world(sender, fake, deps, clock)
    problems: list[str] = []
    for action_id, press in ACTIONS.items():
        if press is not None:
            problems += await _press(sender, fake, deps, world, action_id, press)
    for callback_id, form in FORMS.items():
        if form is not None:
            problems += await _submit(sender, fake, deps, world, callback_id, form)
    assert not problems, "\n".join(problems)


def _refusal_problem(what: str, text: str) -> str | None:
    if "went wrong" in text:
        return f"{what}: failed instead of refusing: {text[:200]}"
    if not _is_refusal(text):
        return f"{what}: not refused: {text[:200]}"
    return None


async def _press(
    sender: SlackSender,
    fake: FakeSlack,
    deps: Deps,
    world: dict[str, int],
    action_id: Action,
    press: Press,
) -> list[str]:
    what = f"{action_id} pressed by {press.actor}"
    seen = len(fake.calls)
    async with unchanged(deps.db, fake, allow=frozenset({"chat.postMessage"})):
        response = await sender.block_action(
            press.actor, action_id, value=press.value.format(**world)
        )
        await settled(sender.http)
    said = [c for c in fake.calls[seen:] if c.method in ("response_url", "chat.postMessage")]
    problems = [] if response.status_code == 200 else [f"{what}: HTTP {response.status_code}"]
    if not said:
        problems.append(f"{what}: no answer at all")
    for call in said:
        if call.method == "chat.postMessage" and call.args["channel"] != press.actor:
            problems.append(f"{what}: told {call.args['channel']}")
        if call.method == "response_url" and call.args.get("replace_original") is True:
            problems.append(f"{what}: replaced the message it was pressed in")
        if problem := _refusal_problem(what, json.dumps(call.args)):
            problems.append(problem)
    return problems


async def _submit(
    sender: SlackSender,
    fake: FakeSlack,
    deps: Deps,
    world: dict[str, int],
    callback_id: Callback,
    form: Submit,
) -> list[str]:
    what = f"{callback_id} submitted by {form.actor}"
    metadata = {key: world[name] for key, name in form.metadata.items()}
    payload = {
        "type": "view_submission",
        "user": {"id": form.actor, "team_id": "T0001"},
        "team": {"id": "T0001", "domain": "acme"},
        "api_app_id": "A0001",
        "trigger_id": fake.issue_trigger(form.actor, "T0001"),
        "view": {
            "id": "VFORGED",
            "type": "modal",
            "callback_id": str(callback_id),
            "private_metadata": json.dumps(metadata),
            "blocks": [],
            "state": {"values": {b: {"field": e} for b, e in form.state.items()}},
        },
        "response_urls": [],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    async with unchanged(deps.db, fake, allow=frozenset({"chat.postMessage"})):
        response = await sender.post_raw(body, content_type="application/x-www-form-urlencoded")
        await settled(sender.http)
    if response.status_code != 200:
        return [f"{what}: HTTP {response.status_code}"]
    answer = response.json() if response.content else {}
    if answer.get("response_action") == "errors":
        # Refused field by field: only forms whose every field is required get this far
        # (the permission check on them is covered by the scenario tests).
        return [] if callback_id in FIELDS_FIRST else [f"{what}: field errors, not a refusal"]
    if answer.get("response_action") != "update":
        return [f"{what}: accepted ({answer})"]
    problem = _refusal_problem(what, json.dumps(answer))
    return [problem] if problem else []
