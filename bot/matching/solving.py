"""Solving: the min-cost flow over mentor places, and the pricing loop that proves it optimal.

``Values`` holds every pair's value in the flow's units; ``candidates`` picks the first
arcs, ``solve`` runs the flow and returns its LP dual potentials, and ``improving`` prices
every pair outside the flow with them. ``bot.matching.engine.propose`` loops until no pair
would raise the total.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

from bot.matching.explain import Stats
from bot.matching.features import Model
from bot.matching.scoring import each_block

BOARD_SAME_DEPARTMENT_PENALTY = 10.0  # score points, for each extra board mentor from one dept
PAIR_BONUS = 0.01  # points: an allowed pair that scores 0 still beats leaving someone out
MENTOR_SIDE_CANDIDATES = 64
IMPROVING_PER_MENTEE = 5  # arcs a pricing pass adds per mentee
IMPROVING_PER_MENTOR = 32  # and per mentor
CACHE_PAIRS = 60_000_000  # up to this many pairs, values are kept between pricing passes


@dataclass
class Arcs:
    """The flow's mentee → mentor arcs, sorted and unique, with their value in the flow's
    units: hundredths of a point of score + ``PAIR_BONUS``."""

    i: NDArray[np.int64]
    j: NDArray[np.int64]
    value: NDArray[np.int64]

    @classmethod
    def of(cls, i: NDArray[Any], j: NDArray[Any], value: NDArray[Any], m: int) -> Arcs:
        code = i.astype(np.int64) * max(1, m) + j.astype(np.int64)
        code, first = np.unique(code, return_index=True)
        return cls(code // max(1, m), code % max(1, m), value[first].astype(np.int64))

    def union(self, other: Arcs, m: int) -> Arcs:
        return Arcs.of(
            np.concatenate([self.i, other.i]),
            np.concatenate([self.j, other.j]),
            np.concatenate([self.value, other.value]),
            m,
        )


class Values:
    """Every pair's value in the flow's units, or 0 where the pair is not allowed or not open
    (a locked pair, a mentor with no place left after locks, a mentee whose places are all
    locked). Scored once, and kept when the program is small enough (2 bytes a pair), else
    scored again for each pricing pass."""

    def __init__(
        self,
        model: Model,
        demand: NDArray[np.int64],
        capacity: NDArray[np.int64],
        fixed: list[tuple[int, int]],
        *,
        keep: bool,
    ) -> None:
        n, m = len(model.mentees.people), len(model.mentors.people)
        self.model, self.fixed = model, fixed
        self.closed_rows, self.closed_cols = demand == 0, capacity == 0
        self.stats = Stats(n)
        self.open = np.zeros(n, dtype=np.int64)  # allowed mentors with a place left (last pass)
        self.keep = keep
        self.cache: list[tuple[int, NDArray[np.int16]]] = []
        # Ties are broken by a fixed pseudo-random order, different for every mentee and
        # mentor, so alike mentees spread over alike mentors instead of all picking the same.
        rng = np.random.default_rng(0)
        self.tie_i = rng.integers(0, 1 << 16, n, dtype=np.uint16)
        self.tie_j = rng.integers(0, 1 << 16, m, dtype=np.uint16)

    def blocks(self) -> Iterator[tuple[int, NDArray[np.int16]]]:
        """(first mentee row, values of those mentees × every mentor), block by block."""
        if self.cache:
            yield from self.cache
            return
        first = not self.stats.scored
        for block in each_block(self.model):
            if first:
                self.stats.add(block)
            start = block.rows.start or 0
            # Not allowed (-1) comes out below 0, and is cut to 0.
            v = np.rint((block.score + np.float32(PAIR_BONUS)) * np.float32(100))
            v = np.maximum(v, 0).astype(np.int16)
            v[:, self.closed_cols] = 0
            v[self.closed_rows[block.rows]] = 0
            for a, b in self.fixed:
                if start <= a < start + len(v):
                    v[a - start, b] = 0
            if self.keep:
                self.cache.append((start, v))
            yield start, v
        self.stats.scored = True

    def _gain(self, start: int, v: NDArray[np.int16], gain: NDArray[Any]) -> NDArray[np.float32]:
        """``gain`` where it is positive, plus the tie-breaker (under half of one unit), for
        ordering; 0 elsewhere."""
        bits = self.tie_i[start : start + len(v), None] ^ self.tie_j[None, :]
        tie = bits.astype(np.float32) * np.float32(0.5 / (1 << 16))
        return np.where(gain > 0, gain.astype(np.float32) + tie, np.float32(0))

    def candidates(self, per_mentee: int | None) -> Arcs:
        """The first arcs: each mentee's best ``per_mentee`` mentors (all when None) and each
        mentor's best ``MENTOR_SIDE_CANDIDATES`` mentees."""
        picks = _Picks(len(self.model.mentors.people), MENTOR_SIDE_CANDIDATES)
        for start, v in self.blocks():
            picks.add(start, v, self._gain(start, v, v), per_mentee)
        return picks.arcs()

    def improving(self, arcs: Arcs, flow: Flow, capacity: NDArray[np.int64]) -> Arcs | None:
        """The pairs outside the flow that would raise the total: value above the
        potential difference of their two ends (each mentee's and each mentor's best few
        of them), or None when there is none, which proves the flow optimal."""
        m = len(self.model.mentors.people)
        used_i, used_j = arcs.i[flow.used], arcs.j[flow.used]
        left = capacity - np.bincount(used_j, minlength=m)
        free = left > 0
        picks = _Picks(m, IMPROVING_PER_MENTOR)
        found = False
        for start, v in self.blocks():
            stop = start + len(v)
            tail = flow.tail[start:stop]
            if tail.shape[1] > 1:  # a board: by the mentor's department
                tail = tail[:, flow.column]
            gain = np.where(v > 0, v - (tail - flow.mentor[None, :]), 0)
            inside = (used_i >= start) & (used_i < stop)
            gain[used_i[inside] - start, used_j[inside]] = 0  # already chosen
            self.open[start:stop] = ((v > 0) & free[None, :]).sum(axis=1)
            if gain.max(initial=0) > 0:
                found = True
                picks.add(start, v, self._gain(start, v, gain), IMPROVING_PER_MENTEE)
        # A mentor already on the mentee's board is not open to them again.
        np.subtract.at(self.open, used_i[free[used_j]], 1)
        return picks.arcs() if found else None


