"""Every public builder, called with realistic inputs: one case per branch worth building.

A case names its builder (the coverage test checks that every public builder in
``bot/*/views.py``, ``bot/blocks.py`` and ``bot/notices.py`` has one) and makes its output:
message blocks (a list of blocks, or of their dicts), a view, or the digest's (blocks,
overflow). ``tests/unit/views/test_builders.py`` validates every output."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any

from slack_sdk.models.blocks import StaticSelectElement

from bot import blocks as ui
from bot import notices
from bot.agreements import views as agreement_views
from bot.audit import views as audit_views
from bot.capture import service as capture_svc
from bot.capture import views as capture_views
from bot.checkins import views as checkin_views
from bot.commands import views as command_views
from bot.digest import views as digest_views
from bot.enrolment import service as enrolment_svc
from bot.enrolment import views as enrolment_views
from bot.goals import views as goal_views
from bot.home import views as home_views
from bot.home.service import PairCard
from bot.introductions import views as intro_views
from bot.matching import engine as matching
from bot.matching import views as matching_views
from bot.matching.settings import MatchingSettings
from bot.meetings import views as meeting_views
from bot.people import views as people_views
from bot.people.roles import Roles
from bot.privacy import views as privacy_views
from bot.programs import views as program_views
from bot.separation import views as separation_views
from bot.signals import rules as sig
from bot.signals import views as signal_views
from infra.hours import WorkingHours
from storage.enums import (
    ActionStatus,
    ActorRole,
    AuditAction,
    AuditSubject,
    EnrolmentRole,
    EnrolmentStatus,
    GoalStatus,
    MatchRunStatus,
    MeetingOutcome,
    MeetingStatus,
    RelationshipStatus,
)
from storage.models import AuditEntry
from tests.unit.views import factory as f

MENTEE, MENTOR = ActorRole.MENTEE, ActorRole.MENTOR


@dataclass(frozen=True)
class Case:
    builder: Callable[..., Any]
    label: str
    make: Callable[[], Any]

    @property
    def id(self) -> str:
        module = self.builder.__module__.removeprefix("bot.")
        return f"{module}.{self.builder.__name__}: {self.label}"


CASES: list[Case] = []


def case(builder: Callable[..., Any], label: str, make: Callable[..., Any], *args: Any) -> None:
    """A case of ``builder``: ``make(*args)`` builds its output (``args`` carry a loop's
    values into it)."""
    CASES.append(Case(builder, label, partial(make, *args)))


# --- bot/blocks.py and bot/notices.py --------------------------------------------------------

case(ui.header, "longer than a header may be", lambda: [ui.header("H" * 400)])
case(ui.section, "longer than a section may be", lambda: [ui.section("s" * 5000, block_id="b")])
case(
    ui.section,
    "with a button",
    lambda: [ui.section("Text", accessory=ui.button("Go", "go", value="1"))],
)
case(ui.long_text, "short", lambda: ui.long_text("Takeaways", "One line"))
case(ui.long_text, "three sections long", lambda: ui.long_text("Notes", ("word " * 1500).strip()))
case(
    ui.fields_section,
    "more pairs than fit, values too long",
    lambda: [ui.fields_section([(f"L{n}", "v" * 2500) for n in range(12)], text="t" * 3500)],
)
case(ui.context, "more parts than fit", lambda: [ui.context(*(f"part {n}" for n in range(12)))])
case(ui.divider, "plain", lambda: [ui.section("Above"), ui.divider(), ui.section("Below")])
case(
    ui.button,
    "every option",
    lambda: [
        ui.actions(
            ui.button(
                "B" * 100, "a", value="1", style="danger", confirm=ui.confirm("T", "x", yes="Y")
            ),
            ui.button("Link", "b", url="https://example.com/ics"),
        )
    ],
)
case(ui.actions, "with a block id", lambda: [ui.actions(ui.button("Go", "go"), block_id="acts")])
case(
    ui.confirm,
    "long words",
    lambda: [
        ui.actions(
            ui.button(
                "Go", "go", confirm=ui.confirm("T" * 200, "x" * 400, yes="Y" * 50, no="N" * 50)
            )
        )
    ],
)
case(
    ui.option,
    "with a description, too long",
    lambda: _in_a_form([ui.option("a", "A" * 100, "d" * 100), ui.option("b", "B")]),
)
case(ui.options, "from pairs", lambda: _in_a_form(ui.options([("1", "One"), ("2", "Two")])))
case(ui.input_block, "every option", lambda: _in_a_form(ui.options([("1", "One")]), hint="h" * 200))
case(ui.plain, "a view's buttons", lambda: _view(submit=ui.plain("Save"), close=ui.plain("Close")))
case(ui.title, "longer than a title may be", lambda: _view(title=ui.title("T" * 40)))
case(ui.metadata, "in a view", lambda: _view(private_metadata=ui.metadata(b=2, a=[1, "x"])))
case(ui.fit, "within the limit", lambda: ui.fit([ui.section("x")] * 3, 50, overflow_note="more"))
case(
    ui.fit,
    "over the limit",
    lambda: ui.fit([ui.section(f"x{n}") for n in range(80)], 50, overflow_note="more"),
)
case(ui.when, "in a section", lambda: [ui.section(f"At {ui.when(f.MEETING_AT)}")])
case(ui.pick, "in a select", lambda: _in_a_form([ui.pick(ui.options([("1", "One")]), "1")]))
case(
    ui.text_field,
    "every option",
    lambda: ui.form(
        "cb",
        "Form",
        [
            ui.text_field(
                "a",
                "L" * 200,
                max_length=300,
                initial="x",
                multiline=True,
                placeholder="p",
                hint="h" * 200,
                optional=True,
            ),
            ui.text_field("b", "Short", max_length=10),
        ],
        submit="Save",
    ),
)
case(
    ui.number_field,
    "bounded",
    lambda: ui.form(
        "cb",
        "Form",
        [ui.number_field("n", "N", initial=3, min_value=1, max_value="9", hint="h")],
        submit="Save",
    ),
)
case(
    ui.select_field,
    "with and without a choice",
    lambda: ui.form(
        "cb",
        "Form",
        [
            ui.select_field("s", "S", ui.options([("1", "One"), ("2", "Two")]), initial="2"),
            ui.select_field("t", "T", ui.options([("1", "One")]), initial="9", optional=True),
        ],
        submit="Save",
    ),
)
case(
    ui.time_field,
    "a wall time",
    lambda: ui.form("cb", "Form", [ui.time_field("t", "At", time(7, 5), hint="h")], submit="Save"),
)
case(
    ui.days_field,
    "some days",
    lambda: ui.form("cb", "Form", [ui.days_field("d", "Days", {4, 0, 2})], submit="Save"),
)
case(
    ui.channel_field,
    "public or private",
    lambda: ui.form(
        "cb",
        "Form",
        [
            ui.channel_field("c", "Channel", initial="CLEADS", private=True, hint="h"),
            ui.channel_field("p", "Public", initial=None, private=False, optional=True),
        ],
        submit="Save",
    ),
)
case(
    ui.form,
    "with metadata",
    lambda: ui.form(
        "cb", "T" * 40, [ui.section("x")], submit="Save", close="Back", private_metadata={"a": 1}
    ),
)
case(notices.error_blocks, "a message", lambda: notices.error_blocks("That didn't work."))
case(notices.error_modal, "a message", lambda: notices.error_modal("That didn't work."))
case(notices.info_modal, "a long title", lambda: notices.info_modal("I" * 40, [ui.section("x")]))
case(notices.dm_help, "plain", notices.dm_help)


def _in_a_form(options: list[Any], hint: str | None = None) -> Any:
    from slack_sdk.models.views import View

    element = StaticSelectElement(action_id="field", options=options, initial_option=options[0])
    return View(
        type="modal",
        title=ui.title("Form"),
        submit=ui.plain("Save"),
        blocks=[ui.input_block("b", "L" * 200, element, hint=hint, optional=True)],
    )


def _view(**changes: Any) -> Any:
    from slack_sdk.models.views import View

    values: dict[str, Any] = {
        "type": "modal",
        "title": ui.title("Title"),
        "close": ui.plain("Close"),
        "blocks": [ui.section("x")],
    }
    values.update(changes)
    return View(**values)


# --- agreements --------------------------------------------------------------------------------

case(
    agreement_views.agreement_form,
    "first draft",
    lambda: agreement_views.agreement_form(
        f.pair(RelationshipStatus.INITIATION), f.terms(), revising=False
    ),
)
case(
    agreement_views.agreement_form,
    "revising, nothing optional",
    lambda: agreement_views.agreement_form(
        f.pair(),
        f.terms(channel="video", channel_detail="", out_of_scope="", note="", confidential=False),
        revising=True,
    ),
)
case(
    agreement_views.terms_blocks,
    "everything said",
    lambda: agreement_views.terms_blocks(f.agreement()),
)
case(
    agreement_views.terms_blocks,
    "the least",
    lambda: agreement_views.terms_blocks(
        f.agreement(
            terms=f.terms(channel="video", channel_detail="", out_of_scope="", note="").to_dict()
        )
    ),
)
case(
    agreement_views.agreement_message,
    "waiting for the mentor",
    lambda: agreement_views.agreement_message(f.agreement(), f.pair()),
)
case(
    agreement_views.agreement_message,
    "signed",
    lambda: agreement_views.agreement_message(f.agreement(signed=True), f.pair()),
)
case(
    agreement_views.agreement_message,
    "the longest terms",
    lambda: agreement_views.agreement_message(
        f.agreement(
            terms=f.terms(
                **{
                    k: "&" * 1000
                    for k in (
                        "channel_detail",
                        "in_scope",
                        "out_of_scope",
                        "from_mentor",
                        "from_mentee",
                        "note",
                    )
                }
            ).to_dict()
        ),
        f.pair(),
    ),
)
case(
    agreement_views.suggest_form,
    "plain",
    lambda: agreement_views.suggest_form(f.agreement(), f.pair()),
)
case(
    agreement_views.suggestion_for_mentee,
    "plain",
    lambda: agreement_views.suggestion_for_mentee(f.agreement(), f.pair()),
)
case(agreement_views.agreements_overview, "none", lambda: agreement_views.agreements_overview([]))
case(
    agreement_views.agreements_overview,
    "mentee and mentor, drafted or not",
    lambda: agreement_views.agreements_overview(
        [
            (f.pair(), MENTEE, None),
            (f.pair(id=8), MENTOR, None),
            (f.pair(id=9), MENTEE, f.agreement(signed=True)),
            (f.pair(id=10), MENTOR, f.agreement()),
        ]
    ),
)
case(
    agreement_views.agreements_overview,
    "more than fit",
    lambda: agreement_views.agreements_overview(
        [(f.pair(id=n), MENTEE, f.agreement(signed=True)) for n in range(8)]
    ),
)

# --- capture -----------------------------------------------------------------------------------

case(capture_views.capture_prompt, "first ask", lambda: capture_views.capture_prompt(f.meeting()))
case(
    capture_views.capture_prompt,
    "reminder",
    lambda: capture_views.capture_prompt(f.meeting(), reminder=True),
)
case(
    capture_views.capture_form,
    "empty, for the mentee",
    lambda: capture_views.capture_form(f.meeting(), MENTEE, None, []),
)
case(
    capture_views.capture_form,
    "editing, for the mentor",
    lambda: capture_views.capture_form(
        f.meeting(minutes=50),
        MENTOR,
        f.notes(),
        [f.action(1), f.action(2, owner=MENTOR, due_on=None)],
    ),
)
case(
    capture_views.summary,
    "to confirm",
    lambda: capture_views.summary(
        f.meeting(), f.notes(), [f.action(1), f.action(2, owner=MENTOR, status=ActionStatus.DONE)]
    ),
)
case(
    capture_views.summary,
    "confirmed, written by the mentor",
    lambda: capture_views.summary(f.meeting(), f.notes(MENTOR, confirmed_at=f.NOW), []),
)
case(
    capture_views.summary,
    "only actions",
    lambda: capture_views.summary(
        f.meeting(), f.notes(takeaways=""), [f.action(n, due_on=None) for n in range(1, 6)]
    ),
)
case(
    capture_views.change_suggested,
    "plain",
    lambda: capture_views.change_suggested(f.meeting(), f.notes()),
)
case(
    capture_views.understood,
    "takeaways, actions, some left out",
    lambda: capture_views.understood(
        f.meeting(),
        capture_svc.CaptureDraft(
            takeaways=f.said("Ship first"),
            actions=(
                capture_svc.ActionDraft(f.said("Call Sam"), MENTEE, date(2026, 3, 13)),
                capture_svc.ActionDraft(f.said("Send it"), MENTOR, None),
            ),
        ),
        2,
    ),
)
case(
    capture_views.understood,
    "only takeaways",
    lambda: capture_views.understood(
        f.meeting(), capture_svc.CaptureDraft(takeaways="Fine", actions=()), 0
    ),
)
case(capture_views.suggest_form, "plain", lambda: capture_views.suggest_form(f.meeting()))
for _role in (MENTEE, MENTOR):
    case(
        capture_views.meeting_check,
        f"to the {_role}",
        lambda r: capture_views.meeting_check(f.meeting(), to=r),
        _role,
    )
for _outcome in MeetingOutcome:
    for _first in (True, False):
        case(
            capture_views.outcome_noted,
            f"{_outcome.value}, {'first' if _first else 'again'}",
            lambda o, fi: capture_views.outcome_noted(f.meeting(), o, first=fi),
            _outcome,
            _first,
        )
case(
    capture_views.action_due,
    "due today",
    lambda: capture_views.action_due(f.action(), today=date(2026, 3, 13)),
)
case(
    capture_views.action_due,
    "held past its day, the mentor's",
    lambda: capture_views.action_due(f.action(owner=MENTOR), today=date(2026, 3, 16)),
)
case(capture_views.action_done, "plain", lambda: capture_views.action_done(f.action()))
case(
    capture_views.actions_list,
    "no partner",
    lambda: capture_views.actions_list([], today=date(2026, 3, 13)),
)
case(
    capture_views.actions_list,
    "two pairs, one with nothing open",
    lambda: capture_views.actions_list(
        [
            (f.pair(), MENTEE, [f.action(1, due_on=date(2026, 3, 1)), f.action(2, due_on=None)]),
            (f.pair(id=8), MENTOR, []),
        ],
        today=date(2026, 3, 13),
    ),
)
case(
    capture_views.actions_list,
    "more than fit",
    lambda: capture_views.actions_list(
        [(f.pair(), MENTEE, [f.action(n) for n in range(1, 80)])], today=date(2026, 3, 13)
    ),
)

# --- checkins ----------------------------------------------------------------------------------

for _role in (MENTEE, MENTOR):
    case(
        checkin_views.question,
        f"to the {_role}",
        lambda r: checkin_views.question(f.pair(), f.checkin(r)),
        _role,
    )
case(checkin_views.form, "plain", lambda: checkin_views.form(f.pair(), f.checkin()))

# --- commands ----------------------------------------------------------------------------------

case(command_views.help_blocks, "a newcomer", lambda: command_views.help_blocks(Roles()))
case(
    command_views.help_blocks,
    "everything, after a typo",
    lambda: command_views.help_blocks(
        Roles(can_create_programs=True, manages=True, mentor=True, mentee=True),
        unknown=f.HOSTILE * 3,
        suggestion="goals",
    ),
)
case(
    command_views.help_blocks,
    "unknown, no guess",
    lambda: command_views.help_blocks(Roles(mentee=True), unknown="zzz"),
)

# --- digest ------------------------------------------------------------------------------------


case(digest_views.blocks, "a whole week", lambda: digest_views.blocks(f.digest()))
case(
    digest_views.blocks,
    "the week so far, nobody needs attention",
    lambda: digest_views.blocks(f.digest(0, so_far=True, empty_weeks=True)),
)
case(
    digest_views.blocks,
    "long lists, the rest in the CSV",
    lambda: digest_views.blocks(f.digest(40)),
)

# --- enrolment ---------------------------------------------------------------------------------

_draft = enrolment_svc.EnrolmentDraft
for _role_or_none in (None, *EnrolmentRole):
    case(
        enrolment_views.join_form,
        f"as {_role_or_none}",
        lambda r: enrolment_views.join_form(
            [f.program(), f.program(id=4, name="Sales", skills=[])],
            _draft(
                program_id=3,
                role=r,
                goals="Lead",
                skills_to_develop=("sql",),
                expertise=("Budgeting",),
                capacity=2,
                seniority=3,
                manager_slack_id="UBOSS",
            ),
            tz="Europe/Lisbon",
        ),
        _role_or_none,
    )
case(
    enrolment_views.join_form,
    "editing, a program with no skills",
    lambda: enrolment_views.join_form(
        [f.program(id=4, name="Sales", skills=[])],
        _draft(program_id=4, role=EnrolmentRole.BOTH),
        tz=f.HOSTILE,
        editing=True,
    ),
)
case(
    enrolment_views.join_form,
    "more programs than a select holds",
    lambda: enrolment_views.join_form(
        [f.program(id=n, name=f"Program {n}") for n in range(150)],
        _draft(program_id=0, role=None),
        tz="UTC",
    ),
)
for _joined_as in EnrolmentRole:
    case(
        enrolment_views.enrolled,
        f"joined as {_joined_as}",
        lambda r: enrolment_views.enrolled(f.enrolment(r), newly_joined=True),
        _joined_as,
    )
case(
    enrolment_views.enrolled,
    "updated",
    lambda: enrolment_views.enrolled(f.enrolment(), newly_joined=False),
)
case(enrolment_views.profile, "not joined", lambda: enrolment_views.profile([], tz="UTC"))
case(
    enrolment_views.profile,
    "every role, one paused",
    lambda: enrolment_views.profile(
        [
            f.enrolment(EnrolmentRole.MENTEE),
            f.enrolment(EnrolmentRole.MENTOR, n=22, capacity=1, status=EnrolmentStatus.PAUSED),
            f.enrolment(EnrolmentRole.BOTH, n=23, goals="", target_role=""),
        ],
        tz="Europe/Lisbon",
    ),
)
case(
    enrolment_views.profile,
    "more than fit",
    lambda: enrolment_views.profile([f.enrolment(n=n) for n in range(15)], tz="UTC"),
)
case(enrolment_views.leave_choices, "none", lambda: enrolment_views.leave_choices([]))
case(
    enrolment_views.leave_choices,
    "more than fit",
    lambda: enrolment_views.leave_choices([f.enrolment(n=n) for n in range(30)]),
)
case(enrolment_views.left, "plain", lambda: enrolment_views.left(f.enrolment()))
case(
    enrolment_views.prepare_for_mentoring,
    "plain",
    lambda: enrolment_views.prepare_for_mentoring(f.program().name, 21),
)

# --- goals -------------------------------------------------------------------------------------

case(goal_views.goal_form, "one pair", lambda: goal_views.goal_form([f.pair()]))
case(
    goal_views.goal_form,
    "several pairs, celebrations on",
    lambda: goal_views.goal_form([f.pair(), f.pair(id=8)], celebrations=True),
)
case(goal_views.goal_form, "a milestone", lambda: goal_views.goal_form([f.pair()], parent=f.goal()))
case(goal_views.progress_form, "under way", lambda: goal_views.progress_form(f.goal()))
case(
    goal_views.progress_form,
    "an unlisted step",
    lambda: goal_views.progress_form(f.goal(progress=30)),
)
case(goal_views.comment_form, "plain", lambda: goal_views.comment_form(f.goal()))
case(goal_views.goals_list, "no partner", lambda: goal_views.goals_list([]))
case(
    goal_views.goals_list,
    "no goals yet, each side",
    lambda: goal_views.goals_list([(f.pair(), MENTEE, [], []), (f.pair(id=8), MENTOR, [], [])]),
)
case(
    goal_views.goals_list,
    "goals, milestones, comments",
    lambda: goal_views.goals_list(
        [
            (
                f.pair(),
                MENTEE,
                [
                    f.goal(),
                    f.goal(12, parent_id=11, measure="", why=""),
                    f.goal(13, status=GoalStatus.ACHIEVED, progress=100),
                ],
                [f.comment(11, n=1), f.comment(11, MENTEE, n=2), f.comment(11, n=3)],
            ),
            (f.pair(id=8), MENTOR, [f.goal(14, relationship_id=8)], []),
        ]
    ),
)
case(
    goal_views.goals_list,
    "more than fit",
    lambda: goal_views.goals_list([(f.pair(), MENTEE, [f.goal(n) for n in range(40)], [])]),
)
for _event in ("set", "progress", "achieved", "comment"):
    case(
        goal_views.goal_notice,
        _event,
        lambda e: goal_views.goal_notice(
            f.goal(), f.pair(), event=e, comment=f.comment() if e == "comment" else None
        ),
        _event,
    )
case(
    goal_views.goal_notice,
    "a milestone set, no measure",
    lambda: goal_views.goal_notice(
        f.goal(12, parent_id=11, measure=""), f.pair(), event="set", comment=None
    ),
)
case(goal_views.shout_out, "plain", lambda: goal_views.shout_out(f.goal(), f.pair()))

# --- home --------------------------------------------------------------------------------------


case(
    home_views.home, "a newcomer", lambda: home_views.home(roles=Roles(), enrolments=[], managed=[])
)
case(
    home_views.home,
    "a mentee and manager, everything",
    lambda: home_views.home(
        roles=Roles(can_create_programs=True, manages=True, mentee=True),
        enrolments=[f.enrolment()],
        managed=[f.summary(3), f.summary(4)],
        pairs=[
            PairCard(f.pair(), MENTEE, f.meeting(), 1, 2, 1),
            PairCard(f.pair(id=8), MENTOR, f.meeting(agenda=f.agenda()), 0, 0, 0),
            PairCard(f.pair(id=9, status=RelationshipStatus.SEPARATION), MENTEE, None, 3, 0, 4),
        ],
        health={3: Counter(at_risk=1, on_track=4, too_early=2), 4: Counter()},
    ),
)
case(
    home_views.home,
    "more than fit",
    lambda: home_views.home(
        roles=Roles(can_create_programs=True, manages=True, mentor=True),
        enrolments=[f.enrolment(n=n) for n in range(30)],
        managed=[f.summary(n) for n in range(30)],
        pairs=[PairCard(f.pair(id=n), MENTOR, None, 0, 0, 0) for n in range(15)],
    ),
)

# --- introductions -----------------------------------------------------------------------------

for _source in ("match", "self_serve"):
    case(
        intro_views.introduction,
        _source,
        lambda s: intro_views.introduction(
            f.pair(RelationshipStatus.AWAITING_MENTOR, source=s),
            mentee=f.enrolment(),
            mentor=f.enrolment(EnrolmentRole.MENTOR, n=22),
            now=f.NOW,
        ),
        _source,
    )
case(
    intro_views.introduction,
    "same zone, nothing told",
    lambda: intro_views.introduction(
        f.pair(RelationshipStatus.AWAITING_MENTOR, match_reasons=[]),
        mentee=f.enrolment(goals="", target_role="", skills_to_develop=[], department=""),
        mentor=f.enrolment(
            EnrolmentRole.MENTOR,
            n=22,
            user=f.person("UOMAR", "Omar", tz="Europe/Lisbon", id_=2),
            current_role="",
            expertise=[],
            department="",
        ),
        now=f.NOW,
    ),
)
for _event in ("accepted", "declined", "expired"):
    case(
        intro_views.introduction_settled,
        _event,
        lambda e: intro_views.introduction_settled(
            [
                b.to_dict()
                for b in intro_views.introduction(
                    f.pair(),
                    mentee=f.enrolment(),
                    mentor=f.enrolment(EnrolmentRole.MENTOR),
                    now=f.NOW,
                )
            ],
            intro_views.outcome_text(f.pair(), e),
        ),
        _event,
    )
case(intro_views.accepted_for_mentee, "plain", lambda: intro_views.accepted_for_mentee(f.pair()))
for _position in (0, 3):
    case(
        intro_views.declined_for_mentee,
        f"position {_position}",
        lambda p: intro_views.declined_for_mentee(f.pair(), p),
        _position,
    )
    case(
        intro_views.expired_for_mentee,
        f"position {_position}",
        lambda p: intro_views.expired_for_mentee(f.pair(), p),
        _position,
    )
case(
    intro_views.manager_notice,
    "declined with a reason",
    lambda: intro_views.manager_notice(f.pair(), "declined"),
)
case(
    intro_views.manager_notice,
    "declined without one",
    lambda: intro_views.manager_notice(f.pair(decline_reason=""), "declined"),
)
case(intro_views.manager_notice, "expired", lambda: intro_views.manager_notice(f.pair(), "expired"))
case(
    intro_views.reminder_for_mentor,
    "in the pair's conversation",
    lambda: intro_views.reminder_for_mentor(f.pair()),
)
case(
    intro_views.reminder_for_mentor,
    "no conversation yet",
    lambda: intro_views.reminder_for_mentor(f.pair(conversation_id=None)),
)
case(intro_views.decline_form, "plain", lambda: intro_views.decline_form(f.pair()))
case(
    intro_views.waitlist_notice,
    "plain",
    lambda: intro_views.waitlist_notice(f.program().name, f.said("no mentor offers SQL"), 4),
)

# --- matching ----------------------------------------------------------------------------------


case(matching_views.review, "nothing proposed", lambda: matching_views.review(f.match_run(0)))
case(matching_views.review, "one page", lambda: matching_views.review(f.match_run(6)))
case(
    matching_views.review,
    "the middle of three pages",
    lambda: matching_views.review(f.match_run(40, unmatched=15), page=1),
)
case(
    matching_views.review,
    "a page past the end, approved",
    lambda: matching_views.review(f.match_run(40, status=MatchRunStatus.APPROVED), page=9),
)
case(
    matching_views.review, "many dropped", lambda: matching_views.review(f.match_run(100), page=-1)
)
case(
    matching_views.approved,
    "sent",
    lambda: matching_views.approved(f.match_run(3), created=3, already=False),
)
case(
    matching_views.approved,
    "one, nobody waiting",
    lambda: matching_views.approved(f.match_run(1, unmatched=1), created=1, already=False),
)
case(
    matching_views.approved,
    "already",
    lambda: matching_views.approved(f.match_run(3), created=0, already=True),
)
case(
    matching_views.settings_form,
    "defaults",
    lambda: matching_views.settings_form(MatchingSettings(), program_id=3, run_id=None),
)
case(
    matching_views.settings_form,
    "a board, self-serve",
    lambda: matching_views.settings_form(
        MatchingSettings(mentors_per_mentee=3, self_serve=True, min_overlap_hours=2.5).with_weights(
            skills=7.5, timezone=0
        ),
        program_id=3,
        run_id=31,
    ),
)
case(
    matching_views.find_results,
    "nobody free",
    lambda: matching_views.find_results(f.program().name, 3, [], {}),
)
case(
    matching_views.find_results,
    "three mentors",
    lambda: matching_views.find_results(
        f.program().name,
        3,
        [
            matching.Pair(21, 200 + n, 80.0 - n, (f.said("Shares SQL"), "Overlaps 3 hours"))
            for n in range(3)
        ],
        {
            200 + n: f.enrolment(EnrolmentRole.MENTOR, n=200 + n, current_role="" if n else "Lead")
            for n in range(3)
        },
    ),
)
case(matching_views.requested, "plain", lambda: matching_views.requested(f.omar().real_name))

# --- meetings ----------------------------------------------------------------------------------

case(
    meeting_views.meeting_form,
    "one pair, the mentee",
    lambda: meeting_views.meeting_form([(f.pair(), MENTEE)], start=f.MEETING_AT),
)
case(
    meeting_views.meeting_form,
    "one pair, the mentor",
    lambda: meeting_views.meeting_form(
        [(f.pair(), MENTOR)], start=f.MEETING_AT, minutes=50, place="Room 4"
    ),
)
case(
    meeting_views.meeting_form,
    "several pairs",
    lambda: meeting_views.meeting_form(
        [(f.pair(), MENTEE), (f.pair(id=8), MENTOR)], start=f.MEETING_AT
    ),
)
case(
    meeting_views.meeting_form,
    "moving a meeting",
    lambda: meeting_views.meeting_form(
        [(f.pair(), MENTOR)], start=f.MEETING_AT, minutes=90, place="x" * 300, meeting=f.meeting()
    ),
)
for _event in ("booked", "rescheduled"):
    case(
        meeting_views.booking,
        _event,
        lambda e: meeting_views.booking(
            f.meeting(), event=e, ics_url="https://mentorbot.example/ics/42.ics?sig=abc"
        ),
        _event,
    )
case(
    meeting_views.booking,
    "booked by the mentor, no place, no calendar",
    lambda: meeting_views.booking(
        f.meeting(booked_by_role=MENTOR, place=""), event="booked", ics_url=None
    ),
)
case(
    meeting_views.booking,
    "cancelled",
    lambda: meeting_views.booking(
        f.meeting(status=MeetingStatus.CANCELLED), event="cancelled", ics_url=None
    ),
)
case(meeting_views.agenda_prompt, "first ask", lambda: meeting_views.agenda_prompt(f.meeting()))
case(
    meeting_views.agenda_prompt,
    "reminder",
    lambda: meeting_views.agenda_prompt(f.meeting(), reminder=True),
)
case(
    meeting_views.agenda_form, "new, no goals", lambda: meeting_views.agenda_form(f.meeting(), None)
)
case(
    meeting_views.agenda_form,
    "editing, linked to a goal",
    lambda: meeting_views.agenda_form(f.meeting(), f.agenda(goal_id=12), [f.goal(), f.goal(12)]),
)
case(
    meeting_views.agenda_message,
    "everything",
    lambda: meeting_views.agenda_message(f.meeting(), f.agenda(linked_goal=f.goal())),
)
case(
    meeting_views.agenda_message,
    "just a goal",
    lambda: meeting_views.agenda_message(
        f.meeting(), f.agenda(reality="", way_forward="", mentor_items=[])
    ),
)
case(meeting_views.mentor_items_form, "plain", lambda: meeting_views.mentor_items_form(f.meeting()))
case(
    meeting_views.mentor_items_added,
    "plain",
    lambda: meeting_views.mentor_items_added(f.meeting(), f.agenda()),
)
case(meeting_views.agenda_received, "plain", lambda: meeting_views.agenda_received(f.meeting()))

# --- people ------------------------------------------------------------------------------------

case(
    people_views.settings_form,
    "the program's hours",
    lambda: people_views.settings_form(tz="Europe/Lisbon", own=None, fallback=f.HOURS),
)
case(
    people_views.settings_form,
    "their own hours",
    lambda: people_views.settings_form(
        tz=f.HOSTILE,
        own=WorkingHours(time(7, 30), time(15), frozenset({0, 2, 4})),
        fallback=f.HOURS,
    ),
)
case(people_views.settings_saved, "the program's", lambda: people_views.settings_saved(None))
case(people_views.settings_saved, "their own", lambda: people_views.settings_saved(f.HOURS))
case(
    people_views.paused,
    "in their zone",
    lambda: people_views.paused(datetime(2026, 3, 16, 23, 30, tzinfo=UTC), "Asia/Tokyo"),
)
for _released in (0, 1, 5):
    case(people_views.resumed, f"{_released} held", lambda r: people_views.resumed(r), _released)

# --- programs ----------------------------------------------------------------------------------


case(
    program_views.program_form,
    "new, empty",
    lambda: program_views.program_form(
        f.program_draft(
            name="",
            description="",
            manager_ids=(),
            digest_channel_id=None,
            skills=(),
            celebration_channel_id=None,
        )
    ),
)
case(
    program_views.program_form,
    "editing",
    lambda: program_views.program_form(f.program_draft(), program_id=3),
)
case(
    program_views.program_list,
    "none, may create",
    lambda: program_views.program_list([], can_create=True),
)
case(
    program_views.program_list,
    "managed and not",
    lambda: program_views.program_list(
        [f.summary(3), f.summary(4, managed=False)], can_create=False
    ),
)
case(
    program_views.program_list,
    "more than listed",
    lambda: program_views.program_list([f.summary(n) for n in range(25)], can_create=True),
)
for _created in (True, False):
    case(
        program_views.program_saved,
        "created" if _created else "updated",
        lambda c: program_views.program_saved(
            f.program(),
            created=c,
            channel_note=program_views.channel_note(None, "CLEADS"),
            hours=f.HOURS,
        ),
        _created,
    )
case(
    program_views.manager_added,
    "plain",
    lambda: program_views.manager_added(f.program(), added_by="UADMIN"),
)
case(
    program_views.not_in_channel,
    "plain",
    lambda: program_views.not_in_channel(f.program().name, "CLEADS"),
)

# --- separation --------------------------------------------------------------------------------

for _role in (MENTEE, MENTOR):
    case(
        separation_views.wrap_up,
        f"to the {_role}",
        lambda r: separation_views.wrap_up(f.pair(), r),
        _role,
    )
    case(
        separation_views.extension_request,
        f"to the {_role}",
        lambda r: separation_views.extension_request(f.pair(extend_to=date(2027, 6, 30)), r),
        _role,
    )
    case(
        separation_views.close_form,
        f"for the {_role}",
        lambda r: separation_views.close_form(f.pair(), r),
        _role,
    )
    case(
        separation_views.survey_invite,
        f"to the {_role}",
        lambda r: separation_views.survey_invite(f.pair(), r),
        _role,
    )
    case(
        separation_views.ended_early_kindly,
        f"to the {_role}",
        lambda r: separation_views.ended_early_kindly(f.pair(), r),
        _role,
    )
case(
    separation_views.wrap_up,
    "no end date",
    lambda: separation_views.wrap_up(f.pair(ends_at=None), MENTEE),
)
case(
    separation_views.extend_form,
    "plain",
    lambda: separation_views.extend_form(f.pair(), date(2027, 3, 2)),
)
case(
    separation_views.extension_request,
    "withdrawn meanwhile",
    lambda: separation_views.extension_request(f.pair(extend_to=None), MENTOR),
)
for _agreed in (True, False):
    case(
        separation_views.extension_answered,
        f"agreed={_agreed}",
        lambda a: separation_views.extension_answered(f.pair(), agreed=a),
        _agreed,
    )
case(separation_views.end_form, "one pair", lambda: separation_views.end_form([(f.pair(), MENTOR)]))
case(
    separation_views.end_form,
    "several",
    lambda: separation_views.end_form([(f.pair(), MENTEE), (f.pair(id=8), MENTOR)]),
)
case(
    separation_views.closed,
    "with thanks",
    lambda: separation_views.closed(f.pair(), f.said("Thank you")),
)
case(
    separation_views.closed,
    "the longest thanks",
    lambda: separation_views.closed(f.pair(), "&" * 1000),
)
case(separation_views.closed, "without", lambda: separation_views.closed(f.pair(), ""))
for _role in (MENTEE, MENTOR):
    case(
        separation_views.ended_early_managers,
        f"ended by the {_role}",
        lambda r: separation_views.ended_early_managers(f.pair(ended_by_role=r, unilateral=True)),
        _role,
    )
for _role in (MENTEE, MENTOR):
    case(
        separation_views.partner_left,
        f"to the {_role}",
        lambda r: separation_views.partner_left(f.pair(), r),
        _role,
    )
    case(
        separation_views.left_managers,
        f"the {_role} left",
        lambda r: separation_views.left_managers(f.pair(ended_by_role=r, unilateral=True)),
        _role,
    )

# --- privacy -----------------------------------------------------------------------------------

case(
    privacy_views.forget_me_confirm,
    "the person's own",
    lambda: privacy_views.forget_me_confirm("UMIA"),
)
case(privacy_views.forgotten, "done", privacy_views.forgotten)
case(
    privacy_views.admin_forget_confirm,
    "a name with markup and a long one",
    lambda: privacy_views.admin_forget_confirm("<Mia> & *Ó'Brien* " + "x" * 90, "UMIA"),
)
case(privacy_views.admin_forgotten, "done", lambda: privacy_views.admin_forgotten("Mia <b>"))

# --- audit -------------------------------------------------------------------------------------


def _audit_entries(count: int) -> list[AuditEntry]:
    """``count`` entries, newest first, of every action in turn (long details included)."""
    actions = list(AuditAction)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    return [
        AuditEntry(
            id=count - n,
            team_id="T0001",
            at=start - timedelta(hours=n),
            actor_user_id=1,
            actor_slack_id="UADMIN",
            action=actions[n % len(actions)],
            subject_kind=AuditSubject.PROGRAM if n % 2 else AuditSubject.PERSON,
            subject_id="7" if n % 2 else "UMIA",
            program_id=7,
            details={"fields": ["description", "relationship_months"] * 10, "rows": 12},
        )
        for n in range(count)
    ]


case(
    audit_views.audit_trail,
    "nothing recorded yet",
    lambda: audit_views.audit_trail([], tz="Asia/Tokyo", programs={}),
)
case(
    audit_views.audit_trail,
    "the last 100, a program named with markup",
    lambda: audit_views.audit_trail(
        _audit_entries(100), tz="America/New_York", programs={7: "<Sales> & *Ops*"}
    ),
)

# --- signals -----------------------------------------------------------------------------------

for _signal in sig.ALERTING:
    case(
        signal_views.alert_message,
        f"{_signal.value}, open",
        lambda s: signal_views.alert_message(f.alert(signal=s.value)),
        _signal,
    )
for _state in ("acknowledged", "snoozed", "spoken"):
    case(
        signal_views.alert_message,
        f"{_state}",
        lambda st: signal_views.alert_message(
            f.alert(state=st, handled_at=f.NOW + timedelta(days=1)), f.person("UADMIN", "Ada Admin")
        ),
        _state,
    )
case(
    signal_views.alert_message,
    "handled, no time recorded",
    lambda: signal_views.alert_message(
        f.alert(state="acknowledged"), f.person("UADMIN", "Ada Admin")
    ),
)
for _signal in sig.ALERTING:
    case(
        signal_views.accountability,
        _signal.value,
        lambda s: signal_views.accountability(f.pair(), s),
        _signal,
    )
case(signal_views.follow_up_nudge, "plain", lambda: signal_views.follow_up_nudge(f.pair()))
for _planned in (True, False):
    case(
        signal_views.follow_up_sent,
        f"planned={_planned}",
        lambda p: signal_views.follow_up_sent(f.pair(), planned=p),
        _planned,
    )
case(signal_views.update_form, "plain", lambda: signal_views.update_form(f.pair()))
case(
    signal_views.mentee_update,
    "the longest",
    lambda: signal_views.mentee_update(f.pair(), "&" * 3000),
)
case(
    signal_views.mentee_update,
    "plain",
    lambda: signal_views.mentee_update(f.pair(), f.said("Update")),
)
