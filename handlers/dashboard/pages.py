"""The dashboard's pages and forms. Like a Slack listener each one is thin: find who is
signed in, check they may see the program the URL names (``bot.access.may_see``: its managers
and the workspace's admins, never anyone of another workspace), call one service, render one
template. A form's POST is refused unless its CSRF token (and Origin) are this session's.
The buttons call the very services Slack's buttons call."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from bot.access import may_see
from bot.audit import service as audit
from bot.audit.service import AuditAction, Subject
from bot.digest.report import report_csv
from bot.errors import Conflict, InvalidInput, MentorbotError, NotAllowed, NotFound
from bot.insights import chart
from bot.insights import service as insights
from bot.matching import review as matches
from bot.signals import alerts as alert_svc
from handlers.dashboard.render import (
    HEADERS,
    NOT_YOURS,
    REFUSED_FORM,
    Dashboard,
    Refused,
    Viewer,
    form,
)
from handlers.dashboard.session import csrf_ok
from storage.models import Program, User
from storage.repositories import programs as program_repo
from storage.repositories import relationships as rel_repo
from storage.repositories import users as user_repo

PAGE_SIZE = 100  # proposed pairs per page of the match review
ALERT_ACTIONS = tuple(alert_svc.STATES)
PAIR_ACTIONS = ("lock", "unlock", "drop")

Page = Callable[[Request, Viewer], Awaitable[Response]]


class Pages:
    def __init__(self, dashboard: Dashboard) -> None:
        self.dash = dashboard
        self.deps = dashboard.deps

    # ------------------------------------------------------------------ plumbing

    def signed_in(
        self, page: Page, *, post: bool = False
    ) -> Callable[[Request], Awaitable[Response]]:
        """The page for a signed-in viewer (a POST also with a valid CSRF token); domain
        refusals become a plain page that says why."""

        async def endpoint(request: Request) -> Response:
            viewer = await self.dash.viewer(request)
            if post:
                posted = await form(request)
                if viewer is None or not csrf_ok(
                    request,
                    viewer.session,
                    posted.get("csrf", ""),
                    origin=self.dash.origin(request),
                ):
                    return self.dash.refused(Refused(403, "Refused", REFUSED_FORM), viewer)
                request.state.form = posted
            elif viewer is None:
                return self.dash.redirect("/")
            try:
                return await page(request, viewer)
            except Refused as refusal:
                return self.dash.refused(refusal, viewer)
            except MentorbotError as error:
                return self.dash.refused(_refusal(error), viewer)

        return endpoint

    async def _actor(self, session: AsyncSession, viewer: Viewer) -> User:
        """The viewer's row in this transaction (refused if Mentorbot has never met them)."""
        user = await user_repo.get(
            session=session, team_id=viewer.session.team_id, slack_user_id=viewer.session.user_id
        )
        if user is None or user.deleted:
            raise Refused(403, "Not yours to see", NOT_YOURS)
        return user

    async def _program(self, session: AsyncSession, viewer: Viewer, request: Request) -> Program:
        """The program the URL names, if the viewer may see it: the same refusal whether it
        is someone else's, another workspace's or doesn't exist."""
        program_id = int(request.path_params["program_id"])
        team_id = viewer.session.team_id
        if not await may_see(
            session=session, team_id=team_id, user_id=viewer.session.user_id, program_id=program_id
        ):
            raise Refused(403, "Not yours to see", NOT_YOURS)
        program = await program_repo.get(session=session, team_id=team_id, program_id=program_id)
        if program is None:  # may_see said yes, so it exists in this workspace
            raise Refused(403, "Not yours to see", NOT_YOURS)
        return program

    async def _manages(self, session: AsyncSession, actor: User, program: Program) -> bool:
        return await program_repo.is_manager(
            session=session, team_id=actor.team_id, program_id=program.id, user_id=actor.id
        )

    # ------------------------------------------------------------------ pages

    async def home(self, request: Request) -> Response:
        """The programs overview, or the sign-in page for someone not signed in."""
        viewer = await self.dash.viewer(request)
        if viewer is None:
            return self.dash.page(
                "signin.html",
                None,
                signed_out="signed_out" in request.query_params,
                configured=self.deps.settings.dashboard_client is not None,
            )
        overview = []
        if viewer.user is not None:
            async with self.deps.db.transaction() as session:
                overview = await insights.programs_overview(
                    session=session,
                    team_id=viewer.session.team_id,
                    user_id=viewer.session.user_id,
                    now=self.deps.clock.now(),
                )
        return self.dash.page("overview.html", viewer, programs=overview)

    async def program(self, request: Request, viewer: Viewer) -> Response:
        async with self.deps.db.transaction() as session:
            program = await self._program(session, viewer, request)
            found = await insights.program_insights(
                session=session, program_id=program.id, now=self.deps.clock.now()
            )
        svg = ""
        if found.enough_history:
            # Drawing takes a while (matplotlib): off the event loop.
            drawn = await asyncio.to_thread(chart.render_chart, found, fmt="svg")
            svg = inline_svg(drawn, described_by="chart-text")
        return self.dash.page(
            "program.html",
            viewer,
            program=program,
            insights=found,
            chart_svg=Markup(svg),
            chart_text=chart.alt_text(found) if svg else chart.not_enough_history(found),
        )

    async def at_risk(self, request: Request, viewer: Viewer) -> Response:
        async with self.deps.db.transaction() as session:
            program = await self._program(session, viewer, request)
            actor = await self._actor(session, viewer)
            manages = await self._manages(session, actor, program)
            pairs = await alert_svc.pairs_at_risk(session=session, program_id=program.id)
            return self.dash.page(
                "at_risk.html",
                viewer,
                program=program,
                pairs=pairs,
                manages=manages,
                titles=alert_svc.TITLES,
                done=request.query_params.get("done", ""),
            )

    async def alert(self, request: Request, viewer: Viewer) -> Response:
        """Acknowledge, snooze or note having spoken: the service Slack's buttons call, and
        the alert's message in the managers' channel is edited to match."""
        what = request.state.form.get("what", "")
        if what not in ALERT_ACTIONS:
            raise Refused(400, "Unknown action", "That button is out of date: reload the page.")
        async with self.deps.db.transaction() as session:
            program = await self._program(session, viewer, request)
            actor = await self._actor(session, viewer)
            alert = await alert_svc.handle_elsewhere(
                session=session,
                clock=self.deps.clock,
                actor=actor,
                alert_id=int(request.path_params["alert_id"]),
                what=what,
            )
            if alert.program_id != program.id:
                raise NotFound("That alert no longer exists.")  # rolls the change back
        self.deps.kick()
        return self.dash.redirect(f"/programs/{program.id}/at-risk?done={alert.state}")

    async def report(self, request: Request, viewer: Viewer) -> Response:
        """The per-relationship metrics of `/mentor report export`, as a download (counts and
        health: not even the check-in notes their writers shared with managers)."""
        async with self.deps.db.transaction() as session:
            program = await self._program(session, viewer, request)
            now = self.deps.clock.now()
            body = await report_csv(session=session, program=program, now=now, shared_notes=False)
            await audit.record(
                session=session,
                now=now,
                actor=await self._actor(session, viewer),
                action=AuditAction.REPORT_EXPORT,
                subject=Subject.program(program.id),
                program_id=program.id,
                details={"rows": audit.csv_rows(body), "via": "dashboard"},
            )
        stamp = self.deps.clock.now().date().isoformat()
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={
                **HEADERS,
                "Content-Disposition": f'attachment; filename="program-{program.id}-{stamp}.csv"',
            },
        )

    # ------------------------------------------------------------------ the match review

    async def review(self, request: Request, viewer: Viewer) -> Response:
        async with self.deps.db.transaction() as session:
            program = await self._program(session, viewer, request)
            actor = await self._actor(session, viewer)
            manages = await self._manages(session, actor, program)
            drafts = await rel_repo.draft_runs(
                session=session, team_id=program.team_id, program_id=program.id
            )
            run = max(drafts, key=lambda r: r.id) if drafts else None
            active = [p for p in run.proposals if not p.dropped] if run else []
            dropped = [p for p in run.proposals if p.dropped] if run else []
            pages = max(1, -(-len(active) // PAGE_SIZE))
            try:
                number = min(max(int(request.query_params.get("page", "1")), 1), pages)
            except ValueError:
                number = 1
            return self.dash.page(
                "matches.html",
                viewer,
                program=program,
                run=run,
                manages=manages,
                shown=active[(number - 1) * PAGE_SIZE : number * PAGE_SIZE],
                active=active,
                dropped=dropped,
                page=number,
                pages=pages,
                average=sum(p.score for p in active) / len(active) if active else 0,
                locked=sum(p.locked for p in active),
                done=request.query_params.get("done", ""),
            )

    async def propose(self, request: Request, viewer: Viewer) -> Response:
        """Compute proposals for the whole program (`/mentor match`)."""
        async with self.deps.db.transaction() as session:
            program = await self._program(session, viewer, request)
            actor = await self._actor(session, viewer)
        await matches.start_run(
            db=self.deps.db, clock=self.deps.clock, actor=actor, program_id=program.id
        )
        return self.dash.redirect(f"/programs/{program.id}/matches")

    async def pair(self, request: Request, viewer: Viewer) -> Response:
        what = request.state.form.get("what", "")
        if what not in PAIR_ACTIONS:
            raise Refused(400, "Unknown action", "That button is out of date: reload the page.")
        async with self.deps.db.transaction() as session:
            program, actor, run_id = await self._run(session, viewer, request)
            await matches.set_pair(
                session=session,
                actor=actor,
                run_id=run_id,
                proposal_id=int(request.path_params["proposal_id"]),
                action=what,
            )
        page = request.state.form.get("page", "1")
        return self.dash.redirect(
            f"/programs/{program.id}/matches?page={int(page) if page.isdigit() else 1}"
        )

    async def resolve(self, request: Request, viewer: Viewer) -> Response:
        async with self.deps.db.transaction() as session:
            program, actor, run_id = await self._run(session, viewer, request)
        await matches.resolve(db=self.deps.db, clock=self.deps.clock, actor=actor, run_id=run_id)
        return self.dash.redirect(f"/programs/{program.id}/matches?done=resolved")

    async def approve(self, request: Request, viewer: Viewer) -> Response:
        async with self.deps.db.transaction() as session:
            program, actor, run_id = await self._run(session, viewer, request)
            result = await matches.approve(
                session=session, clock=self.deps.clock, actor=actor, run_id=run_id
            )
            created, already = len(result.created), result.already_approved
        self.deps.kick()
        return self.dash.page(
            "approved.html", viewer, program=program, created=created, already=already
        )

    async def cancel(self, request: Request, viewer: Viewer) -> Response:
        async with self.deps.db.transaction() as session:
            program, actor, run_id = await self._run(session, viewer, request)
            await matches.cancel(session=session, clock=self.deps.clock, actor=actor, run_id=run_id)
        return self.dash.redirect(f"/programs/{program.id}/matches?done=cancelled")

    async def _run(
        self, session: AsyncSession, viewer: Viewer, request: Request
    ) -> tuple[Program, User, int]:
        """The program, the actor and the run the URL names, a run of that very program
        (the services check the actor manages the run's program)."""
        program = await self._program(session, viewer, request)
        actor = await self._actor(session, viewer)
        run = await matches.load_run(
            session=session, actor=actor, run_id=int(request.path_params["run_id"])
        )
        if run.program_id != program.id:
            raise NotFound("That proposal no longer exists.")
        return program, actor, run.id


def inline_svg(drawn: bytes, *, described_by: str) -> str:
    """Our own chart's SVG, to sit inside the page: without its XML prologue and doctype,
    and named as an image described by the element ``described_by``. (matplotlib writes
    every text of the chart escaped, so the SVG carries no markup of anyone's.)"""
    text = drawn.decode("utf-8")
    start = text.find("<svg")
    if start < 0:
        return ""
    return text[start:].replace("<svg", f'<svg role="img" aria-labelledby="{described_by}"', 1)


def _plain(message: str) -> str:
    """A domain message is written for Slack (mrkdwn, escaped): plain text for a page,
    which escapes it again."""
    return message.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _refusal(error: MentorbotError) -> Refused:
    status: dict[type[Any], tuple[int, str]] = {
        NotAllowed: (403, "Not allowed"),
        NotFound: (404, "Not found"),
        Conflict: (409, "Already done"),
        InvalidInput: (400, "Please check"),
    }
    code, title = next(
        (v for kind, v in status.items() if isinstance(error, kind)), (400, "Refused")
    )
    return Refused(code, title, _plain(error.message))
