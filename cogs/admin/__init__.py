"""Owner-only maintenance: syncing the command tree on request, never on every start.

The owner sends the bot a direct message ``!sync`` (global) or ``!sync <server id>`` (that server
only, with the global commands copied to it, for testing). Slash commands cannot do this job, since
a command has to be synced before anyone can use it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

if TYPE_CHECKING:
    from bot.client import CommunityBot

log = logging.getLogger(__name__)


class Admin(commands.Cog):
    """Owner commands, by direct message."""

    def __init__(self, bot: CommunityBot) -> None:
        self.bot = bot

    async def cog_check(self, ctx: commands.Context[CommunityBot]) -> bool:  # type: ignore[override]
        if ctx.guild is not None:
            raise commands.PrivateMessageOnly("Send owner commands to me in a direct message.")
        if not await self.bot.is_owner(ctx.author):
            raise commands.NotOwner("Only the bot's owner can do that.")
        return True

    @commands.command(name="sync", help="Register slash commands globally, or in one server.")
    async def sync(self, ctx: commands.Context[CommunityBot], guild_id: int | None = None) -> None:
        if guild_id is None:
            synced = await self.bot.tree.sync()
            where = "globally"
        else:
            guild = discord.Object(guild_id)
            self.bot.tree.copy_global_to(guild=guild)
            synced = await self.bot.tree.sync(guild=guild)
            where = f"to server {guild_id}"
        log.info("owner %s synced %d commands %s", ctx.author.id, len(synced), where)
        await ctx.send(f"Synced {len(synced)} commands {where}.")

    @sync.error
    async def sync_error(self, ctx: commands.Context[CommunityBot], error: Exception) -> None:
        if isinstance(error, commands.CheckFailure | commands.BadArgument):
            await ctx.send(str(error) or "Usage: `!sync` or `!sync <server id>`")
        else:
            log.error("sync failed", exc_info=error)
            await ctx.send("Sync failed; the error is in the bot's log.")


async def setup(bot: CommunityBot) -> None:
    await bot.add_cog(Admin(bot))
