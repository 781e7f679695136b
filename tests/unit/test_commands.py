from bot.commands.catalogue import CATALOGUE, resolve, suggest, visible
from bot.people.roles import Roles


def test_everyone_sees_the_basics_but_not_admin_commands() -> None:
    usages = {c.usage for c in visible(Roles())}
    assert {"help", "join [program]", "profile", "leave", "program"} <= usages
    assert "program new" not in usages
    assert "program edit <name>" not in usages


def test_admins_and_managers_see_their_commands() -> None:
    assert "program new" in {c.usage for c in visible(Roles(can_create_programs=True))}
    manager = {c.usage for c in visible(Roles(can_create_programs=True, manages=True))}
    assert "program edit <name>" in manager


def test_resolve_and_aliases() -> None:
    assert resolve("JOIN") == "join"
    assert resolve("programs") == "program"
    assert resolve("enroll") == "join"
    assert resolve("frobnicate") is None


def test_did_you_mean() -> None:
    assert suggest("jion") == "join"
    assert suggest("progam") == "program"
    assert suggest("proflie") == "profile"
    assert suggest("zzzzzz") is None


def test_catalogue_entries_are_unique_per_audience() -> None:
    entries = [(c.usage, c.audience) for c in CATALOGUE]
    assert len(entries) == len(set(entries))


def test_someone_who_is_both_sees_each_command_once() -> None:
    usages = [c.usage for c in visible(Roles(mentor=True, mentee=True))]
    assert len(usages) == len(set(usages))
