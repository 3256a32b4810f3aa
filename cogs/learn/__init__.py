"""`/intimacy`: the four intimacy types, the Emotional Intimacy Scale and the common barriers.

Explainers are public (they are general knowledge and invite conversation); anything about
barriers is ephemeral, since asking about one can say something personal.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.content.vocab import BarrierKey, IntimacyType
from bot.tree import UserFacingError
from cogs.learn.choices import BarrierChoice, IntimacyTypeChoice
from cogs.learn.render import (
    BARRIER_PROMPT_TYPES,
    barrier_embed,
    barriers_embed,
    light_prompt,
    scale_embed,
    type_embed,
    types_embed,
)

if TYPE_CHECKING:
    from bot.client import CommunityBot


class Learn(commands.Cog):
    """Explainers with sources."""

    intimacy = app_commands.Group(
        name="intimacy", description="Learn about kinds of closeness and what gets in the way"
    )

    def __init__(self, bot: CommunityBot) -> None:
        self.bot = bot
        self.rng = random.Random()

    @intimacy.command(name="types", description="The four kinds of intimacy, one line each")
    async def types(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message(embed=types_embed(self.bot.content))

    @intimacy.command(name="type", description="One kind of intimacy: examples, research, a prompt")
    @app_commands.describe(name="Which kind of intimacy")
    async def type_(
        self,
        interaction: discord.Interaction[Any],
        name: app_commands.Transform[IntimacyType, IntimacyTypeChoice],
    ) -> None:
        library = self.bot.content
        info = library.intimacy_type(name)
        if info is None:
            raise UserFacingError(f"I have no explainer for {name.display_name} yet.")
        prompt = light_prompt(library, name, self.rng)
        await interaction.response.send_message(embed=type_embed(library, info, prompt))

    @intimacy.command(
        name="scale", description="The Emotional Intimacy Scale and the five characteristics"
    )
    async def scale(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message(embed=scale_embed(self.bot.content))

    @intimacy.command(
        name="barriers", description="Common barriers to closeness, with gentle steps (private)"
    )
    @app_commands.describe(barrier="One barrier, for steps you can take (leave empty for all)")
    async def barriers(
        self,
        interaction: discord.Interaction[Any],
        barrier: app_commands.Transform[BarrierKey, BarrierChoice] | None = None,
    ) -> None:
        library = self.bot.content
        if barrier is None:
            embed = barriers_embed(library)
        else:
            info = library.barrier(barrier)
            if info is None:
                raise UserFacingError(f"I have no explainer for {barrier.display_name} yet.")
            prompt = light_prompt(library, BARRIER_PROMPT_TYPES[barrier], self.rng)
            embed = barrier_embed(library, info, prompt)
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: CommunityBot) -> None:
    await bot.add_cog(Learn(bot))
