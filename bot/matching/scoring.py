"""Scores: every mentee–mentor pair from 0 to 100, and the hard constraints.

``fits`` scores any pairs of rows of a ``Model`` (vectorised over bitsets); ``score_block``
scores a block of mentees against every mentor and sets the pairs a hard constraint
forbids to -1; ``each_block`` covers the whole program in blocks of about ``CHUNK_PAIRS``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bot.matching.features import Model

FULL_OVERLAP_HOURS = 6.0  # this much shared time a day scores the time-zone part in full
CHUNK_PAIRS = 2_000_000  # pairs scored at once (about 8 MB per float32 matrix)
_SENIORITY_FIT = np.array([0.0, 0.0, 0.7, 1.0, 0.9, 0.7, 0.5, 0.4, 0.4], dtype=np.float32)
# index = clip(mentor level - mentee level, -1, 7) + 1: less or equally senior fits nothing;
# one or two levels more is the sweet spot; far more senior is fine but less relatable.


def _popcount_and(
    a: NDArray[np.uint64], i: NDArray[np.intp], b: NDArray[np.uint64], j: NDArray[np.intp]
) -> NDArray[np.float32]:
    """|a_i ∩ b_j| for the row indices ``i`` and ``j`` broadcast together."""
    out = np.zeros(np.broadcast_shapes(i.shape, j.shape), dtype=np.uint16)
    for word in range(a.shape[1]):
        out += np.bitwise_count(a[i, word] & b[j, word]).astype(np.uint16)
    return out.astype(np.float32)


@dataclass
class Fit:
    """Scores of mentees ``i`` against mentors ``j`` (index arrays broadcast together: a
    column and a row for a block, two equal vectors for a list of pairs), before any hard
    constraint, with what the constraints and reasons need."""

    score: NDArray[np.float32]  # 0–100
    shared: NDArray[np.float32]  # wanted skills the mentor offers
    hours: NDArray[np.float32]  # shared working hours a day


def fits(model: Model, i: NDArray[np.intp], j: NDArray[np.intp]) -> Fit:
    me, mo = model.mentees, model.mentors
    w = model.rules.weights.vector()

    shared = _popcount_and(me.skills, i, mo.skills, j)
    skill_fit = shared / model.wanted_count[i]
    role_fit = _popcount_and(me.roles, i, mo.roles, j) / model.role_count[i]
    delta = mo.seniority[j].astype(np.int32) - me.seniority[i]
    seniority_fit = _SENIORITY_FIT[np.clip(delta, -1, 7) + 1]
    d_me, d_mo = me.department[i], mo.department[j]
    same = d_me == d_mo
    known = (d_me >= 0) & (d_mo >= 0)
    pref = model.preference[i]
    dept_fit = np.where(
        known,
        np.where(pref == 2, 1.0, np.where(pref == 1, same, ~same)).astype(np.float32),
        np.float32(0.5),
    )
    hours = model.overlap[me.profile[i], mo.profile[j]]
    tz_fit = np.minimum(hours / FULL_OVERLAP_HOURS, 1.0)
    score = 100 * (
        w[0] * skill_fit + w[1] * role_fit + w[2] * seniority_fit + w[3] * dept_fit + w[4] * tz_fit
    )
    return Fit(score.astype(np.float32), shared, hours)


@dataclass
class Block:
    """Scores of mentees ``rows`` against every mentor; -1 where a hard constraint fails."""

    rows: slice
    score: NDArray[np.float32]
    shares: NDArray[np.bool_]  # at least one wanted skill in common
    in_range: NDArray[np.bool_]  # working hours overlap enough
    set_aside: NDArray[np.int64]  # per mentee: pairs allowed but for the manager's drop


def score_block(model: Model, rows: slice) -> Block:
    me, mo = model.mentees, model.mentors
    i = np.arange(len(me.people))[rows, None]
    j = np.arange(len(mo.people))[None, :]
    fit = fits(model, i, j)
    shares = (fit.shared > 0) | ~model.wants[i]
    in_range = fit.hours >= model.rules.min_overlap_hours - 1e-6
    ok = in_range & (me.user[i] != mo.user[j])
    ok &= me.manager[i] != mo.user[j]
    ok &= mo.manager[j] != me.user[i]
    if model.rules.require_shared_skill:
        ok &= shares
    start, stop = rows.start or 0, rows.stop or 0
    for a, b in model.previous:
        if start <= a < stop:
            ok[a - start, b] = False
    set_aside = np.zeros(len(ok), dtype=np.int64)
    for a, b in model.forbidden:
        if start <= a < stop and ok[a - start, b]:
            set_aside[a - start] += 1
            ok[a - start, b] = False
    score = np.where(ok, fit.score, -1.0).astype(np.float32)
    return Block(rows, score, shares, in_range, set_aside)


def each_block(model: Model) -> Iterable[Block]:
    n, m = len(model.mentees.people), len(model.mentors.people)
    step = max(1, CHUNK_PAIRS // max(1, m))
    for start in range(0, n, step):
        yield score_block(model, slice(start, min(n, start + step)))
