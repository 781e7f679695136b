"""The ``mentorbot`` command line (also ``python -m mentorbot``)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from infra.config import ConfigError, Settings, Transport, check_delivery, load_settings
from storage.migrate import SchemaNotCurrent

T = TypeVar("T")

cli = typer.Typer(
    name="mentorbot",
    help="Mentorbot: mentee-led mentoring programs in Slack.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_cli = typer.Typer(help="Database schema management.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
audit_cli = typer.Typer(help="The audit trail of actions on people's data.", no_args_is_help=True)
cli.add_typer(audit_cli, name="audit")


def fail(message: str) -> NoReturn:
    """One clear line and exit code 2: no traceback for a problem the operator can fix."""
    typer.echo(f"mentorbot: {message}", err=True)
    raise typer.Exit(code=2)


def settings_for(transport: Transport | None = None, **overrides: object) -> Settings:
    try:
        settings = load_settings(**overrides)
        if transport is not None:
            settings.check(transport)
    except ConfigError as exc:
        fail(str(exc))
    return settings


def _configure_logs(settings: Settings) -> None:
    from infra.logs import configure

    secrets = tuple(
        s
        for s in (
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.slack_app_token,
            settings.slack_client_secret,
        )
        if s
    )
    configure(settings.log_level, secrets=secrets)


@cli.command()
def serve(
    port: Annotated[int | None, typer.Option(help="Port to listen on (default: $PORT).")] = None,
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "0.0.0.0",
    no_scheduler: Annotated[
        bool, typer.Option("--no-scheduler", help="Serve requests only; run no due work.")
    ] = False,
) -> None:
    """Serve Slack's HTTP requests (events, commands, interactivity, OAuth)."""
    overrides: dict[str, object] = {"port": port} if port is not None else {}
    settings = settings_for(Transport.HTTP, **overrides)
    _configure_logs(settings)
    from mentorbot.runtime import serve_http

    _run(serve_http(settings, host=host, scheduler=not no_scheduler), fast_loop=True)


@cli.command()
def socket(
    no_scheduler: Annotated[
        bool, typer.Option("--no-scheduler", help="Handle events only; run no due work.")
    ] = False,
) -> None:
    """Connect to Slack over Socket Mode (no public URL needed)."""
    settings = settings_for(Transport.SOCKET)
    _configure_logs(settings)
    from mentorbot.runtime import serve_socket

    _run(serve_socket(settings, scheduler=not no_scheduler), fast_loop=True)


@cli.command()
def tick(
    at: Annotated[
        str | None,
        typer.Option(help="Sweep as of this instant (ISO 8601; without an offset it is UTC)."),
    ] = None,
) -> None:
    """Run one scheduler sweep now (or as of --at) and print what happened, per kind."""
    settings = settings_for()
    try:
        check_delivery(settings)
    except ConfigError as exc:
        fail(str(exc))
    instant = None
    if at is not None:
        try:
            instant = datetime.fromisoformat(at)
        except ValueError:
            fail(f"--at must be an ISO 8601 instant such as 2026-03-09T09:00:00Z (got {at!r})")
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=UTC)
    _configure_logs(settings)
    from mentorbot.runtime import tick as run_tick

    report = _run(run_tick(settings, at=instant))
    for line in report.lines():
        typer.echo(line)


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database to the newest schema."""
    settings = settings_for()
    from infra.db import safe_url
    from mentorbot.runtime import reach_database
    from storage.migrate import head_revision, upgrade

    _run(reach_database(settings))
    try:
        asyncio.run(upgrade(settings.database_url))
    except Exception as exc:
        fail(f"could not migrate {safe_url(settings.database_url)}: {exc}")
    typer.echo(f"Database is at revision {head_revision()}.")


@audit_cli.command("export")
def audit_export(
    team: Annotated[str, typer.Option(help="The workspace's Slack team id (T…).")],
    out: Annotated[
        Path | None, typer.Option(help="Write the CSV to this file (default: standard output).")
    ] = None,
) -> None:
    """Write a workspace's whole audit trail as CSV, newest first, times in UTC."""
    settings = settings_for()
    from mentorbot.runtime import audit_csv

    content = _run(audit_csv(settings, team_id=team))
    if out is None:
        typer.echo(content, nl=False)
    else:
        out.write_text(content, encoding="utf-8")
        count = max(content.count("\n") - 1, 0)  # one line per entry, under the header
        typer.echo(f"Wrote {count} {'entry' if count == 1 else 'entries'} to {out}.", err=True)


@cli.command()
def demo(
    markdown: Annotated[
        Path | None,
        typer.Option(help="Also write every message, rendered as Markdown, to this file."),
    ] = None,
) -> None:
    """Walk through Mentorbot with simulated colleagues and a fake Slack (no tokens needed)."""
    from mentorbot.demo import run_demo

    text = _run(run_demo())
    if markdown is not None:
        markdown.write_text(text, encoding="utf-8")


def fast_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop where it is installed: the long-running servers (and the soak,
    which runs the app as they do) serve the same load with less CPU than on asyncio's own
    loop. None (asyncio's loop, a little slower) where it isn't, e.g. on Windows."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def _run(coro: Coroutine[Any, Any, T], *, fast_loop: bool = False) -> T:
    """Run ``coro`` to completion; ``fast_loop``: on uvloop where it is installed (the
    long-running servers)."""
    try:
        with asyncio.Runner(loop_factory=fast_loop_factory() if fast_loop else None) as runner:
            return runner.run(coro)
    except (ConfigError, SchemaNotCurrent) as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        raise typer.Exit(code=130) from None


def main() -> None:
    cli(prog_name="mentorbot")


if __name__ == "__main__":
    main()
