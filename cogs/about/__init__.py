"""``/about``: what the bot is, its version, the not-therapy line and a privacy summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.texts import NOT_THERAPY, PRIVACY_SUMMARY, WHAT_IT_DOES

if TYPE_CHECKING:
    from bot.client import CommunityBot

GET_STARTED = (
    "`/intimacy types`: four kinds of closeness, with sources\n"
    "`/starter`: a conversation starter for deep or curious talk\n"
    "`/pairs join`: opt in to weekly check-ins with another member\n"
    "`/resources`: crisis lines and ways to find a therapist, privately\n"
    "`/privacy policy`: what I store and how to export or delete it"
)


def about_embed(version: str) -> discord.Embed:
    """The /about reply."""
    embed = discord.Embed(title="Closeness", description=WHAT_IT_DOES, colour=0x5B8DEF)
    embed.add_field(name="Get started", value=GET_STARTED, inline=False)
    embed.add_field(name="Privacy", value=PRIVACY_SUMMARY, inline=False)
    embed.add_field(name="Not therapy", value=NOT_THERAPY, inline=False)
    embed.set_footer(text=f"Version {version}")
    return embed


class About(commands.Cog):
    """What the bot is."""

    def __init__(self, bot: CommunityBot) -> None:
        self.bot = bot

    @app_commands.command(name="about", description="What this bot does, its privacy, its version")
    async def about(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message(embed=about_embed(self.bot.version), ephemeral=True)


async def setup(bot: CommunityBot) -> None:
    await bot.add_cog(About(bot))
