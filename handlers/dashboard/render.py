"""What every dashboard page shares: the templates (Jinja2, autoescaped), the signed-in
person, the refusals, and how a page is answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from handlers.dashboard.session import Cookies, Session
from infra.deps import Deps
from storage.models import User
from storage.repositories import users as user_repo

PREFIX = "/dashboard"
# Scripts: none at all. Styles: ours, and the charts' own (an inline SVG carries a <style>).
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

NOT_YOURS = (
    "A program's dashboard is for its managers and the workspace's admins, and you are "
    "neither for this one (or it doesn't exist). Ask one of its managers to add you as a "
    "manager with /mentor program edit."
)


REFUSED_FORM = (
    "That form didn't come from this page in this browser (or your sign-in ended), so "
    "nothing was done. Go back, reload the page and try again."
)


async def form(request: Request) -> dict[str, str]:
    """A posted urlencoded form, one value per field (the dashboard's forms are that simple;
    anything else reads as empty, so its CSRF check fails)."""
    if "application/x-www-form-urlencoded" not in request.headers.get("content-type", ""):
        return {}
    body = (await request.body()).decode("utf-8", "replace")
    return dict(parse_qsl(body, keep_blank_values=True))


class Refused(Exception):
    """A page or form refused: answered with a plain page that says why."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)} %"


def _number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"


def templates() -> Environment:
    env = Environment(
        loader=PackageLoader("handlers.dashboard", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["percent"] = _percent
    env.filters["number"] = _number
    return env


@dataclass
class Viewer:
    """The signed-in person: their session, and their row in this workspace (None: Mentorbot
    has never met them)."""

    session: Session
    user: User | None

    def local(self, moment: datetime | None, fmt: str = "%a %d %b %Y, %H:%M") -> str:
        """A stored (UTC) time in the viewer's own zone."""
        if moment is None:
            return ""
        tz = (self.user.tz if self.user is not None else None) or "UTC"
        try:
            zone = ZoneInfo(tz)
        except (KeyError, ValueError):
            zone = ZoneInfo("UTC")
        return moment.astimezone(zone).strftime(fmt)


class Dashboard:
    """The dashboard's dependencies and the answers its pages give."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.cookies = Cookies(deps.settings, deps.clock)
        self.env = templates()

    def origin(self, request: Request) -> str:
        """This app's origin as browsers see it: PUBLIC_URL's, or the request's own."""
        if self.deps.settings.public_url:
            base = self.deps.settings.public_url.rstrip("/")
            scheme, _, rest = base.partition("://")
            return f"{scheme}://{rest.split('/')[0]}"
        return f"{request.url.scheme}://{request.url.netloc}"

    def base(self, request: Request) -> str:
        """The dashboard's absolute address (for the sign-in's redirect_uri)."""
        if self.deps.settings.public_url:
            return self.deps.settings.public_url.rstrip("/") + PREFIX
        return self.origin(request) + PREFIX

    async def viewer(self, request: Request) -> Viewer | None:
        session = self.cookies.session(request)
        if session is None:
            return None
        async with self.deps.db.transaction() as db:
            user = await user_repo.get(
                session=db, team_id=session.team_id, slack_user_id=session.user_id
            )
            if user is not None and user.deleted:
                user = None
            if user is not None:
                db.expunge(user)
        return Viewer(session, user)

    def page(
        self,
        template: str,
        viewer: Viewer | None,
        *,
        status: int = 200,
        **context: Any,
    ) -> Response:
        html = self.env.get_template(template).render(
            viewer=viewer,
            prefix=PREFIX,
            csrf=viewer.session.csrf if viewer is not None else "",
            **context,
        )
        return HTMLResponse(html, status_code=status, headers=HEADERS)

    def refused(self, refusal: Refused, viewer: Viewer | None) -> Response:
        return self.page(
            "refused.html",
            viewer,
            status=refusal.status,
            title=refusal.title,
            message=refusal.message,
        )

    @staticmethod
    def redirect(path: str) -> Response:
        return RedirectResponse(PREFIX + path, status_code=303, headers=HEADERS)
