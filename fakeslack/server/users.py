"""The people of a workspace: ``add_user``, ``update_user``; ``users.info``, ``users.list``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fakeslack.server.core import Core, api
from fakeslack.server.model import Call, SlackError, page


class Users(Core):
    def add_user(
        self,
        team_id: str,
        user_id: str,
        *,
        name: str,
        real_name: str | None = None,
        tz: str = "Europe/London",
        tz_offset: int | None = None,
        is_admin: bool = False,
        is_owner: bool = False,
        is_bot: bool = False,
        deleted: bool = False,
        email: str | None = None,
    ) -> dict[str, Any]:
        """A person, shaped as ``users.info`` returns them. ``tz_offset`` defaults to the
        zone's offset now (so it follows daylight saving, as Slack's does)."""
        local = datetime.fromtimestamp(self._now(), UTC).astimezone(ZoneInfo(tz))
        if tz_offset is None:
            offset = local.utcoffset()
            tz_offset = int(offset.total_seconds()) if offset is not None else 0
        real = real_name or name
        profile: dict[str, Any] = {
            "real_name": real,
            "real_name_normalized": real,
            "display_name": name,
            "display_name_normalized": name,
            "first_name": real.split(" ")[0],
            "last_name": " ".join(real.split(" ")[1:]),
            "status_text": "",
            "status_emoji": "",
            "image_72": f"https://avatars.example.com/{user_id}_72.png",
            "team": team_id,
        }
        if not is_bot:
            profile["email"] = email or f"{name}@example.com"
        user = {
            "id": user_id,
            "team_id": team_id,
            "name": name,
            "deleted": deleted,
            "color": "9f69e7",
            "real_name": real,
            "tz": tz,
            "tz_label": local.tzname() or tz,
            "tz_offset": tz_offset,
            "profile": profile,
            "is_admin": is_admin,
            "is_owner": is_owner,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": int(self._now()),
        }
        self.workspaces[team_id].users[user_id] = user
        return user

    def update_user(self, team_id: str, user_id: str, **changes: Any) -> None:
        """Change a person: ``add_user``'s keywords rebuild the object (moving ``tz``
        recomputes ``tz_offset`` and ``tz_label``); any other key is set as given."""
        current = self.workspaces[team_id].users[user_id]
        known = {
            "name": current["name"],
            "real_name": current["real_name"],
            "tz": current["tz"],
            "tz_offset": None if "tz" in changes else current["tz_offset"],
            "is_admin": current["is_admin"],
            "is_owner": current["is_owner"],
            "is_bot": current["is_bot"],
            "deleted": current["deleted"],
            "email": current["profile"].get("email"),
        }
        rebuilt = {k: changes.pop(k) if k in changes else v for k, v in known.items()}
        self.add_user(team_id, user_id, **rebuilt).update(changes)

    @api("users.info")
    async def _users_info(self, call: Call) -> dict[str, Any]:
        user = self._ws(call).users.get(str(call.args.get("user") or ""))
        if user is None:
            raise SlackError("user_not_found")
        return {"user": user}

    @api("users.list")
    async def _users_list(self, call: Call) -> dict[str, Any]:
        members, cursor = page(list(self._ws(call).users.values()), call, "user", default=200)
        return {
            "members": members,
            "cache_ts": int(self._now()),
            "response_metadata": {"next_cursor": cursor},
        }
