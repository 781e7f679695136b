"""/metrics through the front door: every Slack call the app makes is counted by method and
outcome (listeners' calls through Bolt's client and respond(), and the scheduler's), acks
are timed per kind, listener runs are in flight until their work after the ack is done, and
sweeps report their duration, backlog and outcomes."""

from __future__ import annotations

import httpx

from bot.ids import Action
from fakeslack import FakeSlack, SlackSender
from infra.deps import Deps
from mentorbot.jobs import build_sweeper
from scheduling.kinds import Kind
from scheduling.runner import run_sweep
from tests.service.helpers import mentee_with_a_nudge_due_now
from tests.settle import in_flight, settled


async def metrics_with(http: httpx.AsyncClient, *lines: str) -> str:
    """/metrics, holding every one of ``lines``, once the app's listener runs are over (a
    call is counted when its answer arrives, a moment after the fake recorded it)."""
    await settled(http)
    text = (await http.get("/metrics")).text
    missing = [line for line in lines if line not in text]
    assert not missing, f"not in /metrics: {missing}\n{text}"
    return text


async def test_listener_calls_are_counted_by_method_and_error(
    sender: SlackSender, http: httpx.AsyncClient, fake: FakeSlack
) -> None:
    fake.fail("views.open", error="expired_trigger_id")
    assert (await sender.command("UMENTEE", "settings")).status_code == 200
    await fake.wait_for("views.open")
    assert (await sender.command("UMENTEE", "settings")).status_code == 200
    await fake.wait_for("views.open", count=2)
    assert (await sender.command("UMENTEE", "help")).status_code == 200
    await fake.wait_for("response_url", lambda c: "blocks" in c.args)

    text = await metrics_with(
        http,
        'mentorbot_slack_api_calls_total{error="expired_trigger_id",method="views.open"} 1.0',
        'mentorbot_slack_api_calls_total{error="ok",method="views.open"} 1.0',
        'mentorbot_slack_api_calls_total{error="ok",method="users.info"} 1.0',
        'mentorbot_slack_api_calls_total{error="ok",method="response_url"}',
    )
    # The person was looked up once (users.info), then served from the users table.
    assert 'method="users.info"} 1.0' in text


async def test_server_errors_are_counted_after_the_clients_retries(
    sender: SlackSender, http: httpx.AsyncClient, fake: FakeSlack
) -> None:
    fake.fail("views.open", status=503, times=10)
    await sender.block_action("UMENTEE", Action.SETTINGS_OPEN)
    await fake.wait_for("views.open", count=3)  # the first try and slack-sdk's two retries
    await metrics_with(
        http, 'mentorbot_slack_api_calls_total{error="http_503",method="views.open"} 1.0'
    )


async def test_acks_are_timed_per_kind(
    sender: SlackSender, http: httpx.AsyncClient, fake: FakeSlack
) -> None:
    await sender.command("UMENTEE", "help")
    await sender.block_action("UMENTEE", Action.HELP)
    await fake.wait_for("views.open")
    text = await metrics_with(
        http,
        'mentorbot_ack_seconds_count{kind="command"} 1.0',
        'mentorbot_ack_seconds_count{kind="block_actions"} 1.0',
        'mentorbot_requests_total{kind="block_actions",status="200"} 1.0',
    )
    assert 'mentorbot_ack_seconds_bucket{kind="command",le="0.1"}' in text


async def test_a_listener_run_is_in_flight_from_before_the_ack_until_its_work_is_done(
    sender: SlackSender, http: httpx.AsyncClient, fake: FakeSlack
) -> None:
    """An event is acknowledged before its listener even starts; the run (held up here by a
    slow views.publish) counts in flight from before the answer until it is over."""
    release = fake.hold("views.publish")
    home = {"type": "app_home_opened", "user": "UMENTEE", "tab": "home"}
    assert (await sender.event(home)).status_code == 200
    assert await in_flight(http) == 1
    [held] = await fake.wait_for("views.publish")
    assert held.response is None and await in_flight(http) == 1
    release()
    await settled(http)
    assert held.response is not None and held.ok
    assert await in_flight(http) == 0


async def test_sweeps_report_duration_backlog_outcomes_and_their_slack_calls(
    deps: Deps, http: httpx.AsyncClient, fake: FakeSlack
) -> None:
    clock = deps.clock
    async with deps.db.transaction() as s:
        await mentee_with_a_nudge_due_now(s, clock)
    report = await run_sweep(deps, build_sweeper(deps))
    assert report.total("ran") >= 1
    text = await metrics_with(
        http,
        "mentorbot_sweep_seconds_count 1.0",
        f'mentorbot_due_work_total{{kind="{Kind.MENTEE_PREPARE}",outcome="ran"}} 1.0',
        'mentorbot_slack_api_calls_total{error="ok",method="chat.postMessage"}',
    )
    backlog = next(line for line in text.splitlines() if line.startswith("mentorbot_due_backlog "))
    assert float(backlog.split()[1]) >= 0
