"""The real `mentorbot` processes: start-up checks, serving signed requests, migrations."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from fakeslack import FakeSlack, SlackSender
from infra.db import Database
from tests.conftest import BOT_TOKEN, PEOPLE, SIGNING_SECRET, TEAM
from tests.dbutil import _admin, scratch_database

ROOT = Path(__file__).resolve().parents[2]


def mentorbot(
    *args: str, env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mentorbot", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def base_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    env.update(values)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    ("command", "values", "variable"),
    [
        (["serve"], {}, "SLACK_SIGNING_SECRET"),
        (["serve"], {"SLACK_SIGNING_SECRET": "x"}, "SLACK_BOT_TOKEN"),
        (["socket"], {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN"),
        (["serve"], {"PORT": "eighty", "SLACK_SIGNING_SECRET": "x"}, "PORT"),
        (["tick"], {}, "SLACK_BOT_TOKEN"),
    ],
)
def test_config_errors_are_one_line_and_exit_2(
    command: list[str], values: dict[str, str], variable: str, tmp_path: Path
) -> None:
    env = base_env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", **values)
    result = mentorbot(*command, env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and variable in lines[0], result.stderr
    assert "Traceback" not in result.stderr


# Every command that opens the database, with settings that are otherwise right for it.
DATABASE_COMMANDS: dict[str, dict[str, str]] = {
    "serve": {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "x"},
    "socket": {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"},
    "tick": {"SLACK_BOT_TOKEN": "xoxb-1"},
    "db upgrade": {},
}


@pytest.mark.parametrize(
    "url",
    [
        # nothing listens there: refused at once
        "postgresql+asyncpg://mentorbot:hunter2@127.0.0.1:{closed}/mentorbot",
        "postgresql+asyncpg://mentorbot:hunter2@db.internal:fivefourthreetwo/mentorbot",
        "postgresql+psycopg9://mentorbot:hunter2@db.internal/mentorbot",
    ],
    ids=["unreachable", "malformed", "unknown driver"],
)
def test_a_bad_database_url_is_one_line_naming_it_and_exit_2(url: str) -> None:
    url = url.format(closed=free_port())
    running = {
        command: subprocess.Popen(
            [sys.executable, "-m", "mentorbot", *command.split()],
            cwd=ROOT,
            env=base_env(DATABASE_URL=url, **values),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command, values in DATABASE_COMMANDS.items()
    }
    for command, process in running.items():
        _, err = process.communicate(timeout=60)
        lines = err.strip().splitlines()
        assert (process.returncode, len(lines)) == (2, 1), f"{command}:\n{err}"
        assert lines[0].startswith("mentorbot: DATABASE_URL: "), f"{command}: {err}"
        assert "hunter2" not in err


def test_serve_refuses_an_unmigrated_database_then_db_upgrade_fixes_it(tmp_path: Path) -> None:
    env = base_env(
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}",
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_SIGNING_SECRET="x",
        PORT=str(free_port()),
    )
    refused = mentorbot("serve", env=env)
    assert refused.returncode == 2
    assert "run `mentorbot db upgrade`" in refused.stderr and "Traceback" not in refused.stderr
    upgraded = mentorbot("db", "upgrade", env=env)
    assert upgraded.returncode == 0 and "Database is at revision" in upgraded.stdout


@pytest.fixture
def threaded_fake() -> Iterator[FakeSlack]:
    fake = FakeSlack()
    fake.add_workspace(TEAM, bot_token=BOT_TOKEN)
    for user_id, (name, real_name, tz, admin) in PEOPLE.items():
        fake.add_user(TEAM, user_id, name=name, real_name=real_name, tz=tz, is_admin=admin)
    fake.start_in_thread()
    yield fake
    fake.stop_thread()


def start_server(env: dict[str, str], *extra: str) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mentorbot",
            "serve",
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
            *extra,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            _, err = process.communicate(timeout=5)
            raise AssertionError(f"serve did not start:\n{err}")
        time.sleep(0.1)


def stop_server(process: subprocess.Popen[str]) -> str:
    process.terminate()
    _, err = process.communicate(timeout=10)
    assert "Traceback" not in err, err
    return err


def server_env(fake: FakeSlack, database_url: str, **extra: str) -> dict[str, str]:
    return base_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.base_url,
        DATABASE_URL=database_url,
        LOG_LEVEL="INFO",
        **extra,
    )


@pytest.fixture
def server(threaded_fake: FakeSlack, database_url: str) -> Iterator[str]:
    process, url = start_server(server_env(threaded_fake, database_url), "--no-scheduler")
    yield url
    stop_server(process)


async def test_serve_answers_signed_help_and_refuses_forgeries(
    server: str, threaded_fake: FakeSlack, db: Database
) -> None:
    async with httpx.AsyncClient(base_url=server) as http:
        sender = SlackSender(http, signing_secret=SIGNING_SECRET, fake=threaded_fake, team_id=TEAM)
        # It acknowledges (how fast is measured by bench/ack_latency.py), then replies.
        response = await sender.command("UMENTEE", "help")
        assert response.status_code == 200
        [reply] = await threaded_fake.wait_for("response_url")
        assert reply.args["response_type"] == "ephemeral"
        assert "/mentor join" in str(reply.args["blocks"])

        body = urlencode({"command": "/mentor", "text": "help", "user_id": "UMENTEE"}).encode()
        forged = await sender.post_raw(
            body, content_type="application/x-www-form-urlencoded", signature="v0=" + "f" * 64
        )
        stale = await sender.post_raw(
            body, content_type="application/x-www-form-urlencoded", timestamp=int(time.time()) - 600
        )
        assert (forged.status_code, stale.status_code) == (401, 401)

        health = await http.get("/healthz")
        metrics = await http.get("/metrics")
    assert health.json() == {"status": "ok", "database": "ok"}
    assert "mentorbot_ack_seconds" in metrics.text


FORM = "application/x-www-form-urlencoded"
# Far deeper than Slack ever nests: a form's payload of 100,000 arrays, an object 50,000 deep.
DEEP = [
    (FORM, b"payload=" + b"[" * 100_000 + b"]" * 100_000),
    ("application/json", b'{"a":' * 50_000 + b"1" + b"}" * 50_000),
]


async def test_deeply_nested_bodies_get_401_or_400_and_no_traceback(
    threaded_fake: FakeSlack, database_url: str, db: Database
) -> None:
    process, url = start_server(server_env(threaded_fake, database_url), "--no-scheduler")
    try:
        async with httpx.AsyncClient(base_url=url) as http:
            sender = SlackSender(http, signing_secret=SIGNING_SECRET, fake=threaded_fake)
            for content_type, body in DEEP:
                headers = {"Content-Type": content_type}
                unsigned = await http.post("/slack/events", content=body, headers=headers)
                signed = await sender.post_raw(body, content_type=content_type)
                assert (unsigned.status_code, signed.status_code) == (401, 400)
    finally:
        logs = stop_server(process)  # no traceback
    assert logs.count('"msg": "malformed request"') == len(DEEP), logs
    assert "RecursionError" not in logs


HUNDRED_MB = 100 * 1024 * 1024


def _receive_all(sock: socket.socket) -> bytes:
    """What the server sent until it closed the connection (a reset ends it too)."""
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass
    return received


def _declared_too_large(port: int) -> bytes:
    """Headers saying 10 MB follow, and not a byte of them: only a server that answers
    without reading the body answers at all (else the read times out)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: mentorbot\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 10485760\r\n\r\n"
        )
        return _receive_all(sock)


