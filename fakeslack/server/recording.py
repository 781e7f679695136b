"""What the fake saw: every request as a ``Call``, counters, and the waits tests use."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from fakeslack.server.model import Call


class Recording:
    """Every call the fake received, in order (``calls``), and counters (``stats``)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []
        # Counters: "calls", "method:<name>", "fault:429", "fault:500" (…502, 503),
        # "fault:stored-500" (…502, 503), "fault:disconnect", "fault:timeout", "fault:error",
        # "rate_limited".
        self.stats: Counter[str] = Counter()

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        self.stats["calls"] += 1
        self.stats[f"method:{call.method}"] += 1

    def calls_to(self, method: str, **match: Any) -> list[Call]:
        """Calls to ``method`` (e.g. ``"chat.postMessage"``) whose args equal ``match``."""
        return [
            c
            for c in list(self.calls)
            if c.method == method and all(c.args.get(k) == v for k, v in match.items())
        ]

    def _found(self, method: str, predicate: Callable[[Call], bool] | None) -> list[Call]:
        return [c for c in self.calls_to(method) if predicate is None or predicate(c)]

    def _timed_out(self, method: str, count: int, found: int, timeout: float) -> AssertionError:
        recent = "\n".join(f"  {c.describe()}" for c in self.calls[-10:]) or "  (none)"
        return AssertionError(
            f"waited {timeout}s for {count} x {method}, saw {found}; recent calls:\n{recent}"
        )

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        *,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[Call]:
        """Poll until ``count`` calls to ``method`` (matching ``predicate``) were made;
        returns all of them. Raises AssertionError, listing recent calls, on timeout."""
        deadline = time.monotonic() + timeout
        while len(found := self._found(method, predicate)) < count:
            if time.monotonic() > deadline:
                raise self._timed_out(method, count, len(found), timeout)
            await asyncio.sleep(0.01)
        return found

    def wait_for_sync(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        *,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[Call]:
        """``wait_for`` for sync code (the fake must be running in its thread)."""
        deadline = time.monotonic() + timeout
        while len(found := self._found(method, predicate)) < count:
            if time.monotonic() > deadline:
                raise self._timed_out(method, count, len(found), timeout)
            time.sleep(0.01)
        return found

    def reset_calls(self) -> None:
        self.calls.clear()

    def drain(self) -> list[Call]:
        """Hand over every call recorded so far and forget them, with the messages and files
        they left behind (channels, users and counters stay). A long run (``bench.soak``)
        tallies and drains after each step, so the fake's memory stays flat."""
        calls, self.calls = self.calls, []
        self._forget()
        return calls

    def _forget(self) -> None:
        """Drop what calls left behind; each API family that keeps some extends this."""
