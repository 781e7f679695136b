"""The App Home of a manager links to the dashboard when the app has a PUBLIC_URL, and the
press of that link is only acknowledged; without PUBLIC_URL there is no link."""

from __future__ import annotations

from fakeslack import FakeSlack, SlackSender
from infra.deps import Deps
from tests.dashboard.world import World


def link_of(fake: FakeSlack, user: str) -> list[str]:
    home = fake.workspaces["T0001"].homes[user]
    return [
        e["url"]
        for b in home["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e.get("action_id") == "dashboard.open"
    ]


async def test_a_managers_home_links_to_the_dashboard_only_with_a_public_url(
    sender: SlackSender, fake: FakeSlack, deps: Deps, world: World
) -> None:
    await sender.event({"type": "app_home_opened", "user": world.manager, "tab": "home"})
    await fake.wait_for("views.publish", lambda c: c.ok)
    assert link_of(fake, world.manager) == []
    deps.settings = deps.settings.model_copy(update={"public_url": "https://mb.example.com/"})
    await sender.event({"type": "app_home_opened", "user": world.manager, "tab": "home"})
    await fake.wait_for("views.publish", lambda c: c.ok, count=2)
    assert link_of(fake, world.manager) == ["https://mb.example.com/dashboard/"]
    # A mentee manages nothing: no link, PUBLIC_URL or not.
    await sender.event({"type": "app_home_opened", "user": "UOTHER", "tab": "home"})
    await fake.wait_for("views.publish", lambda c: c.ok, count=3)
    assert link_of(fake, "UOTHER") == []
    # Slack reports the link's press; it is acknowledged, and nothing else happens.
    pressed = await sender.block_action(world.manager, "dashboard.open", channel_id="DMANAGER")
    assert pressed.status_code == 200
