"""The app leaving a workspace: ``app_uninstalled`` and ``tokens_revoked``.

Both come with no usable token (Bolt skips authorisation for them), so the listeners only
hand the team to :mod:`bot.workspaces`, which forgets its tokens and stops its work.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncBoltContext

from bot.workspaces import service as workspaces
from handlers.context import deps_of


def _team(body: dict[str, Any], context: AsyncBoltContext) -> str:
    return str(context.team_id or body.get("team_id") or "")


async def app_uninstalled(body: dict[str, Any], context: AsyncBoltContext) -> None:
    await workspaces.uninstalled(
        deps_of(context), team_id=_team(body, context), enterprise_id=context.enterprise_id
    )


async def tokens_revoked(
    event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext
) -> None:
    await workspaces.tokens_revoked(
        deps_of(context),
        team_id=_team(body, context),
        revoked=workspaces.revoked_from_event(event),
        enterprise_id=context.enterprise_id,
    )
