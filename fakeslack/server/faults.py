"""Misbehaving on purpose: injected faults, held calls and Slack's rate limits.

``fail`` queues failures for the next calls to a method; ``set_fault_rate`` fails a random,
seeded share of calls; ``hold`` keeps a call unanswered until the test releases it;
``set_rate_limits`` limits ``chat.postMessage`` per channel and per workspace as Slack does.
The core (core.py) asks ``_injected`` and ``_rate_limited`` about every Web API call.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fakeslack.server.model import Call, dm_channel_id, is_user_id


@dataclass
class Fault:
    method: str
    status: int
    error: str | None
    retry_after: int | None
    delay: float | None
    times: int
    kind: str
    # Slack does the work first, and then the answer is lost: a 5xx instead of it
    # (``status``), or the connection dropped with no answer at all (``disconnect``).
    stored: bool = False
    disconnect: bool = False


class _TokenBucket:
    """``rate`` tokens a second, holding at most ``burst``."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.updated = burst, time.monotonic()

    def wait(self) -> float:
        """Seconds until a token is available (0: now)."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


class _Window:
    """At most ``limit`` events in any 60 seconds."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.times: list[float] = []

    def wait(self) -> float:
        now = time.monotonic()
        self.times = [t for t in self.times if now - t < 60]
        return 0.0 if len(self.times) < self.limit else 60 - (now - self.times[0])

    def take(self) -> None:
        self.times.append(time.monotonic())


