"""The matching engine: scores, hard constraints, the optimal assignment, boards, reasons."""

from __future__ import annotations

import itertools
from datetime import date, time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import matching
from bot.hours import WorkingHours
from bot.matching import Person, Rules, Weights

RULES = Rules(reference_date=date(2026, 3, 2))


def mentee(key: int, **kw: object) -> Person:
    base: dict[str, object] = {
        "key": key,
        "user": f"UE{key}",
        "skills": frozenset({"SQL"}),
        "department": "Sales",
        "seniority": 2,
        "tz": "Europe/London",
    }
    return Person(**{**base, **kw})  # type: ignore[arg-type]


def mentor(key: int, **kw: object) -> Person:
    base: dict[str, object] = {
        "key": key,
        "user": f"UM{key}",
        "skills": frozenset({"SQL"}),
        "department": "Engineering",
        "seniority": 4,
        "tz": "Europe/London",
        "capacity": 1,
    }
    return Person(**{**base, **kw})  # type: ignore[arg-type]


# --- Weights -------------------------------------------------------------------------------


def test_weights_read_tolerantly_and_round_trip() -> None:
    assert Weights.from_settings(None) == Weights()
    w = Weights.from_settings({"skills": "7", "role": -1, "timezone": "lots"})
    assert w.skills == 7 and w.role == Weights().role and w.timezone == Weights().timezone
    assert Weights.from_settings(w.to_settings()) == w


# --- Scores and reasons --------------------------------------------------------------------


def test_each_part_of_the_score_counts() -> None:
    base = mentor(1)
    assert matching.score(mentee(1), base, RULES) > matching.score(
        mentee(1), mentor(1, skills=frozenset({"Budgeting"})), RULES
    )
    wants_em = mentee(1, target_role="Engineering manager")
    assert matching.score(
        wants_em, mentor(1, current_role="Senior engineering manager"), RULES
    ) > matching.score(wants_em, mentor(1, current_role="Accountant"), RULES)
    assert matching.score(mentee(1), base, RULES) > matching.score(
        mentee(1), mentor(1, seniority=2), RULES
    )
    assert matching.score(mentee(1), base, RULES) > matching.score(
        mentee(1), mentor(1, department="Sales"), RULES
    )
    same = mentee(1, department_preference="same")
    assert matching.score(same, mentor(1, department="Sales"), RULES) > matching.score(
        same, base, RULES
    )
    assert matching.score(mentee(1), base, RULES) > matching.score(
        mentee(1), mentor(1, tz="America/New_York"), RULES
    )


def test_weights_change_what_wins() -> None:
    near_no_skill = mentor(1, skills=frozenset({"SQL", "Budgeting"}), tz="Europe/London")
    far_all_skills = mentor(2, skills=frozenset({"SQL", "Budgeting"}), tz="America/New_York")
    wants = mentee(1, skills=frozenset({"SQL", "Budgeting"}))
    tz_heavy = Rules(weights=Weights(skills=0, role=0, seniority=0, department=0, timezone=1))
    assert matching.score(wants, near_no_skill, tz_heavy) > matching.score(
        wants, far_all_skills, tz_heavy
    )


def test_reasons_read_as_plain_words() -> None:
    wants = mentee(
        1,
        skills=frozenset({"SQL", "public speaking", "budgeting", "Go"}),
        target_role="Engineering manager",
    )
    offers = mentor(
        1,
        skills=frozenset({"sql", "Public Speaking", "Budgeting", "Python"}),
        tz="Europe/Paris",
        current_role="Engineering manager",
    )
    reasons = matching.explain(wants, offers, RULES)
    assert reasons[0] == "shares 3 of 4 skills (budgeting, public speaking, SQL)"
    assert "works as Engineering manager, close to your target role" in reasons
    assert "different department" in reasons and "2 levels more senior" in reasons
    assert "1 h apart, 7 h of shared working time" in reasons


def test_skills_named_in_goals_count() -> None:
    wants = mentee(1, skills=frozenset(), goals="I want to get better at public speaking.")
    reasons = matching.explain(wants, mentor(1, skills=frozenset({"Public speaking"})), RULES)
    assert reasons[0].startswith("shares 1 of 1 skill")


def test_time_zones_follow_daylight_saving_and_half_hours() -> None:
    london, new_york = mentee(1), mentor(1, tz="America/New_York")
    # The US moves its clocks on 8 March 2026, the UK on 29 March.
    before = Rules(reference_date=date(2026, 3, 2))
    between = Rules(reference_date=date(2026, 3, 16))
    assert "5 h apart, 3 h of shared working time" in matching.explain(london, new_york, before)
    assert "4 h apart, 4 h of shared working time" in matching.explain(london, new_york, between)
    kolkata = mentor(1, tz="Asia/Kolkata")
    assert "5½ h apart, 2½ h of shared working time" in matching.explain(london, kolkata, before)


# --- Hard constraints ----------------------------------------------------------------------


