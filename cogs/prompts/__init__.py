"""``/prompt today`` and ``/prompt suggest``: the day's prompt, and members' ideas for new ones.

Suggestions wait in the review queue (``/deck review``); nothing a member writes is posted until a
moderator approves it, and it is always posted with mentions disabled.
"""

from __future__ import annotations

import logging
import random
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.content.pickers import daily_pool
from bot.content.vocab import Depth, IntimacyType
from bot.notices import moderator_channel
from bot.posts import PostItem, UnknownItem, prompt_item, render_post, resolve_item
from bot.tree import UserFacingError
from cogs.prompts.input import TYPE_CHOICES, checked_text, checked_type, guild_id_of

if TYPE_CHECKING:
    from bot.client import CommunityBot

log = logging.getLogger(__name__)

Interaction = discord.Interaction[Any]
NO_MENTIONS = discord.AllowedMentions.none()
# Enough to share several ideas, few enough that one member can't flood the review queue.
MAX_PENDING_PER_MEMBER = 5


def message_link(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def notice_text(suggestion_id: int, author_id: int, type_: IntimacyType, text: str) -> str:
    """The review channel's note about a new suggestion."""
    return (
        f"New prompt suggestion **#{suggestion_id}** from <@{author_id}> "
        f"({type_.display_name}):\n> {text}\nReview it with `/deck review`."
    )


class Prompts(commands.Cog):
    """Members' side of daily prompts."""

    prompt = app_commands.Group(
        name="prompt",
        description="Today's connection prompt, or suggest a new one",
        guild_only=True,
    )

    def __init__(self, bot: CommunityBot) -> None:
        self.bot = bot
        self.rng = random.Random()

    @prompt.command(name="today", description="Show the prompt last posted in this server")
    async def today(self, interaction: Interaction) -> None:
        guild_id = guild_id_of(interaction)
        found = await self._last_posted(guild_id)
        if found is not None:
            item, text = found
        else:
            item = self._fresh_prompt()
            text = "No prompt has been posted in this server yet, so here is a fresh one for you:"
        await interaction.response.send_message(
            text, embed=render_post(item), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    async def _last_posted(self, guild_id: int) -> tuple[PostItem, str] | None:
        delivery = await self.bot.store.last_sent_in_guild(guild_id)
        if delivery is None or delivery.item_id is None or delivery.message_id is None:
            return None
        schedule = await self.bot.store.get_schedule(delivery.schedule_id, guild_id)
        if schedule is None:
            return None
        try:
            item = await resolve_item(self.bot, guild_id, delivery.item_id)
        except UnknownItem:
            log.info("guild %s: last prompt %s no longer resolves", guild_id, delivery.item_id)
            return None
        link = message_link(guild_id, schedule.channel_id, delivery.message_id)
        when = discord.utils.format_dt(delivery.fire_at, "R")
        return (
            item,
            f"The prompt last posted in this server ({when} in <#{schedule.channel_id}>): {link}",
        )

    def _fresh_prompt(self) -> PostItem:
        pool = daily_pool(self.bot.content, max_depth=Depth.MEDIUM)
        if not pool:
            raise UserFacingError("I have no prompts to show right now. Please try again later.")
        prompt_id = self.rng.choice(pool)
        prompt = self.bot.content.prompt(prompt_id)
        assert prompt is not None
        return prompt_item(prompt, prompt_id)

    @prompt.command(name="suggest", description="Send a prompt idea to the moderators for review")
    @app_commands.describe(
        text="Your prompt, 10-300 characters, e.g. What made you laugh this week?",
        type="Which kind of closeness it is about",
    )
    @app_commands.choices(type=TYPE_CHOICES)
    async def suggest(
        self,
        interaction: Interaction,
        text: app_commands.Range[str, 10, 300],
        type: str,
    ) -> None:
        guild_id = guild_id_of(interaction)
        cleaned = checked_text(text)
        type_ = checked_type(type)
        suggestion = await self.bot.store.add_suggestion(
            guild_id,
            interaction.user.id,
            cleaned,
            type_.value,
            max_pending=MAX_PENDING_PER_MEMBER,
        )
        if suggestion is None:
            raise UserFacingError(
                f"You already have {MAX_PENDING_PER_MEMBER} suggestions waiting for review. "
                "Please wait until the moderators have looked at those, then send more."
            )
        await interaction.response.send_message(
            "Thanks — the moderators will review it. If they approve it, it joins this "
            "server's prompts.",
            ephemeral=True,
        )
        log.info("guild %s: suggestion %s queued", guild_id, suggestion.id)
        await self._tell_moderators(guild_id, suggestion.id, interaction.user.id, type_, cleaned)

    async def _tell_moderators(
        self, guild_id: int, suggestion_id: int, author_id: int, type_: IntimacyType, text: str
    ) -> None:
        channel = await moderator_channel(self.bot, guild_id)
        if channel is None:
            return
        try:
            await channel.send(
                notice_text(suggestion_id, author_id, type_, text), allowed_mentions=NO_MENTIONS
            )
        except discord.HTTPException as exc:
            log.warning("guild %s: could not post suggestion notice (%s)", guild_id, exc)


async def setup(bot: CommunityBot) -> None:
    await bot.add_cog(Prompts(bot))
