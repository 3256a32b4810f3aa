"""``python -m bot check``: everything that can be validated offline, printed for an operator."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TextIO

import discord

from bot.commandcheck import check_commands, describe_tree
from bot.config import Settings
from bot.content.check import check_library


def command_payloads(tree: discord.app_commands.CommandTree[Any]) -> list[dict[str, Any]]:
    """What a global sync would send to Discord, built without a connection."""
    commands = tree.get_commands(type=None)
    return [command.to_dict(tree) for command in commands]


async def run_checks(settings: Settings, *, out: TextIO) -> list[str]:
    """Run every offline check, print the report, return the problems (empty when all hold)."""
    from bot.client import CommunityBot

    problems: list[str] = []
    print(f"config: ok ({settings.source or 'defaults, no config.toml'})", file=out)

    report = check_library(None, today=datetime.now(UTC).date())
    print(report.render(), file=out)
    problems += [f"content: {p}" for p in report.problems]

    bot = CommunityBot(settings, start_services=False)
    try:
        await bot.prepare()
        payloads = command_payloads(bot.tree)
    finally:
        await bot.close()
    print(f"\ncommand tree ({len(payloads)} top-level commands):", file=out)
    for line in describe_tree(payloads):
        print(f"  {line}", file=out)
    problems += [f"commands: {p}" for p in check_commands(payloads, scope="global")]

    if problems:
        print(f"\n{len(problems)} problem(s):", file=out)
        for problem in problems:
            print(f"  - {problem}", file=out)
    else:
        print("\n0 problems", file=out)
    return problems
