"""Nudges for people who have just joined."""

from __future__ import annotations

from bot.enrolment.views import prepare_for_mentoring
from scheduling.kinds import Kind
from scheduling.registry import JobContext, Registry
from storage.enums import EnrolmentStatus
from storage.repositories import enrolments as enrolment_repo
from storage.repositories import relationships as rel_repo


async def mentee_prepare(ctx: JobContext) -> None:
    work = ctx.work
    enrolment_id = int(work.payload.get("enrolment_id", 0))
    enrolment = await enrolment_repo.get(
        session=ctx.session, team_id=work.team_id, enrolment_id=enrolment_id
    )
    # Only if they are still waiting as a mentee, as of now (the nudge was planned a day
    # ago: since then they may have left, or been matched and accepted); else say nothing.
    if enrolment is None or enrolment.status is not EnrolmentStatus.ACTIVE:
        return
    if not enrolment.role.mentees:
        return
    if await rel_repo.has_had_a_mentor(
        session=ctx.session, team_id=work.team_id, enrolment_id=enrolment.id
    ):
        return
    ctx.dm(
        enrolment.user.slack_user_id,
        text="While you wait for your mentor: what do you want from mentoring?",
        blocks=prepare_for_mentoring(enrolment.program.name, enrolment.id),
    )


def register(registry: Registry) -> None:
    """This domain's kinds of due work, each with the subject a sweep preloads for it."""
    registry.register(Kind.MENTEE_PREPARE, mentee_prepare)