def test_hard_constraints() -> None:
    me = mentee(1, manager="UM1")
    assert not matching.feasible(me, mentor(1), RULES)  # their own manager
    assert not matching.feasible(mentee(1), mentor(1, manager="UE1"), RULES)  # they manage them
    assert not matching.feasible(mentee(1), mentor(1, user="UE1"), RULES)  # themselves
    assert not matching.feasible(mentee(1), mentor(1), RULES, previous=[("UE1", "UM1")])
    assert not matching.feasible(mentee(1), mentor(1, tz="Pacific/Auckland"), RULES)
    assert not matching.feasible(mentee(1), mentor(1, skills=frozenset({"Go"})), RULES)
    assert matching.feasible(mentee(1), mentor(1), RULES)
    anything = Rules(min_overlap_hours=0, require_shared_skill=False)
    assert matching.feasible(mentee(1), mentor(1, tz="Pacific/Auckland"), anything)


def test_capacity_is_never_exceeded_and_nobody_is_forced() -> None:
    mentees = [mentee(i) for i in range(5)]
    mentors = [mentor(1, capacity=2), mentor(2, capacity=1)]
    proposal = matching.propose(mentees, mentors, RULES)
    loads = [sum(p.mentor == m.key for p in proposal.pairs) for m in mentors]
    assert loads == [2, 1]
    assert len(proposal.unmatched) == 2
    assert all(
        u.reason == "every mentor who shares your skills is fully booked"
        for u in proposal.unmatched
    )


# --- The assignment ------------------------------------------------------------------------


def test_the_whole_program_beats_first_come_first_served() -> None:
    # Ada is the best match for both; greedy gives her to Bo and leaves Cy with nobody good.
    ada = mentor(1, skills=frozenset({"SQL", "Budgeting"}))
    eve = mentor(2, skills=frozenset({"Budgeting"}), department="Sales")
    bo = mentee(1, skills=frozenset({"SQL", "Budgeting"}))
    cy = mentee(2, skills=frozenset({"SQL"}))
    best = matching.propose([bo, cy], [ada, eve], RULES)
    first_come = matching.greedy([bo, cy], [ada, eve], RULES)
    assert {(p.mentee, p.mentor) for p in best.pairs} == {(1, 2), (2, 1)}
    assert len(first_come.pairs) == 1
    assert best.total_score > first_come.total_score


def brute_force(mentees: list[Person], mentors: list[Person], rules: Rules) -> float:
    best = 0.0
    options = [None, *range(len(mentors))]
    for choice in itertools.product(options, repeat=len(mentees)):
        load = [0] * len(mentors)
        total = 0.0
        for i, j in enumerate(choice):
            if j is None:
                continue
            if not matching.feasible(mentees[i], mentors[j], rules):
                break
            load[j] += 1
            total += matching.score(mentees[i], mentors[j], rules) + matching.PAIR_BONUS
        else:
            if all(load[j] <= mentors[j].capacity for j in range(len(mentors))):
                best = max(best, total)
    return best


SKILLS = ["SQL", "Budgeting", "Go", "Design"]
ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "Asia/Tokyo"]


@st.composite
def people(draw: st.DrawFn) -> tuple[list[Person], list[Person]]:
    def one(key: int, prefix: str, capacity: int) -> Person:
        return Person(
            key=key,
            user=f"{prefix}{key}",
            skills=frozenset(draw(st.sets(st.sampled_from(SKILLS), min_size=1, max_size=3))),
            department=draw(st.sampled_from(["Sales", "Data", ""])),
            seniority=draw(st.integers(1, 6)),
            tz=draw(st.sampled_from(ZONES)),
            manager=draw(st.sampled_from([None, "UM0", "UE1"])),
            department_preference=draw(st.sampled_from(["different", "same", "any"])),
            capacity=capacity,
        )

    n = draw(st.integers(1, 4))
    m = draw(st.integers(1, 3))
    return (
        [one(i, "UE", 0) for i in range(n)],
        [one(j, "UM", draw(st.integers(0, 2))) for j in range(m)],
    )


@settings(max_examples=60, deadline=None)
@given(people())
def test_proposals_are_optimal_and_break_no_hard_constraint(
    pool: tuple[list[Person], list[Person]],
) -> None:
    mentees, mentors = pool
    proposal = matching.propose(mentees, mentors, RULES, candidates_per_mentee=1)
    by_key = {m.key: m for m in mentors}
    mentee_by_key = {m.key: m for m in mentees}
    for p in proposal.pairs:
        assert matching.feasible(mentee_by_key[p.mentee], by_key[p.mentor], RULES)
    for m in mentors:
        assert sum(p.mentor == m.key for p in proposal.pairs) <= m.capacity
    paired = {p.mentee for p in proposal.pairs}
    assert paired.isdisjoint(u.mentee for u in proposal.unmatched)
    assert paired | {u.mentee for u in proposal.unmatched} == set(mentee_by_key)
    optimum = brute_force(mentees, mentors, RULES)
    total = sum(p.score + matching.PAIR_BONUS for p in proposal.pairs)
    assert total == pytest.approx(optimum, abs=0.01 * len(mentees))


