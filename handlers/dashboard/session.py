"""The dashboard's cookies: the signed-in session, and the sign-in's state and nonce.

Both are signed (itsdangerous) with the dashboard key (``Settings.dashboard_key``) and carry
the time they were signed: a session older than ``DASHBOARD_SESSION_HOURS`` is refused on the
server whatever the browser kept, and a sign-in must come back within ten minutes. The time is
the injected clock's. Cookies are HttpOnly, SameSite=Lax, scoped to /dashboard, and Secure when
the app is reached over https.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from infra.clock import Clock
from infra.config import Settings

SESSION_COOKIE = "mentorbot_dashboard"
SIGNIN_COOKIE = "mentorbot_dashboard_signin"
SIGNIN_SECONDS = 600
PATH = "/dashboard"


@dataclass(frozen=True)
class Session:
    """Who is signed in: a Slack user of a workspace, and their CSRF token."""

    team_id: str
    user_id: str
    name: str
    csrf: str


@dataclass(frozen=True)
class SignIn:
    """A sign-in under way: the state and nonce sent to Slack."""

    state: str
    nonce: str


class Cookies:
    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.lifetime = int(settings.dashboard_session_hours * 3600)
        self.secure = (settings.public_url or "").lower().startswith("https://")

        class ClockSigner(TimestampSigner):
            def get_timestamp(self) -> int:
                return int(clock.now().timestamp())

        key = settings.dashboard_key
        self._session = URLSafeTimedSerializer(key, salt="dashboard-session", signer=ClockSigner)
        self._signin = URLSafeTimedSerializer(key, salt="dashboard-signin", signer=ClockSigner)

    # -------------------------------------------------------------------- the session

    def session(self, request: Request) -> Session | None:
        """The signed-in session, if the cookie is ours, untampered and not expired."""
        data = self._load(self._session, request.cookies.get(SESSION_COOKIE), self.lifetime)
        if data is None:
            return None
        try:
            return Session(
                team_id=str(data["t"]), user_id=str(data["u"]), name=str(data["n"]), csrf=data["c"]
            )
        except (KeyError, TypeError):
            return None

    def sign_in(self, response: Response, *, team_id: str, user_id: str, name: str) -> None:
        """Start a session (with a fresh CSRF token) and forget the sign-in."""
        value = self._session.dumps(
            {"t": team_id, "u": user_id, "n": name, "c": secrets.token_urlsafe(24)}
        )
        self._set(response, SESSION_COOKIE, value, self.lifetime)
        self.forget_signin(response)

    def sign_out(self, response: Response) -> None:
        response.delete_cookie(SESSION_COOKIE, path=PATH, secure=self.secure, httponly=True)

    # -------------------------------------------------------------------- the sign-in

    def start_signin(self, response: Response) -> SignIn:
        signin = SignIn(state=secrets.token_urlsafe(24), nonce=secrets.token_urlsafe(24))
        value = self._signin.dumps({"s": signin.state, "n": signin.nonce})
        self._set(response, SIGNIN_COOKIE, value, SIGNIN_SECONDS)
        return signin

    def signin(self, request: Request) -> SignIn | None:
        data = self._load(self._signin, request.cookies.get(SIGNIN_COOKIE), SIGNIN_SECONDS)
        if data is None or not isinstance(data.get("s"), str) or not isinstance(data.get("n"), str):
            return None
        return SignIn(state=data["s"], nonce=data["n"])

    def forget_signin(self, response: Response) -> None:
        response.delete_cookie(SIGNIN_COOKIE, path=PATH, secure=self.secure, httponly=True)

    # -------------------------------------------------------------------- shared

    @staticmethod
    def _load(
        serializer: URLSafeTimedSerializer, value: str | None, max_age: int
    ) -> dict[str, Any] | None:
        if not value:
            return None
        try:
            data = serializer.loads(value, max_age=max_age)
        except BadSignature:  # tampered, signed with another key, or expired
            return None
        return data if isinstance(data, dict) else None

    def _set(self, response: Response, name: str, value: str, max_age: int) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path=PATH,
            secure=self.secure,
            httponly=True,
            samesite="lax",
        )


def csrf_ok(request: Request, session: Session, token: str, *, origin: str) -> bool:
    """A POST is ours: the session's token came back in the form, and the browser's Origin
    (or else its Referer), when it sends one, is this app's own."""
    for header in ("origin", "referer"):
        value = request.headers.get(header)
        if value:
            parts = urlsplit(value)
            if f"{parts.scheme}://{parts.netloc}" != origin:
                return False
            break
    return bool(token) and hmac.compare_digest(token.encode(), session.csrf.encode())
