"""Modals and the App Home: trigger ids (``issue_trigger``), ``views.open``, ``.push``,
``.update``, ``.publish``; what a person sees (``open_view``, ``view_stack``,
``wait_for_view``, ``home_view``) and what Slack does with the app's answer to a submitted
form (``apply_response_action``)."""

from __future__ import annotations

import asyncio
import copy
import re
import secrets
import time
from typing import Any

from fakeslack.blockkit import check_view
from fakeslack.server.core import Core, api
from fakeslack.server.model import Call, SlackError, Workspace

TRIGGER_TTL = 3.0  # seconds a trigger_id can be exchanged for a modal, as on Slack
VIEW_STACK_LIMIT = 3  # views.push beyond this many modals -> push_limit_reached
_TRIGGER_ID = re.compile(r"(\d{13})\.(\d+)\.([0-9a-f]+)")


class Views(Core):
    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._triggers: dict[str, tuple[str, str, float]] = {}  # id -> (team, user, issued)
        self._used_triggers: set[str] = set()

    def issue_trigger(self, user_id: str, team_id: str) -> str:
        """A new trigger id for ``user_id``, as Slack includes in commands and actions:
        ``views.open``/``views.push`` accept it once, within three seconds."""
        issued = self._now()
        trigger = f"{int(issued * 1000)}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"
        self._triggers[trigger] = (team_id, user_id, issued)
        return trigger

    def open_view(self, user_id: str, team_id: str | None = None) -> dict[str, Any] | None:
        """A copy of the modal on top of the person's stack, as Slack describes it
        (id, hash, state, root_view_id…), or None when no modal is open."""
        for ws in self._teams(team_id):
            stack = ws.views.get(user_id)
            if stack:
                return copy.deepcopy(stack[-1])
        return None

    def view_stack(self, user_id: str, team_id: str | None = None) -> list[dict[str, Any]]:
        """Copies of every modal open for the person, the first-opened first."""
        for ws in self._teams(team_id):
            if ws.views.get(user_id):
                return copy.deepcopy(ws.views[user_id])
        return []

    async def wait_for_view(
        self, user_id: str, *, callback_id: str | None = None, timeout: float = 5.0
    ) -> dict[str, Any]:
        """Poll until a modal (with ``callback_id``, if given) is on top for the person."""
        deadline = time.monotonic() + timeout
        while True:
            view = self.open_view(user_id)
            if view is not None and (callback_id is None or view.get("callback_id") == callback_id):
                return view
            if time.monotonic() > deadline:
                showing = view.get("callback_id") if view else None
                raise AssertionError(
                    f"no modal {callback_id or ''} open for {user_id} after {timeout}s "
                    f"(showing: {showing})"
                )
            await asyncio.sleep(0.01)

    def close_views(self, user_id: str) -> None:
        """Close every modal the person has open (what ``response_action: clear`` does)."""
        for ws in self.workspaces.values():
            ws.views.pop(user_id, None)

    def apply_response_action(
        self, user_id: str, response: dict[str, Any] | None, team_id: str | None = None
    ) -> None:
        """Do to the person's modal stack what Slack does with the app's answer to a
        view_submission: a plain ack closes the top modal; ``clear`` closes them all;
        ``update`` replaces the top one; ``push`` adds one; ``errors`` keeps it open.
        An invalid view in the answer fails loudly (Slack would show the person an error)."""
        action = (response or {}).get("response_action")
        for ws in self._teams(team_id):
            stack = ws.views.get(user_id)
            if not stack:
                continue
            if action == "errors":
                return
            if action == "clear":
                ws.views.pop(user_id)
            elif action in ("update", "push") and response is not None:
                view = response.get("view")
                errors = check_view(view) if isinstance(view, dict) else ["no view"]
                if errors:
                    raise AssertionError(f"response_action {action} with an invalid view: {errors}")
                assert isinstance(view, dict)
                if action == "update":
                    top = stack[-1]
                    stack[-1] = self._materialise(
                        ws, view, view_id=top["id"], root=top["root_view_id"]
                    )
                    stack[-1]["previous_view_id"] = top["previous_view_id"]
                else:
                    if len(stack) >= VIEW_STACK_LIMIT:
                        raise AssertionError("response_action push beyond three modals")
                    pushed = self._materialise(ws, view, root=stack[0]["id"])
                    pushed["previous_view_id"] = stack[-1]["id"]
                    stack.append(pushed)
            else:
                stack.pop()
            return

    def home_view(self, user_id: str, team_id: str | None = None) -> dict[str, Any] | None:
        """A copy of the person's home tab as last published, or None."""
        for ws in self._teams(team_id):
            if user_id in ws.homes:
                return copy.deepcopy(ws.homes[user_id])
        return None

    # ------------------------------------------------------------------ views.*

    def _valid_view(self, call: Call, kind: str) -> dict[str, Any]:
        view = call.args.get("view")
        if not isinstance(view, dict):
            raise _invalid_arguments(["must be an object [json-pointer:/view]"])
        errors = check_view(view)
        if not errors and view.get("type") != kind:
            errors = [f"must be {kind} [json-pointer:/view/type]"]
        if errors:
            raise _invalid_arguments(errors)
        return view

    def _exchange_trigger(self, ws: Workspace, trigger_id: Any) -> str:
        """The person a trigger was issued to; each trigger works once, for three seconds."""
        if not isinstance(trigger_id, str) or not _TRIGGER_ID.fullmatch(trigger_id):
            raise SlackError("invalid_trigger_id")
        issued_ms = int(trigger_id.split(".")[0])
        if self._now() - issued_ms / 1000 > TRIGGER_TTL:
            raise SlackError("expired_trigger_id")
        if trigger_id in self._used_triggers:
            raise SlackError("exchanged_trigger_id")
        issued = self._triggers.get(trigger_id)
        # A well-formed id the fake never issued names nobody a modal could open for.
        if issued is None or issued[0] != ws.team_id:
            raise SlackError("invalid_trigger_id")
        self._used_triggers.add(trigger_id)
        return issued[1]

    def _materialise(
        self,
        ws: Workspace,
        view: dict[str, Any],
        *,
        view_id: str | None = None,
        root: str | None = None,
    ) -> dict[str, Any]:
        """The view object as Slack stores and describes it."""
        new_id = view_id or self._next_id("V")
        return {
            "id": new_id,
            "team_id": ws.team_id,
            "type": view["type"],
            "blocks": copy.deepcopy(view.get("blocks") or []),
            "private_metadata": view.get("private_metadata") or "",
            "callback_id": view.get("callback_id") or "",
            "state": {"values": {}},
            "hash": f"{int(self._now())}.{secrets.token_hex(4)}",
            "title": copy.deepcopy(view.get("title")),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "close": copy.deepcopy(view.get("close")),
            "submit": copy.deepcopy(view.get("submit")),
            "previous_view_id": None,
            "root_view_id": root or new_id,
            "app_id": ws.app_id,
            "external_id": view.get("external_id") or "",
            "app_installed_team_id": ws.team_id,
            "bot_id": ws.bot_id,
        }

    @api("views.open")
    async def _views_open(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        view = self._valid_view(call, "modal")
        user_id = self._exchange_trigger(ws, call.args.get("trigger_id"))
        opened = self._materialise(ws, view)
        ws.views[user_id] = [opened]
        return {"view": copy.deepcopy(opened)}

    @api("views.push")
    async def _views_push(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        view = self._valid_view(call, "modal")
        user_id = self._exchange_trigger(ws, call.args.get("trigger_id"))
        stack = ws.views[user_id]
        if len(stack) >= VIEW_STACK_LIMIT:
            raise SlackError("push_limit_reached")
        pushed = self._materialise(ws, view, root=stack[0]["id"] if stack else None)
        pushed["previous_view_id"] = stack[-1]["id"] if stack else None
        stack.append(pushed)
        return {"view": copy.deepcopy(pushed)}

    def _find_view(self, ws: Workspace, call: Call) -> tuple[dict[str, Any], str | None]:
        """The view ``views.update`` names, and whose modal stack (None: a home tab)."""
        view_id, external_id = call.args.get("view_id"), call.args.get("external_id")
        if not view_id and not external_id:
            raise _invalid_arguments(["either view_id or external_id is required [json-pointer:/]"])

        def named(view: dict[str, Any]) -> bool:
            return bool(
                view["id"] == view_id or (external_id and view["external_id"] == external_id)
            )

        for user_id, stack in ws.views.items():
            for view in stack:
                if named(view):
                    return view, user_id
        for view in ws.homes.values():
            if named(view):
                return view, None
        raise SlackError("not_found")

    @api("views.update")
    async def _views_update(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        current, modal_user = self._find_view(ws, call)
        view = self._valid_view(call, current["type"])
        if call.args.get("hash") and call.args["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        updated = self._materialise(ws, view, view_id=current["id"], root=current["root_view_id"])
        updated["previous_view_id"] = current["previous_view_id"]
        if modal_user is None:
            owner = next(u for u, home in ws.homes.items() if home is current)
            ws.homes[owner] = updated
        else:
            stack = ws.views[modal_user]
            stack[stack.index(current)] = updated
        return {"view": copy.deepcopy(updated)}

    @api("views.publish")
    async def _views_publish(self, call: Call) -> dict[str, Any]:
        ws = self._ws(call)
        user_id = str(call.args.get("user_id") or "")
        if user_id not in ws.users:
            raise SlackError("user_not_found")
        view = self._valid_view(call, "home")
        current = ws.homes.get(user_id)
        if call.args.get("hash") and current and call.args["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        published = self._materialise(ws, view, view_id=current["id"] if current else None)
        ws.homes[user_id] = published
        return {"view": copy.deepcopy(published)}


def _invalid_arguments(errors: list[str]) -> SlackError:
    return SlackError(
        "invalid_arguments", response_metadata={"messages": [f"[ERROR] {e}" for e in errors]}
    )
