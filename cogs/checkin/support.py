"""Help inside the check-in flow: private resources, and telling the support team only on consent.

The resources are those of `/resources` without a country (crisis lines worldwide, the
international directories, "call your local emergency number", the server's own list), with the
not-therapy line. The support role is pinged only when the member presses the consent button.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import discord

from bot.notices import moderator_channel
from bot.store.checkins import CheckinGroup
from cogs.resources.render import ResourcesQuery, resources_embeds

if TYPE_CHECKING:
    from bot.client import CommunityBot

log = logging.getLogger(__name__)

# A second press within this time does not ping the team again.
REPEAT_WINDOW = timedelta(minutes=30)
TOLD = (
    "I've let this server's support team know that you asked for support. Someone should reach "
    "out to you privately. The resources above are there for you in the meantime."
)
TOLD_ALREADY = (
    "The support team was told a few minutes ago, so I haven't pinged them again. The resources "
    "above are there for you in the meantime."
)
NO_ROLE = (
    "This server hasn't set up a support team, so nobody was told. The resources above are "
    "there for you, and you can always reach out to a moderator directly."
)
NO_CHANNEL = (
    "I couldn't reach the support team: this server has no review channel I can post in. Please "
    "reach out to a moderator directly; the resources above are there for you too."
)
FAILED = (
    "I couldn't post to the support team just now. Please reach out to a moderator directly; "
    "the resources above are there for you too."
)


async def help_embeds(bot: CommunityBot, guild_id: int) -> list[discord.Embed]:
    """The `/resources` reply for no particular country, with this server's own resources."""
    library = bot.content
    server = await bot.store.server_resources(guild_id)
    return resources_embeds(ResourcesQuery(None, library.resources_for(None)), server, library)


def support_request_text(role_id: int, user_id: int) -> str:
    """The review-channel message: the role mention first, then who asked (named, not pinged)."""
    return (
        f"<@&{role_id}> A member asked for support from their check-in pairing: <@{user_id}>. "
        "Please reach out to them privately and gently. (They chose to let you know.)"
    )


def support_requests(bot: CommunityBot) -> SupportRequests:
    """The check-in cog's support requests (it keeps the repeat window)."""
    requests = getattr(bot.get_cog("Checkin"), "support", None)
    if not isinstance(requests, SupportRequests):
        raise RuntimeError("the check-in cog is not loaded")
    return requests


class SupportRequests:
    """Tells a server's support role that a member asked, once per window per member."""

    def __init__(self, bot: CommunityBot) -> None:
        self.bot = bot
        self._recent: dict[tuple[int, int], datetime] = {}

    async def tell(self, group: CheckinGroup, user_id: int) -> str:
        """Post the request in the review channel; the reply for the member."""
        guild_id = group.guild_id
        role_id = await self.bot.store.support_role_id(guild_id)
        if role_id is None:
            return NO_ROLE
        now = self.bot.clock.now()
        last = self._recent.get((guild_id, user_id))
        if last is not None and now - last < REPEAT_WINDOW:
            return TOLD_ALREADY
        channel = await moderator_channel(self.bot, guild_id)
        if channel is None:
            return NO_CHANNEL
        try:
            # The content holds only the support role's mention and a member mention; with user
            # pings off, exactly the support role is pinged.
            await channel.send(
                support_request_text(role_id, user_id),
                allowed_mentions=discord.AllowedMentions(
                    everyone=False, users=False, roles=True, replied_user=False
                ),
            )
        except discord.HTTPException as exc:
            log.warning("guild %s: could not post a support request (%s)", guild_id, exc)
            return FAILED
        self._recent[(guild_id, user_id)] = now
        log.info("guild %s: a member asked the support team for support", guild_id)
        return TOLD
