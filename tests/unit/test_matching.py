"""The matching engine: scores, hard constraints, the optimal assignment, boards, reasons."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import baselines
from bench.matching import Instance, cohort, ties
from bot.matching import engine as matching
from bot.matching.engine import Person, Rules, Weights
from infra.hours import WorkingHours

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
    first_come = baselines.greedy([bo, cy], [ada, eve], RULES)
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
    best = baselines.exact(mentees, mentors, RULES)
    total = sum(p.score + matching.PAIR_BONUS for p in fast.pairs)
    optimum = sum(p.score + matching.PAIR_BONUS for p in best.pairs)
    assert total == pytest.approx(optimum, rel=1e-3)
    bound = baselines.upper_bound(mentees, mentors, RULES, np.array(fast.prices))
    assert optimum <= bound + 0.01 * len(mentees)
    assert bound == pytest.approx(optimum, rel=1e-3)
    loose = baselines.upper_bound(mentees, mentors, RULES, np.zeros(len(mentors)))
    assert loose >= bound


def test_working_hours_matter_not_just_zones() -> None:
    early = mentee(1, hours=WorkingHours(time(6), time(10)))
    late = mentor(1, hours=WorkingHours(time(13), time(20)))
    assert not matching.feasible(early, late, RULES)


# --- Optimal on every instance, against SciPy -------------------------------------------------


def engine_total(instance: Instance, proposal: matching.Proposal) -> float:
    return instance.total((p.mentee, p.mentor) for p in proposal.pairs)


def assert_optimal(instance: Instance, proposal: matching.Proposal) -> None:
    """The engine's total equals SciPy's optimum over the same scores, up to the flow's cost
    unit (hundredths of a point, so at most half a hundredth per pair)."""
    total, optimum = engine_total(instance, proposal), instance.optimum()
    assert total == pytest.approx(optimum, abs=0.005 * max(1, len(proposal.pairs)) + 1e-6)


def assert_reasons_are_true(instance: Instance, proposal: matching.Proposal) -> None:
    """Nobody is told every mentor is fully booked while an allowed mentor (not already on
    their board) has a free place; a board left short with one says it is a department
    the board already has."""
    row = {p.key: i for i, p in enumerate(instance.mentees)}
    col = {p.key: j for j, p in enumerate(instance.mentors)}
    left = np.array([m.capacity for m in instance.mentors])
    board: dict[int, set[int]] = {}
    for p in proposal.pairs:
        left[col[p.mentor]] -= 1
        board.setdefault(row[p.mentee], set()).add(col[p.mentor])
    for u in proposal.unmatched:
        i = row[u.mentee]
        mine = board.get(i, set())
        free = [
            j
            for j in range(len(instance.mentors))
            if instance.value[i, j] > 0 and left[j] > 0 and j not in mine
        ]
        if "fully booked" in u.reason:
            assert free == [], (u, free)
        if free:
            assert "department already on your board" in u.reason, u
            taken = {matching.norm(instance.mentors[j].department) for j in mine}
            assert all(matching.norm(instance.mentors[j].department) in taken for j in free)


@pytest.mark.parametrize(
    ("people", "board"),
    [(lambda: cohort(1000), 1), (lambda: ties(800), 1), (lambda: ties(800), 2)],
    ids=["cohort", "ties", "ties-board"],
)
def test_alike_mentees_get_the_optimum_and_true_reasons(
    people: Callable[[], tuple[list[Person], list[Person]]], board: int
) -> None:
    # 250 or 200 mentors: more than a mentee's pruned candidates, so the first flow leaves
    # most mentors without a usable arc and only the pricing rounds can fill them.
    mentees, mentors = people()
    rules = Rules(mentors_per_mentee=board, reference_date=date(2026, 3, 2))
    instance = Instance.of(mentees, mentors, rules)
    proposal = matching.propose(mentees, mentors, rules)
    assert_optimal(instance, proposal)
    assert_reasons_are_true(instance, proposal)


def test_rescoring_each_pricing_pass_finds_the_same_optimum() -> None:
    mentees, mentors = cohort(400)
    kept = matching.propose(mentees, mentors, RULES)
    rescored = matching.propose(mentees, mentors, RULES, cache_pairs=0)
    assert rescored == kept
    assert_optimal(Instance.of(mentees, mentors, RULES), rescored)


@st.composite
def programs(draw: st.DrawFn) -> tuple[list[Person], list[Person], Rules, int | None]:
    """Small programs, many alike: a few kinds of person, capacity 1–5, boards of 1–3,
    sometimes no shared-skill rule (scores of 0) and pruning down to one candidate."""
    kinds = st.tuples(
        st.frozensets(st.sampled_from(SKILLS), min_size=1, max_size=2),
        st.sampled_from(["Sales", "Data", "Finance"]),
        st.integers(1, 6),
        st.sampled_from(ZONES[:2]),
    )
    mentee_kinds = draw(st.lists(kinds, min_size=1, max_size=3))
    mentor_kinds = draw(st.lists(kinds, min_size=1, max_size=3))
    n, m = draw(st.integers(1, 14)), draw(st.integers(1, 8))
    mentees = []
    for i in range(n):
        skills, dept, level, tz = draw(st.sampled_from(mentee_kinds))
        mentees.append(mentee(i, skills=skills, department=dept, seniority=level, tz=tz))
    mentors = []
    for j in range(m):
        skills, dept, level, tz = draw(st.sampled_from(mentor_kinds))
        mentors.append(
            mentor(
                j,
                skills=skills,
                department=dept,
                seniority=level,
                tz=tz,
                capacity=draw(st.integers(1, 5)),
            )
        )
    rules = Rules(
        weights=draw(st.sampled_from([Weights(), Weights(skills=0, role=0, seniority=0)])),
        mentors_per_mentee=draw(st.integers(1, 3)),
        require_shared_skill=draw(st.booleans()),
        reference_date=date(2026, 3, 2),
    )
    return mentees, mentors, rules, draw(st.sampled_from([1, 2, None]))


@settings(max_examples=150, deadline=None)
@given(programs())
def test_every_program_gets_the_optimum_and_true_reasons(
    program: tuple[list[Person], list[Person], Rules, int | None],
) -> None:
    mentees, mentors, rules, candidates = program
    instance = Instance.of(mentees, mentors, rules)
    proposal = matching.propose(mentees, mentors, rules, candidates_per_mentee=candidates)
    assert_optimal(instance, proposal)
    assert_reasons_are_true(instance, proposal)
    assert {p.mentee for p in proposal.pairs} | {u.mentee for u in proposal.unmatched} == {
        m.key for m in mentees
    }


def test_a_board_left_short_says_the_free_mentors_are_from_its_department() -> None:
    # Only skills count, and Bo wants eleven: Cal shares one of them, a 9-point pair, less
    # than the 10 points a second Engineering mentor on Bo's board costs.
    rules = Rules(
        weights=Weights(skills=1, role=0, seniority=0, department=0, timezone=0),
        mentors_per_mentee=2,
        reference_date=date(2026, 3, 2),
    )
    wants = frozenset({"SQL", *(f"skill {n}" for n in range(10))})
    bo = mentee(1, skills=wants)
    ada = mentor(1, skills=wants, department="Engineering")
    cal = mentor(2, skills=frozenset({"SQL"}), department="Engineering", capacity=3)
    proposal = matching.propose([bo], [ada, cal], rules)
    assert [(p.mentee, p.mentor) for p in proposal.pairs] == [(1, 1)]
    [short] = proposal.unmatched
    assert short.reason == (
        "found 1 of 2 mentors: the mentors who share your skills and still have a free "
        "place are from a department already on your board"
    )
    assert_optimal(Instance.of([bo], [ada, cal], rules), proposal)


def test_a_locked_pair_scores_and_reads_as_it_did_when_proposed() -> None:
    # Mia's goals name Budgeting, which only Ann offers: in the pool Mia wants two skills,
    # so Omar shares 1 of 2, and the locked pair must say and score exactly that.
    mia = mentee(1, skills=frozenset({"SQL"}), goals="Get better at budgeting")
    omar = mentor(1, skills=frozenset({"SQL"}))
    ann = mentor(2, skills=frozenset({"Budgeting"}), department="Finance")
    free = matching.propose([mia], [omar, ann], RULES, forbidden=[(1, 2)])
    locked = matching.propose([mia], [omar, ann], RULES, locked=[(1, 1)])
    assert free.pairs == locked.pairs
    [pair] = locked.pairs
    assert pair.reasons[0] == "shares 1 of 2 skills (SQL)"
