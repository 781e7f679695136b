"""The manager's match review, the matching settings, and self-serve `/mentor find`."""

from __future__ import annotations

import math
from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    NumberInputElement,
    OverflowMenuElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot import blocks as ui
from bot.errors import InvalidInput
from bot.forms import FormState, whole
from bot.ids import Action, Callback
from bot.ids import MatchSettingsField as F
from bot.matching import engine as matching
from bot.matching.settings import MatchingSettings
from infra.text import escape, escape_truncated
from storage.enums import MatchRunStatus
from storage.models import Enrolment, MatchProposal, MatchRun

PAGE_SIZE = 15
UNMATCHED_SHOWN = 10


def review(run: MatchRun, *, page: int = 0) -> View:
    """One page of proposed pairs, with totals and the unmatched."""
    active = [p for p in run.proposals if not p.dropped]
    dropped = [p for p in run.proposals if p.dropped]
    pages = max(1, math.ceil(len(active) / PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    mentees = {p.mentee_enrolment_id for p in active}
    average = sum(p.score for p in active) / len(active) if active else 0
    locked = sum(p.locked for p in active)
    totals = (
        f"*{len(active)} pair{'s' * (len(active) != 1)}* for {len(mentees)} "
        f"mentee{'s' * (len(mentees) != 1)} · average score {average:.0f} · "
        f"*{len(run.unmatched)} unmatched*"
    )
    if locked or dropped:
        totals += f" · {locked} locked · {len(dropped)} dropped"
    blocks: list[Block] = [
        ui.header(f"Proposed matches · {run.program.name}"),
        ui.section(totals),
        ui.actions(
            ui.button("Re-solve", Action.MATCH_RESOLVE, value=str(run.id)),
            ui.button("Download CSV", Action.MATCH_CSV, value=str(run.id)),
            ui.button("Matching settings", Action.MATCH_SETTINGS, value=str(run.id)),
        ),
        ui.divider(),
    ]
    if not active:
        blocks.append(ui.section("No pairs could be proposed. See the reasons below."))
    for proposal in active[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        blocks.append(_pair(run, proposal))
    if pages > 1:
        nav = []
        if page > 0:
            back = f"{run.id}:{page - 1}"
            nav.append(ui.button("◀ Previous", Action.MATCH_PAGE_BACK, value=back))
        if page < pages - 1:
            nav.append(ui.button("Next ▶", Action.MATCH_PAGE, value=f"{run.id}:{page + 1}"))
        blocks.append(ui.context(f"Page {page + 1} of {pages}"))
        blocks.append(ui.actions(*nav))
    if dropped:
        names = ", ".join(f"{_name(p.mentee)} → {_name(p.mentor)}" for p in dropped[:10])
        more = f" and {len(dropped) - 10} more" if len(dropped) > 10 else ""
        blocks.append(ui.context(f"Dropped (never proposed again in this review): {names}{more}"))
    if run.unmatched:
        blocks.append(ui.divider())
        lines = [
            f"• {escape(str(u.get('name') or 'A mentee'))}: {escape(str(u['reason']))}"
            for u in run.unmatched[:UNMATCHED_SHOWN]
        ]
        extra = len(run.unmatched) - UNMATCHED_SHOWN
        if extra > 0:
            lines.append(f"…and {extra} more (all of them are in the CSV).")
        blocks.append(
            ui.section(
                "*Not matched* (they join the waiting list and are told why when you approve)\n"
                + "\n".join(lines)
            )
        )
    blocks.append(
        ui.context(
            "Approving sends each pair an introduction. Mentors accept or decline; "
            "unanswered requests are chased, then expire."
        )
    )
    draft = run.status is MatchRunStatus.DRAFT
    return View(
        type="modal",
        callback_id=Callback.MATCH_REVIEW,
        title=ui.title("Review matches"),
        submit=ui.plain("Approve all") if draft and active else None,
        close=ui.plain("Cancel" if draft else "Close"),
        notify_on_close=draft,
        private_metadata=ui.metadata(run_id=run.id, page=page),
        blocks=ui.fit(blocks, ui.VIEW_BLOCKS_MAX, overflow_note="…"),
    )


def _name(enrolment: Enrolment) -> str:
    return escape(enrolment.user.display)


def _pair(run: MatchRun, proposal: MatchProposal) -> Block:
    lock = " :lock:" if proposal.locked else ""
    text = (
        f"*{_name(proposal.mentee)}* → *{_name(proposal.mentor)}* · score "
        f"{proposal.score:.0f}{lock}\n{escape_truncated(' · '.join(proposal.reasons), 400)}"
    )
    choices = [
        (
            "unlock" if proposal.locked else "lock",
            "Unlock" if proposal.locked else "Lock this pair",
        ),
        ("drop", "Drop this pair"),
    ]
    menu = OverflowMenuElement(
        action_id=Action.MATCH_PAIR,
        options=[ui.option(f"{run.id}:{proposal.id}:{value}", label) for value, label in choices],
    )
    return ui.section(text, accessory=menu)


def approved(run: MatchRun, *, created: int, already: bool) -> View:
    if already:
        text = ":white_check_mark: These matches were already approved; nothing new was sent."
    else:
        waiting = len(run.unmatched)
        text = (
            f":white_check_mark: *{created} introduction{'s' * (created != 1)}* are on their way. "
            f"{waiting} mentee{'s' * (waiting != 1)} joined the waiting list and will hear why."
        )
    return View(
        type="modal",
        title=ui.title("Matches approved"),
        close=ui.plain("Done"),
        blocks=[ui.section(text)],
    )


def settings_form(settings: MatchingSettings, *, program_id: int, run_id: int | None) -> View:
    board = ui.options((str(n), f"{n} mentor{'s' * (n > 1)}") for n in (1, 2, 3))
    self_serve = ui.option("on", "Mentees can find and request a mentor themselves (/mentor find)")
    weights = settings.weights.to_settings()

    def number(
        block: str, label: str, value: float, *, decimal: bool, hint: str | None = None
    ) -> Block:
        return ui.input_block(
            block,
            label,
            NumberInputElement(
                action_id=Action.FIELD,
                is_decimal_allowed=decimal,
                initial_value=value if decimal else int(value),
                min_value=0,
            ),
            hint=hint,
        )

    blocks: list[Block] = [
        ui.input_block(
            F.MENTORS_PER_MENTEE,
            "Mentors per mentee",
            StaticSelectElement(
                action_id=Action.FIELD,
                options=board,
                initial_option=board[settings.mentors_per_mentee - 1],
            ),
            hint="More than one gives each mentee a board of mentors, preferably from "
            "different departments.",
        ),
        ui.input_block(
            F.SELF_SERVE,
            "Self-serve",
            CheckboxesElement(
                action_id=Action.FIELD,
                options=[self_serve],
                initial_options=[self_serve] if settings.self_serve else None,
            ),
            optional=True,
        ),
        number(
            F.REMINDER_DAYS,
            "Remind the mentor to answer after (days)",
            settings.accept_reminder_days,
            decimal=False,
        ),
        number(
            F.EXPIRY_DAYS,
            "Expire an unanswered request after (days)",
            settings.accept_expiry_days,
            decimal=False,
            hint="You're alerted, and the mentee goes back to the pool.",
        ),
        number(
            F.MIN_OVERLAP,
            "Working hours in common, at least (hours)",
            settings.min_overlap_hours,
            decimal=True,
        ),
        ui.header("What matters most"),
        number(F.WEIGHT_SKILLS, "Shared skills", weights["skills"], decimal=True),
        number(
            F.WEIGHT_ROLE,
            "Mentor's role fits the mentee's target role",
            weights["role"],
            decimal=True,
        ),
        number(
            F.WEIGHT_SENIORITY, "Mentor suitably more senior", weights["seniority"], decimal=True
        ),
        number(
            F.WEIGHT_DEPARTMENT, "Department preference met", weights["department"], decimal=True
        ),
        number(F.WEIGHT_TIMEZONE, "Working hours overlap", weights["timezone"], decimal=True),
    ]
    return ui.form(
        Callback.MATCH_SETTINGS_FORM,
        "Matching settings",
        blocks,
        submit="Save",
        close="Back",
        private_metadata={"program_id": program_id, "run_id": run_id},
    )


def parse_settings_form(state: FormState) -> MatchingSettings:
    errors: dict[str, str] = {}

    def number(block: str) -> float:
        raw = state.text(block).strip()
        try:
            return float(raw)
        except ValueError:
            errors[block] = "Enter a number."
            return 0.0

    board = state.selected(F.MENTORS_PER_MENTEE)
    values = {
        "reminder": number(F.REMINDER_DAYS),
        "expiry": number(F.EXPIRY_DAYS),
        "overlap": number(F.MIN_OVERLAP),
        "skills": number(F.WEIGHT_SKILLS),
        "role": number(F.WEIGHT_ROLE),
        "seniority": number(F.WEIGHT_SENIORITY),
        "department": number(F.WEIGHT_DEPARTMENT),
        "timezone": number(F.WEIGHT_TIMEZONE),
    }
    for block in (F.REMINDER_DAYS, F.EXPIRY_DAYS):
        if block not in errors and not float(state.text(block)).is_integer():
            errors[block] = "Enter a whole number of days."
    if errors:
        raise InvalidInput.for_fields(errors)
    settings = MatchingSettings(
        weights=matching.Weights(
            skills=values["skills"],
            role=values["role"],
            seniority=values["seniority"],
            department=values["department"],
            timezone=values["timezone"],
        ),
        mentors_per_mentee=whole(board) or 0,
        self_serve="on" in state.selected_many(F.SELF_SERVE),
        accept_reminder_days=int(values["reminder"]),
        accept_expiry_days=int(values["expiry"]),
        min_overlap_hours=values["overlap"],
    )
    settings.validate()
    return settings


def find_results(
    program_name: str,
    program_id: int,
    pairs: Sequence[matching.Pair],
    enrolments: dict[int, Enrolment],
) -> list[Block]:
    """`/mentor find`: the best available mentors, each with a Request button."""
    if not pairs:
        return [
            ui.section(
                f"No mentor in *{escape(program_name)}* is free and a good fit for you right "
                "now. You're on the waiting list; I'll let you know when that changes."
            )
        ]
    blocks: list[Block] = [
        ui.header(f"Mentors for you in {program_name}"),
        ui.context(
            "Asking is the first step of leading your mentoring. They can accept or decline."
        ),
    ]
    for pair in pairs:
        mentor = enrolments[pair.mentor]
        role = f" · {escape(mentor.current_role)}" if mentor.current_role else ""
        blocks.append(
            ui.section(
                f"*{escape(mentor.user.display)}*{role} · {escape(mentor.department)}\n"
                f"{escape_truncated(' · '.join(pair.reasons), 500)}",
                accessory=ui.button(
                    "Request",
                    Action.FIND_REQUEST,
                    value=f"{program_id}:{pair.mentor}",
                    style="primary",
                ),
            )
        )
    return blocks


def requested(mentor_name: str) -> list[Block]:
    return [
        ui.section(
            f":raised_hands: I've asked *{escape(mentor_name)}*. You'll both get an introduction "
            "now; they'll accept or decline there."
        )
    ]
