"""SMART goals: the goal and milestone form, progress and comments, the list
`/mentor goals` shows, and the messages the pair (and, opt-in, a channel) receive."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    DatePickerElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot import blocks as ui
from bot.forms import FormState, as_id, whole
from bot.goals import service as svc
from bot.ids import Action, Callback
from bot.ids import GoalField as F
from infra.text import escape, escape_truncated, mention
from storage.enums import ActorRole, GoalStatus
from storage.models import Goal, GoalComment, Relationship

MESSAGE_BLOCKS_MAX = 50
STEP_LABELS = {
    0: "Not started",
    25: "Under way (25%)",
    50: "Halfway (50%)",
    75: "Nearly there (75%)",
    100: "Achieved!",
}


def progress_bar(goal: Goal) -> str:
    if goal.status is GoalStatus.ACHIEVED:
        return ":trophy: Achieved"
    filled = goal.progress // 25
    return f"{'▰' * filled}{'▱' * (4 - filled)} {goal.progress}%"


def _date(day: date | None) -> str:
    return day.strftime("%a %d %b %Y") if day else "no date"


def goal_form(
    pairs: Sequence[Relationship],
    *,
    parent: Goal | None = None,
    celebrations: bool = False,
) -> View:
    """A new goal (or, under ``parent``, a milestone). SMART: specific, measurable, relevant,
    time-bound; achievable is the conversation with the mentor."""
    blocks: list[Block] = []
    if parent is not None:
        blocks.append(ui.section(f"A milestone on the way to *{escape(parent.what)}*."))
    elif len(pairs) > 1:
        choices = ui.options(
            (str(r.id), f"With {r.mentor.display} ({r.program.name})"[:75]) for r in pairs
        )
        blocks.append(
            ui.input_block(
                F.PAIR,
                "Mentoring with",
                StaticSelectElement(
                    action_id=Action.FIELD, options=choices, initial_option=choices[0]
                ),
            )
        )
    else:
        blocks.append(
            ui.context(
                "Make it *SMART*: specific, measurable, achievable, relevant and time-bound. "
                "Your mentor sees it and can comment."
            )
        )
    blocks.append(
        ui.text_field(
            F.WHAT,
            "What exactly do you want to achieve?" if parent is None else "Milestone",
            max_length=svc.WHAT_MAX,
            placeholder="Lead the Q3 planning workshop for my team",
        )
    )
    if parent is None:
        blocks.append(
            ui.text_field(
                F.MEASURE,
                "How will you measure success?",
                multiline=True,
                max_length=svc.MEASURE_MAX,
                placeholder="The workshop runs, and 4 of 5 attendees rate it useful",
            )
        )
    blocks.append(
        ui.input_block(
            F.TARGET,
            "Target date",
            DatePickerElement(action_id=Action.FIELD, initial_date=None),
            hint=None if parent is None else f"The goal's target is {_date(parent.target_date)}.",
        )
    )
    if parent is None:
        blocks.append(
            ui.text_field(
                F.WHY,
                "Why does it matter to you?",
                multiline=True,
                max_length=svc.WHY_MAX,
                placeholder="It's the step between senior engineer and tech lead",
                optional=True,
            )
        )
        if celebrations:
            blocks.append(
                ui.input_block(
                    F.SHOUT_OUT,
                    "Celebrate it",
                    CheckboxesElement(
                        action_id=Action.FIELD,
                        options=[
                            ui.option(
                                "yes",
                                "When I achieve this, share it in the program's channel",
                                "Only the goal's title is shared, never your notes.",
                            )
                        ],
                    ),
                    optional=True,
                )
            )
    metadata: dict[str, int] = {}
    if parent is not None:
        metadata = {"parent_id": parent.id, "relationship_id": parent.relationship_id}
    elif len(pairs) == 1:
        metadata = {"relationship_id": pairs[0].id}
    return ui.form(
        Callback.GOAL_FORM,
        "New milestone" if parent else "New goal",
        blocks,
        submit="Save",
        private_metadata=metadata,
    )


def parse_goal_form(state: FormState) -> tuple[svc.GoalDraft, int | None]:
    raw = state.raw(F.TARGET).get("selected_date")
    try:
        target = date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        target = None
    pair = state.selected(F.PAIR)
    draft = svc.GoalDraft(
        what=state.text(F.WHAT),
        measure=state.text(F.MEASURE),
        target_date=target,
        why=state.text(F.WHY),
        shout_out="yes" in state.selected_many(F.SHOUT_OUT),
    )
    return draft, as_id(pair)


def progress_form(goal: Goal) -> View:
    blocks = [
        ui.section(f"*{escape(goal.what)}*\n{escape_truncated(goal.measure, 500)}"),
        ui.select_field(
            F.PROGRESS,
            "How far along are you?",
            ui.options((str(step), label) for step, label in STEP_LABELS.items()),
            initial=str(goal.progress),
            hint="Achieved sends a celebration to your mentoring conversation.",
        ),
    ]
    return ui.form(
        Callback.GOAL_PROGRESS_FORM,
        "Update progress",
        blocks,
        submit="Save",
        private_metadata={"goal_id": goal.id},
    )


def parse_progress(state: FormState) -> int | None:
    raw = state.selected(F.PROGRESS)
    return whole(raw)


def comment_form(goal: Goal) -> View:
    blocks = [
        ui.section(f"*{escape(goal.what)}*"),
        ui.text_field(
            F.COMMENT,
            "Your comment",
            multiline=True,
            max_length=svc.COMMENT_MAX,
            hint="Posted to your mentoring conversation. Only the two of you see it.",
        ),
    ]
    return ui.form(
        Callback.GOAL_COMMENT_FORM,
        "Comment on a goal",
        blocks,
        submit="Post",
        private_metadata={"goal_id": goal.id},
    )


def _goal_blocks(goal: Goal, role: ActorRole, comments: list[GoalComment]) -> list[Block]:
    milestone = goal.parent_id is not None
    bullet = "    ↳ " if milestone else ""
    lines = [f"{bullet}*{escape_truncated(goal.what, 300)}* · by {_date(goal.target_date)}"]
    if goal.measure:
        lines.append(f"Measure: {escape_truncated(goal.measure, 500)}")
    if goal.why:
        lines.append(f"Why: {escape_truncated(goal.why, 500)}")
    lines.append(progress_bar(goal))
    blocks: list[Block] = [ui.section("\n".join(lines))]
    if comments:
        shown = comments[-2:]
        blocks.append(
            ui.context(
                *(
                    f":speech_balloon: {c.author_role.value}: {escape_truncated(c.text, 200)}"
                    for c in shown
                )
            )
        )
    buttons = []
    if role is ActorRole.MENTEE and goal.status is GoalStatus.OPEN:
        buttons.append(ui.button("Update progress", Action.GOAL_PROGRESS, value=str(goal.id)))
        if not milestone:
            buttons.append(ui.button("Add a milestone", Action.GOAL_MILESTONE, value=str(goal.id)))
    buttons.append(ui.button("Comment", Action.GOAL_COMMENT, value=str(goal.id)))
    blocks.append(ui.actions(*buttons))
    return blocks


def goals_list(
    pairs: Sequence[tuple[Relationship, ActorRole, list[Goal], list[GoalComment]]],
) -> list[Block]:
    """Everyone's goals, per relationship, within one message's block limit."""
    if not pairs:
        return [
            ui.section(
                "You don't have a mentoring partner yet. Once you're matched, your goals live here."
            )
        ]
    blocks: list[Block] = []
    for relationship, role, goals, comments in pairs:
        other = relationship.mentor if role is ActorRole.MENTEE else relationship.mentee
        blocks.append(ui.header(f"Goals with {other.display}"))
        if not goals:
            blocks.append(
                ui.section(
                    "No goals yet. A goal you can measure, with a date, is what turns "
                    "meetings into progress."
                    if role is ActorRole.MENTEE
                    else "Your mentee hasn't set goals yet. Ask about them at your next meeting."
                )
            )
        for goal in goals:
            blocks += _goal_blocks(goal, role, [c for c in comments if c.goal_id == goal.id])
        if role is ActorRole.MENTEE:
            blocks.append(
                ui.actions(
                    ui.button(
                        "Add a goal", Action.GOAL_NEW, value=str(relationship.id), style="primary"
                    )
                )
            )
    return ui.fit(
        blocks,
        MESSAGE_BLOCKS_MAX,
        overflow_note="More goals than fit here: mark some achieved to make room.",
    )


def goal_notice(
    goal: Goal, relationship: Relationship, *, event: str, comment: GoalComment | None
) -> list[Block]:
    """What the pair sees in their conversation."""
    mentee, mentor = relationship.mentee, relationship.mentor
    what = escape_truncated(goal.what, 300)
    kind = "milestone" if goal.parent_id else "goal"
    if event == "achieved":
        return [
            ui.section(
                f":tada: *{escape(mentee.display)} achieved a {kind}!*\n>{what}\n"
                f"{mention(mentor.slack_user_id)}, a word of congratulations goes a long way."
            )
        ]
    if event == "comment" and comment is not None:
        author = mentor if comment.author_role is ActorRole.MENTOR else mentee
        return [
            ui.section(
                f":speech_balloon: {mention(author.slack_user_id)} commented on *{what}*:\n"
                f"{escape_truncated(comment.text, 2500)}"
            )
        ]
    if event == "progress":
        return [ui.section(f":chart_with_upwards_trend: *{what}*: {progress_bar(goal)}")]
    lines = [f":dart: *{escape(mentee.display)} set a {kind}:* {what}"]
    if goal.measure:
        lines.append(f"Measure: {escape_truncated(goal.measure, 500)}")
    lines.append(f"Target: {_date(goal.target_date)}")
    return [
        ui.section("\n".join(lines)),
        ui.actions(ui.button("Comment", Action.GOAL_COMMENT, value=str(goal.id))),
    ]


def shout_out(goal: Goal, relationship: Relationship) -> list[Block]:
    """The opt-in public celebration: the goal's title only, never its notes."""
    return [
        ui.section(
            f":tada: {mention(relationship.mentee.slack_user_id)} just achieved a mentoring "
            f"goal: *{escape_truncated(goal.what, 300)}*. Congratulations!"
        )
    ]
