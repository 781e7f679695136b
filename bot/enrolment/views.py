"""The join form, the profile and leave messages, and enrolment notices."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import TypeVar

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    Option,
    RadioButtonsElement,
    StaticMultiSelectElement,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot import blocks as ui
from bot.enrolment import service as svc
from bot.errors import InvalidInput
from bot.forms import FormState, as_id, whole
from bot.ids import Action, Callback
from bot.ids import JoinField as F
from infra.text import escape, escape_truncated, mention
from storage.enums import DepartmentPreference, EnrolmentRole, EnrolmentStatus
from storage.models import Enrolment, Program

ROLE_LABELS = {
    EnrolmentRole.MENTEE: "Mentee: I want to grow with a mentor's help",
    EnrolmentRole.MENTOR: "Mentor: I want to help someone grow",
    EnrolmentRole.BOTH: "Both",
}
PREFERENCE_LABELS = {
    DepartmentPreference.DIFFERENT: "A different department (recommended: fresh eyes)",
    DepartmentPreference.SAME: "My own department",
    DepartmentPreference.ANY: "No preference",
}
PROGRAMS_MAX = 100
E = TypeVar("E", bound=StrEnum)


def join_form(
    programs: Sequence[Program],
    draft: svc.EnrolmentDraft,
    *,
    tz: str,
    editing: bool = False,
) -> View:
    """The enrolment modal. Choosing a program or a role rebuilds it (``dispatch_action``)
    so each role sees only its own questions."""
    program = next((p for p in programs if p.id == draft.program_id), None)
    program_options = ui.options((str(p.id), p.name) for p in programs[:PROGRAMS_MAX])
    role_options = ui.options((r.value, label) for r, label in ROLE_LABELS.items())
    blocks: list[Block] = [
        ui.section(
            "Mentoring works best when *the mentee leads*: you set the goals, book the "
            "meetings, bring an agenda and write down what you agreed. Mentorbot makes that easy."
        ),
        ui.input_block(
            F.PROGRAM,
            "Program",
            StaticSelectElement(
                action_id=Action.JOIN_PROGRAM,
                options=program_options,
                initial_option=ui.pick(program_options, str(draft.program_id)),
                placeholder=ui.plain("Choose a program"),
            ),
            dispatch_action=True,
        ),
        ui.input_block(
            F.ROLE,
            "I'm joining as",
            RadioButtonsElement(
                action_id=Action.JOIN_ROLE,
                options=role_options,
                initial_option=ui.pick(role_options, draft.role.value if draft.role else None),
            ),
            dispatch_action=True,
        ),
    ]
    skills = ui.options((s, s) for s in (program.skills if program else [])[:100])
    if draft.role is not None and draft.role.mentees:
        blocks += _mentee_blocks(draft, skills)
    if draft.role is not None and draft.role.mentors:
        blocks += _mentor_blocks(draft, skills)
    blocks += _about_blocks(draft, tz=tz)
    if draft.role is None:
        blocks.insert(3, ui.context("Choose a role to see the questions for it."))
    return ui.form(
        Callback.JOIN_FORM,
        "Your profile" if editing else "Join a program",
        blocks,
        submit="Save" if editing else "Join",
        private_metadata={"editing": editing},
    )


def _mentee_blocks(draft: svc.EnrolmentDraft, skills: list[Option]) -> list[Block]:
    return [
        ui.header("As a mentee"),
        ui.text_field(
            F.GOALS,
            "What do you want to achieve?",
            multiline=True,
            max_length=svc.GOALS_MAX,
            initial=draft.goals,
            placeholder="e.g. Lead my first project end to end by June",
            hint="Your mentor reads this first. You'll turn it into SMART goals together.",
        ),
        ui.text_field(
            F.TARGET_ROLE,
            "Target role or career path",
            max_length=svc.TARGET_ROLE_MAX,
            initial=draft.target_role,
            placeholder="e.g. Engineering manager",
            optional=True,
        ),
        ui.input_block(
            F.SKILLS_TO_DEVELOP,
            "Skills you want to develop",
            StaticMultiSelectElement(
                action_id=Action.FIELD,
                options=skills or [ui.option("-", "(no skills listed)")],
                initial_options=_picks(skills, draft.skills_to_develop),
                max_selected_items=svc.SKILLS_PICK_MAX,
            ),
        ),
    ]


def _mentor_blocks(draft: svc.EnrolmentDraft, skills: list[Option]) -> list[Block]:
    capacity = ui.options(
        (str(n), f"{n} mentee{'s' * (n > 1)}")
        for n in range(svc.CAPACITY_MIN, svc.CAPACITY_MAX + 1)
    )
    return [
        ui.header("As a mentor"),
        ui.input_block(
            F.EXPERTISE,
            "What can you help with?",
            StaticMultiSelectElement(
                action_id=Action.FIELD,
                options=skills or [ui.option("-", "(no skills listed)")],
                initial_options=_picks(skills, draft.expertise),
                max_selected_items=svc.SKILLS_PICK_MAX,
            ),
        ),
        ui.select_field(
            F.CAPACITY,
            "How many mentees can you take on?",
            capacity,
            initial=str(draft.capacity) if draft.capacity else None,
        ),
    ]


def _about_blocks(draft: svc.EnrolmentDraft, *, tz: str) -> list[Block]:
    levels = ui.options((str(n), f"{n} · {label}") for n, label in svc.SENIORITY_LEVELS.items())
    prefs = ui.options((p.value, label) for p, label in PREFERENCE_LABELS.items())
    return [
        ui.header("About you"),
        ui.text_field(
            F.DEPARTMENT,
            "Department or team",
            max_length=svc.DEPARTMENT_MAX,
            initial=draft.department,
        ),
        ui.text_field(
            F.CURRENT_ROLE,
            "Your current role",
            max_length=svc.CURRENT_ROLE_MAX,
            initial=draft.current_role,
            placeholder="e.g. Senior engineering manager",
            optional=True,
            hint="Matching compares mentors' roles with the roles mentees are aiming for.",
        ),
        ui.select_field(
            F.SENIORITY,
            "Level",
            levels,
            initial=str(draft.seniority) if draft.seniority else None,
        ),
        ui.text_field(
            F.LOCATION,
            "Location",
            max_length=svc.LOCATION_MAX,
            initial=draft.location,
            placeholder="e.g. Lisbon office, or remote",
            optional=True,
        ),
        ui.input_block(
            F.MANAGER,
            "Who do you report to?",
            UserSelectElement(action_id=Action.FIELD, initial_user=draft.manager_slack_id),
            optional=True,
            hint="Only used so you're never matched with your own manager.",
        ),
        ui.input_block(
            F.DEPARTMENT_PREFERENCE,
            "I'd rather be matched with someone from",
            RadioButtonsElement(
                action_id=Action.FIELD,
                options=prefs,
                initial_option=ui.pick(prefs, draft.department_preference.value),
            ),
        ),
        ui.context(
            f"Your time zone is *{escape(tz)}*, from your Slack profile. "
            "Nudges arrive in your working hours there."
        ),
    ]


def _picks(opts: list[Option], values: Sequence[str]) -> list[Option] | None:
    wanted = {v.casefold() for v in values}
    picked = [o for o in opts if o.value is not None and o.value.casefold() in wanted]
    return picked or None


def parse_join_form(state: FormState, *, strict: bool = True) -> svc.EnrolmentDraft:
    """Read the join form. With ``strict=False`` (while the form is being rebuilt) shape
    problems are ignored instead of raised."""
    errors: dict[str, str] = {}
    program_raw = state.selected(F.PROGRAM)
    program_id = as_id(program_raw) or 0
    if not program_id:
        errors[F.PROGRAM] = "Choose a program."
    role_raw = state.selected(F.ROLE)
    role = _enum(EnrolmentRole, role_raw)
    capacity_raw = state.selected(F.CAPACITY)
    seniority_raw = state.selected(F.SENIORITY)
    pref_raw = state.selected(F.DEPARTMENT_PREFERENCE)
    if strict and errors:
        raise InvalidInput.for_fields(errors)
    return svc.EnrolmentDraft(
        program_id=program_id,
        role=role,
        goals=state.text(F.GOALS),
        target_role=state.text(F.TARGET_ROLE),
        skills_to_develop=tuple(s for s in state.selected_many(F.SKILLS_TO_DEVELOP) if s != "-"),
        expertise=tuple(s for s in state.selected_many(F.EXPERTISE) if s != "-"),
        capacity=whole(capacity_raw),
        department=state.text(F.DEPARTMENT),
        current_role=state.text(F.CURRENT_ROLE),
        seniority=whole(seniority_raw),
        location=state.text(F.LOCATION),
        manager_slack_id=state.user(F.MANAGER),
        department_preference=_enum(DepartmentPreference, pref_raw)
        or DepartmentPreference.DIFFERENT,
    )


def _enum(cls: type[E], raw: str | None) -> E | None:
    try:
        return cls(raw) if raw is not None else None
    except ValueError:
        return None


def enrolled(enrolment: Enrolment, *, newly_joined: bool) -> list[Block]:
    """DM after the join form is saved: what happens next, for that role."""
    program = escape(enrolment.program.name)
    if not newly_joined:
        return [ui.section(f":pencil2: Your profile for *{program}* is updated.")]
    steps: list[str] = []
    if enrolment.role.mentees:
        steps.append(
            "*As a mentee you lead.* When a program manager matches you, I'll introduce you "
            "to your mentor. Then it's up to you to book the meetings, bring an agenda, and "
            "write down what you agreed; I'll prompt you at the right moments."
        )
    if enrolment.role.mentors:
        steps.append(
            "*As a mentor* you'll get an introduction to accept or decline. Your mentee "
            "drives the relationship; you bring experience and good questions."
        )
    return [
        ui.section(f":wave: You've joined *{program}* as a {enrolment.role.value}."),
        *[ui.section(s) for s in steps],
        ui.context("`/mentor profile` shows or changes your answers; `/mentor leave` withdraws."),
    ]


def profile(enrolments: Sequence[Enrolment], *, tz: str) -> list[Block]:
    """The `/mentor profile` answer."""
    if not enrolments:
        return [
            ui.section("You haven't joined a mentoring program yet."),
            ui.actions(ui.button("Join a program", Action.JOIN_OPEN, style="primary")),
        ]
    blocks: list[Block] = [ui.header("Your mentoring profile")]
    for e in enrolments[:10]:
        pairs = [
            ("Role", e.role.value.capitalize()),
            ("Department", escape(e.department) or "–"),
            ("Level", svc.SENIORITY_LEVELS.get(e.seniority, "–")),
            ("Time zone", escape(tz)),
        ]
        if e.role.mentees:
            pairs.append(("Wants to develop", escape(", ".join(e.skills_to_develop)) or "–"))
            if e.target_role:
                pairs.append(("Target role", escape(e.target_role)))
        if e.role.mentors:
            pairs.append(("Can help with", escape(", ".join(e.expertise)) or "–"))
            pairs.append(("Capacity", f"{e.capacity} mentee{'s' * (e.capacity != 1)}"))
        status = " (paused)" if e.status is EnrolmentStatus.PAUSED else ""
        blocks.append(ui.fields_section(pairs, text=f"*{escape(e.program.name)}*{status}"))
        if e.role.mentees and e.goals:
            blocks.append(ui.section(f"*Goals*\n{escape_truncated(e.goals, 2000)}"))
        blocks.append(
            ui.actions(
                ui.button("Edit", Action.PROFILE_EDIT, value=str(e.id)),
                _leave_button(e),
            )
        )
    return blocks


def leave_choices(enrolments: Sequence[Enrolment]) -> list[Block]:
    """The `/mentor leave` answer: one Leave button per program, each with a confirmation."""
    if not enrolments:
        return [ui.section("You're not in any mentoring program, so there's nothing to leave.")]
    blocks: list[Block] = [ui.section("Which program do you want to leave?")]
    for e in enrolments[:20]:
        blocks.append(
            ui.section(f"*{escape(e.program.name)}* · {e.role.value}", accessory=_leave_button(e))
        )
    return blocks


def _leave_button(enrolment: Enrolment) -> ButtonElement:
    name = escape(enrolment.program.name)
    return ui.button(
        "Leave",
        Action.LEAVE,
        value=str(enrolment.id),
        style="danger",
        confirm=ui.confirm(
            "Leave this program?",
            f"You'll leave *{name}*. You won't be matched again unless you rejoin.",
            yes="Leave",
        ),
    )


def left(enrolment: Enrolment) -> list[Block]:
    return [
        ui.section(
            f"You've left *{escape(enrolment.program.name)}*. Thank you for taking part. "
            "You can rejoin any time with `/mentor join`."
        )
    ]


def manager_mention(user_id: str | None) -> str:
    return mention(user_id) if user_id else "–"


def prepare_for_mentoring(program_name: str, enrolment_id: int) -> list[Block]:
    """To a mentee the day after they join: the first responsibility is theirs."""
    return [
        ui.section(
            f":seedling: *While you wait for your mentor in {escape(program_name)}*, take ten "
            "minutes to get clear on what you want from mentoring. Mentees who arrive knowing "
            "what they want get the most out of it."
        ),
        ui.section(
            "• What would you like to be able to do in six months that you can't today?\n"
            "• Which skills or situations do you want help with?\n"
            "• What would make this relationship a success for you?"
        ),
        ui.actions(ui.button("Review my goals", Action.PROFILE_EDIT, value=str(enrolment_id))),
        ui.context("You lead this relationship: I'll prompt you at the right moments."),
    ]
