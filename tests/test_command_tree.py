"""The whole command tree, built offline: it loads, follows Discord's rules, explains itself."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from bot.checkreport import command_payloads
from bot.client import EXTENSIONS, CommunityBot
from bot.commandcheck import check_commands
from bot.config import Settings

# Moderator commands are separate top-level commands so Discord can default them to Manage Server.
MODERATOR_COMMANDS = {"schedule", "deck", "settings", "pairing"}
MANAGE_GUILD = 1 << 5


@pytest.fixture
async def payloads() -> list[dict[str, Any]]:
    bot = CommunityBot(
        dataclasses.replace(Settings(), database=Path(":memory:")), start_services=False
    )
    try:
        await bot.prepare()
        assert set(bot.extensions) == set(EXTENSIONS), "every extension loads"
        return command_payloads(bot.tree)
    finally:
        await bot.close()


def walk(options: list[dict[str, Any]], path: str) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for option in options:
        here = f"{path} {option['name']}"
        found.append((here, option))
        found += walk(option.get("options", []), here)
    return found


async def test_tree_follows_discords_rules(payloads: list[dict[str, Any]]) -> None:
    assert check_commands(payloads, scope="global") == []


async def test_every_command_and_option_has_help_text(payloads: list[dict[str, Any]]) -> None:
    for command in payloads:
        assert command["description"] not in ("", "…"), command["name"]
        for path, option in walk(command.get("options", []), f"/{command['name']}"):
            assert option["description"] not in ("", "…"), f"{path} has no help text"


async def test_moderator_commands_default_to_manage_server(
    payloads: list[dict[str, Any]],
) -> None:
    by_name = {c["name"]: c for c in payloads}
    for name in MODERATOR_COMMANDS & set(by_name):
        assert int(by_name[name]["default_member_permissions"]) == MANAGE_GUILD, name
    for name in set(by_name) - MODERATOR_COMMANDS:
        assert by_name[name].get("default_member_permissions") is None, name


async def test_public_interface_names_are_present(payloads: list[dict[str, Any]]) -> None:
    names = {c["name"] for c in payloads}
    assert {"about", "intimacy", "resources", "privacy", "schedule", "deck", "settings"} <= names
    assert {"prompt", "starter", "pairs", "checkin", "pairing"} <= names
