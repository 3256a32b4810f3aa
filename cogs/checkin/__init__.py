"""`/checkin answer|skip` and every button in a pair's space; runs the check-in engine.

The engine (``bot.checkins``) opens, reminds, reveals and closes the weeks on the bot's minute
tick; this cog parses clicks, commands and modal submissions and replies, always privately.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.checkin_flow import parse_modal_id
from bot.checkins import CheckinEngine
from bot.tree import report_error
from cogs.checkin.access import current_week
from cogs.checkin.answer import handle_submission, send_answer_modal
from cogs.checkin.buttons import DYNAMIC_ITEMS, CheckinButtons, skip_choice
from cogs.checkin.support import SupportRequests

if TYPE_CHECKING:
    from bot.client import CommunityBot

log = logging.getLogger(__name__)


class Checkin(commands.Cog):
    """Weekly check-ins of pairs."""

    checkin = app_commands.Group(name="checkin", description="This week's check-in with your pair")

    def __init__(self, bot: CommunityBot) -> None:
        self.bot = bot
        self.engine = CheckinEngine(bot, CheckinButtons())
        self.support = SupportRequests(bot)

    async def cog_load(self) -> None:
        self.bot.checkins = self.engine
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)
        self.bot.add_ticker(self.engine)

    async def cog_unload(self) -> None:
        self.bot.remove_ticker(self.engine)
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)
        await self.engine.close()

    @checkin.command(name="answer", description="Answer this week's check-in questions")
    async def answer(self, interaction: discord.Interaction[Any]) -> None:
        group, week = await current_week(self.bot, interaction.user.id, interaction.guild_id)
        await send_answer_modal(self.bot, interaction, group, week)

    @checkin.command(name="skip", description="Skip this week's check-in (no reason needed)")
    async def skip(self, interaction: discord.Interaction[Any]) -> None:
        group, week = await current_week(self.bot, interaction.user.id, interaction.guild_id)
        await skip_choice(self.bot, interaction, group.id, week.week)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Answer-modal submissions, including those of modals opened before a restart."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data: dict[str, Any] = dict(interaction.data or {})
        parsed = parse_modal_id(str(data.get("custom_id", "")))
        if parsed is None:
            return
        try:
            await handle_submission(self.bot, interaction, *parsed)
        except Exception as error:
            await report_error(interaction, error, where=f"modal {data.get('custom_id')}")


async def setup(bot: CommunityBot) -> None:
    await bot.add_cog(Checkin(bot))
