"""``/pairing``: moderators set up, run, count and turn off weekly pairing rounds.

The cog owns the pairing engine (``bot.pairing``): it is created and registered as a ticker in
``cog_load``. Replies are ephemeral; ``stats`` shows counts only, never check-in content.
"""

from __future__ import annotations

from datetime import time as WallTime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import ModeratorGroup
from bot.pairs_engine import PairingEngine
from bot.pairs_plan import next_round_time
from bot.pairs_spaces import NEEDED_PERMISSIONS
from bot.store.pairs import PairingConfig
from bot.tree import UserFacingError
from cogs.pairing.render import WEEKDAYS, outcome_text, stats_text, when
from cogs.schedule.transformers import TimeTransformer, TimezoneTransformer

if TYPE_CHECKING:
    from bot.client import CommunityBot

Interaction = discord.Interaction[Any]

_DAY_CHOICES = [app_commands.Choice(name=name, value=i) for i, name in enumerate(WEEKDAYS)]


def _guild_id(interaction: Interaction) -> int:
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


class Pairing(commands.Cog):
    """Moderators' weekly pairing rounds."""

    pairing = ModeratorGroup(name="pairing", description="Weekly opt-in pairing rounds")

    def __init__(self, bot: CommunityBot) -> None:
        self.bot = bot
        self.engine = PairingEngine(bot)

    async def cog_load(self) -> None:
        self.bot.pairing = self.engine
        self.bot.add_ticker(self.engine)

    async def cog_unload(self) -> None:
        self.bot.remove_ticker(self.engine)
        await self.engine.close()

    async def _config(self, interaction: Interaction) -> PairingConfig:
        config = await self.bot.store.get_pairing_config(_guild_id(interaction))
        if config is None:
            raise UserFacingError(
                "Pairing isn't set up in this server yet. Start with `/pairing setup`."
            )
        return config

    @pairing.command(name="setup", description="Weekly pairing rounds: where, when, how long")
    @app_commands.describe(
        channel="The channel where each pair gets a private thread",
        day="The day of the week rounds run",
        time="Local time of the round, 24-hour HH:MM, e.g. 18:00",
        timezone="IANA timezone of that time, e.g. Europe/London or America/New_York",
        term_weeks="How many weeks a pair stays together (1-12, default 4)",
    )
    @app_commands.choices(day=_DAY_CHOICES)
    async def setup_rounds(
        self,
        interaction: Interaction,
        channel: discord.TextChannel,
        day: int,
        time: app_commands.Transform[WallTime, TimeTransformer],
        timezone: app_commands.Transform[ZoneInfo, TimezoneTransformer],
        term_weeks: app_commands.Range[int, 1, 12] = 4,
    ) -> None:
        guild_id = _guild_id(interaction)
        if not 0 <= day <= 6:
            raise UserFacingError("Pick the day from the list (Monday to Sunday).")
        if not 1 <= term_weeks <= 12:  # Discord enforces the range; a stale client might not
            raise UserFacingError("A term is 1 to 12 weeks, e.g. `term_weeks:4`.")
        guild = interaction.guild
        me = guild.me if guild else None
        target = guild.get_channel(channel.id) if guild else None
        if me is None or not isinstance(target, discord.TextChannel):
            raise UserFacingError(
                f"I can't use {channel.mention} for pairs: pick a text channel I can see."
            )
        allowed = target.permissions_for(me)
        missing = [label for attr, label in NEEDED_PERMISSIONS if not getattr(allowed, attr)]
        if missing:
            names = ", ".join(f"**{name}**" for name in missing)
            raise UserFacingError(
                f"I can't make private pair threads in {target.mention}: I'm missing {names} "
                "there. Give my role those permissions in the channel settings (Permissions), "
                "then run `/pairing setup` again."
            )
        local_time = f"{time:%H:%M}"
        now = self.bot.clock.now()
        first = next_round_time(day, local_time, timezone.key, now)
        await self.bot.store.upsert_pairing_config(
            guild_id,
            channel_id=target.id,
            weekday=day,
            local_time=local_time,
            timezone=timezone.key,
            term_weeks=term_weeks,
            next_fire_at=first,
            created_by=interaction.user.id,
            now=now,
        )
        # Threads work again: a future failure must be reported again.
        await self.bot.store.forget_notice(guild_id, f"pairing-dms:{guild_id}")
        counts = await self.bot.store.pairing_counts(guild_id, now)
        await interaction.response.send_message(
            f"Pairing is set up: a round every **{WEEKDAYS[day]} at {local_time}** "
            f"({timezone.key}); pairs stay together for **{term_weeks} week"
            f"{'s' if term_weeks != 1 else ''}** and meet in private threads in "
            f"{target.mention}.\nNext round: {when(first)}.\n{counts.active} member"
            f"{' has' if counts.active == 1 else 's have'} opted in so far; members join with "
            "`/pairs join`.",
            ephemeral=True,
        )

    @pairing.command(name="run-now", description="Run today's pairing round now")
    async def run_now(self, interaction: Interaction) -> None:
        config = await self._config(interaction)
        if not config.enabled:
            raise UserFacingError("Pairing rounds are off here. `/pairing setup` turns them on.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.engine.run_now(config.guild_id)
        next_at = self.engine.next_round_at(config)
        after = f" The next round is {when(next_at)}." if next_at else ""
        if result.outcome is not None:
            text = outcome_text(result.outcome, config) + after
        elif result.existing is not None and result.existing.status in ("done", "claimed"):
            text = f"A round already ran today ({result.existing.round_date:%a %d %b}).{after}"
        elif result.existing is not None:
            text = (
                f"Today's round ({result.existing.round_date:%a %d %b}) was recorded as "
                f"{result.existing.status}, so it won't run again today.{after}"
            )
        else:
            text = f"Another process finished today's round first.{after}"
        await interaction.followup.send(text, ephemeral=True)

    @pairing.command(name="stats", description="Pairing counts (never anyone's answers)")
    async def stats(self, interaction: Interaction) -> None:
        config = await self._config(interaction)
        counts = await self.engine.stats(config.guild_id)
        await interaction.response.send_message(
            stats_text(counts, config, self.engine.next_round_at(config)), ephemeral=True
        )

    @pairing.command(name="disable", description="Stop new pairing rounds (live pairs continue)")
    async def disable(self, interaction: Interaction) -> None:
        config = await self._config(interaction)
        now = self.bot.clock.now()
        if not await self.bot.store.disable_pairing(config.guild_id, now):
            raise UserFacingError(
                "Pairing rounds are already off. `/pairing setup` turns them back on."
            )
        live = await self.bot.store.live_pair_groups(config.guild_id, now)
        text = "Pairing rounds are off: no new rounds will run."
        if live:
            last = max(group.ends_at for group in live)
            text += (
                f" The {len(live)} live pairing{'s' if len(live) != 1 else ''} (pairs and "
                f"trios) continue until their terms end (the last on {when(last, 'D')})."
            )
        text += " `/pairing setup` turns rounds back on."
        await interaction.response.send_message(text, ephemeral=True)


async def setup(bot: CommunityBot) -> None:
    await bot.add_cog(Pairing(bot))
