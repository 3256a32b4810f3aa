"""The bot under test: a real CommunityBot connected to the local Discord emulator.

``Harness`` owns one server ("Test Guild") with a #general channel, a #mod-review channel, a
moderator (Manage Server) and two plain members, a database in the test's tmp dir, and a clock the
test moves. Slash commands, buttons and modals are INTERACTION_CREATE events sent over the real
WebSocket; what the bot did is what the emulator recorded.

    async def test_something(harness):
        reply = await harness.slash("about")
        assert reply.ephemeral

    harness.clock.set(datetime(2026, 3, 29, 8, 0, tzinfo=UTC)); await harness.tick()
    await harness.restart()          # a new bot process on the same database (a crash is
                                     # ``harness.crash()``: no clean close of the old one)
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.client import CommunityBot
from bot.config import Secret, Settings
from bot.scheduling import TickReport
from tests.emulator.interactions import InteractionRecord
from tests.emulator.models import Channel, Guild, Member, Message
from tests.emulator.server import Emulator

MANAGE_GUILD = 1 << 5
START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


class MovableClock:
    """The bot's clock in tests: it only moves when the test moves it."""

    def __init__(self, start: datetime = START) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("use an aware datetime")
        self._now = moment.astimezone(UTC)

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now


@dataclass
class Harness:
    """A running bot, its emulator, its clock and the people in its test server."""

    emu: Emulator
    settings: Settings
    clock: MovableClock
    guild: Guild
    general: Channel
    review: Channel
    moderator: Member
    member: Member
    other: Member
    bot: CommunityBot | None = None
    bots: list[CommunityBot] = field(default_factory=list)

    @property
    def live(self) -> CommunityBot:
        assert self.bot is not None, "the bot is not running"
        return self.bot

    async def start(self, *, sync: bool = True, **options: Any) -> CommunityBot:
        """Start a bot process on this harness's database and wait until it is ready.

        ``sync`` registers the command tree first (as an operator does once), so the emulator
        checks injected options against the real definitions.
        """
        bot = CommunityBot(self.settings, clock=self.clock, realtime_trigger=False, **options)
        await self.emu.connect(bot, token=self.settings.token.reveal())
        await asyncio.wait_for(bot.services_ready.wait(), timeout=30)
        if sync:
            await bot.tree.sync()
        self.bot = bot
        self.bots.append(bot)
        await self.settle()
        return bot

    async def stop(self) -> None:
        """Shut the bot down cleanly (as SIGTERM would)."""
        if self.bot is not None:
            await self.emu.disconnect(self.bot)
            self.bot = None

    async def crash(self) -> None:
        """Stop the bot without letting in-flight posts finish (as kill -9 would, mostly)."""
        if self.bot is not None:
            for task in list(self.bot.engine._inflight):
                task.cancel()
            await self.emu.disconnect(self.bot)
            self.bot = None

    async def restart(self, **options: Any) -> CommunityBot:
        await self.stop()
        return await self.start(**options)

    async def settle(self) -> None:
        """Wait until every engine's work in flight has finished."""
        if self.bot is not None:
            await self.bot.drain()

    async def tick(self) -> TickReport:
        """One trigger at the clock's current time for every engine, then wait for their work.

        Returns the delivery engine's report (what it claimed, missed, skipped).
        """
        live = self.live
        report = await live.engine.tick()
        for ticker in live.tickers:
            if ticker is not live.engine:
                await ticker.tick()
        await self.settle()
        return report

    async def slash(
        self,
        command: str,
        /,
        *,
        user: Member | None = None,
        where: Channel | None = None,
        **options: Any,
    ) -> Message:
        """Run ``/command`` with options as ``user`` (default: the moderator) in ``where``
        (default: #general); returns the reply a user would see."""
        record = await self.emu.slash_command(
            command,
            channel=where or self.general,
            user=user or self.moderator,
            options=options or None,
        )
        return await self.emu.wait_for_reply(record)

    async def click(
        self, message: Message | InteractionRecord, custom_id: str, *, user: Member | None = None
    ) -> InteractionRecord:
        """Click a button as ``user`` (default: the member); returns the interaction."""
        record = await self.emu.click_button(message, custom_id, user=user or self.member)
        await self.emu.wait_for_response(record)
        return record

    def posts(self, channel: Channel | None = None) -> list[Message]:
        """Messages the bot (not a user) has in a channel, oldest first."""
        me = self.emu.bot.id
        return [m for m in self.emu.messages(channel or self.general) if m.author.id == me]


def default_settings(tmp_path: Path, emu: Emulator, **overrides: Any) -> Settings:
    settings = Settings(
        token=Secret(emu.token),
        database=tmp_path / "bot.sqlite3",
        log_level="INFO",
    )
    return replace(settings, **overrides)


def build_world(emu: Emulator) -> tuple[Guild, Channel, Channel, Member, Member, Member]:
    guild = emu.create_guild("Test Guild")
    general = emu.channels[guild.channel_ids[0]]
    review = emu.create_channel(guild, "mod-review")
    moderator = emu.create_member(guild, "mod", permissions=MANAGE_GUILD)
    member = emu.create_member(guild, "alice")
    other = emu.create_member(guild, "bob")
    return guild, general, review, moderator, member, other
