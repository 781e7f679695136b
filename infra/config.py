"""Settings, read from the environment (and a ``.env`` file) with pydantic-settings.

Mentorbot runs in one of two credential modes:

* **single workspace**: ``SLACK_BOT_TOKEN`` (+ ``SLACK_SIGNING_SECRET`` over HTTP);
* **OAuth, many workspaces**: ``SLACK_CLIENT_ID`` + ``SLACK_CLIENT_SECRET`` (+ signing secret);
  installations are stored in the database.

and over one of two transports: HTTP (``serve``) or Socket Mode (``socket``, needs
``SLACK_APP_TOKEN``). :meth:`Settings.check` turns a missing or contradictory combination into
a :class:`ConfigError` whose message is one line naming the variable to fix.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

from infra.db import url_problem

SLACK_API_URL = "https://slack.com/api/"

# The narrowest bot scopes that work; manifest.yml must list exactly these (a test checks).
BOT_SCOPES: tuple[str, ...] = (
    "channels:join",  # join a public manager digest channel by itself
    "chat:write",  # DMs, introductions, digests
    "commands",  # /mentor
    "files:write",  # the match review as a CSV download
    "groups:read",  # check it was invited to a private digest channel
    "im:history",  # read replies in its DMs (message.im)
    "im:write",  # open DMs with people
    "mpim:history",  # after a timed-out post, check the pair's group DM before posting again
    "mpim:write",  # a group DM with each mentor and mentee, for their introduction
    "users:read",  # time zones, names, admin/owner status, deactivation
)


# Asked for only with CHECK_CHANNEL_HISTORY=true: they let the bot read the channels it is in
# (the managers' digest and celebrations channels), so a post there that may have reached
# Slack after a timeout or a crash is looked up before it is sent again, as DMs are.
CHANNEL_HISTORY_SCOPES: tuple[str, ...] = ("channels:history", "groups:history")


class ConfigError(Exception):
    """A missing or contradictory setting. The message is one line naming the variable."""


def bot_scopes(settings: Settings) -> list[str]:
    """The bot scopes this deployment asks for when a workspace installs it."""
    extra = CHANNEL_HISTORY_SCOPES if settings.check_channel_history else ()
    return [*BOT_SCOPES, *extra]


class Transport(enum.StrEnum):
    HTTP = "http"
    SOCKET = "socket"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    database_url: str = "sqlite+aiosqlite:///./mentorbot.db"
    slack_api_url: str = SLACK_API_URL
    port: int = Field(default=3000, ge=1, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    sweep_interval_seconds: float = Field(default=30.0, gt=0, le=3600)
    # How long a sweeper holds the rows it claimed: a process that dies (or hangs) gives its
    # rows up to the next sweep after this. Longer than a batch's delivery ever takes.
    sweep_lease_seconds: float = Field(default=300.0, ge=5, le=3600)
    # How long one Web API call may take before we give up on it. A timed-out post may still
    # have reached Slack: the sweep then checks the DM's history before sending it again.
    slack_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    # Off: a post to a managers' channel whose call timed out after Slack took it can appear
    # twice (rarely; docs/scheduling.md). On: it is looked up first, which needs the
    # CHANNEL_HISTORY_SCOPES added to the app (and lets the bot read those channels).
    check_channel_history: bool = False
    # Where people's browsers reach this app (e.g. https://mentorbot.example.com): calendar
    # (.ics) links in meeting bookings point here. Without it, bookings carry no link.
    public_url: str | None = None
    # After `app_uninstalled` (or the bot's token revoked), every row of the workspace is
    # deleted this many days later, unless it installs again first.
    uninstall_grace_days: int = Field(default=30, ge=0, le=3650)
    # Agendas, meeting notes and check-in comments of relationships that ended more than this
    # many months ago are deleted by the daily housekeeping (counts stay); a deactivated
    # person's data is erased this long after they left. 0 keeps them for ever.
    retention_months: int = Field(default=24, ge=0, le=1200)
    # The manager dashboard (/dashboard): the key its session cookies are signed with (by
    # default derived from the app's secrets, so an operator need not set one), how long a
    # sign-in lasts, and the app's client id and secret for Sign in with Slack when the
    # app runs in one workspace (in OAuth mode SLACK_CLIENT_ID/SLACK_CLIENT_SECRET serve).
    dashboard_secret: str | None = None
    dashboard_session_hours: float = Field(default=12.0, gt=0, le=24 * 30)
    dashboard_client_id: str | None = None
    dashboard_client_secret: str | None = None

    @property
    def dashboard_key(self) -> bytes:
        """The dashboard's signing key: DASHBOARD_SECRET, or an HMAC of the link secret under
        a label of its own (a key for one purpose only: a dashboard cookie is never a valid
        calendar link signature, nor the other way round)."""
        if self.dashboard_secret:
            return self.dashboard_secret.encode()
        return hmac.new(self.link_secret.encode(), b"mentorbot dashboard", hashlib.sha256).digest()

    @property
    def dashboard_client(self) -> tuple[str, str] | None:
        """The client id and secret Sign in with Slack uses (None: not configured)."""
        if self.dashboard_client_id and self.dashboard_client_secret:
            return self.dashboard_client_id, self.dashboard_client_secret
        if self.slack_client_id and self.slack_client_secret:
            return self.slack_client_id, self.slack_client_secret
        return None

    @property
    def dashboard_url(self) -> str | None:
        """The managers' web dashboard as browsers reach it (None without PUBLIC_URL)."""
        return f"{self.public_url.rstrip('/')}/dashboard/" if self.public_url else None

    @property
    def slack_web_url(self) -> str:
        """Where people's browsers go to Slack (Sign in with Slack's authorize page): the
        origin of SLACK_API_URL, so a fake Slack serves both (https://slack.com normally)."""
        parts = urlsplit(self.slack_api_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def link_secret(self) -> str:
        """The key that signs links served to browsers (calendar files)."""
        for value in (self.slack_signing_secret, self.slack_client_secret, self.slack_app_token):
            if value:
                return value
        return self.slack_bot_token or "mentorbot"

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _usable_database(cls, value: str) -> str:
        if problem := url_problem(value):
            raise PydanticCustomError("database_url", "{problem}", {"problem": problem})
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        # slack_sdk joins base_url + method name, so the slash matters.
        return value if value.endswith("/") else value + "/"

    @field_validator(
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "slack_client_id",
        "slack_client_secret",
        "public_url",
        "dashboard_secret",
        "dashboard_client_id",
        "dashboard_client_secret",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip() if isinstance(value, str) else value

    @property
    def oauth(self) -> bool:
        """True in multi-workspace OAuth mode."""
        return self.slack_client_id is not None

    def check(self, transport: Transport) -> None:
        """Raise :class:`ConfigError` unless the settings can run ``transport``."""
        if self.slack_bot_token and (self.slack_client_id or self.slack_client_secret):
            raise ConfigError(
                "SLACK_BOT_TOKEN and SLACK_CLIENT_ID/SLACK_CLIENT_SECRET are both set: use the "
                "bot token for one workspace, or the client id and secret for OAuth, not both"
            )
        if bool(self.slack_client_id) != bool(self.slack_client_secret):
            missing = "SLACK_CLIENT_SECRET" if self.slack_client_id else "SLACK_CLIENT_ID"
            raise ConfigError(
                f"{missing} is not set: OAuth mode needs both SLACK_CLIENT_ID and "
                "SLACK_CLIENT_SECRET (Basic Information > App Credentials)"
            )
        if self.slack_bot_token and not self.slack_bot_token.startswith("xoxb-"):
            raise ConfigError(
                "SLACK_BOT_TOKEN must be a bot token starting with xoxb- "
                "(OAuth & Permissions > Bot User OAuth Token)"
            )
        if transport is Transport.SOCKET:
            if not self.slack_app_token:
                raise ConfigError(
                    "SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token with the "
                    "connections:write scope (Basic Information > App-Level Tokens)"
                )
            if not self.slack_app_token.startswith("xapp-"):
                raise ConfigError("SLACK_APP_TOKEN must be an app-level token starting with xapp-")
            if self.oauth:
                raise ConfigError(
                    "SLACK_CLIENT_ID is set but Socket Mode runs in one workspace: unset "
                    "SLACK_CLIENT_ID/SLACK_CLIENT_SECRET and set SLACK_BOT_TOKEN"
                )
            if not self.slack_bot_token:
                raise ConfigError(
                    "SLACK_BOT_TOKEN is not set: Socket Mode needs the bot token "
                    "(OAuth & Permissions > Bot User OAuth Token)"
                )
            return
        if not self.slack_signing_secret:
            raise ConfigError(
                "SLACK_SIGNING_SECRET is not set: copy it from Basic Information > "
                "App Credentials (every HTTP request from Slack is verified with it)"
            )
        if not self.slack_bot_token and not self.oauth:
            raise ConfigError(
                "SLACK_BOT_TOKEN is not set: set it for one workspace, or set SLACK_CLIENT_ID "
                "and SLACK_CLIENT_SECRET to install into many workspaces with OAuth"
            )
        if self.slack_app_token:
            raise ConfigError(
                "SLACK_APP_TOKEN is set but `serve` takes HTTP requests: run `mentorbot socket` "
                "for Socket Mode, or unset SLACK_APP_TOKEN"
            )


def check_delivery(settings: Settings) -> None:
    """What `mentorbot tick` needs: a way to send (a bot token, or OAuth installations)."""
    if settings.slack_bot_token and settings.oauth:
        raise ConfigError(
            "SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set: use one mode, not both"
        )
    if not settings.slack_bot_token and not settings.oauth:
        raise ConfigError(
            "SLACK_BOT_TOKEN is not set: due work is sent with the bot token (or set "
            "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to send with each workspace's installation)"
        )


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning pydantic's validation report into one ConfigError line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        # Never echoed: secrets, and the database URL (it may hold a password).
        hidden = "TOKEN" in name or "SECRET" in name or name == "DATABASE_URL"
        shown = "" if hidden else f" (got {first.get('input')!r})"
        raise ConfigError(f"{name}: {first['msg']}{shown}") from None
