"""How good and how fast the matching engine is, against an optimum it did not compute.

Scenarios, each in a fresh process so its peak memory is its own:

- **varied** programs of 200, 2,000 and 10,000 mentees: synthetic but realistic, a quarter as
  many mentors as mentees, each with capacity 1 to 5; skills drawn from departmental clusters
  with a long tail of popularity; offices in eight time zones; levels 1–8, mentors more senior
  on the whole; a few mentees whose manager is also a mentor.
- a **cohort**: one office's graduate intake of 4,000 or 10,000 mentees who look alike to the
  scorer, and a quarter as many mentors from the offices whose hours meet theirs.
- **ties**: mentees and mentors of three kinds each, everyone of a kind identical to the
  scorer, so most scores tie exactly.
- **boards** of two or three mentors per mentee (varied 200 and a cohort of 800).

For each it prints wall time and peak memory of ``propose``, its total (score + pair bonus,
less board department penalties, from the unrounded scores), the optimum found by SciPy over
the same scores (``linear_sum_assignment`` over mentor places; a MILP for boards) and the
gap, and the greedy first-come-first-served baseline. Targets: within 0.1 % of the optimum
on every scenario; at most 10 s and 2 GB for 10,000 mentees on a 2-core machine.

    python -m bench.matching [--scenarios varied-200,cohort-4000,board2-ties-800,...]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from datetime import time as clock_time

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp

from bench import baselines
from bot.matching import engine as matching
from bot.matching.engine import Person, Rules
from bot.matching.solving import BOARD_SAME_DEPARTMENT_PENALTY
from infra.hours import WorkingHours

TARGET_SECONDS = 10.0
TARGET_GB = 2.0
TARGET_GAP = 0.001
DEPARTMENTS = [
    "Engineering",
    "Data",
    "Product",
    "Design",
    "Sales",
    "Marketing",
    "Finance",
    "People",
    "Legal",
    "Operations",
    "Support",
    "Security",
]
OFFICES = [  # (tz, share of staff)
    ("Europe/London", 0.22),
    ("America/New_York", 0.2),
    ("America/Los_Angeles", 0.12),
    ("Europe/Berlin", 0.14),
    ("Asia/Kolkata", 0.12),
    ("Asia/Singapore", 0.08),
    ("Australia/Sydney", 0.06),
    ("America/Sao_Paulo", 0.06),
]
ROLES = [
    "Software engineer",
    "Engineering manager",
    "Data scientist",
    "Product manager",
    "Product designer",
    "Account executive",
    "Sales manager",
    "Marketing manager",
    "Financial analyst",
    "Finance manager",
    "People partner",
    "Operations manager",
    "Security engineer",
    "Support lead",
]
GENERAL = [
    "public speaking",
    "leadership",
    "negotiation",
    "giving feedback",
    "time management",
    "stakeholder management",
    "career planning",
    "hiring",
    "writing",
    "coaching",
]


def skills_by_department() -> dict[str, list[str]]:
    """Ten specialist skills per department (e.g. "Data skill 3"), plus general skills."""
    return {d: [f"{d} skill {n}" for n in range(1, 11)] for d in DEPARTMENTS}


def pick_skills(rng: random.Random, department: str, count: int) -> frozenset[str]:
    own = skills_by_department()[department]
    chosen: set[str] = set()
    while len(chosen) < count:
        roll = rng.random()
        if roll < 0.55:  # popular specialist skills first (Zipf-like)
            chosen.add(own[min(int(rng.paretovariate(1.2)) - 1, len(own) - 1)])
        elif roll < 0.8:
            other = rng.choice(DEPARTMENTS)
            chosen.add(rng.choice(skills_by_department()[other]))
        else:
            chosen.add(GENERAL[min(int(rng.paretovariate(1.0)) - 1, len(GENERAL) - 1)])
    return frozenset(chosen)


def program(mentees: int, seed: int = 7) -> tuple[list[Person], list[Person]]:
    rng = random.Random(seed)
    zones, shares = zip(*OFFICES, strict=True)
    mentors_n = mentees // 4
    hour_choices = [WorkingHours(), WorkingHours(clock_time(8), clock_time(16))]
    people_mentees, people_mentors = [], []
    for i in range(mentors_n):
        dept = rng.choice(DEPARTMENTS)
        people_mentors.append(
            Person(
                key=100_000 + i,
                user=f"UM{i}",
                skills=pick_skills(rng, dept, rng.randint(3, 7)),
                department=dept,
                seniority=rng.randint(3, 8),
                tz=rng.choices(zones, shares)[0],
                hours=rng.choice(hour_choices),
                current_role=rng.choice(ROLES),
                capacity=rng.randint(1, 5),
            )
        )
    for i in range(mentees):
        dept = rng.choice(DEPARTMENTS)
        manager = f"UM{rng.randrange(mentors_n)}" if mentors_n and rng.random() < 0.05 else None
        people_mentees.append(
            Person(
                key=i,
                user=f"UE{i}",
                skills=pick_skills(rng, dept, rng.randint(1, 4)),
                department=dept,
                seniority=rng.randint(1, 5),
                tz=rng.choices(zones, shares)[0],
                hours=rng.choice(hour_choices),
                manager=manager,
                department_preference=rng.choice(["different"] * 3 + ["same", "any"]),
                target_role=rng.choice(ROLES),
                capacity=0,
            )
        )
    return people_mentees, people_mentors


def cohort(mentees: int, seed: int = 11) -> tuple[list[Person], list[Person]]:
    """One office's graduate intake: mentees in one office, department, level and target
    role, each wanting career planning, public speaking or both, so they look alike to the
    scorer. A quarter as many mentors (capacity 1 to 5) from the offices whose hours meet
    the graduates', each offering one of those two skills besides their own."""
    rng = random.Random(seed)
    zones = ["Europe/London", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]
    wanted = ["career planning", "public speaking"]
    people_mentors = []
    for i in range(mentees // 4):
        dept = rng.choice(DEPARTMENTS)
        people_mentors.append(
            Person(
                key=100_000 + i,
                user=f"UM{i}",
                skills=pick_skills(rng, dept, rng.randint(2, 5)) | {rng.choice(wanted)},
                department=dept,
                seniority=rng.randint(3, 8),
                tz=rng.choice(zones),
                current_role=rng.choice(ROLES),
                capacity=rng.randint(1, 5),
            )
        )
    people_mentees = [
        Person(
            key=i,
            user=f"UE{i}",
            skills=frozenset(rng.sample(wanted, rng.randint(1, 2))),
            department="Engineering",
            seniority=1,
            tz="Europe/London",
            target_role="Software engineer",
        )
        for i in range(mentees)
    ]
    return people_mentees, people_mentors


def ties(mentees: int, seed: int = 13) -> tuple[list[Person], list[Person]]:
    """Three kinds of mentee and three kinds of mentor (a quarter as many, capacity 1 to 5);
    everyone of a kind is identical to the scorer, so most scores tie exactly."""
    rng = random.Random(seed)
    mentee_kinds = [
        ({"SQL"}, "Sales", 1, "Europe/London"),
        ({"SQL", "Budgeting"}, "Finance", 2, "Europe/Berlin"),
        ({"Budgeting", "public speaking"}, "Sales", 2, "America/New_York"),
    ]
    mentor_kinds = [
        ({"SQL", "Budgeting"}, "Data", 4, "Europe/London"),
        ({"SQL", "public speaking"}, "Finance", 5, "America/New_York"),
        ({"Budgeting", "public speaking"}, "Sales", 3, "Europe/Berlin"),
    ]
    people_mentors = []
    for i in range(mentees // 4):
        skills, dept, level, tz = rng.choice(mentor_kinds)
        people_mentors.append(
            Person(
                key=100_000 + i,
                user=f"UM{i}",
                skills=frozenset(skills),
                department=dept,
                seniority=level,
                tz=tz,
                capacity=rng.randint(1, 5),
            )
        )
    people_mentees = []
    for i in range(mentees):
        skills, dept, level, tz = rng.choice(mentee_kinds)
        people_mentees.append(
            Person(
                key=i,
                user=f"UE{i}",
                skills=frozenset(skills),
                department=dept,
                seniority=level,
                tz=tz,
            )
        )
    return people_mentees, people_mentors


# --- The independent optimum ----------------------------------------------------------------


@dataclass(frozen=True)
class Instance:
    """A program as the independent solver sees it: the engine's scores (its definition of
    a good pair), nothing of its assignment."""

    mentees: Sequence[Person]
    mentors: Sequence[Person]
    rules: Rules
    value: NDArray[np.float64]  # score + PAIR_BONUS where allowed, 0 where not

    @classmethod
    def of(
        cls,
        mentees: Sequence[Person],
        mentors: Sequence[Person],
        rules: Rules,
        previous: Iterable[tuple[str, str]] = (),
    ) -> Instance:
        s = baselines.scores(mentees, mentors, rules, previous=previous).astype(np.float64)
        return cls(mentees, mentors, rules, np.where(s >= 0, s + matching.PAIR_BONUS, 0.0))

    def total(self, pairs: Iterable[tuple[int, int]]) -> float:
        """What the engine maximises for these (mentee key, mentor key) pairs: each pair's
        score plus the pair bonus, less the penalty for each further board mentor from a
        department the mentee already has. Fails on a pair that is not allowed, a mentor
        over capacity or a mentee over their board."""
        row = {p.key: i for i, p in enumerate(self.mentees)}
        col = {p.key: j for j, p in enumerate(self.mentors)}
        load = np.zeros(len(self.mentors), dtype=np.int64)
        board = np.zeros(len(self.mentees), dtype=np.int64)
        seen: set[tuple[int, str]] = set()
        total = 0.0
        for a, b in pairs:
            i, j = row[a], col[b]
            assert self.value[i, j] > 0, f"pair {a}–{b} is not allowed"
            load[j] += 1
            board[i] += 1
            total += float(self.value[i, j])
            dept = matching.norm(self.mentors[j].department)
            if (i, dept) in seen:
                total -= BOARD_SAME_DEPARTMENT_PENALTY
            seen.add((i, dept))
        assert (load <= [m.capacity for m in self.mentors]).all(), "a mentor over capacity"
        assert (board <= self.rules.mentors_per_mentee).all(), "a mentee over their board"
        return total

    def optimum(self) -> float:
        """The best total, by SciPy: an assignment of mentees to mentor places, or for
        boards a MILP with the department penalty."""
        if self.rules.mentors_per_mentee == 1:
            return self._assignment()
        return self._milp()

    def _assignment(self) -> float:
        capacity = np.array([max(0, m.capacity) for m in self.mentors], dtype=np.int64)
        places = self.value[:, np.repeat(np.arange(len(self.mentors)), capacity)]
        if places.size == 0:
            return 0.0
        # A place given to a pair that isn't allowed is worth 0: the same as leaving it empty.
        rows, cols = linear_sum_assignment(places, maximize=True)
        return float(places[rows, cols].sum())

    def _milp(self) -> float:
        n, m, k = len(self.mentees), len(self.mentors), self.rules.mentors_per_mentee
        pi, pj = np.nonzero(self.value > 0)
        if len(pi) == 0:
            return 0.0
        depts: dict[str, int] = {}
        dept = np.array(
            [depts.setdefault(matching.norm(p.department), len(depts)) for p in self.mentors]
        )
        groups, group_of_pair = np.unique(pi * len(depts) + dept[pj], return_inverse=True)
        x, g = len(pi), len(groups)
        pair_ids = np.arange(x)
        # Rows: each mentee's board, each mentor's capacity, each (mentee, department):
        # pairs from it, less the further mentors y it pays the penalty for, at most 1.
        a = sparse.vstack(
            [
                sparse.csr_array((np.ones(x), (pi, pair_ids)), shape=(n, x + g)),
                sparse.csr_array((np.ones(x), (pj, pair_ids)), shape=(m, x + g)),
                sparse.csr_array(
                    (
                        np.concatenate([np.ones(x), -np.ones(g)]),
                        (
                            np.concatenate([group_of_pair, np.arange(g)]),
                            np.concatenate([pair_ids, x + np.arange(g)]),
                        ),
                    ),
                    shape=(g, x + g),
                ),
            ]
        )
        upper = np.concatenate(
            [np.full(n, k), [max(0, p.capacity) for p in self.mentors], np.ones(g)]
        )
        cost = np.concatenate([-self.value[pi, pj], np.full(g, BOARD_SAME_DEPARTMENT_PENALTY)])
        result = milp(
            cost,
            integrality=np.ones(x + g),
            bounds=Bounds(np.zeros(x + g), np.concatenate([np.ones(x), np.full(g, k - 1)])),
            constraints=LinearConstraint(a, -np.inf, upper),
        )
        assert result.success, result.message
        return float(-result.fun)


# --- Scenarios ------------------------------------------------------------------------------


GENERATORS = {"varied": program, "cohort": cohort, "ties": ties}


@dataclass(frozen=True)
class Scenario:
    """A generator, its number of mentees and the board size, named like "varied-2000" or
    "board2-ties-800"."""

    kind: str
    size: int
    board: int = 1

    @classmethod
    def parse(cls, name: str) -> Scenario:
        board = 1
        if name.startswith("board"):
            prefix, name = name.split("-", 1)
            board = int(prefix.removeprefix("board"))
        kind, size = name.rsplit("-", 1)
        if kind not in GENERATORS or not 1 <= board <= 3:
            raise ValueError(f"unknown scenario {name!r}")
        return cls(kind, int(size), board)

    @property
    def name(self) -> str:
        return (f"board{self.board}-" if self.board > 1 else "") + f"{self.kind}-{self.size}"

    def people(self) -> tuple[list[Person], list[Person]]:
        return GENERATORS[self.kind](self.size)


SCENARIOS = [
    "varied-200",
    "varied-2000",
    "varied-10000",
    "cohort-4000",
    "cohort-10000",
    "ties-2000",
    "board2-varied-200",
    "board3-cohort-800",
    "board2-ties-800",
]


@dataclass
class Result:
    mentees: int
    mentors: int
    places: int
    seconds: float
    peak_gb: float
    pairs: int
    unmatched: int
    total: float
    greedy: float
    optimum: float
    optimum_seconds: float


def run_one(scenario: Scenario) -> Result:
    mentees, mentors = scenario.people()
    rules = Rules(mentors_per_mentee=scenario.board, reference_date=date(2026, 3, 2))
    started = time.perf_counter()
    proposal = matching.propose(mentees, mentors, rules)
    seconds = time.perf_counter() - started
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    greedy = baselines.greedy(mentees, mentors, rules)
    started = time.perf_counter()
    instance = Instance.of(mentees, mentors, rules)
    optimum = instance.optimum()
    return Result(
        mentees=len(mentees),
        mentors=len(mentors),
        places=sum(m.capacity for m in mentors),
        seconds=seconds,
        peak_gb=peak_gb,
        pairs=len(proposal.pairs),
        unmatched=len(proposal.unmatched),
        total=instance.total((p.mentee, p.mentor) for p in proposal.pairs),
        greedy=instance.total((p.mentee, p.mentor) for p in greedy.pairs),
        optimum=optimum,
        optimum_seconds=time.perf_counter() - started,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help="comma-separated: [board2-|board3-]varied|cohort|ties-<mentees>",
    )
    args = parser.parse_args(argv)
    chosen = [Scenario.parse(name) for name in args.scenarios.split(",") if name]
    print(
        f"matching: targets within {TARGET_GAP:.1%} of the SciPy optimum on every scenario, "
        f"≤ {TARGET_SECONDS:g} s and ≤ {TARGET_GB:g} GB at 10,000 mentees; "
        "baseline: greedy first-come-first-served"
    )
    failed = False
    context = multiprocessing.get_context("spawn")
    for scenario in chosen:
        with context.Pool(1) as pool:
            r = pool.apply(run_one, (scenario,))
        gap = (r.optimum - r.total) / r.optimum if r.optimum else 0.0
        vs_greedy = (r.total - r.greedy) / r.greedy if r.greedy else 0.0
        big = r.mentees >= 10_000
        limits = f" (≤ {TARGET_SECONDS:g} s, ≤ {TARGET_GB:g} GB)" if big else ""
        print(
            f"{scenario.name:>18}: {r.mentees:,} mentees × {r.mentors:,} mentors "
            f"({r.places:,} places, board {scenario.board}): "
            f"{r.seconds:.2f} s, peak {r.peak_gb:.2f} GB{limits} · "
            f"{r.pairs:,} pairs, {r.unmatched:,} unmatched · total {r.total:,.2f} · "
            f"SciPy optimum {r.optimum:,.2f} (took {r.optimum_seconds:.1f} s) · "
            f"gap {gap:.4%} (≤ {TARGET_GAP:.1%}) · greedy {r.greedy:,.2f} ({vs_greedy:+.2%})"
        )
        if gap > TARGET_GAP:
            failed = True
        if big and (r.seconds > TARGET_SECONDS or r.peak_gb > TARGET_GB):
            failed = True
    print("result: " + ("MISSED a target" if failed else "all targets met"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
