"""`/resources [country]`: help resources, always ephemeral.

The server's own resources come first, then the country's crisis lines, ways to find a therapist
and the international directories. An unknown or missing country still gets the directories and
"call your local emergency number", never an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from cogs.resources.countries import country_choices
from cogs.resources.render import ResourcesQuery, resources_embeds

if TYPE_CHECKING:
    from bot.client import CommunityBot


class Resources(commands.Cog):
    """Where to find help."""

    def __init__(self, bot: CommunityBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="resources",
        description="Crisis lines, ways to find a therapist, and this server's help",
    )
    @app_commands.describe(country="Your country, to see services where you live (type to search)")
    async def resources(
        self, interaction: discord.Interaction[Any], country: str | None = None
    ) -> None:
        library = self.bot.content
        typed = country if country and country.strip() else None
        found = library.resources_for(typed)
        server = (
            await self.bot.store.server_resources(interaction.guild_id)
            if interaction.guild_id is not None
            else []
        )
        embeds = resources_embeds(ResourcesQuery(typed, found), server, library)
        await interaction.response.send_message(
            embeds=embeds, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )

    @resources.autocomplete("country")
    async def country_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return country_choices(self.bot.content, current)


async def setup(bot: CommunityBot) -> None:
    await bot.add_cog(Resources(bot))
