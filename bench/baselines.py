"""Baselines and whole-matrix views of the matching engine, for benchmarks and tests only:
the greedy first-come-first-served assignment a proper one must beat, the flow started
from every allowed pair, every pair's score, and the Lagrangian upper bound."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bot.matching.engine import PAIR_BONUS, Pair, Person, Proposal, Rules, propose
from bot.matching.features import build
from bot.matching.scoring import each_block


def exact(
    mentees: Sequence[Person],
    mentors: Sequence[Person],
    rules: Rules,
    **kwargs: Any,
) -> Proposal:
    """The same optimisation starting from every allowed pair (no pricing rounds needed)."""
    return propose(mentees, mentors, rules, candidates_per_mentee=None, **kwargs)


def scores(
    mentees: Sequence[Person],
    mentors: Sequence[Person],
    rules: Rules,
    *,
    previous: Iterable[tuple[str, str]] = (),
    forbidden: Iterable[tuple[int, int]] = (),
) -> NDArray[np.float32]:
    """Every pair's score as ``propose`` sees it (mentees × mentors), -1 where a hard
    constraint forbids the pair. Holds the whole matrix: for tests and benchmarks."""
    model = build(mentees, mentors, rules, previous, forbidden)
    out = np.full((len(mentees), len(mentors)), -1.0, dtype=np.float32)
    for block in each_block(model):
        out[block.rows] = block.score
    return out


def greedy(mentees: Sequence[Person], mentors: Sequence[Person], rules: Rules) -> Proposal:
    """First-come-first-served by score: the baseline a proper assignment must beat."""
    model = build(mentees, mentors, rules, (), ())
    capacity = np.array([max(0, p.capacity) for p in mentors], dtype=np.int64)
    left = np.full(len(mentees), rules.mentors_per_mentee, dtype=np.int64)
    arcs_i, arcs_j, arcs_s = [], [], []
    for block in each_block(model):
        rows, cols = np.nonzero(block.score >= 0)
        arcs_i.append(rows + block.rows.start)
        arcs_j.append(cols)
        arcs_s.append(block.score[rows, cols])
    if not arcs_i:
        return Proposal((), ())
    i_all, j_all, s_all = np.concatenate(arcs_i), np.concatenate(arcs_j), np.concatenate(arcs_s)
    pairs = []
    for index in np.argsort(-s_all, kind="stable"):
        i, j = int(i_all[index]), int(j_all[index])
        if left[i] and capacity[j]:
            left[i] -= 1
            capacity[j] -= 1
            pairs.append(Pair(mentees[i].key, mentors[j].key, float(s_all[index]), ()))
    return Proposal(tuple(pairs), ())


def upper_bound(
    mentees: Sequence[Person],
    mentors: Sequence[Person],
    rules: Rules,
    prices: NDArray[np.float64],
) -> float:
    """A Lagrangian (LP dual) upper bound on the best total score, valid for any mentor
    prices ≥ 0: Σ capacity·price + Σ over mentees of their k best positive (score − price).
    Board department penalties only lower the optimum, so it bounds those too. Like the
    solver's objective, it counts each pair as its score plus ``PAIR_BONUS``."""
    model = build(mentees, mentors, rules, (), ())
    capacity = np.array([max(0, p.capacity) for p in mentors], dtype=np.float64)
    k = rules.mentors_per_mentee
    bound = float((capacity * prices).sum())
    for block in each_block(model):
        gain = np.where(block.score >= 0, block.score + PAIR_BONUS - prices[None, :], 0.0)
        gain = np.maximum(gain, 0.0)
        if gain.shape[1] > k:
            gain = np.partition(gain, gain.shape[1] - k, axis=1)[:, -k:]
        bound += float(gain.sum())
    return bound
