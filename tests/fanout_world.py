"""A fan-out world shared by the crash test and the fan-out benchmark.

Many servers, each with one text channel and one daily-prompt schedule due at the same slot; the
bot runs as a real ``python -m bot run`` subprocess against the in-process emulator (the same
way an operator runs it, with the real clock, pacer and APScheduler trigger). Helpers here build
the world, seed the database through the bot's own store, start and kill the process, and read
back what happened (messages in the emulator, rows in the ledger).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from bot.slots import parse_hhmm, slot_for_date
from bot.store import Store
from bot.store.schedules import NewSchedule
from tests.emulator.models import Channel
from tests.emulator.server import Emulator

ROOT = Path(__file__).resolve().parents[1]
MESSAGE_ROUTE = "/channels/{channel_id}/messages"


@dataclass(frozen=True)
class SlotChoice:
    """One slot every seeded schedule shares: wall time, zone and its UTC instant."""

    timezone: str
    local_time: str
    fire_at: datetime


def zone_near_midday(now: datetime) -> str:
    """A fixed-offset zone where ``now`` is around local midday, so a slot a few minutes either
    side of now is on the same local date (no midnight edge, whatever the hour in UTC)."""
    offset = 12 - now.astimezone(UTC).hour  # -11 .. +12 hours
    # POSIX-style names: Etc/GMT-5 is UTC+5.
    return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"


def slot_at(moment: datetime, timezone: str) -> SlotChoice:
    """The slot at the whole minute of ``moment`` (rounded down) in ``timezone``."""
    tz = ZoneInfo(timezone)
    local = moment.astimezone(tz)
    local_time = f"{local.hour:02d}:{local.minute:02d}"
    slot = slot_for_date(local.date(), parse_hhmm(local_time), tz)
    return SlotChoice(timezone, local_time, slot.fire_at)


def past_slot(now: datetime, minutes_ago: int = 2) -> SlotChoice:
    """A slot ``minutes_ago`` minutes before now, today, well inside the grace: due at start-up."""
    return slot_at(now - timedelta(minutes=minutes_ago), zone_near_midday(now))


def next_slot(now: datetime, lead_seconds: float) -> SlotChoice:
    """The first whole-minute slot at least ``lead_seconds`` after now."""
    at = now + timedelta(seconds=lead_seconds)
    if at.second or at.microsecond:
        at = at.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return slot_at(at, zone_near_midday(now))


def build_servers(emu: Emulator, count: int, prefix: str = "fanout") -> list[Channel]:
    """``count`` servers, each with one #prompts text channel the bot can post in."""
    channels = []
    for index in range(count):
        guild = emu.create_guild(f"{prefix}-{index:05d}", channels=("prompts",))
        channels.append(emu.channels[guild.channel_ids[0]])
    return channels


async def create_database(database: Path) -> None:
    """An empty database at the newest schema, as the bot itself would create it."""
    store = await Store.open(database)
    await store.close()


async def seed_schedules(database: Path, channels: list[Channel], slot: SlotChoice) -> None:
    """One daily-prompt schedule per channel, through the bot's own store (migrations applied)."""
    store = await Store.open(database)
    try:
        for channel in channels:
            assert channel.guild_id is not None
            await store.create_schedule(
                NewSchedule(
                    guild_id=channel.guild_id,
                    kind="daily-prompt",
                    channel_id=channel.id,
                    local_time=slot.local_time,
                    timezone=slot.timezone,
                ),
                slot.fire_at,
            )
    finally:
        await store.close()


def write_config(
    directory: Path, emu: Emulator, database: Path, *, pacing_per_second: float | None = None
) -> Path:
    config = directory / "config.toml"
    scheduling = (
        f"[scheduling]\npacing_per_second = {pacing_per_second}\n"
        if pacing_per_second is not None
        else ""
    )
    config.write_text(
        "[bot]\n"
        "log_level = 'INFO'\n"
        "[storage]\n"
        f"database = '{database}'\n"
        f"{scheduling}"
        "[discord]\n"
        f"api_base_url = '{emu.api_base}'\n"
        f"gateway_url = '{emu.gateway_url}'\n",
        encoding="utf-8",
    )
    return config


class BotProcess:
    """One ``python -m bot run`` process; its output goes to a log file (never a pipe that
    nobody reads, which would block the bot once the pipe buffer is full)."""

    def __init__(self, process: asyncio.subprocess.Process, log: IO[bytes], log_path: Path) -> None:
        self.process = process
        self._log = log
        self.log_path = log_path

    @classmethod
    async def start(cls, config: Path, emu: Emulator, log_path: Path) -> BotProcess:
        env = {**os.environ, "DISCORD_TOKEN": emu.token, "PYTHONPATH": str(ROOT)}
        log = log_path.open("ab")
        try:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                "--config",
                str(config),
                cwd=config.parent,
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        except BaseException:
            log.close()
            raise
        return cls(process, log, log_path)

    @property
    def pid(self) -> int:
        return self.process.pid

    async def kill(self) -> None:
        """SIGKILL: no clean-up of any kind in the bot."""
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        self._log.close()

    async def terminate(self, timeout: float = 30.0) -> int:  # noqa: ASYNC109
        """SIGTERM and wait for a clean exit (SIGKILL if it does not come); the exit code."""
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            await self.kill()
        self._log.close()
        assert self.process.returncode is not None
        return self.process.returncode

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def tail(self, lines: int = 40) -> str:
        """The end of the log (for failure messages)."""
        return "\n".join(self.log_text().splitlines()[-lines:])


def message_creates(emu: Emulator, since: int = 0) -> list[int]:
    """Indexes (into ``emu.requests``) of message-create requests from ``since`` on."""
    requests = emu.requests
    return [
        i
        for i in range(since, len(requests))
        if requests[i].method == "POST" and requests[i].route == MESSAGE_ROUTE
    ]


def per_channel_counts(emu: Emulator, channels: list[Channel]) -> Counter[int]:
    """How many bot messages each channel holds (0 for none)."""
    return Counter(
        {c.id: sum(m.author.id == emu.bot.id for m in emu.messages(c)) for c in channels}
    )


def channels_with_posts(emu: Emulator, channels: list[Channel]) -> int:
    return sum(1 for c in channels if emu.messages_in(c.id))


def ledger_counts(database: Path) -> dict[str, int]:
    """Ledger rows by status, read with plain sqlite3 (after the bot has exited)."""
    conn = sqlite3.connect(database)
    try:
        rows = conn.execute("SELECT status, COUNT(*) FROM deliveries GROUP BY status").fetchall()
    finally:
        conn.close()
    return {str(status): int(count) for status, count in rows}


def ledger_message_ids(database: Path) -> dict[int, int | None]:
    """channel id -> message id the ledger recorded for its schedule's delivery."""
    conn = sqlite3.connect(database)
    try:
        rows = conn.execute(
            "SELECT s.channel_id, d.message_id FROM deliveries d"
            " JOIN schedules s ON s.id = d.schedule_id"
        ).fetchall()
    finally:
        conn.close()
    return {int(channel): (int(mid) if mid is not None else None) for channel, mid in rows}
