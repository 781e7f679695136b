"""Explanations: each pair's reasons in plain words, and why a mentee was left out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.matching.features import Model, norm, words_of
from bot.matching.scoring import Block, fits
from infra.text import hours as hours_text


@dataclass(frozen=True)
class Pair:
    mentee: int  # Person.key
    mentor: int
    score: float  # 0–100
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Unmatched:
    mentee: int
    reason: str
    missing: tuple[str, ...] = ()  # wanted skills no mentor in the pool offers


def with_reasons(model: Model, rows: Sequence[tuple[int, int]]) -> list[Pair]:
    """The pairs (mentee row, mentor row) with their scores and reasons, both read from the
    same model, so a pair's score and its "shares 1 of 2 skills" always agree."""
    if not rows:
        return []
    i = np.array([a for a, _ in rows], dtype=np.intp)
    j = np.array([b for _, b in rows], dtype=np.intp)
    scores = fits(model, i, j).score
    return [
        Pair(
            mentee=model.mentees.people[a].key,
            mentor=model.mentors.people[b].key,
            score=round(float(s), 2),
            reasons=_reasons(model, a, b),
        )
        for (a, b), s in zip(rows, scores, strict=True)
    ]


def _reasons(model: Model, i: int, j: int) -> tuple[str, ...]:
    mentee, mentor = model.mentees.people[i], model.mentors.people[j]
    reasons: list[str] = []
    offered = {norm(s) for s in mentor.skills}
    wanted = model.wanted[i]
    if wanted:
        display = {norm(s): s for s in sorted(mentee.skills)}
        common = sorted((display.get(s, s) for s in wanted & offered), key=str.casefold)
        if common:
            reasons.append(
                f"shares {len(common)} of {len(wanted)} skill{'s' if len(wanted) != 1 else ''} "
                f"({', '.join(common)})"
            )
        else:
            reasons.append("no shared skills")
    target = set(words_of(mentee.target_role))
    if target and target & set(words_of(mentor.current_role)):
        reasons.append(f"works as {mentor.current_role.strip()}, close to your target role")
    d_me, d_mo = norm(mentee.department), norm(mentor.department)
    if d_me and d_mo:
        reasons.append("same department" if d_me == d_mo else "different department")
    delta = mentor.seniority - mentee.seniority
    if delta > 0:
        reasons.append(f"{delta} level{'s' if delta > 1 else ''} more senior")
    elif delta == 0:
        reasons.append("same level")
    else:
        reasons.append("less senior")
    p_me, p_mo = int(model.mentees.profile[i]), int(model.mentors.profile[j])
    apart = abs(float(model.offsets[p_me] - model.offsets[p_mo]))
    shared = float(model.overlap[p_me, p_mo])
    if apart < 0.25:
        reasons.append("same time zone")
    else:
        reasons.append(f"{hours_text(apart)} apart, {hours_text(shared)} of shared working time")
    return tuple(reasons)


# --- Who is left out, and why ---------------------------------------------------------------


class Stats:
    """Per mentee: how many mentors offer a wanted skill, and of those how many are in range
    and allowed. Enough to say in plain words why someone was left out."""

    def __init__(self, n: int) -> None:
        self.offer = np.zeros(n, dtype=np.int64)
        self.offer_in_range = np.zeros(n, dtype=np.int64)
        self.allowed = np.zeros(n, dtype=np.int64)
        self.set_aside = np.zeros(n, dtype=np.int64)
        self.scored = False

    def add(self, block: Block) -> None:
        rows = block.rows
        self.offer[rows] = block.shares.sum(axis=1)
        self.offer_in_range[rows] = (block.shares & block.in_range).sum(axis=1)
        self.allowed[rows] = (block.score >= 0).sum(axis=1)
        self.set_aside[rows] = block.set_aside


def why_unmatched(
    model: Model, stats: Stats, i: int, got: int, k: int, m: int, open_: int
) -> Unmatched:
    """``open_``: allowed mentors who still have a free place in the final solution and are
    not on this mentee's board yet."""
    mentee = model.mentees.people[i]
    display = {norm(s): s for s in mentee.skills}
    missing = tuple(sorted(display.get(s, s) for s in model.wanted[i] - model.offered))
    wanted = ", ".join(sorted(display.get(s, s) for s in model.wanted[i])) or "your skills"
    if m == 0:
        reason = "no mentor in the program has a free place yet"
    elif open_:
        # An optimal solution leaves a free allowed mentor unused only on a board, where a
        # further mentor from a department already on it costs more than the pair is worth.
        reason = (
            "the mentors who share your skills and still have a free place are from "
            "a department already on your board"
        )
    elif stats.offer[i] == 0:
        reason = f"no mentor with a free place offers {wanted} yet"
    elif stats.offer_in_range[i] == 0:
        reason = f"no mentor with capacity in your time-zone range offers {wanted}"
    elif stats.allowed[i] == 0 and stats.set_aside[i]:
        reason = "the program's managers set aside the pairs proposed for you"
    elif stats.allowed[i] == 0:
        reason = (
            "the mentors who share your skills were your mentor before, or manage you or you them"
        )
    else:
        # Every allowed mentor is full, or already on this mentee's board.
        reason = f"every {'other ' if got else ''}mentor who shares your skills is fully booked"
    if got:
        reason = f"found {got} of {k} mentors: {reason}"
    return Unmatched(mentee=mentee.key, reason=reason, missing=missing)
