"""``/starter [format:]``: an intellectual-intimacy conversation starter, posted in the channel.

The post carries "Another" and "Open a thread" buttons that keep working after a restart
(see `cogs.starters.buttons`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.content.vocab import StarterFormat
from bot.tree import UserFacingError
from cogs.starters.buttons import AnotherStarter, OpenThread, starter_message

if TYPE_CHECKING:
    from bot.client import CommunityBot

FORMAT_CHOICES = [app_commands.Choice(name=f.display_name, value=f.value) for f in StarterFormat]


class Starters(commands.Cog):
    """Conversation starters on demand."""

    def __init__(self, bot: CommunityBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(AnotherStarter, OpenThread)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(AnotherStarter, OpenThread)

    @app_commands.command(name="starter", description="Post a starter for a curious, deep talk")
    @app_commands.guild_only()
    @app_commands.describe(format="What kind of conversation (default: any)")
    @app_commands.choices(format=FORMAT_CHOICES)
    async def starter(
        self, interaction: discord.Interaction[Any], format: str | None = None
    ) -> None:
        try:
            chosen = StarterFormat(format) if format else None
        except ValueError:
            names = ", ".join(f.display_name for f in StarterFormat)
            raise UserFacingError(f"Please pick a format from the list: {names}.") from None
        embed, view = starter_message(self.bot, chosen)
        await interaction.response.send_message(embed=embed, view=view)


async def setup(bot: CommunityBot) -> None:
    await bot.add_cog(Starters(bot))
