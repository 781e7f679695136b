"""How good and how fast the matching engine is on programs of 200, 2,000 and 10,000 mentees.

Each program is synthetic but realistic: a quarter as many mentors as mentees, each with
capacity 1 to 5; skills drawn from departmental clusters with a long tail of popularity;
offices in eight time zones; levels 1–8, mentors more senior on the whole; a few mentees
whose manager is also a mentor. Each size runs in a fresh process, so peak memory is its own.

It prints, per size: wall time and peak memory of ``propose``; the total score of a greedy
first-come-first-served baseline; and the total score against the exact optimum (every
feasible pair in the flow) or, where that is too slow, against an LP (Lagrangian) upper
bound built from the solution's own mentor prices. Targets: within 0.1 % of the optimum,
at most 10 s and 2 GB at 10,000 × 2,500 on a 2-core machine.

    python -m bench.matching [--sizes 200,2000,10000] [--exact-up-to 2000] [--board 1]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import sys
import time
from dataclasses import dataclass
from datetime import date
from datetime import time as clock_time

import numpy as np

from bot import matching
from bot.hours import WorkingHours
from bot.matching import Person, Rules

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


@dataclass
class Result:
    size: int
    mentors: int
    seconds: float
    peak_gb: float
    pairs: int
    unmatched: int
    score: float
    greedy: float
    optimum: float
    optimum_kind: str
    optimum_seconds: float


def objective(proposal: matching.Proposal, mentors: list[Person]) -> float:
    """What the engine maximises: each pair's score plus the pair bonus, less the penalty
    for each extra board mentor from a department the mentee already has."""
    department = {m.key: m.department for m in mentors}
    seen: set[tuple[int, str]] = set()
    total = 0.0
    for p in proposal.pairs:
        total += p.score + matching.PAIR_BONUS
        if (p.mentee, department[p.mentor]) in seen:
            total -= matching.BOARD_SAME_DEPARTMENT_PENALTY
        seen.add((p.mentee, department[p.mentor]))
    return total


def run_one(size: int, exact_up_to: int, board: int) -> Result:
    mentees, mentors = program(size)
    rules = Rules(mentors_per_mentee=board, reference_date=date(2026, 3, 2))
    started = time.perf_counter()
    proposal = matching.propose(mentees, mentors, rules)
    seconds = time.perf_counter() - started
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    greedy = matching.greedy(mentees, mentors, rules)
    started = time.perf_counter()
    if size <= exact_up_to:
        optimum, kind = objective(matching.exact(mentees, mentors, rules), mentors), "exact optimum"
    else:
        priced = matching.propose(mentees, mentors, rules, prices=True)
        prices = np.array(priced.prices, dtype=np.float64)
        optimum = matching.upper_bound(mentees, mentors, rules, prices)
        # The bound leaves out the board's department penalty, so for boards it is loose.
        kind = "LP upper bound" if board == 1 else "LP upper bound without dept penalty"
    return Result(
        size=size,
        mentors=len(mentors),
        seconds=seconds,
        peak_gb=peak_gb,
        pairs=len(proposal.pairs),
        unmatched=len(proposal.unmatched),
        score=objective(proposal, mentors),
        greedy=objective(greedy, mentors),
        optimum=optimum,
        optimum_kind=kind,
        optimum_seconds=time.perf_counter() - started,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200,2000,10000")
    parser.add_argument("--exact-up-to", type=int, default=2000)
    parser.add_argument("--board", type=int, default=1, help="mentors per mentee (1 to 3)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    print(
        f"matching: targets ≤ {TARGET_SECONDS:g} s and ≤ {TARGET_GB:g} GB at 10,000 × 2,500, "
        f"within {TARGET_GAP:.1%} of the optimum; baseline: greedy first-come-first-served"
    )
    failed = False
    context = multiprocessing.get_context("spawn")
    for size in sizes:
        with context.Pool(1) as pool:
            r = pool.apply(run_one, (size, args.exact_up_to, args.board))
        gap = (r.optimum - r.score) / r.optimum if r.optimum else 0.0
        vs_greedy = (r.score - r.greedy) / r.greedy if r.greedy else 0.0
        print(
            f"{r.size:>6} mentees × {r.mentors:>5} mentors (board {args.board}): "
            f"{r.seconds:6.2f} s, peak {r.peak_gb:.2f} GB · {r.pairs} pairs, "
            f"{r.unmatched} unmatched · total score {r.score:,.1f} · greedy {r.greedy:,.1f} "
            f"({vs_greedy:+.2%}) · {r.optimum_kind} {r.optimum:,.1f} "
            f"(gap {gap:.3%}, took {r.optimum_seconds:.1f} s)"
        )
        if gap > TARGET_GAP and not (args.board > 1 and r.optimum_kind != "exact optimum"):
            failed = True
        if r.size >= 10_000 and (r.seconds > TARGET_SECONDS or r.peak_gb > TARGET_GB):
            failed = True
    print("result: " + ("MISSED a target" if failed else "all targets met"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
