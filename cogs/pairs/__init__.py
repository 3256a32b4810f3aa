"""``/pairs``: members opt in to weekly pairing and manage their own part in it.

Every reply is ephemeral. Leaving, pausing or blocking a partner ends the current pairing
no-fault: the others are told only that it ended (``PairingEngine.end_group``) and are paired
again at the next round. Blocks never ask for a reason and are never shown to the blocked member.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.store.pairs import PairingConfig, PairMember
from bot.tree import UserFacingError
from cogs.pairing.render import when
from cogs.pairs.render import status_text
from cogs.schedule.transformers import TimezoneTransformer

if TYPE_CHECKING:
    from bot.client import CommunityBot

Interaction = discord.Interaction[Any]

NOT_IN = "You're not in pairing. `/pairs join` opts you in."


def _guild_id(interaction: Interaction) -> int:
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


def next_round_line(config: PairingConfig | None, next_at: Any) -> str:
    """When the member can expect a partner, or who has to act first."""
    if config is None:
        return (
            "Pairing isn't set up in this server yet: a moderator needs to run `/pairing setup`. "
            "You'll be included in the first round."
        )
    if next_at is None:
        return (
            "Pairing rounds are off in this server at the moment; a moderator can turn them on "
            "with `/pairing setup`."
        )
    return f"The next round is {when(next_at)}."


class Pairs(commands.Cog):
    """Members' own pairing: join, leave, pause, resume, status, block, unblock."""

    pairs = app_commands.Group(
        name="pairs",
        description="Weekly paired check-ins: opt in and manage yours",
        guild_only=True,
    )

    def __init__(self, bot: CommunityBot) -> None:
        self.bot = bot

    async def _next_line(self, guild_id: int) -> str:
        config = await self.bot.store.get_pairing_config(guild_id)
        next_at = self.bot.pairing.next_round_at(config) if config else None
        return next_round_line(config, next_at)

    async def _member(self, interaction: Interaction) -> PairMember:
        member = await self.bot.store.get_pair_member(_guild_id(interaction), interaction.user.id)
        if member is None or member.status == "left":
            raise UserFacingError(NOT_IN)
        return member

    @pairs.command(name="join", description="Opt in to weekly pairing and private check-ins")
    @app_commands.describe(
        timezone="Your IANA timezone, e.g. Europe/London, so partners are nearby in time"
    )
    async def join(
        self,
        interaction: Interaction,
        timezone: app_commands.Transform[ZoneInfo, TimezoneTransformer] | None = None,
    ) -> None:
        guild_id = _guild_id(interaction)
        user_id = interaction.user.id
        before = await self.bot.store.get_pair_member(guild_id, user_id)
        zone = timezone.key if timezone else None
        await self.bot.store.join_pairing(
            guild_id, user_id, timezone=zone, now=self.bot.clock.now()
        )
        if before is None or before.status == "left":
            text = (
                "You're in! Each round pairs you with another member (or two) for a few weeks of "
                "private weekly check-ins."
            )
        elif before.status == "paused":
            text = "Welcome back: your pause is over and you're active again."
        else:
            text = "You're already opted in."
            if zone:
                text += f" Your timezone is now {zone}."
        text += f"\n{await self._next_line(guild_id)}"
        if zone is None and (before is None or before.timezone is None):
            text += (
                "\nTip: `/pairs join timezone:` with your timezone helps me pair you with "
                "people awake at similar times."
            )
        await interaction.response.send_message(text, ephemeral=True)

    @pairs.command(name="leave", description="Stop being paired (ends your current pairing)")
    async def leave(self, interaction: Interaction) -> None:
        member = await self._member(interaction)
        await self.bot.store.set_pair_status(member.guild_id, member.user_id, "left")
        ended = await self.bot.pairing.remove_member(member.guild_id, member.user_id, reason="left")
        text = "You've left pairing: you won't be paired in future rounds."
        if ended:
            text += (
                " Your current pairing has ended; the others are only told that it ended, and "
                "they'll be paired again next round."
            )
        text += " `/pairs join` brings you back any time."
        await interaction.response.send_message(text, ephemeral=True)

    @pairs.command(name="pause", description="Take a break from pairing for a few weeks")
    @app_commands.describe(weeks="How many weeks to pause (1-8)")
    async def pause(self, interaction: Interaction, weeks: app_commands.Range[int, 1, 8]) -> None:
        if not 1 <= weeks <= 8:  # Discord enforces the range; a stale client might not
            raise UserFacingError("You can pause for 1 to 8 weeks, e.g. `/pairs pause weeks:2`.")
        member = await self._member(interaction)
        config = await self.bot.store.get_pairing_config(member.guild_id)
        zone = ZoneInfo(member.timezone or (config.timezone if config else "UTC"))
        until = self.bot.clock.now().astimezone(zone).date() + timedelta(weeks=weeks)
        await self.bot.store.set_pair_status(
            member.guild_id, member.user_id, "paused", paused_until=until
        )
        ended = await self.bot.pairing.remove_member(
            member.guild_id, member.user_id, reason="paused"
        )
        text = (
            f"Paused until {until:%A %d %B %Y}: you won't be paired in any round before then. "
            "`/pairs resume` brings you back sooner."
        )
        if ended:
            text += (
                " Your current pairing has ended; the others are only told that it ended, and "
                "they'll be paired again next round."
            )
        await interaction.response.send_message(text, ephemeral=True)

    @pairs.command(name="resume", description="End your pause and be paired again")
    async def resume(self, interaction: Interaction) -> None:
        member = await self._member(interaction)
        if member.status != "paused":
            raise UserFacingError(
                "You're not paused: you're active and will be paired in the next round. "
                "`/pairs status` shows your pairing."
            )
        await self.bot.store.set_pair_status(member.guild_id, member.user_id, "active")
        text = f"Welcome back! You'll be paired again.\n{await self._next_line(member.guild_id)}"
        await interaction.response.send_message(text, ephemeral=True)

    @pairs.command(name="status", description="Your pairing: partner, space, next round")
    async def status(self, interaction: Interaction) -> None:
        guild_id = _guild_id(interaction)
        user_id = interaction.user.id
        store = self.bot.store
        blocks = await store.pair_block_count(guild_id, user_id)
        member = await store.get_pair_member(guild_id, user_id)
        if member is None or member.status == "left":
            text = NOT_IN
            if blocks:
                text += f"\nYou have blocked {blocks} member{'s' if blocks != 1 else ''}."
            await interaction.response.send_message(text, ephemeral=True)
            return
        now = self.bot.clock.now()
        group = await store.live_group_of(guild_id, user_id, now)
        last = await store.last_done_round(guild_id)
        config = await store.get_pairing_config(guild_id)
        today = now.astimezone(ZoneInfo(member.timezone or (config.timezone if config else "UTC")))
        text = status_text(
            member,
            group,
            pause_over=member.status == "paused" and member.active_on(today.date()),
            blocks=blocks,
            next_line=await self._next_line(guild_id),
            left_out=last is not None and member.unpaired_round == last.round_date,
        )
        await interaction.response.send_message(text, ephemeral=True)

    @pairs.command(name="block", description="Never be paired with this member")
    @app_commands.describe(member="The member you never want to be paired with")
    async def block(self, interaction: Interaction, member: discord.Member) -> None:
        guild_id = _guild_id(interaction)
        user_id = interaction.user.id
        if member.id == user_id:
            raise UserFacingError("You can't block yourself. Pick another member.")
        if member.bot:
            raise UserFacingError("Bots are never paired, so there's no need to block one.")
        now = self.bot.clock.now()
        added = await self.bot.store.add_pair_block(guild_id, user_id, member.id, now)
        group = await self.bot.store.live_group_of(guild_id, user_id, now)
        ended = False
        if group is not None and member.id in group.user_ids:
            ended = await self.bot.pairing.end_group(group.id, reason="blocked", by_user=user_id)
        if added:
            text = f"Done: you'll never be paired with {member.mention}. They aren't told."
        else:
            text = f"You had already blocked {member.mention}: you'll never be paired together."
        if ended:
            text += (
                " Your current pairing with them has ended; they're only told that the pairing "
                "ended, not why."
            )
        text += " `/pairs unblock` undoes this."
        await interaction.response.send_message(text, ephemeral=True)

    @pairs.command(name="unblock", description="Allow being paired with this member again")
    @app_commands.describe(member="The member to unblock")
    async def unblock(self, interaction: Interaction, member: discord.Member) -> None:
        guild_id = _guild_id(interaction)
        if member.id == interaction.user.id:
            raise UserFacingError("You can't block or unblock yourself. Pick another member.")
        if await self.bot.store.remove_pair_block(guild_id, interaction.user.id, member.id):
            text = f"Unblocked {member.mention}: you may be paired with them in a future round."
        else:
            text = f"You haven't blocked {member.mention}, so there's nothing to undo."
        await interaction.response.send_message(text, ephemeral=True)


async def setup(bot: CommunityBot) -> None:
    await bot.add_cog(Pairs(bot))