class Faults:
    """The faults, holds and rate limits a test asked for."""

    _loop: asyncio.AbstractEventLoop | None  # the server's loop, while it runs (core.py)

    def __init__(self) -> None:
        super().__init__()
        self._faults: list[Fault] = []
        self._holds: dict[str, asyncio.Event] = {}
        self._fault_rate = 0.0
        self._fault_kinds: tuple[str, ...] = ()
        self._fault_methods: set[str] | None = None
        self._fault_rng = random.Random(0)
        self._fault_retry_after = 1
        self._timeout_delay = 2.0
        self._channel_rate: float | None = None
        self._channel_burst = 3
        self._workspace_per_minute: int | None = None
        self._buckets: dict[str, _TokenBucket] = {}
        self._windows: dict[str, _Window] = {}
        self._lock = threading.Lock()

    def fail(
        self,
        method: str = "*",
        *,
        status: int | None = None,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        delay: float | None = None,
        stored: bool = False,
        disconnect: bool = False,
    ) -> None:
        """Make the next ``times`` calls to ``method`` (``"*"``: any) fail.

        ``status=429``: HTTP 429, ``Retry-After: retry_after`` (default 1) and
        ``{"ok": false, "error": "ratelimited"}``. ``status`` 500/502/503: that HTTP status.
        ``error="..."`` alone (or with ``status=200``): HTTP 200 ``{"ok": false, "error"}``.
        ``delay=N`` alone: answer N seconds late (and then normally), which is a timeout
        for a client with a shorter one; with a status, wait and then fail.
        ``stored=True`` with a 5xx ``status``: do what the call asks (post the message,
        share the file…), then answer that status instead of the result, as Slack does when
        it fails after storing a request. ``disconnect=True``: do the work, then drop the
        connection without answering.
        """
        if disconnect:
            self._faults.append(
                Fault(method, 0, None, None, delay, times, "disconnect", disconnect=True)
            )
            return
        if status is None:
            status = 500 if error is None and delay is None else 200
        if stored and status < 500:
            raise ValueError("stored=True answers a 5xx after doing the work: give its status")
        if status == 429 and retry_after is None:
            retry_after = 1
        kind = "timeout" if delay and status == 200 and not error else str(status)
        if status == 200 and error:
            kind = "error"
        if stored:
            kind = f"stored-{status}"
        self._faults.append(
            Fault(method, status, error, retry_after, delay, times, kind, stored=stored)
        )

    def hold(self, method: str) -> Callable[[], None]:
        """Leave the next call to ``method`` unanswered until the function returned is called
        (from any thread; the fake must be running): a Slack that is slow for exactly as
        long as a test needs, with no timing involved. The call is recorded when it arrives."""
        loop = self._loop
        if loop is None:
            raise RuntimeError("start the fake Slack before holding calls")
        released = asyncio.Event()
        self._holds[method] = released

        def release() -> None:
            loop.call_soon_threadsafe(released.set)

        return release

    async def _wait_if_held(self, method: str) -> None:
        """Keep a call to a held method unanswered until the test releases it."""
        released = self._holds.pop(method, None)
        if released is not None:
            await released.wait()

    def set_fault_rate(
        self,
        rate: float,
        *,
        kinds: Iterable[str] = ("429", "500", "timeout"),
        retry_after: int = 1,
        timeout_delay: float = 2.0,
        seed: int = 0,
        methods: Iterable[str] | None = None,
    ) -> None:
        """Fail a random share ``rate`` of calls (to ``methods``, or all), each with one of
        ``kinds`` ("429", "500", "502", "503", "timeout", "stored-500" (…502, 503: the work
        is done, then the 5xx), "disconnect" (the work is done, then no answer)). The same
        seed fails the same calls in the same order. ``rate=0`` turns it off."""
        self._fault_rate = rate
        self._fault_kinds = tuple(kinds)
        self._fault_retry_after = retry_after
        self._timeout_delay = timeout_delay
        self._fault_rng = random.Random(seed)
        self._fault_methods = set(methods) if methods is not None else None

    def set_rate_limits(
        self,
        *,
        per_channel_per_second: float | None = 1.0,
        channel_burst: int = 3,
        workspace_per_minute: int | None = None,
    ) -> None:
        """Rate-limit ``chat.postMessage`` as Slack does: a token bucket per channel
        (``per_channel_per_second``, bursts of ``channel_burst``) and at most
        ``workspace_per_minute`` per workspace in any minute. Over either: HTTP 429 with
        ``Retry-After`` (whole seconds, at least 1). Not called: no limiting."""
        self._channel_rate = per_channel_per_second
        self._channel_burst = channel_burst
        self._workspace_per_minute = workspace_per_minute
        self._buckets.clear()
        self._windows.clear()

    def _injected(self, method: str) -> Fault | None:
        for fault in self._faults:
            if fault.method in ("*", method):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        if not self._fault_rate or (
            self._fault_methods is not None and method not in self._fault_methods
        ):
            return None
        with self._lock:  # one roll per eligible call, in order: deterministic by seed
            roll = self._fault_rng.random()
            kind = self._fault_rng.choice(self._fault_kinds) if self._fault_kinds else "500"
        if roll >= self._fault_rate:
            return None
        if kind == "429":
            return Fault(method, 429, None, self._fault_retry_after, None, 1, kind)
        if kind == "timeout":
            return Fault(method, 200, None, None, self._timeout_delay, 1, kind)
        if kind == "disconnect":
            return Fault(method, 0, None, None, None, 1, kind, disconnect=True)
        if kind.startswith("stored-"):
            status = int(kind.removeprefix("stored-"))
            return Fault(method, status, None, None, None, 1, kind, stored=True)
        return Fault(method, int(kind), None, None, None, 1, kind)

    def _rate_limited(self, call: Call) -> float:
        """Seconds to wait if this call is over a limit, else 0 (and the call is counted)."""
        if call.method != "chat.postMessage" or call.team_id is None:
            return 0.0
        team_id = call.team_id
        channel = str(call.args.get("channel") or "")
        if is_user_id(channel):
            channel = dm_channel_id(channel)
        limits: list[_TokenBucket | _Window] = []
        if self._channel_rate:
            key = f"{team_id}/{channel}"
            if key not in self._buckets:
                self._buckets[key] = _TokenBucket(self._channel_rate, self._channel_burst)
            limits.append(self._buckets[key])
        if self._workspace_per_minute:
            if team_id not in self._windows:
                self._windows[team_id] = _Window(self._workspace_per_minute)
            limits.append(self._windows[team_id])
        wait = max((limit.wait() for limit in limits), default=0.0)
        if wait == 0:
            for limit in limits:
                limit.take()
        return wait
