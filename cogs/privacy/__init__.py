"""`/privacy`: what the bot stores (`policy`), a member's own data as a file (`export`), and
deletion of all of it (`delete`, see `cogs.privacy.data`).

Every reply is ephemeral: it is about the member's own data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from cogs.privacy.data import CancelDelete, ConfirmDelete, ask_to_delete, send_export
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

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(ConfirmDelete, CancelDelete)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(ConfirmDelete, CancelDelete)

    @privacy.command(name="policy", description="What I store, what I never store, who sees what")
    async def policy(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message(embed=policy_embed(), ephemeral=True)

    @privacy.command(name="export", description="Get a copy of everything I store about you")
    async def export(self, interaction: discord.Interaction[Any]) -> None:
        await send_export(interaction)

    @privacy.command(name="delete", description="Delete everything I store about you")
    async def delete(self, interaction: discord.Interaction[Any]) -> None:
        await ask_to_delete(interaction)


async def setup(bot: CommunityBot) -> None:
    await bot.add_cog(Privacy(bot))
