"""The managers' web dashboard, served under ``/dashboard`` by ``mentorbot serve``:
Sign in with Slack, the programs overview, one program's insights and chart, the pairs at
risk with the alerts' buttons, the match review, and the report as CSV. Server-rendered
(Jinja2, autoescaped), no scripts, no CDN: it works offline.

:func:`build_dashboard` builds it from the process's dependencies (``mentorbot/web.py``
mounts it; a test, the demo or a benchmark may serve it alone)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from handlers.dashboard.pages import Pages
from handlers.dashboard.render import Dashboard
from handlers.dashboard.signin import CALLBACK, SignInFlow
from infra.deps import Deps

__all__ = ["build_dashboard"]


def build_dashboard(deps: Deps) -> Starlette:
    """The dashboard as an ASGI app whose paths start at its mount point (``/dashboard``)."""
    dashboard = Dashboard(deps)
    signin = SignInFlow(dashboard)
    pages = Pages(dashboard)
    p = pages.signed_in
    program = "/programs/{program_id:int}"
    run = program + "/matches/{run_id:int}"
    routes = [
        Route("/", pages.home, methods=["GET"]),
        Route("/login", signin.login, methods=["GET"]),
        Route(CALLBACK, signin.callback, methods=["GET"]),
        Route("/logout", signin.logout, methods=["POST"]),
        Route(program, p(pages.program), methods=["GET"]),
        Route(program + "/at-risk", p(pages.at_risk), methods=["GET"]),
        Route(program + "/alerts/{alert_id:int}", p(pages.alert, post=True), methods=["POST"]),
        Route(program + "/report.csv", p(pages.report), methods=["GET"]),
        Route(program + "/matches", p(pages.review), methods=["GET"]),
        Route(program + "/matches", p(pages.propose, post=True), methods=["POST"]),
        Route(run + "/pairs/{proposal_id:int}", p(pages.pair, post=True), methods=["POST"]),
        Route(run + "/resolve", p(pages.resolve, post=True), methods=["POST"]),
        Route(run + "/approve", p(pages.approve, post=True), methods=["POST"]),
        Route(run + "/cancel", p(pages.cancel, post=True), methods=["POST"]),
        Mount("/static", StaticFiles(packages=[("handlers.dashboard", "static")]), name="static"),
    ]
    return Starlette(routes=routes)
