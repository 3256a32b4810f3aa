"""``python -m bot [run|check|sync|preview] [--config PATH]``.

Exit codes: 0 success, 1 a check found problems or the bot failed, 2 bad configuration or usage.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

import discord
import yarl

from bot.config import ConfigError, Settings, load_settings
from bot.logs import configure_logging

log = logging.getLogger("bot")


def point_at_endpoints(settings: Settings) -> None:
    """Use another Discord API base or gateway (a local emulator); the default is Discord's."""
    if settings.api_base_url:
        discord.http.Route.BASE = settings.api_base_url
    if settings.gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


async def run_bot(settings: Settings) -> int:
    """Run until SIGTERM/SIGINT or a fatal error; shut down cleanly either way."""
    from bot.client import CommunityBot

    token = settings.require_token()
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    bot = CommunityBot(settings)
    async with bot:
        runner = asyncio.create_task(bot.start(token), name="bot")
        stopper = asyncio.create_task(stop.wait(), name="stop-signal")
        done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if runner in done:
            stopper.cancel()
            error = runner.exception()
            if isinstance(error, discord.LoginFailure):
                print("DISCORD_TOKEN was rejected by Discord: check the token", file=sys.stderr)
                return 1
            if error is not None:
                log.error("the bot stopped with an error", exc_info=error)
                return 1
            return 0
        log.info("shutdown requested; closing")
        await bot.close()
        runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner
    log.info("shut down cleanly")
    return 0


async def sync_commands(settings: Settings, guild_id: int | None) -> int:
    """Log in over REST only, register the command tree, print what was registered."""
    from bot.client import CommunityBot

    token = settings.require_token()
    bot = CommunityBot(settings, start_services=False)
    async with bot:
        await bot.login(token)
        if guild_id is None:
            synced = await bot.tree.sync()
            where = "globally"
        else:
            guild = discord.Object(guild_id)
            bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
            where = f"to server {guild_id}"
    print(f"synced {len(synced)} commands {where}: " + ", ".join(f"/{c.name}" for c in synced))
    return 0


async def check(settings: Settings) -> int:
    """Offline: content, command tree and Discord's command rules; 0 only when all hold."""
    from bot.checkreport import run_checks

    offline = dataclasses.replace(settings, database=Path(":memory:"))
    problems = await run_checks(offline, out=sys.stdout)
    if settings.database.exists():
        # Read-only: the next day of posts from the configured database, if there is one yet.
        from bot.preview import PreviewError, print_previews

        print("\nnext scheduled posts (24 hours):")
        try:
            await print_previews(settings, 1, out=sys.stdout)
        except PreviewError as exc:
            problems.append(f"database: {exc}")
            print(f"  database: {exc}")
    else:
        print(f"\nno database yet at {settings.database}: no scheduled posts to show")
    return 1 if problems else 0


async def preview(settings: Settings, days: int) -> int:
    """Offline and read-only: what each schedule in the database would post when."""
    from bot.preview import PreviewError, print_previews

    try:
        return await print_previews(settings, days, out=sys.stdout)
    except PreviewError as exc:
        print(f"preview: {exc}", file=sys.stderr)
        return 1


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        days = 0
    if not 1 <= days <= 60:
        raise argparse.ArgumentTypeError(
            f"--days must be a whole number from 1 to 60, got {text!r}"
        )
    return days


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument(
        "--config", type=Path, default=None, help="config file (default: ./config.toml)"
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="connect to Discord and run (the default)")
    sub.add_parser("check", help="validate config, content and commands offline; no token")
    sync = sub.add_parser("sync", help="register the slash commands with Discord")
    sync.add_argument("--guild", type=int, default=None, help="a server id to sync to instead")
    shown = sub.add_parser(
        "preview", help="print what each schedule would post when, offline and read-only"
    )
    shown.add_argument("--days", type=_days, default=7, help="how many days ahead (default 7)")
    for name in ("run", "check", "sync", "preview"):
        # Accept --config after the subcommand too: `python -m bot check --config x.toml`.
        sub.choices[name].add_argument(
            "--config", type=Path, default=argparse.SUPPRESS, help="config file"
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = load_settings(args.config)
        if command in ("run", "sync"):
            settings.require_token()
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format)
    point_at_endpoints(settings)
    if command == "check":
        return asyncio.run(check(settings))
    if command == "sync":
        return asyncio.run(sync_commands(settings, args.guild))
    if command == "preview":
        return asyncio.run(preview(settings, args.days))
    return asyncio.run(run_bot(settings))


if __name__ == "__main__":
    sys.exit(main())