def test_a_board_of_mentors_is_different_people_from_different_departments() -> None:
    rules = Rules(mentors_per_mentee=2, reference_date=date(2026, 3, 2))
    mentors = [
        mentor(1, department="Engineering", capacity=3),
        mentor(2, department="Engineering", capacity=3),
        mentor(3, department="Finance", seniority=3, capacity=3),
    ]
    proposal = matching.propose([mentee(1)], mentors, rules)
    chosen = sorted(p.mentor for p in proposal.pairs)
    assert len(chosen) == 2 and chosen[1] == 3  # one engineer, plus the finance mentor
    short = matching.propose([mentee(1)], [mentor(1, capacity=3)], rules)
    assert len(short.pairs) == 1
    assert short.unmatched[0].reason.startswith("found 1 of 2 mentors")


def test_locked_pairs_stay_and_dropped_pairs_never_return() -> None:
    mentees = [mentee(1), mentee(2, skills=frozenset({"SQL", "Budgeting"}))]
    mentors = [mentor(1, skills=frozenset({"SQL", "Budgeting"})), mentor(2)]
    free = matching.propose(mentees, mentors, RULES)
    assert (2, 1) in {(p.mentee, p.mentor) for p in free.pairs}
    locked = matching.propose(mentees, mentors, RULES, locked=[(1, 1)])
    assert {(p.mentee, p.mentor) for p in locked.pairs} == {(1, 1), (2, 2)}
    dropped = matching.propose(mentees, mentors, RULES, forbidden=[(2, 1)])
    assert (2, 1) not in {(p.mentee, p.mentor) for p in dropped.pairs}


def test_everyone_left_out_is_told_why() -> None:
    mentees = [
        mentee(1, skills=frozenset({"Pottery"})),
        mentee(2, tz="Pacific/Auckland"),
        mentee(3),
        mentee(4),
    ]
    proposal = matching.propose(mentees, [mentor(1)], RULES)
    reasons = {u.mentee: u for u in proposal.unmatched}
    assert reasons[1].reason == "no mentor with a free place offers Pottery yet"
    assert reasons[1].missing == ("Pottery",)
    assert reasons[2].reason == "no mentor with capacity in your time-zone range offers SQL"
    assert "fully booked" in next(u.reason for k, u in reasons.items() if k in (3, 4))
    empty = matching.propose([mentee(1)], [], RULES)
    assert empty.unmatched[0].reason == "no mentor in the program has a free place yet"


def test_top_mentors_for_self_serve() -> None:
    mentors = [
        mentor(1, skills=frozenset({"SQL", "Go"})),
        mentor(2, capacity=0),
        mentor(3, tz="America/New_York"),
        mentor(4, skills=frozenset({"Go"})),
        mentor(5),
    ]
    top = matching.top_mentors(mentee(1), mentors, RULES, n=3)
    assert next(p.mentor for p in top) in (1, 5)
    assert {p.mentor for p in top} == {1, 3, 5}  # not full (2), not without SQL (4)
    assert all(p.reasons for p in top)


def test_pruned_candidates_keep_the_optimum_and_the_bound_certifies_it() -> None:
    rng = np.random.default_rng(3)
    skills = [f"s{i}" for i in range(12)]
    zones = ["Europe/London", "America/New_York", "Asia/Kolkata"]

    def pick(n: int) -> frozenset[str]:
        return frozenset(rng.choice(skills, size=n, replace=False).tolist())

    mentees = [
        mentee(i, skills=pick(2), tz=str(rng.choice(zones)), seniority=int(rng.integers(1, 4)))
        for i in range(120)
    ]
    mentors = [
        mentor(
            j,
            skills=pick(4),
            tz=str(rng.choice(zones)),
            seniority=int(rng.integers(3, 8)),
            capacity=int(rng.integers(1, 4)),
        )
        for j in range(30)
    ]
    fast = matching.propose(mentees, mentors, RULES, candidates_per_mentee=5, prices=True)
    best = matching.exact(mentees, mentors, RULES)
    total = sum(p.score + matching.PAIR_BONUS for p in fast.pairs)
    optimum = sum(p.score + matching.PAIR_BONUS for p in best.pairs)
    assert total == pytest.approx(optimum, rel=1e-3)
    bound = matching.upper_bound(mentees, mentors, RULES, np.array(fast.prices))
    assert optimum <= bound + 0.01 * len(mentees)
    assert bound == pytest.approx(optimum, rel=1e-3)
    loose = matching.upper_bound(mentees, mentors, RULES, np.zeros(len(mentors)))
    assert loose >= bound


def test_working_hours_matter_not_just_zones() -> None:
    early = mentee(1, hours=WorkingHours(time(6), time(10)))
    late = mentor(1, hours=WorkingHours(time(13), time(20)))
    assert not matching.feasible(early, late, RULES)