class _Picks:
    """Arcs picked from scored blocks: each row's best ``per_row`` and each mentor's best
    ``per_mentor`` across all blocks, by a gain that is positive where a pick is allowed."""

    def __init__(self, mentors: int, per_mentor: int) -> None:
        self.m, self.keep = mentors, per_mentor
        self.i: list[NDArray[np.int64]] = []
        self.j: list[NDArray[np.int64]] = []
        self.v: list[NDArray[np.int64]] = []
        self.col_gain = np.zeros((0, mentors), dtype=np.float32)
        self.col_row = np.zeros((0, mentors), dtype=np.int64)
        self.col_value = np.zeros((0, mentors), dtype=np.int64)

    def add(
        self, start: int, v: NDArray[np.int16], gain: NDArray[np.float32], per_row: int | None
    ) -> None:
        if per_row is None or per_row >= gain.shape[1]:
            rows, cols = np.nonzero(gain > 0)
        else:
            top = np.argpartition(-gain, per_row - 1, axis=1)[:, :per_row]
            rows = np.repeat(np.arange(gain.shape[0]), per_row)
            cols = top.reshape(-1)
            keep = gain[rows, cols] > 0
            rows, cols = rows[keep], cols[keep]
        self.i.append(rows + start)
        self.j.append(cols)
        self.v.append(v[rows, cols].astype(np.int64))
        # Each mentor's best mentees so far, so no mentor is left without arcs just because
        # every mentee liked someone else more: this block's best, merged with the earlier.
        if len(gain) > self.keep:  # (by rows of the transpose: much faster than by columns)
            top = np.argpartition(-np.ascontiguousarray(gain.T), self.keep - 1, axis=1)
            top = np.ascontiguousarray(top[:, : self.keep].T)
        else:
            top = np.broadcast_to(np.arange(len(gain))[:, None], gain.shape)
        col_gain = np.concatenate([self.col_gain, np.take_along_axis(gain, top, axis=0)])
        col_row = np.concatenate([self.col_row, top + start])
        col_value = np.concatenate([self.col_value, np.take_along_axis(v, top, axis=0)])
        if len(col_gain) > self.keep:
            top = np.argpartition(-col_gain, self.keep - 1, axis=0)[: self.keep]
            col_gain = np.take_along_axis(col_gain, top, axis=0)
            col_row = np.take_along_axis(col_row, top, axis=0)
            col_value = np.take_along_axis(col_value, top, axis=0)
        self.col_gain, self.col_row, self.col_value = col_gain, col_row, col_value

    def arcs(self) -> Arcs:
        keep = self.col_gain > 0
        cols = np.broadcast_to(np.arange(self.m)[None, :], self.col_gain.shape)
        return Arcs.of(
            np.concatenate([*self.i, self.col_row[keep]]),
            np.concatenate([*self.j, cols[keep]]),
            np.concatenate([*self.v, self.col_value[keep]]),
            self.m,
        )


@dataclass
class Flow:
    """A min-cost flow over some arcs, with the LP dual potentials that price every other
    pair: a pair (i, j) outside the flow would raise the total exactly when its value is
    above ``tail[i, column[j]] - mentor[j]``."""

    used: NDArray[np.bool_]  # per arc: it carries a pair
    # mentee × column: the potential of the node a pair arc leaves from
    tail: NDArray[np.signedinteger[Any]]
    column: NDArray[np.intp]  # per mentor: its column of ``tail`` (its department for boards)
    mentor: NDArray[np.signedinteger[Any]]  # per mentor: its node's potential
    prices: tuple[float, ...]  # per mentor: its dual price in score points


