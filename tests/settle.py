"""Waiting for the app to finish what a request started, on the app's own signal.

Bolt answers Slack as soon as a listener acknowledges, and the listener goes on working (and
calling Slack) after that. The app counts every listener run still going in
``mentorbot_listeners_in_flight`` (a run counts itself before its request is answered), so
once that is 0 every Slack call, row and log line a request could cause has happened: a
check that something did *not* happen can follow it."""

from __future__ import annotations

import asyncio
import time

import httpx


async def metric(http: httpx.AsyncClient, name: str) -> float:
    """The value of the unlabelled metric ``name`` in the app's /metrics."""
    text = (await http.get("/metrics")).text
    [line] = [line for line in text.splitlines() if line.startswith(name + " ")]
    return float(line.split()[1])


async def in_flight(http: httpx.AsyncClient) -> float:
    """Listener runs not finished yet."""
    return await metric(http, "mentorbot_listeners_in_flight")


async def settled(http: httpx.AsyncClient, timeout: float = 30.0) -> None:
    """Wait until no listener run of the app behind ``http`` is in flight. ``timeout`` only
    bounds a hang: the wait ends on the signal, however long the work takes."""
    deadline = time.monotonic() + timeout
    while (running := await in_flight(http)) > 0:
        assert time.monotonic() < deadline, f"{running:g} listener runs still in flight"
        await asyncio.sleep(0.005)
