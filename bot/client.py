"""The Bot subclass: builds every resource in ``setup_hook`` and undoes it in ``close()``."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, Protocol

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from discord.ext import commands

from bot import __version__
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.content import ContentLibrary, load_library
from bot.scheduling import DeliveryEngine
from bot.store import Store
from bot.tree import CommunityTree

if TYPE_CHECKING:
    from bot.checkins import CheckinEngine
    from bot.pairs_engine import PairingEngine

log = logging.getLogger(__name__)

# Every feature, in load order. A meta-test loads each one and checks names do not collide.
EXTENSIONS: tuple[str, ...] = (
    "cogs.about",
    "cogs.admin",
    "cogs.schedule",
    "cogs.learn",
    "cogs.resources",
    "cogs.settings",
    "cogs.privacy",
    "cogs.prompts",
    "cogs.starters",
    "cogs.deck",
    "cogs.pairing",
    "cogs.pairs",
    "cogs.checkin",
)


class Ticker(Protocol):
    """A timed engine driven by the bot's one trigger (and by tests, after moving the clock)."""

    async def start(self) -> None:
        """Once, when the bot is first ready: finish what a previous run left, catch up."""

    async def tick(self) -> object:
        """Claim and start whatever is due now."""

    async def drain(self) -> None:
        """Wait for work in flight (tests, benchmarks)."""

    async def close(self) -> None:
        """Stop; unfinished work is left for the next start."""


def bot_intents() -> discord.Intents:
    """Only what the features need: server and channel events; no privileged intents."""
    intents = discord.Intents.none()
    intents.guilds = True
    # Direct messages only, for the owner's "!sync"; no guild message events at all.
    intents.dm_messages = True
    return intents


class CommunityBot(commands.Bot):
    """The bot. Resources exist between ``setup_hook`` and ``close``."""

    store: Store
    content: ContentLibrary
    pairing: PairingEngine  # set by the pairing cog's cog_load
    checkins: CheckinEngine  # set by the check-in cog's cog_load

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        start_services: bool = True,
        realtime_trigger: bool = True,
        **options: Any,
    ) -> None:
        options.setdefault("intents", bot_intents())
        # User text is never allowed to ping anyone; a post that should ping says so explicitly.
        options.setdefault("allowed_mentions", discord.AllowedMentions.none())
        if settings.owner_ids:
            options.setdefault("owner_ids", set(settings.owner_ids))
        super().__init__(
            command_prefix="!",
            tree_cls=CommunityTree,
            help_command=None,
            **options,
        )
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.version = __version__
        # start_services: the delivery engine runs (sync/check turn it off). realtime_trigger:
        # APScheduler calls tick every minute; tests turn it off and call tick after moving time.
        self.start_services = start_services
        self.realtime_trigger = realtime_trigger
        self.scheduler: AsyncIOScheduler | None = None
        self.engine = DeliveryEngine(self)
        # Engines run in this order every minute; features add theirs in cog_load.
        self.tickers: list[Ticker] = [self.engine]
        self._store: Store | None = None
        self._engine_started = False
        # Set once every engine has finished its start-up sweep (tests and health checks wait).
        self.services_ready = asyncio.Event()

    async def setup_hook(self) -> None:
        await self.prepare()
        if self.start_services and self.realtime_trigger:
            # APScheduler is only the trigger: "look at the ledger now", at second 0 of every
            # minute. What is due, claimed and sent lives in the database.
            self.scheduler = AsyncIOScheduler(timezone="UTC")
            self.scheduler.add_job(
                self._tick,
                CronTrigger(second=0),
                id="delivery-tick",
                max_instances=1,
                coalesce=True,
                misfire_grace_time=50,
            )
            self.scheduler.start()
        if self.settings.dev_guild_id and self.start_services:
            guild = discord.Object(self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to dev guild %s", len(synced), guild.id)

    async def prepare(self) -> None:
        """Open the store, load content and every cog: all that needs no connection."""
        self._store = await Store.open(self.settings.database)
        self.store = self._store
        self.content = await asyncio.to_thread(load_library)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        log.info(
            "ready to connect: %d extensions, schema version %d",
            len(self.extensions),
            await self.store.schema_version(),
        )

    def add_ticker(self, ticker: Ticker) -> None:
        """Let a feature's engine run on the bot's trigger (call from ``cog_load``)."""
        self.tickers.append(ticker)

    def remove_ticker(self, ticker: Ticker) -> None:
        if ticker in self.tickers:
            self.tickers.remove(ticker)

    async def on_ready(self) -> None:
        """Once per process: finish what a previous run left, then catch up on missed slots."""
        if self.start_services and not self._engine_started:
            self._engine_started = True
            for ticker in list(self.tickers):
                try:
                    await ticker.start()
                except Exception:
                    log.exception("%s failed to start", type(ticker).__name__)
            self.services_ready.set()

    async def tick(self) -> None:
        """One trigger: every engine claims and starts what is due now."""
        for ticker in list(self.tickers):
            try:
                await ticker.tick()
            except Exception:
                log.exception("%s tick failed", type(ticker).__name__)

    async def drain(self) -> None:
        """Wait until every engine's work in flight is done."""
        for ticker in list(self.tickers):
            await ticker.drain()

    async def _tick(self) -> None:
        if self._engine_started:
            await self.tick()

    async def close(self) -> None:
        """Stop triggers, unload features, disconnect, then close the database: reverse order."""
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        for ticker in reversed(self.tickers):
            await ticker.close()
        for extension in reversed(tuple(self.extensions)):
            try:
                await self.unload_extension(extension)
            except commands.ExtensionError:
                log.exception("failed to unload %s", extension)
        await super().close()
        if self._store is not None:
            await self._store.close()
            self._store = None

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.store.record_guild(guild.id)
        log.info("joined guild %s (%s)", guild.id, guild.name)

    async def on_guild_available(self, guild: discord.Guild) -> None:
        await self.store.record_guild(guild.id)
