"""The engagement signals, as pure functions: positives with their evidence, and the
negatives that matter most (a mentee-led pair never looks like a chasing mentor)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.signals import rules as sig
from bot.signals.rules import CheckIn, Event, Facts, Health, Kind, MeetingFact, Severity
from storage.enums import ActorRole

MENTEE, MENTOR = ActorRole.MENTEE, ActorRole.MENTOR
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SETTINGS = sig.Settings(cadence_days=14, window_days=60)


def day(n: int) -> datetime:
    return T0 + timedelta(days=n)


def facts(*events: Event, meetings: tuple[MeetingFact, ...] = (), **kw: object) -> Facts:
    return Facts(
        accepted_at=T0,
        agreement_signed_at=kw.pop("signed", day(3)),  # type: ignore[arg-type]
        first_meeting_at=kw.pop("first", day(7)),  # type: ignore[arg-type]
        events=events,
        meetings=meetings,
        **kw,  # type: ignore[arg-type]
    )


def kinds(f: Facts, now: datetime) -> dict[Kind, Severity]:
    return {s.kind: s.severity for s in sig.assess(f, now, SETTINGS).signals}


def mentee_led() -> list[Event]:
    """A healthy pair: every fortnight the mentee books, writes the agenda and captures."""
    out = []
    for n in range(0, 84, 14):
        out += [
            Event("meeting_booked", MENTEE, day(n)),
            Event("agenda_written", MENTEE, day(n + 5)),
            Event("notes_captured", MENTEE, day(n + 7)),
            Event("action_done", MENTEE, day(n + 10)),
        ]
    return out


def test_a_mentee_led_pair_is_on_track_and_never_chasing() -> None:
    events = mentee_led()
    held = tuple(MeetingFact(day(n + 6), True, True) for n in range(0, 84, 14))
    # Even a mentor who books now and then, or adds to the agenda, isn't chasing.
    events += [
        Event("meeting_booked", MENTOR, day(30)),
        Event("mentor_added_agenda", MENTOR, day(40)),
    ]
    for now in (day(20), day(45), day(70), day(88)):
        f = facts(*events, meetings=tuple(m for m in held if m.starts_at <= now))
        assessment = sig.assess(f, now, SETTINGS)
        assert Kind.MENTOR_CHASING not in kinds(f, now), now
        assert assessment.health is Health.ON_TRACK, (now, assessment)


def test_the_first_two_weeks_are_too_early_to_tell() -> None:
    assert sig.assess(facts(first=None), day(5), SETTINGS).health is Health.TOO_EARLY


def test_mentor_chasing_by_ratio_with_evidence() -> None:
    f = facts(
        Event("meeting_booked", MENTEE, day(1)),
        Event("mentor_follow_up", MENTOR, day(20)),
        Event("mentor_follow_up", MENTOR, day(25)),
        Event("meeting_booked", MENTEE, day(26)),
        Event("mentor_follow_up", MENTOR, day(40)),
        Event("meeting_booked", MENTEE, day(41)),
        Event("mentor_wrote_notes", MENTOR, day(42)),
    )
    s = sig.assess(f, day(45), SETTINGS).worst(Kind.MENTOR_CHASING)
    assert s is not None and s.severity is Severity.WATCH  # the mentee still answers
    assert s.evidence.startswith("mentor followed up 3 times in 60 days; mentee booked 3 meetings")
    assert s.since == day(42)  # the mentor pulled ahead with the notes


def test_two_unanswered_follow_ups_put_the_pair_at_risk() -> None:
    f = facts(
        Event("meeting_booked", MENTEE, day(1)),
        Event("agenda_written", MENTEE, day(5)),
        Event("notes_captured", MENTEE, day(8)),
        Event("mentor_follow_up", MENTOR, day(30)),
    )
    assert Kind.MENTOR_CHASING not in kinds(f, day(31))  # one follow-up is fine
    f2 = facts(*f.events, Event("mentor_follow_up", MENTOR, day(38)))
    s = sig.assess(f2, day(39), SETTINGS).worst(Kind.MENTOR_CHASING)
    assert s is not None and s.severity is Severity.RISK
    assert "the last 2 follow-ups went unanswered" in s.evidence
    # The mentee answers: the chase is over.
    f3 = facts(*f2.events, Event("follow_up_answered", MENTEE, day(40)))
    assert Kind.MENTOR_CHASING not in kinds(f3, day(41))


def test_mentee_silent_after_twice_the_cadence() -> None:
    f = facts(Event("meeting_booked", MENTEE, day(2)))
    assert Kind.MENTEE_SILENT not in kinds(f, day(29))
    assert kinds(f, day(30))[Kind.MENTEE_SILENT] is Severity.WATCH
    silent = sig.assess(f, day(45), SETTINGS).worst(Kind.MENTEE_SILENT)
    assert silent is not None and silent.severity is Severity.RISK
    assert silent.evidence.startswith("43 days since the mentee last took the initiative")
    assert silent.since == day(30)


def test_no_meeting_and_no_agenda_shares() -> None:
    held = (
        MeetingFact(day(7), True, True),
        MeetingFact(day(21), True, False),
        MeetingFact(day(35), True, False),
        MeetingFact(day(40), False, False),  # cancelled: doesn't count
    )
    f = facts(Event("meeting_booked", MENTEE, day(30)), meetings=held)
    found = sig.assess(f, day(50), SETTINGS)
    s = found.worst(Kind.NO_AGENDA)
    assert s is not None and s.evidence == "2 of the last 3 meetings had no agenda"
    assert Kind.NO_MEETING not in kinds(f, day(50))
    assert kinds(f, day(63))[Kind.NO_MEETING] is Severity.WATCH


def test_notes_overdue_actions_checkins_and_stalled_initiation() -> None:
    f = facts(
        Event("meeting_booked", MENTEE, day(10)),
        Event("mentor_wrote_notes", MENTOR, day(12)),
        mentee_actions_overdue=2,
        checkins=(CheckIn(MENTEE, 4, day(30)), CheckIn(MENTOR, 2, day(30))),
    )
    found = kinds(f, day(31))
    assert found[Kind.MENTOR_WROTE_NOTES] is Severity.WATCH
    assert found[Kind.ACTIONS_OVERDUE] is Severity.WATCH
    assert found[Kind.LOW_CHECKIN] is Severity.RISK
    apart = facts(checkins=(CheckIn(MENTEE, 5, day(30)), CheckIn(MENTOR, 3, day(30))))
    s = sig.assess(apart, day(31), SETTINGS).worst(Kind.LOW_CHECKIN)
    assert s is not None and "far apart" in s.evidence and s.severity is Severity.WATCH

    stalled = facts(signed=None, first=None)
    assert Kind.STALLED_INITIATION not in kinds(stalled, day(20))
    s = sig.assess(stalled, day(22), SETTINGS).worst(Kind.STALLED_INITIATION)
    assert (
        s is not None
        and s.evidence == "no signed agreement and no first meeting 22 days after the match"
    )


def test_signals_round_trip_as_json() -> None:
    f = facts(
        Event("mentor_follow_up", MENTOR, day(30)), Event("mentor_follow_up", MENTOR, day(38))
    )
    for s in sig.assess(f, day(39), SETTINGS).signals:
        assert sig.Signal.from_json(s.to_json()) == s


def test_silence_counts_from_an_initiative_before_the_window() -> None:
    # The events hold only the window; the last initiative before it comes separately.
    f = facts(earlier_mentee_initiative=day(40))
    assert Kind.MENTEE_SILENT not in kinds(f, day(67))
    s = sig.assess(f, day(70), SETTINGS).worst(Kind.MENTEE_SILENT)
    assert s is not None and s.evidence.startswith("30 days since the mentee last took")


# --- Every rule, at its thresholds -----------------------------------------------------------

SYSTEM = ActorRole.SYSTEM
NOW = day(40)


def one(f: Facts, now: datetime = NOW, settings: sig.Settings = SETTINGS) -> dict[Kind, sig.Signal]:
    return {s.kind: s for s in sig.assess(f, now, settings).signals}


@pytest.mark.parametrize(
    ("kind", "role", "mentee", "mentor"),
    [
        ("meeting_booked", MENTEE, True, False),
        ("meeting_booked", MENTOR, False, True),
        ("meeting_booked", SYSTEM, False, False),
        ("agenda_written", MENTEE, True, False),
        ("agenda_written", MENTOR, False, False),
        ("mentor_added_agenda", MENTOR, False, True),
        ("mentor_follow_up", MENTOR, False, True),
        ("mentor_follow_up", MENTEE, False, False),
        ("notes_captured", MENTEE, True, False),
        ("notes_captured", MENTOR, False, False),
        ("mentor_wrote_notes", MENTOR, False, True),
        ("action_done", MENTEE, True, False),
        ("action_done", MENTOR, False, False),
        ("follow_up_answered", MENTEE, True, False),
        ("goal_set", MENTEE, True, False),
        ("goal_achieved", MENTEE, True, False),
        ("goal_progress", MENTEE, False, False),
        ("meeting_cancelled", MENTEE, False, False),
        ("no_agenda", SYSTEM, False, False),
    ],
)
def test_what_counts_as_whose_initiative(
    kind: str, role: ActorRole, mentee: bool, mentor: bool
) -> None:
    event = Event(kind, role, T0)
    assert (sig.is_mentee_initiative(event), sig.is_mentor_initiative(event)) == (mentee, mentor)


@pytest.mark.parametrize(
    ("mentor", "mentee", "expected"),
    [
        (1, 0, None),
        (2, 0, Severity.RISK),  # the mentee took no initiative at all
        (2, 1, Severity.WATCH),
        (2, 2, None),
        (3, 2, Severity.WATCH),
        (3, 3, None),
    ],
)
def test_mentor_chasing_needs_two_and_more_than_the_mentee(
    mentor: int, mentee: int, expected: Severity | None
) -> None:
    # Bookings, not follow-ups: nothing goes unanswered, only the ratio counts.
    f = facts(
        *(Event("meeting_booked", MENTEE, day(5 + n)) for n in range(mentee)),
        *(Event("meeting_booked", MENTOR, day(20 + n)) for n in range(mentor)),
    )
    found = one(f).get(Kind.MENTOR_CHASING)
    assert (found and found.severity) == expected


def test_mentor_chasing_evidence_names_each_part_in_plain_words() -> None:
    booked = facts(
        Event("meeting_booked", MENTEE, day(5)),
        *(Event("meeting_booked", MENTOR, day(20 + n)) for n in range(2)),
    )
    assert one(booked)[Kind.MENTOR_CHASING].evidence == (
        "mentor took the initiative 2 times in 60 days; mentee booked 1 meeting; "
        "mentee took the initiative 1 time"
    )
    mixed = facts(
        Event("meeting_booked", MENTEE, day(5)),
        Event("mentor_follow_up", MENTOR, day(20)),
        Event("mentor_added_agenda", MENTOR, day(22)),
        Event("mentor_follow_up", MENTOR, day(25)),
    )
    s = one(mixed)[Kind.MENTOR_CHASING]
    assert s.evidence == (
        "mentor followed up 2 times in 60 days; mentee booked 1 meeting; "
        "mentor also booked, set the agenda or wrote the notes 1×; "
        "the last 2 follow-ups went unanswered; mentee took the initiative 1 time"
    )
    assert s.severity is Severity.RISK and s.since == day(22)


def test_mentor_chasing_counts_the_window_from_its_first_second() -> None:
    start = NOW - timedelta(days=60)
    inside = facts(Event("meeting_booked", MENTOR, start), Event("meeting_booked", MENTOR, day(30)))
    assert one(inside)[Kind.MENTOR_CHASING].severity is Severity.RISK
    outside = facts(
        Event("meeting_booked", MENTOR, start - timedelta(seconds=1)),
        Event("meeting_booked", MENTOR, day(30)),
    )
    assert Kind.MENTOR_CHASING not in one(outside)
    # Nor does anything after now count.
    future = facts(
        Event("meeting_booked", MENTOR, day(30)), Event("meeting_booked", MENTOR, day(41))
    )
    assert Kind.MENTOR_CHASING not in one(future)


def test_unanswered_follow_ups_count_from_before_the_window() -> None:
    # Nothing in the last 60 days by either; two follow-ups since the mentee last answered.
    f = facts(
        Event("meeting_booked", MENTEE, day(10)),
        Event("mentor_follow_up", MENTOR, day(30)),
        Event("mentor_follow_up", MENTOR, day(35)),
        Event("mentor_follow_up", MENTOR, day(101)),  # after now: not yet
    )
    s = one(f, day(100))[Kind.MENTOR_CHASING]
    assert s.severity is Severity.RISK
    assert s.since == day(30)  # the first unanswered follow-up
    assert s.evidence == (
        "mentor took the initiative 0 times in 60 days; mentee booked 0 meetings; "
        "the last 2 follow-ups went unanswered; mentee took the initiative 0 times"
    )


@pytest.mark.parametrize(
    ("events", "chasing"),
    [
        # The mentee answered between the two: neither run reaches two.
        (
            [
                ("mentor_follow_up", MENTOR, 30),
                ("follow_up_answered", MENTEE, 31),
                ("mentor_follow_up", MENTOR, 60),
            ],
            False,
        ),
        # A "follow-up" logged for the mentee is not the mentor chasing.
        ([("mentor_follow_up", MENTEE, 30), ("mentor_follow_up", MENTOR, 60)], False),
        # Three in a row, said so.
        (
            [
                ("mentor_follow_up", MENTOR, 30),
                ("mentor_follow_up", MENTOR, 40),
                ("mentor_follow_up", MENTOR, 60),
            ],
            True,
        ),
    ],
)
def test_unanswered_follow_ups_run_since_the_mentees_last_initiative(
    events: list[tuple[str, ActorRole, int]], chasing: bool
) -> None:
    f = facts(Event("meeting_booked", MENTEE, day(1)), *(Event(k, r, day(n)) for k, r, n in events))
    # Day 100: only the last follow-up (day 60) is inside the window, so the ratio never holds.
    s = one(f, day(100)).get(Kind.MENTOR_CHASING)
    assert (s is not None) is chasing
    if s is not None:
        assert "the last 3 follow-ups went unanswered" in s.evidence


def test_mentor_chasing_dates_from_when_the_mentor_last_pulled_ahead() -> None:
    f = facts(
        Event("meeting_booked", MENTOR, day(10)),
        Event("meeting_booked", MENTOR, day(12)),  # ahead
        Event("meeting_booked", MENTEE, day(14)),
        Event("agenda_written", MENTEE, day(16)),  # level: no longer ahead
        Event("mentor_added_agenda", MENTOR, day(20)),  # ahead again
        Event("no_agenda", SYSTEM, day(21)),  # nobody's initiative
    )
    s = one(f)[Kind.MENTOR_CHASING]
    assert (s.severity, s.since) == (Severity.WATCH, day(20))


@pytest.mark.parametrize(
    ("quiet", "expected"),
    [
        (timedelta(days=28) - timedelta(seconds=1), None),
        (timedelta(days=28), Severity.WATCH),
        (timedelta(days=42) - timedelta(seconds=1), Severity.WATCH),
        (timedelta(days=42), Severity.RISK),
    ],
)
def test_mentee_silent_at_twice_and_three_times_the_cadence(
    quiet: timedelta, expected: Severity | None
) -> None:
    last = day(3)
    f = facts(Event("action_done", MENTEE, last), Event("mentor_follow_up", MENTOR, day(20)))
    s = one(f, last + quiet).get(Kind.MENTEE_SILENT)
    assert (s and s.severity) == expected
    if s is not None:
        assert s.since == last + timedelta(days=28)
        assert s.evidence == (
            f"{quiet.days} days since the mentee last took the initiative "
            "(the cadence is every 14 days)"
        )


def test_mentee_silent_since_the_match_when_they_never_began() -> None:
    s = one(facts(Event("mentor_follow_up", MENTOR, day(5))), day(30))[Kind.MENTEE_SILENT]
    assert s.evidence == (
        "30 days since the match was accepted, and the mentee hasn't taken the initiative yet "
        "(the cadence is every 14 days)"
    )
    assert s.since == day(28)


def test_mentee_silent_follows_the_programs_cadence() -> None:
    weekly = sig.Settings(cadence_days=7, window_days=60)
    f = facts(Event("meeting_booked", MENTEE, day(2)))
    assert Kind.MENTEE_SILENT not in one(f, day(15), weekly)
    assert one(f, day(16), weekly)[Kind.MENTEE_SILENT].severity is Severity.WATCH
    assert one(f, day(23), weekly)[Kind.MENTEE_SILENT].severity is Severity.RISK


def test_an_initiative_still_to_come_does_not_break_the_silence() -> None:
    f = facts(Event("meeting_booked", MENTEE, day(2)), Event("agenda_written", MENTEE, day(31)))
    assert one(f, day(30))[Kind.MENTEE_SILENT].since == day(30)


def test_silence_is_elapsed_time_whatever_the_zone_or_the_calendar() -> None:
    tokyo = timezone(timedelta(hours=9))
    # Late on 1 March in UTC is already 2 March in Tokyo; the same instant either way.
    accepted = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    f = Facts(
        accepted_at=accepted.astimezone(tokyo), agreement_signed_at=None, first_meeting_at=None
    )
    # 28 calendar days later (29 March, 00:30 UTC) it has been 27 days and an hour.
    early = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert Kind.MENTEE_SILENT not in one(f, early)
    s = one(f, (accepted + timedelta(days=28)).astimezone(tokyo))[Kind.MENTEE_SILENT]
    assert s.since == accepted + timedelta(days=28)


@pytest.mark.parametrize(
    ("gap", "expected"),
    [
        (timedelta(days=28) - timedelta(seconds=1), None),
        (timedelta(days=28), Severity.WATCH),
        (timedelta(days=42) - timedelta(seconds=1), Severity.WATCH),
        (timedelta(days=42), Severity.RISK),
    ],
)
def test_no_meeting_at_twice_and_three_times_the_cadence(
    gap: timedelta, expected: Severity | None
) -> None:
    held = day(6)
    meetings = (
        MeetingFact(held, True, True),
        MeetingFact(held + timedelta(days=14), False, True),  # cancelled
    )
    s = one(facts(meetings=meetings), held + gap).get(Kind.NO_MEETING)
    assert (s and s.severity) == expected
    if s is not None:
        assert (s.evidence, s.since) == (
            f"{gap.days} days since the last meeting",
            held + timedelta(days=28),
        )


def test_no_meeting_yet_counts_from_the_match_and_ignores_what_is_still_ahead() -> None:
    f = facts(meetings=(MeetingFact(day(35), True, True),))  # marked held, but still to come
    s = one(f, day(30))[Kind.NO_MEETING]
    assert (s.evidence, s.since, s.severity) == (
        "30 days since the match, and no meeting yet",
        day(28),
        Severity.WATCH,
    )


@pytest.mark.parametrize(
    ("agendas", "expected"),
    [
        ([False], None),  # one meeting says little
        ([True, False], (Severity.WATCH, "1 of the last 2 meetings had no agenda")),
        ([False, False], (Severity.WATCH, "2 of the last 2 meetings had no agenda")),
        ([False, False, False], (Severity.RISK, "3 of the last 3 meetings had no agenda")),
        ([True, True, False], None),
        ([True, True, False, False], (Severity.WATCH, "2 of the last 4 meetings had no agenda")),
        (
            [True, False, False, False, False],
            (Severity.RISK, "4 of the last 4 meetings had no agenda"),
        ),
        ([False, False, False, True, True, True], None),  # only the last four count
    ],
)
def test_no_agenda_at_half_or_more_of_the_last_four_meetings(
    agendas: list[bool], expected: tuple[Severity, str] | None
) -> None:
    held = [MeetingFact(day(2 + 7 * n), True, had) for n, had in enumerate(agendas)]
    extra = (
        MeetingFact(day(1), False, False),  # cancelled: never counts
        MeetingFact(day(39), True, False),  # marked held, but after now
    )
    s = one(facts(meetings=(*held, *extra)), day(38)).get(Kind.NO_AGENDA)
    assert (s and (s.severity, s.evidence)) == expected
    if s is not None:
        recent = held[-4:]
        assert s.since == next(m.starts_at for m in recent if not m.had_agenda)


@pytest.mark.parametrize(
    ("wrote", "captured", "expected"),
    [
        (0, 2, None),
        (
            1,
            0,
            (Severity.WATCH, "the mentor wrote the notes 1 time in 60 days; the mentee 0 times"),
        ),
        (
            2,
            0,
            (Severity.RISK, "the mentor wrote the notes 2 times in 60 days; the mentee 0 times"),
        ),
        (
            2,
            1,
            (Severity.WATCH, "the mentor wrote the notes 2 times in 60 days; the mentee 1 time"),
        ),
    ],
)
def test_mentor_wrote_the_notes(
    wrote: int, captured: int, expected: tuple[Severity, str] | None
) -> None:
    f = facts(
        Event("mentor_wrote_notes", MENTOR, day(-30)),  # before the window: not counted
        Event("notes_captured", MENTOR, day(12)),  # the mentor's own capture is not the mentee's
        *(Event("mentor_wrote_notes", MENTOR, day(10 + n)) for n in range(wrote)),
        *(Event("notes_captured", MENTEE, day(20 + n)) for n in range(captured)),
    )
    s = one(f, day(40)).get(Kind.MENTOR_WROTE_NOTES)
    assert (s and (s.severity, s.evidence)) == expected
    if s is not None:
        assert s.since == day(10)


@pytest.mark.parametrize(
    ("overdue", "expected"),
    [
        (0, None),
        (1, (Severity.WATCH, "1 action owned by the mentee overdue")),
        (2, (Severity.WATCH, "2 actions owned by the mentee overdue")),
        (3, (Severity.RISK, "3 actions owned by the mentee overdue")),
    ],
)
def test_actions_overdue(overdue: int, expected: tuple[Severity, str] | None) -> None:
    s = one(facts(mentee_actions_overdue=overdue)).get(Kind.ACTIONS_OVERDUE)
    assert (s and (s.severity, s.evidence, s.since)) == (expected and (*expected, NOW))


@pytest.mark.parametrize(
    ("checkins", "expected"),
    [
        ([(MENTEE, 3, 30)], None),
        ([(MENTEE, 2, 30)], (Severity.RISK, "the mentee rated it 2/5")),
        (
            [(MENTEE, 1, 30), (MENTOR, 1, 30)],
            (Severity.RISK, "the mentee rated it 1/5; the mentor rated it 1/5"),
        ),
        # Far apart, but one is low: the low score says it.
        ([(MENTEE, 5, 30), (MENTOR, 2, 31)], (Severity.RISK, "the mentor rated it 2/5")),
        (
            [(MENTEE, 5, 30), (MENTOR, 3, 31)],
            (Severity.WATCH, "mentee 5/5 and mentor 3/5 are far apart"),
        ),
        ([(MENTEE, 4, 30), (MENTOR, 3, 31)], None),
        ([(MENTEE, 2, 10), (MENTEE, 4, 30)], None),  # the latest answer counts
        ([(MENTEE, 4, 10), (MENTEE, 1, 41)], None),  # an answer after now doesn't count yet
        ([(MENTOR, 3, 30)], None),  # one answer can't be far apart from anything
    ],
)
def test_low_checkin(
    checkins: list[tuple[ActorRole, int, int]], expected: tuple[Severity, str] | None
) -> None:
    f = facts(checkins=tuple(CheckIn(role, score, day(n)) for role, score, n in checkins))
    s = one(f).get(Kind.LOW_CHECKIN)
    assert (s and (s.severity, s.evidence)) == expected
    if s is not None:
        assert s.since == max(day(n) for _, _, n in checkins if day(n) <= NOW)


@pytest.mark.parametrize(
    ("signed", "first", "now", "evidence"),
    [
        (None, None, day(21) - timedelta(seconds=1), None),
        (None, None, day(21), "no signed agreement and no first meeting 21 days after the match"),
        (None, day(7), day(30), "no signed agreement 30 days after the match"),
        (day(3), None, day(30), "no first meeting 30 days after the match"),
        (day(3), day(7), day(30), None),
    ],
)
def test_stalled_initiation(
    signed: datetime | None, first: datetime | None, now: datetime, evidence: str | None
) -> None:
    s = one(facts(signed=signed, first=first), now).get(Kind.STALLED_INITIATION)
    assert (s and s.evidence) == evidence
    if s is not None:
        assert (s.severity, s.since) == (Severity.WATCH, day(21))


def test_stalled_initiation_follows_the_settings() -> None:
    quick = sig.Settings(cadence_days=14, window_days=60, stalled_days=10)
    f = facts(signed=None, first=day(5))
    assert Kind.STALLED_INITIATION not in one(f, day(10) - timedelta(seconds=1), quick)
    assert one(f, day(10), quick)[Kind.STALLED_INITIATION].since == day(10)


# --- Health, from the signals ------------------------------------------------------------------


def healthy(now: datetime) -> Facts:
    """Signed, met, and the mentee booked two days ago: no signal at all."""
    return facts(
        Event("meeting_booked", MENTEE, now - timedelta(days=2)),
        meetings=(MeetingFact(now - timedelta(days=1), True, True),),
    )


@pytest.mark.parametrize(
    ("f", "now", "health"),
    [
        (healthy(day(13)), day(13), Health.TOO_EARLY),
        (healthy(day(14)), day(14), Health.ON_TRACK),
        # A watch signal in the first two weeks is still too early to tell…
        (
            facts(Event("meeting_booked", MENTEE, day(1)), mentee_actions_overdue=1),
            day(13),
            Health.TOO_EARLY,
        ),
        # …and from the fourteenth day it needs attention.
        (
            facts(Event("meeting_booked", MENTEE, day(1)), mentee_actions_overdue=1),
            day(14),
            Health.NEEDS_ATTENTION,
        ),
        # A risk is a risk from the first day.
        (facts(mentee_actions_overdue=3), day(1), Health.AT_RISK),
    ],
)
def test_health_from_the_signals(f: Facts, now: datetime, health: Health) -> None:
    assert sig.assess(f, now, SETTINGS).health is health


def test_signals_come_worst_first_then_in_the_rules_order() -> None:
    f = facts(
        mentee_actions_overdue=3,  # risk
        checkins=(CheckIn(MENTEE, 1, day(20)),),  # risk
        meetings=(MeetingFact(day(1), True, True),),
    )
    # Day 31: quiet and without a meeting for 30 days (watch both).
    assessment = sig.assess(f, day(31), SETTINGS)
    assert [(s.kind, s.severity) for s in assessment.signals] == [
        (Kind.ACTIONS_OVERDUE, Severity.RISK),
        (Kind.LOW_CHECKIN, Severity.RISK),
        (Kind.MENTEE_SILENT, Severity.WATCH),
        (Kind.NO_MEETING, Severity.WATCH),
    ]
    assert assessment.health is Health.AT_RISK
    assert assessment.worst(Kind.NO_AGENDA) is None
    assert sig.summary(assessment.signals) == "; ".join(s.evidence for s in assessment.signals)
    assert sig.summary(()) == ""


def test_every_rule_is_assessed() -> None:
    assert {rule.__name__ for rule in sig.RULES} == {k.value for k in Kind}


def test_only_the_two_absence_signals_alert_at_once() -> None:
    assert {Kind.MENTOR_CHASING, Kind.MENTEE_SILENT} == sig.ALERTING


@pytest.mark.parametrize(
    ("health", "label"),
    [
        (Health.TOO_EARLY, "Too early to tell"),
        (Health.ON_TRACK, "On track"),
        (Health.NEEDS_ATTENTION, "Needs attention"),
        (Health.AT_RISK, "At risk"),
    ],
)
def test_health_labels(health: Health, label: str) -> None:
    assert health.label == label


def test_a_signal_keeps_its_instant_through_json_in_any_zone() -> None:
    since = datetime(2026, 3, 30, 1, 0, tzinfo=timezone(timedelta(hours=-7)))
    s = sig.Signal(Kind.NO_AGENDA, Severity.WATCH, "2 of the last 3 meetings had no agenda", since)
    raw = s.to_json()
    assert raw == {
        "kind": "no_agenda",
        "severity": 1,
        "evidence": "2 of the last 3 meetings had no agenda",
        "since": "2026-03-30T01:00:00-07:00",
    }
    back = sig.Signal.from_json(raw)
    assert back == s and back.since == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
