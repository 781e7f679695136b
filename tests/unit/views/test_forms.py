"""Every form reads back what it showed: submitted untouched, a pre-filled form gives back the
draft it was built from; and what people actually pick or type is read as they meant it, or
refused on its own field."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.agreements import views as agreement_views
from bot.capture import service as capture_svc
from bot.capture import views as capture_views
from bot.checkins import views as checkin_views
from bot.enrolment import service as enrolment_svc
from bot.enrolment import views as enrolment_views
from bot.errors import InvalidInput
from bot.goals import service as goal_svc
from bot.goals import views as goal_views
from bot.ids import AgendaField as A
from bot.ids import CaptureField as C
from bot.ids import GoalField as G
from bot.ids import JoinField as J
from bot.ids import MatchSettingsField as M
from bot.ids import MeetingField as MF
from bot.ids import ProgramField as P
from bot.ids import SeparationField as SF
from bot.ids import SettingsField as S
from bot.matching import views as matching_views
from bot.matching.settings import MatchingSettings
from bot.meetings import service as meeting_svc
from bot.meetings import views as meeting_views
from bot.people import views as people_views
from bot.programs import views as program_views
from bot.separation import views as separation_views
from infra.hours import WorkingHours
from storage.enums import ActorRole, Cadence, DepartmentPreference, EnrolmentRole
from tests.unit.views import factory as f
from tests.unit.views.read import inputs, submitted

MENTEE, MENTOR = ActorRole.MENTEE, ActorRole.MENTOR


def test_the_agreement_form_reads_back_its_terms() -> None:
    for terms in (f.terms(), f.terms(channel="video", channel_detail="", confidential=False)):
        form = agreement_views.agreement_form(f.pair(), terms, revising=True)
        assert agreement_views.parse_agreement_form(submitted(form)) == terms


def test_the_agreement_form_needs_a_cadence_and_an_end_date() -> None:
    form = agreement_views.agreement_form(f.pair(), f.terms(), revising=False)
    with pytest.raises(InvalidInput) as error:
        agreement_views.parse_agreement_form(submitted(form, cadence=None, end_date=None))
    assert set(error.value.fields) == {"cadence", "end_date"}
    # An unlisted length reads as none (the service refuses it on its field).
    lengths = inputs(form)["meeting_minutes"]
    assert [o["value"] for o in lengths["options"]] == ["30", "45", "60", "90"]
    terms = agreement_views.parse_agreement_form(submitted(form, meeting_minutes=None))
    assert terms.meeting_minutes == 0


def test_the_meeting_form_reads_back_the_booking() -> None:
    form = meeting_views.meeting_form([(f.pair(), MENTEE)], start=f.MEETING_AT, place="Room 4")
    assert meeting_views.parse_meeting_form(submitted(form)) == (
        meeting_svc.MeetingDraft(starts_at=f.MEETING_AT, minutes=45, place="Room 4"),
        None,
    )
    several = meeting_views.meeting_form(
        [(f.pair(), MENTEE), (f.pair(id=8), MENTOR)], start=f.MEETING_AT
    )
    draft, pair_id = meeting_views.parse_meeting_form(submitted(several, pair="8", minutes="90"))
    assert (pair_id, draft.minutes, draft.place) == (8, 90, "")


def test_an_empty_picker_or_an_unlisted_length_is_no_value() -> None:
    form = meeting_views.meeting_form([(f.pair(), MENTEE)], start=f.MEETING_AT, minutes=50)
    assert inputs(form)[MF.MINUTES].get("initial_option") is None  # 50 isn't offered
    draft, _ = meeting_views.parse_meeting_form(submitted(form, when=None))
    assert (draft.starts_at, draft.minutes) == (None, None)


def test_the_agenda_form_reads_back_the_agenda_and_its_goal() -> None:
    agenda = f.agenda(goal_id=12)
    form = meeting_views.agenda_form(f.meeting(), agenda, [f.goal(), f.goal(12)])
    grow, goal_id = meeting_views.parse_agenda_form(submitted(form))
    assert grow == meeting_svc.Grow(agenda.goal, agenda.reality, "", agenda.way_forward)
    assert goal_id == 12
    empty = meeting_views.agenda_form(f.meeting(), None)
    assert A.GOAL_LINK not in inputs(empty)
    assert meeting_views.parse_agenda_form(submitted(empty)) == (
        meeting_svc.Grow("", "", "", ""),
        None,
    )


def test_the_capture_form_reads_back_the_notes_and_actions() -> None:
    items = [f.action(1), f.action(2, owner=MENTOR, due_on=None)]
    form = capture_views.capture_form(f.meeting(), MENTEE, f.notes(), items)
    assert capture_views.parse_capture_form(submitted(form)) == capture_svc.CaptureDraft(
        takeaways=f.notes().takeaways,
        actions=(
            capture_svc.ActionDraft(items[0].text, MENTEE, date(2026, 3, 13)),
            capture_svc.ActionDraft(items[1].text, MENTOR, None),
        ),
        next_starts_at=None,
        next_minutes=45,  # the length offered for the next meeting: this one's
    )


def test_the_capture_form_skips_empty_rows_and_reads_the_next_meeting() -> None:
    form = capture_views.capture_form(f.meeting(), MENTEE, None, [])
    next_at = datetime(2026, 3, 23, 14, 0, tzinfo=UTC)
    draft = capture_views.parse_capture_form(
        submitted(
            form,
            **{
                C.action(1, "what"): "  ",
                C.action(3, "what"): "Call Sam",
                C.action(3, "owner"): "mentor",
                C.action(3, "due"): "2026-03-20",
                C.NEXT_WHEN: int(next_at.timestamp()),
                C.NEXT_MINUTES: "30",
            },
        )
    )
    assert draft.actions == (capture_svc.ActionDraft("Call Sam", MENTOR, date(2026, 3, 20)),)
    assert (draft.next_starts_at, draft.next_minutes) == (next_at, 30)


def test_the_join_form_reads_back_the_profile() -> None:
    draft = enrolment_svc.EnrolmentDraft(
        program_id=3,
        role=EnrolmentRole.BOTH,
        goals="Lead a project",
        target_role="Tech lead",
        skills_to_develop=("SQL", "Public speaking"),
        expertise=("Budgeting",),
        capacity=3,
        department="Support",
        current_role="Engineer",
        seniority=4,
        location="Lisbon",
        manager_slack_id="UBOSS",
        department_preference=DepartmentPreference.SAME,
    )
    form = enrolment_views.join_form([f.program()], draft, tz="Europe/Lisbon")
    assert enrolment_views.parse_join_form(submitted(form)) == draft


def test_the_join_form_shows_only_the_chosen_roles_questions() -> None:
    draft = enrolment_svc.EnrolmentDraft(program_id=3, role=EnrolmentRole.MENTEE)
    mentee = inputs(enrolment_views.join_form([f.program()], draft, tz="UTC"))
    assert J.GOALS in mentee and J.EXPERTISE not in mentee and J.CAPACITY not in mentee
    mentor = inputs(
        enrolment_views.join_form(
            [f.program()],
            enrolment_svc.EnrolmentDraft(program_id=3, role=EnrolmentRole.MENTOR),
            tz="UTC",
        )
    )
    assert J.EXPERTISE in mentor and J.GOALS not in mentor
    nobody = enrolment_views.join_form(
        [f.program()], enrolment_svc.EnrolmentDraft(program_id=0, role=None), tz="UTC"
    )
    assert set(inputs(nobody)) >= {J.PROGRAM, J.ROLE, J.DEPARTMENT}
    assert J.GOALS not in inputs(nobody) and J.EXPERTISE not in inputs(nobody)
    with pytest.raises(InvalidInput) as error:
        enrolment_views.parse_join_form(submitted(nobody))
    assert set(error.value.fields) == {J.PROGRAM}
    # While the form is rebuilt, a missing program is no error.
    assert enrolment_views.parse_join_form(submitted(nobody), strict=False).program_id == 0


def test_a_program_without_skills_offers_a_placeholder_that_reads_as_none() -> None:
    draft = enrolment_svc.EnrolmentDraft(program_id=4, role=EnrolmentRole.BOTH)
    form = enrolment_views.join_form([f.program(id=4, skills=[])], draft, tz="UTC")
    assert [o["value"] for o in inputs(form)[J.SKILLS_TO_DEVELOP]["options"]] == ["-"]
    read = enrolment_views.parse_join_form(submitted(form, **{J.SKILLS_TO_DEVELOP: ["-"]}))
    assert read.skills_to_develop == ()


def test_the_program_form_reads_back_the_program() -> None:
    draft = f.program_draft(
        skills=("SQL", "Public speaking"),
        agenda_lead_hours=48,
        capture_lead_hours=3,
        digest_weekday=4,
        digest_time=time(16, 30),
        checkin_first_days=21,
        checkin_every_days=45,
    )
    form = program_views.program_form(draft, program_id=3)
    assert program_views.parse_program_form(submitted(form)) == draft


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({P.NUDGE_DAYS: []}, {P.NUDGE_DAYS}),
        ({P.NUDGE_END: "09:00"}, {P.NUDGE_END}),
        ({P.NUDGE_END: "09:59"}, {P.NUDGE_END}),
        ({P.NUDGE_START: None}, {P.NUDGE_START}),
        ({P.LENGTH: None}, {P.LENGTH}),
        ({P.LENGTH: "twelve"}, {P.LENGTH}),
        ({P.AGENDA_LEAD: "1.5"}, {P.AGENDA_LEAD}),
    ],
)
def test_the_program_forms_shape_errors_land_on_their_fields(
    changes: dict[str, object], fields: set[str]
) -> None:
    form = program_views.program_form(f.program_draft())
    with pytest.raises(InvalidInput) as error:
        program_views.parse_program_form(submitted(form, **changes))
    assert set(error.value.fields) == fields


def test_an_hour_of_nudges_is_enough() -> None:
    form = program_views.program_form(f.program_draft())
    draft = program_views.parse_program_form(
        submitted(form, **{P.NUDGE_START: "09:00", P.NUDGE_END: "10:00"})
    )
    assert draft.hours == WorkingHours(time(9), time(10), frozenset(range(5)))


def test_the_settings_form_reads_back_own_hours_or_the_programs() -> None:
    own = WorkingHours(time(7, 30), time(15), frozenset({0, 2, 4}))
    form = people_views.settings_form(tz="Europe/Lisbon", own=own, fallback=f.HOURS)
    assert people_views.parse_settings_form(submitted(form)) == own
    programs = people_views.settings_form(tz="Europe/Lisbon", own=None, fallback=f.HOURS)
    assert people_views.parse_settings_form(submitted(programs)) is None
    # Unticked, the program's hours shown become the person's own.
    assert people_views.parse_settings_form(submitted(programs, **{S.USE_PROGRAM: []})) == f.HOURS


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({S.DAYS: []}, {S.DAYS}),
        ({S.END: "07:30"}, {S.END}),
        ({S.START: None, S.END: None}, {S.START, S.END}),
    ],
)
def test_own_hours_must_make_a_window(changes: dict[str, object], fields: set[str]) -> None:
    own = WorkingHours(time(7, 30), time(15), frozenset({0, 2, 4}))
    form = people_views.settings_form(tz="UTC", own=own, fallback=f.HOURS)
    with pytest.raises(InvalidInput) as error:
        people_views.parse_settings_form(submitted(form, **changes))
    assert set(error.value.fields) == fields


def test_the_matching_settings_form_reads_back_the_settings() -> None:
    settings = MatchingSettings(
        mentors_per_mentee=2,
        self_serve=True,
        accept_reminder_days=3,
        accept_expiry_days=9,
        min_overlap_hours=1.5,
    ).with_weights(skills=7.5, timezone=0.0)
    form = matching_views.settings_form(settings, program_id=3, run_id=31)
    assert matching_views.parse_settings_form(submitted(form)) == settings


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({M.REMINDER_DAYS: "two"}, {M.REMINDER_DAYS}),
        ({M.EXPIRY_DAYS: "4.5"}, {M.EXPIRY_DAYS}),
        ({M.EXPIRY_DAYS: "2"}, {M.EXPIRY_DAYS}),  # not after the reminder
        ({M.WEIGHT_SKILLS: "11"}, {"weight_skills"}),
    ],
)
def test_matching_settings_errors_land_on_their_fields(
    changes: dict[str, object], fields: set[str]
) -> None:
    form = matching_views.settings_form(MatchingSettings(), program_id=3, run_id=None)
    with pytest.raises(InvalidInput) as error:
        matching_views.parse_settings_form(submitted(form, **changes))
    assert set(error.value.fields) == fields


def test_the_goal_forms_read_what_was_entered() -> None:
    form = goal_views.goal_form([f.pair(), f.pair(id=8)], celebrations=True)
    draft, pair_id = goal_views.parse_goal_form(
        submitted(
            form,
            **{
                G.PAIR: "8",
                G.WHAT: "Lead the workshop",
                G.MEASURE: "It runs",
                G.TARGET: "2026-06-30",
                G.SHOUT_OUT: ["yes"],
            },
        )
    )
    assert (draft, pair_id) == (
        goal_svc.GoalDraft("Lead the workshop", "It runs", date(2026, 6, 30), "", True),
        8,
    )
    progress = goal_views.progress_form(f.goal(progress=50))
    assert goal_views.parse_progress(submitted(progress)) == 50
    assert goal_views.parse_progress(submitted(progress, progress="100")) == 100
    assert goal_views.parse_progress(submitted(progress, progress=None)) is None


def test_the_separation_forms_read_what_was_chosen() -> None:
    extend = separation_views.extend_form(f.pair(), date(2027, 3, 2))
    assert separation_views.parse_extend(submitted(extend, new_end="2027-06-30")) == date(
        2027, 6, 30
    )
    assert separation_views.parse_extend(submitted(extend)) is None
    close = separation_views.close_form(f.pair(), MENTEE)
    assert separation_views.parse_close(
        submitted(
            close,
            **{
                SF.OUTCOME: "partly",
                SF.GOALS_MET: "yes",
                SF.RECOMMEND: "no",
                SF.THANKS: "Thank you",
            },
        )
    ) == ("partly", "yes", False, "Thank you")
    assert separation_views.parse_close(submitted(close)) == (None, None, None, "")
    # Only the mentee is asked for a thank-you.
    assert SF.THANKS not in inputs(separation_views.close_form(f.pair(), MENTOR))


def test_the_checkin_form_reads_the_score_note_and_sharing() -> None:
    form = checkin_views.form(f.pair(), f.checkin())
    assert checkin_views.parse(submitted(form, score="4", note="Going well", share=["yes"])) == (
        4,
        "Going well",
        True,
    )
    assert checkin_views.parse(submitted(form)) == (None, "", False)


def test_the_forms_offer_what_the_services_accept() -> None:
    capture = inputs(capture_views.capture_form(f.meeting(), MENTEE, None, []))
    assert capture[C.TAKEAWAYS]["max_length"] == capture_svc.TAKEAWAYS_MAX
    assert capture[C.action(1, "what")]["max_length"] == capture_svc.ACTION_MAX
    assert C.action(capture_svc.MAX_ACTIONS, "what") in capture
    assert C.action(capture_svc.MAX_ACTIONS + 1, "what") not in capture
    agenda = inputs(meeting_views.agenda_form(f.meeting(), None))
    assert {agenda[b]["max_length"] for b in (A.GOAL, A.REALITY, A.OPTIONS, A.WAY_FORWARD)} == {
        meeting_svc.GROW_MAX
    }
    meeting = inputs(meeting_views.meeting_form([(f.pair(), MENTEE)], start=f.MEETING_AT))
    assert [int(o["value"]) for o in meeting[MF.MINUTES]["options"]] == list(meeting_svc.DURATIONS)
    assert all(
        meeting_svc.MIN_MINUTES <= m <= meeting_svc.MAX_MINUTES for m in meeting_svc.DURATIONS
    )
    assert meeting[MF.PLACE]["max_length"] == meeting_svc.PLACE_MAX
    goal = inputs(goal_views.goal_form([f.pair()]))
    assert goal[G.WHAT]["max_length"] == goal_svc.WHAT_MAX
    assert goal[G.MEASURE]["max_length"] == goal_svc.MEASURE_MAX
    progress = inputs(goal_views.progress_form(f.goal()))
    assert [int(o["value"]) for o in progress[G.PROGRESS]["options"]] == list(goal_svc.STEPS)
    program = inputs(program_views.program_form(f.program_draft()))
    assert [o["value"] for o in program[P.CADENCE]["options"]] == [c.value for c in Cadence]
