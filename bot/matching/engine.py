"""The matching engine: who should mentor whom, and why.

Pure and synchronous: it knows people only as ``Person`` values and never touches the
database or Slack. ``bot.matching.review`` feeds it a program's pool and stores what it proposes.
This module is its front door: ``propose`` (the whole program), ``top_mentors`` (one mentee,
for ``/mentor find``), the single-pair ``score``, ``feasible`` and ``explain``, and the public
types. Baselines for benchmarks and tests (greedy, exact, upper bound) are in
``bench/baselines.py``.

How a proposal is made, and where:

1. **Score** every mentee–mentor pair from 0 to 100 (``features`` holds the people as arrays,
   ``scoring`` scores them): the weighted share of the mentee's wanted skills (their list
   plus skills named in their goals) that the mentor offers, how well the mentor's current
   role fits the mentee's target role, how much more senior the mentor is, whether the
   department preference is met, and how many working hours they share.
   Scoring is vectorised with NumPy over bitsets, so a 10,000 × 2,500 program is 25 M pairs
   scored in chunks; only each pair's value in the flow's units (2 bytes) is kept for the
   pricing passes, up to ``CACHE_PAIRS`` pairs (beyond, each pass scores again).
2. **Hard constraints** (``scoring``) remove pairs outright: the same person, the mentee's
   own manager (or the mentor's), a pair from an earlier relationship, a pair the manager
   dropped, working hours that overlap less than the program's minimum, and (by default) no
   shared skill.
3. **Assign** (``solving``) with a min-cost flow (OR-tools) over mentor places: source →
   mentee (k places for a board of k mentors) → mentor (one place per pair, so a board is k
   different people) → sink (the mentor's free capacity), with a bypass so nobody is forced
   into a bad pair.
   It maximises the total score over the whole program at once. For a board, a second mentor
   from the same department costs a penalty, so boards prefer different departments.
   The flow starts from each mentee's best ``candidates_per_mentee`` mentors plus each
   mentor's best mentees; then every other pair is priced with the flow's LP duals, and any
   pair that would raise the total joins the flow, which is solved again, until none would.
   That is a certificate: the result is optimal over every allowed pair, however alike the
   people are (docs/matching.md explains why).
4. **Explain** (``explain``): every pair carries its reasons in plain words, and every mentee
   left out carries the reason, e.g. "no mentor with capacity in your time-zone range offers
   SQL".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.matching.explain import Pair, Unmatched, why_unmatched, with_reasons
from bot.matching.features import Person, Rules, Weights, build, norm
from bot.matching.scoring import fits, score_block
from bot.matching.solving import CACHE_PAIRS, PAIR_BONUS, Values, solve

__all__ = [
    "PAIR_BONUS",
    "Pair",
    "Person",
    "Proposal",
    "Rules",
    "Unmatched",
    "Weights",
    "explain",
    "feasible",
    "norm",
    "propose",
    "score",
    "top_mentors",
]


@dataclass(frozen=True)
class Proposal:
    pairs: tuple[Pair, ...]
    unmatched: tuple[Unmatched, ...]
    # With ``prices=True``: each mentor's LP dual price (score points one more place with
    # them would be worth), which makes ``bench.baselines.upper_bound`` a certificate of optimality.
    prices: tuple[float, ...] = ()

    @property
    def total_score(self) -> float:
        return sum(p.score for p in self.pairs)


# --- Proposals ------------------------------------------------------------------------------


def propose(
    mentees: Sequence[Person],
    mentors: Sequence[Person],
    rules: Rules,
    *,
    previous: Iterable[tuple[str, str]] = (),
    locked: Iterable[tuple[int, int]] = (),
    forbidden: Iterable[tuple[int, int]] = (),
    candidates_per_mentee: int | None = 30,
    prices: bool = False,
    cache_pairs: int = CACHE_PAIRS,
) -> Proposal:
    """The best assignment for the whole program: optimal over every allowed pair.

    ``previous`` holds (mentee user, mentor user) pairs that must not repeat; ``locked`` and
    ``forbidden`` hold (mentee key, mentor key) pairs the manager kept or dropped. Locked
    pairs stay (while both people are in the pool) and use up their places.

    The flow starts from each mentee's best ``candidates_per_mentee`` mentors (None: every
    allowed pair) and each mentor's best mentees. Then every pair left out is priced with the
    solution's duals; pairs that would raise the total join the flow, which is solved again,
    until no pair would: that is the certificate that the result is optimal over all pairs.
    Up to ``cache_pairs`` pairs, their values are kept between those passes (2 bytes each);
    beyond, each pass scores them again.
    """
    model = build(mentees, mentors, rules, previous, forbidden)
    n, m, k = len(mentees), len(mentors), rules.mentors_per_mentee
    mentee_row = {p.key: i for i, p in enumerate(mentees)}
    mentor_row = {p.key: j for j, p in enumerate(mentors)}
    capacity = np.array([max(0, p.capacity) for p in mentors], dtype=np.int64)
    demand = np.full(n, k, dtype=np.int64)
    fixed: list[tuple[int, int]] = []
    for a, b in locked:
        i, j = mentee_row.get(a), mentor_row.get(b)
        if i is None or j is None or demand[i] == 0 or capacity[j] == 0 or (i, j) in fixed:
            continue
        fixed.append((i, j))
        demand[i] -= 1
        capacity[j] -= 1

    values = Values(model, demand, capacity, fixed, keep=n * m <= cache_pairs)
    arcs = values.candidates(candidates_per_mentee)
    while True:
        flow = solve(model, arcs, demand, capacity, k)
        more = values.improving(arcs, flow, capacity)
        if more is None:
            break
        grown = arcs.union(more, m)
        if len(grown.i) == len(arcs.i):  # pragma: no cover - the flow's own arcs never improve
            raise RuntimeError("pricing found only arcs already in the flow")
        arcs = grown

    chosen = sorted(
        fixed + list(zip(arcs.i[flow.used].tolist(), arcs.j[flow.used].tolist(), strict=True))
    )
    got = np.bincount(np.array([i for i, _ in chosen], dtype=np.int64), minlength=n)
    unmatched = [
        why_unmatched(model, values.stats, i, int(got[i]), k, m, int(values.open[i]))
        for i in range(n)
        if got[i] < k
    ]
    return Proposal(
        pairs=tuple(with_reasons(model, chosen)),
        unmatched=tuple(unmatched),
        prices=flow.prices if prices else (),
    )


def top_mentors(
    mentee: Person,
    mentors: Sequence[Person],
    rules: Rules,
    *,
    n: int = 3,
    previous: Iterable[tuple[str, str]] = (),
) -> list[Pair]:
    """The ``n`` best allowed mentors with a free place for one mentee, best first."""
    available = [m for m in mentors if m.capacity > 0]
    if not available:
        return []
    model = build([mentee], available, rules, previous, ())
    s = score_block(model, slice(0, 1)).score[0]
    order = [int(j) for j in np.argsort(-s, kind="stable") if s[j] >= 0][:n]
    return with_reasons(model, [(0, j) for j in order])


# --- Single pairs ---------------------------------------------------------------------------


def score(mentee: Person, mentor: Person, rules: Rules) -> float:
    """The pair's score (0–100), whether or not it is allowed."""
    zero = np.zeros(1, dtype=np.intp)
    return float(fits(build([mentee], [mentor], rules, (), ()), zero, zero).score[0])


def feasible(
    mentee: Person,
    mentor: Person,
    rules: Rules,
    previous: Iterable[tuple[str, str]] = (),
) -> bool:
    """Whether the hard constraints allow this pair (capacity aside)."""
    model = build([mentee], [mentor], rules, previous, ())
    return bool(score_block(model, slice(0, 1)).score[0, 0] >= 0)


def explain(mentee: Person, mentor: Person, rules: Rules) -> tuple[str, ...]:
    """The pair's reasons in plain words, most important first."""
    return with_reasons(build([mentee], [mentor], rules, (), ()), [(0, 0)])[0].reasons