def _streamed_too_large(port: int) -> tuple[bytes, int]:
    """Up to 100 MB, chunked; the answer and how much went out before the server hung up
    (far more than the socket buffers hold would mean it read on)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: mentorbot\r\n")
        sock.sendall(b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"x" * 65536
        framed = b"%x\r\n%s\r\n" % (len(chunk), chunk)
        sent = 0
        try:
            while sent < HUNDRED_MB:
                sock.sendall(framed)
                sent += len(chunk)
            sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        return _receive_all(sock), sent


def test_serve_refuses_a_body_over_the_limit_without_reading_it(
    threaded_fake: FakeSlack, database_url: str, db: Database
) -> None:
    process, url = start_server(server_env(threaded_fake, database_url), "--no-scheduler")
    port = int(url.rsplit(":", 1)[1])
    try:
        declared = _declared_too_large(port)
        streamed, sent = _streamed_too_large(port)
        metrics = httpx.get(f"{url}/metrics", timeout=10).text
    finally:
        logs = stop_server(process)  # no traceback
    assert declared.startswith(b"HTTP/1.1 413 "), declared
    assert streamed.startswith(b"HTTP/1.1 413 "), streamed
    assert sent < HUNDRED_MB
    assert "mentorbot_requests_too_large_total 2.0" in metrics, logs


@pytest.mark.postgres
def test_healthz_is_503_when_the_database_is_gone(tmp_path: Path) -> None:
    # On SQLite an open connection keeps reading a deleted file, so only PostgreSQL can lose
    # its database under a running server.
    with scratch_database(tmp_path) as url:
        env = base_env(DATABASE_URL=url, SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="x")
        assert mentorbot("db", "upgrade", env=env).returncode == 0
        port = free_port()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mentorbot",
                "serve",
                "--port",
                str(port),
                "--no-scheduler",
                "--host",
                "127.0.0.1",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline and process.poll() is None
                time.sleep(0.1)
            name = url.rsplit("/", 1)[1]
            asyncio.run(_admin(f'DROP DATABASE "{name}" WITH (FORCE)'))
            response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
            assert response.status_code == 503
            assert response.json()["status"] == "unavailable"
        finally:
            process.terminate()
            process.communicate(timeout=10)


def test_tick_runs_a_sweep_and_prints_a_summary(database_url: str, db: Database) -> None:
    env = base_env(DATABASE_URL=database_url, SLACK_BOT_TOKEN="xoxb-1")
    result = mentorbot("tick", "--at", "2026-03-09T09:00:00Z", env=env)
    assert result.returncode == 0, result.stderr
    # A tick plans the day's purge (cron-only deployments purge too), once a day.
    assert result.stdout.startswith("claimed 1 in ")
    assert "housekeeping.purge: ran 1" in result.stdout
    again = mentorbot("tick", "--at", "2026-03-09T09:01:00Z", env=env)
    assert again.returncode == 0 and again.stdout.startswith("claimed 0 in "), again.stdout
    bad = mentorbot("tick", "--at", "next tuesday", env=env)
    assert bad.returncode == 2 and "ISO 8601" in bad.stderr


async def test_serve_runs_the_scheduler_every_interval(
    threaded_fake: FakeSlack, database_url: str, db: Database
) -> None:
    from datetime import UTC, datetime

    from infra.clock import ManualClock
    from tests.service.helpers import mentee_with_a_nudge_due_now

    clock = ManualClock(datetime.now(UTC))
    async with db.transaction() as s:
        await mentee_with_a_nudge_due_now(s, clock)
    process, _ = start_server(server_env(threaded_fake, database_url, SWEEP_INTERVAL_SECONDS="0.5"))
    try:
        [dm] = await threaded_fake.wait_for(
            "chat.postMessage", lambda c: c.ok and c.args["channel"] == "UMENTEE", timeout=15
        )
    finally:
        logs = stop_server(process)
    assert "While you wait for your mentor" in str(dm.args["blocks"])
    assert '"msg": "sweep"' in logs


async def test_tick_at_delivers_in_the_window_and_never_twice(
    threaded_fake: FakeSlack, database_url: str, db: Database
) -> None:
    from datetime import UTC, datetime

    from bot.enrolment.service import save_enrolment
    from infra.clock import ManualClock
    from tests.service.helpers import make_program, mentee_draft, person

    # Olly (Tokyo) joins on Friday 6 March 2026 at 12:00 UTC; his nudge is due a day later.
    clock = ManualClock(datetime(2026, 3, 6, 12, 0, tzinfo=UTC))
    async with db.transaction() as s:
        admin = await person(s, clock, "UADMIN", admin=True)
        olly = await person(s, clock, "UOTHER", tz="Asia/Tokyo")
        program = await make_program(s, clock, admin)
        await save_enrolment(session=s, clock=clock, user=olly, draft=mentee_draft(program.id))
    env = base_env(
        DATABASE_URL=database_url, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=threaded_fake.base_url
    )

    def tick(at: str) -> str:
        result = mentorbot("tick", "--at", at, env=env)
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "deferred 1" in tick("2026-03-07T12:00:00Z")  # 21:00 Saturday in Tokyo
    assert "mentee.prepare" not in tick("2026-03-08T23:00:00Z")  # still the weekend there
    assert "mentee.prepare: ran 1, deferred 0, failed 0, retried 0, sent 1" in tick(
        "2026-03-09T00:00:00+00:00"  # Monday 09:00 in Tokyo
    )
    assert tick("2026-03-09T00:00:00Z").startswith("claimed 0")  # the same instant again
    sent = [c for c in threaded_fake.calls_to("chat.postMessage", channel="UOTHER") if c.ok]
    assert len(sent) == 1
