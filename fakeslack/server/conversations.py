"""Channels and DMs: ``add_channel``, ``add_members``; ``conversations.open``, ``.join``,
``.info``, ``.members``, ``.history``; and how every family finds the conversation a call
names (a channel id, a DM id, or a user id meaning the DM with them) and whether the bot
may read or write there."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable
from typing import Any

from fakeslack.server.core import Core, api
from fakeslack.server.model import (
    Call,
    SlackError,
    Workspace,
    dm_channel_id,
    flag,
    is_user_id,
    page,
)


class Conversations(Core):
    def add_channel(
        self,
        team_id: str,
        channel_id: str,
        name: str,
        *,
        is_private: bool = False,
        members: Iterable[str] = (),
        is_archived: bool = False,
    ) -> dict[str, Any]:
        """A channel, shaped as ``conversations.info`` returns it. The bot is a member only
        if listed in ``members`` (or after ``conversations.join``)."""
        ws = self.workspaces[team_id]
        # Private channels made before 2021 have G ids and is_group; newer ones are channels.
        legacy_group = is_private and channel_id.startswith("G")
        channel = {
            "id": channel_id,
            "name": name,
            "name_normalized": name.lower(),
            "is_channel": not legacy_group,
            "is_group": legacy_group,
            "is_im": False,
            "is_mpim": False,
            "is_private": is_private,
            "is_archived": is_archived,
            "is_general": name == "general",
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "context_team_id": team_id,
            "created": int(self._now()),
            "creator": next(iter(members), ""),
            "unlinked": 0,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
            "previous_names": [],
        }
        ws.channels[channel_id] = channel
        ws.members[channel_id] = set(members)
        return channel

    def add_members(self, team_id: str, channel_id: str, *user_ids: str) -> None:
        """Add people (or the bot, by its user id) to a channel, as an invitation would."""
        self.workspaces[team_id].members[channel_id].update(user_ids)

    def dm_channel(self, team_id: str, user_id: str) -> str:
        """The id ``conversations.open`` returns for a DM with this one person."""
        return dm_channel_id(user_id)

    # ------------------------------------------------------------------ finding a conversation

    def _resolve(self, ws: Workspace, channel: Any) -> tuple[str, dict[str, Any]]:
        """A channel id, or a user id meaning the DM with them, as Slack resolves it."""
        if not isinstance(channel, str) or not channel:
            raise SlackError("channel_not_found")
        if is_user_id(channel):
            user = ws.users.get(channel)
            if user is None:
                raise SlackError("channel_not_found")
            self._check_dm_target(user)
            return self._open_im(ws, channel)
        if channel in ws.channels:
            return channel, ws.channels[channel]
        if channel.startswith("D"):
            for user_id in ws.users:
                if dm_channel_id(user_id) == channel:
                    return self._open_im(ws, user_id)
        raise SlackError("channel_not_found")

    @staticmethod
    def _check_dm_target(user: dict[str, Any]) -> None:
        if user.get("deleted"):
            raise SlackError("user_disabled")
        if user.get("is_bot"):
            raise SlackError("cannot_dm_bot")

    def _open_im(self, ws: Workspace, user_id: str) -> tuple[str, dict[str, Any]]:
        channel_id = dm_channel_id(user_id)
        if channel_id not in ws.channels:
            ws.channels[channel_id] = {
                "id": channel_id,
                "created": int(self._now()),
                "is_channel": False,
                "is_group": False,
                "is_im": True,
                "is_mpim": False,
                "is_private": True,
                "is_archived": False,
                "is_org_shared": False,
                "context_team_id": ws.team_id,
                "user": user_id,
                "is_user_deleted": bool(ws.users[user_id].get("deleted")),
                "priority": 0,
            }
            ws.members[channel_id] = {user_id, ws.bot_user_id}
        return channel_id, ws.channels[channel_id]

    def _is_member(self, ws: Workspace, channel_id: str) -> bool:
        return ws.bot_user_id in ws.members.get(channel_id, set())

    def _shown(self, ws: Workspace, channel: dict[str, Any]) -> dict[str, Any]:
        shown = dict(channel)
        if not channel.get("is_im"):
            shown["is_member"] = self._is_member(ws, channel["id"])
        return shown

    def _visible(self, ws: Workspace, channel: Any) -> tuple[str, dict[str, Any]]:
        """Like ``_resolve``, but a private channel the bot isn't in doesn't exist for it."""
        channel_id, conversation = self._resolve(ws, channel)
        if conversation.get("is_private") and not self._is_member(ws, channel_id):
            raise SlackError("channel_not_found")
        return channel_id, conversation

    def _writable(self, ws: Workspace, channel: Any) -> tuple[str, dict[str, Any]]:
        channel_id, conversation = self._resolve(ws, channel)
        if conversation.get("is_archived"):
            raise SlackError("is_archived")
        if not conversation.get("is_im") and not self._is_member(ws, channel_id):
            raise SlackError("not_in_channel")
        return channel_id, conversation

    # ------------------------------------------------------------------ conversations.*

    @api("conversations.open")
    async def _conversations_open(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        if call.args.get("channel"):
            channel_id, _ = self._visible(ws, call.args["channel"])
            return {"channel": {"id": channel_id}}
        users = [u.strip() for u in str(call.args.get("users") or "").split(",") if u.strip()]
        if not users:
            raise SlackError("users_list_not_supplied")
        if len(users) > 8:
            raise SlackError("too_many_users")
        for user_id in users:
            user = ws.users.get(user_id)
            if user is None:
                raise SlackError("user_not_found")
            self._check_dm_target(user)
        if len(set(users)) == 1:
            existed = dm_channel_id(users[0]) in ws.channels
            channel_id, conversation = self._open_im(ws, users[0])
        else:
            members = sorted(set(users))
            channel_id = "G" + uuid.uuid5(uuid.NAMESPACE_OID, ",".join(members)).hex[:10].upper()
            existed = channel_id in ws.channels
            if not existed:
                names = [ws.users[u]["name"] for u in members]
                ws.channels[channel_id] = {
                    "id": channel_id,
                    "name": "mpdm-" + "--".join(names) + "-1",
                    "created": int(self._now()),
                    "creator": ws.bot_user_id,
                    "is_channel": False,
                    "is_group": True,
                    "is_im": False,
                    "is_mpim": True,
                    "is_private": True,
                    "is_archived": False,
                    "context_team_id": ws.team_id,
                }
                ws.members[channel_id] = {*members, ws.bot_user_id}
            conversation = ws.channels[channel_id]
        shown = self._shown(ws, conversation) if flag(call, "return_im") else {"id": channel_id}
        result: dict[str, Any] = {"channel": shown}
        if existed:
            result.update(no_op=True, already_open=True)
        return result

    @api("conversations.join")
    async def _conversations_join(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        channel_id = str(call.args.get("channel") or "")
        conversation = ws.channels.get(channel_id)
        if conversation is None:
            raise SlackError("channel_not_found")
        if conversation.get("is_private") or conversation.get("is_im"):
            raise SlackError("method_not_supported_for_channel_type")
        if conversation.get("is_archived"):
            raise SlackError("is_archived")
        result: dict[str, Any] = {}
        if self._is_member(ws, channel_id):
            result["warning"] = "already_in_channel"
            result["response_metadata"] = {"warnings": ["already_in_channel"]}
        ws.members[channel_id].add(ws.bot_user_id)
        result["channel"] = self._shown(ws, conversation)
        return result

    @api("conversations.info")
    async def _conversations_info(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        channel_id, conversation = self._visible(ws, call.args.get("channel"))
        shown = self._shown(ws, conversation)
        if flag(call, "include_num_members"):
            shown["num_members"] = len(ws.members.get(channel_id, ()))
        return {"channel": shown}

    @api("conversations.members")
    async def _conversations_members(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        channel_id, _ = self._visible(ws, call.args.get("channel"))
        members, cursor = page(sorted(ws.members.get(channel_id, ())), call, "member")
        return {"members": members, "response_metadata": {"next_cursor": cursor}}

    @api("conversations.history")
    async def _conversations_history(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        channel_id, conversation = self._visible(ws, call.args.get("channel"))
        if not conversation.get("is_im") and not self._is_member(ws, channel_id):
            raise SlackError("not_in_channel")
        oldest = float(call.args.get("oldest") or 0)
        latest = float(call.args.get("latest") or "inf")
        limit = int(call.args.get("limit") or 100)
        found = [m for m in ws.messages.get(channel_id, []) if oldest < float(m["ts"]) <= latest]
        with_metadata = flag(call, "include_all_metadata")
        newest_first = []
        for message in reversed(found[-limit:]):
            shown = copy.deepcopy(message)
            if not with_metadata:
                shown.pop("metadata", None)
            newest_first.append(shown)
        return {
            "messages": newest_first,
            "has_more": len(found) > limit,
            "pin_count": 0,
            "response_metadata": {"next_cursor": ""},
        }
