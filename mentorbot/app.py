"""The app factory: builds the Bolt ``AsyncApp`` from settings and wires the handlers.

It only wires. Behaviour lives in ``handlers`` (Slack listeners) and the ``bot`` services.
"""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore

import handlers
from bot.workspaces import service as workspaces
from infra.config import Transport, bot_scopes
from infra.deps import Deps
from infra.slack import installation_store, web_client

NOT_INSTALLED = (
    "Mentorbot isn't installed in this workspace yet (or was removed). "
    "Ask a workspace admin to install it again."
)


def _bolt_logger() -> logging.Logger:
    """Bolt's own logger, handed to it so that it inherits the level ``infra.logs.configure``
    gives "slack_bolt". Left to itself, Bolt copies the root level onto it, and at DEBUG it
    logs every acknowledgement's body: people's text and our replies to it."""
    return logging.getLogger("slack_bolt.AsyncApp")


def build_app(deps: Deps, transport: Transport = Transport.HTTP) -> AsyncApp:
    settings = deps.settings
    settings.check(transport)
    client = web_client(settings, settings.slack_bot_token, session=deps.http)
    if settings.oauth:
        assert settings.slack_client_id and settings.slack_client_secret
        store = installation_store(settings, deps.db)
        app = AsyncApp(
            signing_secret=settings.slack_signing_secret,
            client=client,
            installation_store=store,
            user_facing_authorize_error_message=NOT_INSTALLED,
            raise_error_for_unhandled_request=True,
            logger=_bolt_logger(),
            # Authorisation results are cached per token: no auth.test on every request.
            authorize=AsyncInstallationStoreAuthorize(  # type: ignore[arg-type]
                logger=logging.getLogger("slack_bolt.authorize"),
                installation_store=store,
                client_id=settings.slack_client_id,
                client_secret=settings.slack_client_secret,
                bot_only=True,
                cache_enabled=True,
                client=client,
            ),
            oauth_settings=AsyncOAuthSettings(
                client_id=settings.slack_client_id,
                client_secret=settings.slack_client_secret,
                scopes=bot_scopes(settings),
                installation_store=store,
                installation_store_bot_only=True,
                state_store=AsyncSQLAlchemyOAuthStateStore(
                    expiration_seconds=600, engine=deps.db.engine
                ),
                callback_options=_install_callbacks(deps),
            ),
        )
    else:
        app = AsyncApp(
            signing_secret=settings.slack_signing_secret,
            client=client,
            # Socket Mode requests are not signed; over HTTP verification is always on.
            request_verification_enabled=transport is Transport.HTTP,
            raise_error_for_unhandled_request=True,
            logger=_bolt_logger(),
        )
    handlers.register(app, deps)
    return app


def _install_callbacks(deps: Deps) -> AsyncCallbackOptions:
    """Bolt's own success and failure pages, with one step first on success: a workspace
    coming back gets the recurring work its uninstall cancelled planned again."""

    async def success(args: AsyncSuccessArgs) -> BoltResponse:
        team_id = args.installation.team_id
        if team_id:
            await workspaces.reinstalled(deps, team_id=team_id)
        return await args.default.success(args)

    async def failure(args: AsyncFailureArgs) -> BoltResponse:
        return await args.default.failure(args)

    return AsyncCallbackOptions(success=success, failure=failure)
