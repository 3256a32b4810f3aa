"""Telling a server's moderators something, once: review channel first, else the system channel."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.store.schedules import iso

if TYPE_CHECKING:
    from bot.client import CommunityBot

log = logging.getLogger(__name__)


async def moderator_channel(bot: CommunityBot, guild_id: int) -> discord.abc.Messageable | None:
    """Where notices go: the configured review channel, else the server's system channel."""
    channel_id = await bot.store.review_channel_id(guild_id)
    if channel_id is not None:
        return bot.get_partial_messageable(channel_id, guild_id=guild_id)
    guild = bot.get_guild(guild_id)
    if guild is not None and guild.system_channel is not None:
        return guild.system_channel
    return None


async def notify_moderators(bot: CommunityBot, guild_id: int, key: str, text: str) -> bool:
    """Send ``text`` to the moderators unless a notice with ``key`` was already sent.

    The notice is claimed in the database first, so a retry or a restart never repeats it.
    Returns True when it was delivered now.
    """
    if not await bot.store.claim_notice(guild_id, key, iso(bot.clock.now())):
        return False
    channel = await moderator_channel(bot, guild_id)
    if channel is None:
        log.warning("guild %s: no review or system channel for notice %s: %s", guild_id, key, text)
        return False
    try:
        await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
    except discord.HTTPException as exc:
        log.warning("guild %s: could not deliver notice %s (%s): %s", guild_id, key, exc, text)
        return False
    log.info("guild %s: notified moderators (%s)", guild_id, key)
    return True
