"""The "Another" and "Open a thread" buttons under a posted starter.

Both are `DynamicItem`s: everything a click needs is in the ``custom_id`` or the message itself,
so buttons on messages posted before a restart keep working once the cog registers the classes.
"""

from __future__ import annotations

import logging
import random
import re
from typing import TYPE_CHECKING, Any, Literal

import discord

from bot.content.models import Starter
from bot.content.pickers import starter_pool
from bot.content.vocab import Depth, StarterFormat
from bot.posts import render_post, starter_item
from bot.tree import UserFacingError, report_error

if TYPE_CHECKING:
    from bot.client import CommunityBot

log = logging.getLogger(__name__)

Interaction = discord.Interaction[Any]
ALL_FORMATS = "all"
THREAD_EXISTS = 160004
# A day: a starter's thread stays visible while the conversation is fresh.
THREAD_ARCHIVE_MINUTES: Literal[1440] = 1440
_rng = random.Random()


def pick_starter(
    bot: CommunityBot, format: StarterFormat | None, *, avoid: str | None = None
) -> Starter:
    """A random light-to-medium starter of ``format`` (any when None), not ``avoid`` if possible."""
    pool = starter_pool(bot.content, format, max_depth=Depth.MEDIUM)
    choices = [i for i in pool if i != avoid] or pool
    if not choices:
        raise UserFacingError("I have no starters of that format yet. Try another format.")
    starter = bot.content.starter(_rng.choice(choices))
    assert starter is not None
    return starter


def starter_message(
    bot: CommunityBot, format: StarterFormat | None, *, avoid: str | None = None
) -> tuple[discord.Embed, discord.ui.View]:
    """A new starter's embed and its buttons."""
    starter = pick_starter(bot, format, avoid=avoid)
    view = discord.ui.View(timeout=None)
    view.add_item(AnotherStarter(format, starter.id))
    view.add_item(OpenThread())
    return render_post(starter_item(starter)), view


def _format_from(value: str) -> StarterFormat | None:
    # A retired format on an old message falls back to any format rather than a dead button.
    try:
        return None if value == ALL_FORMATS else StarterFormat(value)
    except ValueError:
        return None


class AnotherStarter(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"starter:another:(?P<format>[a-z-]+):(?P<current>[a-z0-9-]+)",
):
    """Posts a different starter of the same format as a new message, with the same buttons."""

    def __init__(self, format: StarterFormat | None, current_id: str) -> None:
        self.format = format
        self.current_id = current_id
        key = format.value if format else ALL_FORMATS
        super().__init__(
            discord.ui.Button(
                label="Another",
                style=discord.ButtonStyle.secondary,
                custom_id=f"starter:another:{key}:{current_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AnotherStarter:
        return cls(_format_from(match["format"]), match["current"])

    async def callback(self, interaction: Interaction) -> None:
        try:
            bot: CommunityBot = interaction.client
            embed, view = starter_message(bot, self.format, avoid=self.current_id)
            await interaction.response.send_message(embed=embed, view=view)
        except Exception as error:
            await report_error(interaction, error, where=f"button {self.custom_id}")


class OpenThread(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"starter:thread"):
    """Opens a public thread from the starter's message, named after the starter."""

    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label="Open a thread", style=discord.ButtonStyle.primary, custom_id="starter:thread"
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> OpenThread:
        return cls()

    async def callback(self, interaction: Interaction) -> None:
        try:
            await self._open(interaction)
        except Exception as error:
            await report_error(interaction, error, where=f"button {self.custom_id}")

    async def _open(self, interaction: Interaction) -> None:
        message = interaction.message
        if message is None or interaction.guild_id is None:
            raise UserFacingError("I can't find the starter's message any more.")
        if isinstance(interaction.channel, discord.Thread):
            raise UserFacingError("This starter is already inside a thread: reply right here.")
        if not interaction.permissions.create_public_threads:
            raise UserFacingError("You don't have permission to open threads in this channel.")
        if not interaction.app_permissions.create_public_threads:
            raise UserFacingError(
                "I can't open threads here: I need the **Create Public Threads** permission in "
                "this channel. Ask a moderator to grant it."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            thread = await message.create_thread(
                name=thread_name(message), auto_archive_duration=THREAD_ARCHIVE_MINUTES
            )
        except discord.Forbidden:
            raise UserFacingError(
                "I can't open threads here: I need the **Create Public Threads** permission in "
                "this channel. Ask a moderator to grant it."
            ) from None
        except discord.HTTPException as exc:
            if exc.code != THREAD_EXISTS:
                raise
            # A thread started from a message shares the message's id.
            link = f"https://discord.com/channels/{interaction.guild_id}/{message.id}"
            await interaction.followup.send(
                f"This starter already has a thread: {link}", ephemeral=True
            )
            return
        log.info("guild %s: opened starter thread %s", interaction.guild_id, thread.id)
        await interaction.followup.send(f"Thread opened: {thread.jump_url}", ephemeral=True)


def thread_name(message: discord.Message) -> str:
    """The starter's text, cut to Discord's 100-character thread-name limit."""
    text = " ".join((message.embeds[0].description or "").split()) if message.embeds else ""
    if not text:
        return "Conversation starter"
    return text if len(text) <= 100 else text[:99].rstrip() + "…"
