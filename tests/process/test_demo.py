"""`mentorbot demo` (what `make demo` runs) tells the whole story without failing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The demo runs on its own SQLite database, whatever TEST_DATABASE_URL says.
pytestmark = pytest.mark.once


def test_the_demo_tells_the_story(tmp_path: Path) -> None:
    rendered = tmp_path / "messages.md"
    result = subprocess.run(
        [sys.executable, "-m", "mentorbot", "demo", "--markdown", str(rendered)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    out = " ".join(result.stdout.split())  # panels wrap lines; compare word by word
    for moment in (
        "Engineering mentoring",  # the program is created
        "2 pairs for 2 mentees",  # the manager's review
        "Leo: no mentor with capacity in your time-zone range offers Budgeting",
        "You're number 1 on the waiting list",  # Leo is told why, in his own hours
        "Omar accepted",
        "can't take this on right now",  # Priya declines, kindly
        "Quarter close keeps me heads-down",  # her reason goes to the managers only
        "Mia signed · ✅ Omar signed. Agreed.",
        "Mia set a goal: Lead the payments migration design review",
        "How will you know you've got there?",  # a goal that isn't measurable is refused
        "DM to Mia, Fri 20 Mar 16:05",  # the agenda prompt, the working day before
        "Mia's agenda for",
        "Send the design doc to both leads · Mia · due Wed 25 Mar",  # a typed capture, read
        "Confirmed by Omar.",
        "Due today, agreed with Mia",  # the reminder for the action not yet done
        "Mia achieved a goal!",
        "The mentor is doing the chasing",  # the alert, in the managers' channel
        "mentor followed up 2 times in 60 days; mentee booked 0 meetings",
        "[ Send my mentor an update ]",  # Mia's accountability DM
        "Acknowledged by @Ada",
        "Update from Mia",
        "1 of ~0.5 expected (+1)",  # the weekly digest after she leads again
        "have closed their mentoring",
        "You helped me lead my first design review",
    ):
        assert moment in out, moment
    assert "Traceback" not in result.stderr
    # docs/messages.md is this run's messages, rendered: regenerate it with `make docs`.
    assert rendered.read_text(encoding="utf-8") == (ROOT / "docs" / "messages.md").read_text(
        encoding="utf-8"
    ), "docs/messages.md is out of date: run `make docs`"


def test_the_demo_runs_from_the_built_wheel_outside_a_checkout(tmp_path: Path) -> None:
    """`mentorbot demo` works where Mentorbot is pip-installed (or in the Docker image, which
    installs the same wheel): the fake Slack it needs ships in the wheel, not in tests/."""
    wheels, site = tmp_path / "wheels", tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("mentorbot-*.whl")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "-t",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert not (site / "tests").exists()
    away = tmp_path / "elsewhere"
    away.mkdir()
    # The wheel's packages come first on the path; the dependencies come from this interpreter.
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import mentorbot, sys; print(mentorbot.__file__); sys.argv[1:] = ['demo'];"
            " from mentorbot.cli import main; main()",
        ],
        cwd=away,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith(str(site))
    assert "source checkout" not in result.stdout + result.stderr
    assert "have closed their mentoring" in " ".join(result.stdout.split())