def solve(
    model: Model,
    arcs: Arcs,
    demand: NDArray[np.int64],
    capacity: NDArray[np.int64],
    k: int,
) -> Flow:
    """Min-cost flow over ``arcs``; which arcs carry a pair, and the potentials."""
    n, m = len(demand), len(capacity)
    arc_i, arc_j = arcs.i, arcs.j
    source, sink = 0, 1
    mentee_node = 2 + np.arange(n, dtype=np.int64)
    mentor_node = 2 + n + np.arange(m, dtype=np.int64)
    tails = [np.full(n, source), np.full(1, source), mentor_node]
    heads = [mentee_node, np.full(1, sink), np.full(m, sink)]
    caps = [demand, np.array([demand.sum()]), capacity]
    costs = [np.zeros(n, np.int64), np.zeros(1, np.int64), np.zeros(m, np.int64)]
    # For a board, a node per (mentee, mentor's department): the first mentor from a
    # department is free, each further one from the same department costs the penalty.
    depts = int(model.mentors.department.max(initial=-1)) + 2 if k > 1 else 1
    column = (model.mentors.department.astype(np.intp) + 1) if k > 1 else np.zeros(m, np.intp)
    group = np.zeros(0, dtype=np.int64)
    if k == 1:
        middle = mentee_node[arc_i]
    else:
        group, middle_index = np.unique(arc_i * depts + column[arc_j], return_inverse=True)
        g = len(group)
        group_node = 2 + n + m + np.arange(g, dtype=np.int64)
        owner = mentee_node[group // depts]
        penalty = int(BOARD_SAME_DEPARTMENT_PENALTY * 100)
        tails += [owner, owner]
        heads += [group_node, group_node]
        caps += [np.ones(g, np.int64), np.full(g, k - 1, np.int64)]
        costs += [np.zeros(g, np.int64), np.full(g, penalty, np.int64)]
        middle = group_node[middle_index.reshape(-1)]
    first_pair_arc = sum(len(t) for t in tails)
    tails.append(middle)
    heads.append(mentor_node[arc_j])
    caps.append(np.ones(len(arc_i), np.int64))
    costs.append(-arcs.value)

    all_tails, all_heads = np.concatenate(tails), np.concatenate(heads)
    all_caps, all_costs = np.concatenate(caps), np.concatenate(costs)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        all_tails.astype(np.int32),
        all_heads.astype(np.int32),
        all_caps.astype(np.int64),
        all_costs.astype(np.int64),
    )
    total = int(demand.sum())
    flow.set_nodes_supplies(np.array([source, sink]), np.array([total, -total]))
    status = flow.solve()
    if status != flow.OPTIMAL:  # pragma: no cover - the bypass arc makes it always feasible
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = np.asarray(flow.flows(np.arange(flow.num_arcs())))
    dist = _potentials(all_tails, all_heads, all_caps, all_costs, flows, 2 + n + m + len(group))
    # A pair arc leaves its mentee (or, for a board, its (mentee, department) node; where the
    # flow has no such node yet, one would get the mentee's potential through its free arc).
    tail = np.repeat(dist[mentee_node][:, None], depts, axis=1)
    if len(group):
        tail[group // depts, group % depts] = dist[2 + n + m + np.arange(len(group))]
    # A mentor's price: how much cheaper the sink is to reach than the mentor, clipped at 0.
    price = np.maximum(dist[sink] - dist[mentor_node], 0) / 100
    # Pricing runs over every pair: 32-bit arithmetic when the potentials allow it.
    small = int(np.abs(dist).max(initial=0)) < 1 << 30
    return Flow(
        used=flows[first_pair_arc:] > 0,
        tail=tail.astype(np.int32) if small else tail,
        column=column,
        mentor=dist[mentor_node].astype(np.int32) if small else dist[mentor_node],
        prices=tuple(float(p) for p in price),
    )


def _potentials(
    tails: NDArray[np.int64],
    heads: NDArray[np.int64],
    caps: NDArray[np.int64],
    costs: NDArray[np.int64],
    flows: NDArray[np.int64],
    nodes: int,
) -> NDArray[np.int64]:
    """Shortest distances on the residual graph from a virtual root joined to every node
    (Bellman-Ford, vectorised). An optimal flow leaves no negative cycle, so this ends, and
    the distances are LP dual potentials."""
    forward, backward = flows < caps, flows > 0
    t = np.concatenate([tails[forward], heads[backward]])
    h = np.concatenate([heads[forward], tails[backward]])
    c = np.concatenate([costs[forward], -costs[backward]])
    size = int(max(nodes, t.max(initial=0) + 1, h.max(initial=0) + 1))
    order = np.argsort(h, kind="stable")
    t, h, c = t[order], h[order], c[order]
    targets, starts = np.unique(h, return_index=True)
    dist = np.zeros(size, dtype=np.int64)
    for _ in range(size + 1):
        best = np.minimum.reduceat(dist[t] + c, starts)
        improved = best < dist[targets]
        if not improved.any():
            return dist
        dist[targets[improved]] = best[improved]
    raise RuntimeError("negative cycle: the flow was not optimal")  # pragma: no cover
