"""The engagement signals, as pure functions: positives with their evidence, and the
negatives that matter most (a mentee-led pair never looks like a chasing mentor)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
