"""Helpers every listener uses: its dependencies, and who is acting."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.people.directory import FRESH_FOR, lookup_user
from handlers.payloads import ActionRequest, CommandRequest, ViewRequest
from infra.deps import Deps
from storage.models import User

DEPS_KEY = "mentorbot_deps"


def deps_of(context: Any) -> Deps:
    deps = context[DEPS_KEY]
    assert isinstance(deps, Deps)
    return deps


async def acting_user(
    deps: Deps,
    client: AsyncWebClient,
    *,
    team_id: str,
    user_id: str,
    fresh_for: timedelta = FRESH_FOR,
) -> User:
    return await lookup_user(
        db=deps.db,
        client=client,
        clock=deps.clock,
        team_id=team_id,
        user_id=user_id,
        fresh_for=fresh_for,
    )


async def actor_of(
    req: ActionRequest | ViewRequest | CommandRequest, context: Any, client: AsyncWebClient
) -> tuple[Deps, User]:
    """The process's dependencies and the person a request comes from."""
    deps = deps_of(context)
    return deps, await acting_user(deps, client, team_id=req.team_id, user_id=req.user_id)


async def begin_action(
    ack: Any, body: dict[str, Any], context: Any, client: AsyncWebClient
) -> tuple[ActionRequest, Deps, User]:
    """Acknowledge a button press at once, then parse it and find who pressed it."""
    await ack()
    req = ActionRequest.parse(body)
    return (req, *await actor_of(req, context, client))


async def begin_view(
    body: dict[str, Any], context: Any, client: AsyncWebClient
) -> tuple[ViewRequest, Deps, User]:
    """Parse a modal submission and find who sent it (the ack comes after the service
    accepted it, so field errors can go back inside the ack)."""
    req = ViewRequest.parse(body)
    return (req, *await actor_of(req, context, client))


async def begin_command(
    ack: Any, body: dict[str, Any], context: Any, client: AsyncWebClient
) -> tuple[CommandRequest, Deps, User]:
    """Acknowledge a slash command at once, then parse it and find who typed it."""
    await ack()
    req = CommandRequest.parse(body)
    return (req, *await actor_of(req, context, client))


async def begin_event(
    event: dict[str, Any], body: dict[str, Any], context: Any, client: AsyncWebClient
) -> tuple[str, Deps, User] | None:
    """Find who an event comes from (Bolt acknowledged it already): its workspace, the
    process's dependencies and the person; None for an event no person sent."""
    user_id = event.get("user")
    if not isinstance(user_id, str) or not user_id:
        return None
    deps = deps_of(context)
    team_id = str(body.get("team_id") or context.team_id or "")
    return team_id, deps, await acting_user(deps, client, team_id=team_id, user_id=user_id)


@dataclass(frozen=True)
class Pressed:
    """A button press, acknowledged: the request, the process's dependencies, who pressed
    it, and Bolt's client and ``respond`` for the answer."""

    req: ActionRequest
    deps: Deps
    actor: User
    client: AsyncWebClient
    respond: AsyncRespond


@dataclass(frozen=True)
class Submitted:
    """A modal submission, not yet acknowledged (so field errors can go back inside the
    ack): the request, the process's dependencies, who sent it, Bolt's ``ack`` and client."""

    req: ViewRequest
    deps: Deps
    actor: User
    ack: AsyncAck
    client: AsyncWebClient


Listener = Callable[..., Awaitable[None]]


def _named(listener: Listener, handle: Callable[..., Any]) -> Listener:
    # Not functools.wraps: Bolt injects arguments by the signature it finds, and would look
    # through ``__wrapped__`` to the handler's own.
    listener.__name__ = handle.__name__
    listener.__qualname__ = handle.__qualname__
    listener.__doc__ = handle.__doc__
    listener.__module__ = handle.__module__
    return listener


def on_press(handle: Callable[[Pressed], Awaitable[None]]) -> Listener:
    """A button listener from a handler of :class:`Pressed`: the shared preamble (ack,
    parse, dependencies, the acting person) written once."""

    async def listener(
        ack: AsyncAck,
        body: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        req, deps, actor = await begin_action(ack, body, context, client)
        await handle(Pressed(req, deps, actor, client, respond))

    return _named(listener, handle)


def on_submit(handle: Callable[[Submitted], Awaitable[None]]) -> Listener:
    """A modal-submission listener from a handler of :class:`Submitted` (the handler
    acknowledges once the service accepted the form)."""

    async def listener(
        ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        req, deps, actor = await begin_view(body, context, client)
        await handle(Submitted(req, deps, actor, ack, client))

    return _named(listener, handle)
