"""`/privacy`: what the bot stores and, later, a member's own export and deletion.

`policy` lives here now; `export` and `delete` join the same group as further subcommands.
Every reply is ephemeral: it is about the member's own data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from cogs.privacy.policy import policy_embed

if TYPE_CHECKING:
    from bot.client import CommunityBot


class Privacy(commands.Cog):
    """Members' privacy: the policy, and their own data."""

    privacy = app_commands.Group(
        name="privacy", description="What this bot stores about you, and your own data"
    )

    def __init__(self, bot: CommunityBot) -> None:
        self.bot = bot

    @privacy.command(name="policy", description="What I store, what I never store, who sees what")
    async def policy(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message(embed=policy_embed(), ephemeral=True)


async def setup(bot: CommunityBot) -> None:
    await bot.add_cog(Privacy(bot))
