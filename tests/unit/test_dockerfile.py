"""The Dockerfile can't be built here (no Docker engine), so it is linted by reading it."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            out.append((keyword.upper(), rest.strip()))
    return out


def test_slim_python_base_matching_the_project() -> None:
    froms = [rest for kw, rest in _instructions() if kw == "FROM"]
    assert froms and all(re.match(r"python:3\.1[1-9]-slim\b", f) for f in froms)
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert requires == ">=3.11"


def test_runs_as_non_root_with_a_healthcheck_and_serves() -> None:
    instructions = _instructions()
    users = [rest for kw, rest in instructions if kw == "USER"]
    assert users and users[-1] not in ("root", "0")
    last_user = max(i for i, (kw, _) in enumerate(instructions) if kw == "USER")
    last_stage = max(i for i, (kw, _) in enumerate(instructions) if kw == "FROM")
    assert last_user > last_stage, "USER must be set in the final stage"
    health = [rest for kw, rest in instructions if kw == "HEALTHCHECK"]
    assert health and "/healthz" in health[0]
    cmd = [rest for kw, rest in instructions if kw == "CMD"][-1]
    assert "mentorbot serve" in cmd
    assert any(kw == "EXPOSE" for kw, _ in instructions)


def test_copies_every_package() -> None:
    copied = " ".join(rest for kw, rest in _instructions() if kw == "COPY")
    for package in (
        "mentorbot",
        "handlers",
        "bot",
        "scheduling",
        "storage",
        "infra",
        "fakeslack",
        "pyproject.toml",
    ):
        assert package in copied
