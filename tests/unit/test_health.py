"""Relationship health, its pure parts: a program's settings, the health its facts assess to
under them, and the alert episodes an assessment opens, raises and closes
(:func:`bot.signals.episodes.plan`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.signals import episodes
from bot.signals import rules as sig
from bot.signals.episodes import Open, Step
from bot.signals.facts import settings_of
from bot.signals.rules import Event, Facts, Health, Kind, MeetingFact, Severity
from storage.enums import ActorRole, Cadence
from storage.models import Program

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CHASING, SILENT = Kind.MENTOR_CHASING.value, Kind.MENTEE_SILENT.value


def day(n: int) -> datetime:
    return T0 + timedelta(days=n)


def program(cadence: Cadence = Cadence.FORTNIGHTLY, **settings: Any) -> Program:
    return Program(name="Pilot", cadence=cadence, settings=settings)


# --- The program's settings -------------------------------------------------------------------


@pytest.mark.parametrize(("cadence", "days"), [("weekly", 7), ("fortnightly", 14), ("monthly", 30)])
def test_the_cadence_sets_the_signals_rhythm(cadence: str, days: int) -> None:
    assert settings_of(program(Cadence(cadence))).cadence_days == days


@pytest.mark.parametrize(
    ("raw", "window"),
    [({}, 60), ({"signal_window_days": 30}, 30), ({"signal_window_days": 0}, 60)]
    + [({"signal_window_days": v}, 60) for v in (-5, "30", 30.5, None)],
)
def test_the_signal_window_is_a_positive_whole_number_of_days_or_sixty(
    raw: dict[str, Any], window: int
) -> None:
    assert settings_of(program(**raw)).window_days == window


def test_a_program_with_no_settings_gets_the_default_window() -> None:
    bare = Program(name="Pilot", cadence=Cadence.WEEKLY, settings=None)
    assert settings_of(bare) == sig.Settings(cadence_days=7, window_days=60)


# --- The health a program's facts assess to ---------------------------------------------------


def quiet_pair() -> Facts:
    """Accepted 100 days before ``day(100)``, agreement signed and met; the mentee last
    booked 35 days ago and they last met (with an agenda) 30 days ago."""
    return Facts(
        accepted_at=day(0),
        agreement_signed_at=day(3),
        first_meeting_at=day(7),
        events=[Event("meeting_booked", ActorRole.MENTEE, day(65))],
        meetings=[MeetingFact(starts_at=day(70), held=True, had_agenda=True)],
    )


@pytest.mark.parametrize(
    ("cadence", "health", "silent"),
    [
        (Cadence.WEEKLY, Health.AT_RISK, Severity.RISK),  # 35 days ≥ 3 × 7
        (Cadence.FORTNIGHTLY, Health.NEEDS_ATTENTION, Severity.WATCH),  # 2 × 14 ≤ 35 < 3 × 14
        (Cadence.MONTHLY, Health.ON_TRACK, None),  # 35 < 2 × 30
    ],
)
def test_the_same_quiet_pair_is_judged_by_its_programs_cadence(
    cadence: Cadence, health: Health, silent: Severity | None
) -> None:
    assessment = sig.assess(quiet_pair(), day(100), settings_of(program(cadence)))
    assert assessment.health is health
    found = assessment.worst(Kind.MENTEE_SILENT)
    assert (found.severity if found else None) == silent


def test_a_pair_that_never_starts_goes_from_too_early_to_at_risk_on_its_rhythm() -> None:
    new = Facts(accepted_at=day(0), agreement_signed_at=None, first_meeting_at=None)
    weekly = settings_of(program(Cadence.WEEKLY))
    assert sig.assess(new, day(13), weekly).health is Health.TOO_EARLY
    assert sig.assess(new, day(14), weekly).health is Health.NEEDS_ATTENTION  # 14 ≥ 2 × 7
    assert sig.assess(new, day(21), weekly).health is Health.AT_RISK  # 21 ≥ 3 × 7
    monthly = settings_of(program(Cadence.MONTHLY))
    assert sig.assess(new, day(21), monthly).health is Health.NEEDS_ATTENTION  # stalled only


# --- Alert episodes ---------------------------------------------------------------------------


def signal(kind: Kind, severity: Severity, evidence: str = "evidence") -> sig.Signal:
    return sig.Signal(kind, severity, evidence, day(1))


def assessed(*signals: sig.Signal) -> sig.Assessment:
    """An assessment with these signals (the plan reads only its signals)."""
    return sig.Assessment(Health.NEEDS_ATTENTION if signals else Health.ON_TRACK, signals)


def test_nothing_holds_and_nothing_is_open_so_nothing_happens() -> None:
    assert episodes.plan(assessed(), {}) == []


def test_a_signal_that_needs_attention_opens_an_episode_without_alerting() -> None:
    watch = signal(Kind.MENTEE_SILENT, Severity.WATCH)
    assert episodes.plan(assessed(watch), {}) == [
        Step(Kind.MENTEE_SILENT, watch, opens=True, severity=1, alert=False)
    ]


def test_a_signal_that_starts_at_risk_opens_and_alerts_at_once() -> None:
    risk = signal(Kind.MENTOR_CHASING, Severity.RISK)
    assert episodes.plan(assessed(risk), {}) == [
        Step(Kind.MENTOR_CHASING, risk, opens=True, severity=2, alert=True)
    ]


def test_an_open_episode_that_reaches_risk_alerts_once() -> None:
    risk = signal(Kind.MENTEE_SILENT, Severity.RISK)
    [escalated] = episodes.plan(assessed(risk), {SILENT: Open(severity=1, raised=False)})
    assert (escalated.opens, escalated.severity, escalated.alert) == (False, 2, True)
    [again] = episodes.plan(assessed(risk), {SILENT: Open(severity=2, raised=True)})
    assert (again.opens, again.severity, again.alert) == (False, 2, False)


def test_an_episode_keeps_the_worst_severity_it_reached_and_the_latest_evidence() -> None:
    calmer = signal(Kind.MENTEE_SILENT, Severity.WATCH, "30 days since the mentee last")
    [step] = episodes.plan(assessed(calmer), {SILENT: Open(severity=2, raised=True)})
    assert step.severity == 2 and not step.alert
    assert step.signal is calmer


def test_a_cleared_signal_closes_its_open_episode() -> None:
    [closing] = episodes.plan(assessed(), {CHASING: Open(severity=2, raised=True)})
    assert closing.kind is Kind.MENTOR_CHASING and closing.signal is None
    assert not closing.opens and not closing.alert


def test_signals_that_never_alert_open_no_episode() -> None:
    others = [signal(k, Severity.RISK) for k in Kind if k not in sig.ALERTING]
    assert others and episodes.plan(assessed(*others), {}) == []
    # An episode under another name (none should exist) is not the rule's business either.
    assert episodes.plan(assessed(), {"no_meeting": Open(2, raised=True)}) == []


def test_both_alerting_signals_in_a_fixed_order() -> None:
    silent = signal(Kind.MENTEE_SILENT, Severity.WATCH)
    chasing = signal(Kind.MENTOR_CHASING, Severity.RISK)
    forward = episodes.plan(assessed(silent, chasing), {})
    backward = episodes.plan(assessed(chasing, silent), {})
    assert forward == backward
    assert [s.kind for s in forward] == sorted(sig.ALERTING)


def test_a_signal_that_returns_after_clearing_is_a_new_episode_and_alerts_again() -> None:
    """Fold the plan over a pair's evaluations, as the stored alerts would follow it."""
    watch = assessed(signal(Kind.MENTEE_SILENT, Severity.WATCH))
    risk = assessed(signal(Kind.MENTEE_SILENT, Severity.RISK))
    story = [watch, risk, risk, assessed(), risk]
    state: dict[str, Open] = {}
    alerts, opened, closed = [], 0, 0
    for assessment in story:
        for step in episodes.plan(assessment, state):
            if step.signal is None:
                del state[step.kind.value]
                closed += 1
                continue
            opened += step.opens
            was = state.get(step.kind.value)
            state[step.kind.value] = Open(
                step.severity, (was.raised if was else False) or step.alert
            )
            alerts.append(step.alert)
    assert (opened, closed) == (2, 1)
    assert alerts == [False, True, False, True]
