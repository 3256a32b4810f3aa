"""`/settings`: a server's configuration, for moderators (Manage Server, checked at run time).

`review-channel` (where suggestions and notices go), `support-role` (who "Need support" may
notify, only with the member's consent), and the server's own help resources shown first in
`/resources`. Every reply is ephemeral.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import ModeratorGroup, is_moderator
from bot.embeds import truncate
from bot.tree import UserFacingError
from cogs.resources.countries import country_choices
from cogs.settings.validation import (
    CONTACT_MAX,
    DESCRIPTION_MAX,
    MAX_SERVER_RESOURCES,
    NAME_MAX,
    NAME_MIN,
    ResourceInputError,
    validate_resource,
)

if TYPE_CHECKING:
    from bot.client import CommunityBot

NO_MENTIONS = discord.AllowedMentions.none()


class Settings(commands.Cog):
    """Moderators' server configuration."""

    settings = ModeratorGroup(
        name="settings", description="Server settings for this bot (moderators)"
    )

    def __init__(self, bot: CommunityBot) -> None:
        self.bot = bot

    @settings.command(
        name="review-channel", description="Where member suggestions and notices for moderators go"
    )
    @app_commands.describe(channel="A text channel that moderators read")
    async def review_channel(
        self, interaction: discord.Interaction[Any], channel: discord.TextChannel
    ) -> None:
        guild_id = _guild_id(interaction)
        await self.bot.store.set_review_channel(guild_id, channel.id)
        text = f"Suggestions and notices for moderators will go to {channel.mention}."
        me = channel.guild.me
        if me is not None:
            allowed = channel.permissions_for(me)
            if not (allowed.view_channel and allowed.send_messages and allowed.embed_links):
                text += (
                    " I can't post there yet: give me View Channel, Send Messages and Embed "
                    "Links in that channel."
                )
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @settings.command(
        name="support-role",
        description="A role 'Need support' may notify, only if the member agrees",
    )
    @app_commands.describe(role="The role to notify (leave empty to stop notifying any role)")
    async def support_role(
        self, interaction: discord.Interaction[Any], role: discord.Role | None = None
    ) -> None:
        guild_id = _guild_id(interaction)
        if role is not None and role.is_default():
            raise UserFacingError(
                "Pick a specific role, such as your moderators' or a support team's, not "
                "@everyone. Nothing was changed."
            )
        if role is not None and role.managed:
            raise UserFacingError(
                f"{role.name} belongs to a bot or an integration, so no person has it. Pick a "
                "role that your support people have. Nothing was changed."
            )
        await self.bot.store.set_support_role(guild_id, role.id if role else None)
        if role is None:
            text = "'Need support' will not notify any role; members still get private resources."
        else:
            text = (
                f"'Need support' will offer to notify {role.mention}, only if the member agrees. "
                "Members always get private resources either way."
            )
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @settings.command(
        name="resource-add", description="Add a help resource shown first in /resources here"
    )
    @app_commands.describe(
        name=f"What it is called ({NAME_MIN}-{NAME_MAX} characters)",
        contact="An https:// web address or a phone number",
        description=f"What it offers, who it is for (up to {DESCRIPTION_MAX} characters)",
        country="Only for members in this country (leave empty for everyone here)",
    )
    async def resource_add(
        self,
        interaction: discord.Interaction[Any],
        name: app_commands.Range[str, NAME_MIN, NAME_MAX],
        contact: app_commands.Range[str, 3, CONTACT_MAX],
        description: app_commands.Range[str, 1, DESCRIPTION_MAX] | None = None,
        country: str | None = None,
    ) -> None:
        guild_id = _guild_id(interaction)
        try:
            checked = validate_resource(name, contact, description)
        except ResourceInputError as error:
            raise UserFacingError(str(error)) from None
        country_code: str | None = None
        where = "everyone in this server"
        if country and country.strip():
            found = self.bot.content.country(country)
            if found is None:
                raise UserFacingError(
                    f"I don't know the country {truncate(country.strip(), 40)!r}. Pick one from "
                    "the list as you type, or leave `country` empty for a server-wide resource. "
                    "Nothing was saved."
                )
            country_code = found.code
            where = f"members who choose {found.name}"
        added = await self.bot.store.add_server_resource(
            guild_id,
            name=checked.name,
            contact=checked.contact,
            description=checked.description,
            country=country_code,
            added_by=interaction.user.id,
            created_at=self.bot.clock.now(),
            limit=MAX_SERVER_RESOURCES,
        )
        if added is None:
            raise UserFacingError(
                f"This server already has {MAX_SERVER_RESOURCES} resources, the most I can show. "
                "Remove one with `/settings resource-remove` first. Nothing was saved."
            )
        await interaction.response.send_message(
            f"Added resource #{added.id}: **{added.name}**. It shows first in `/resources` for "
            f"{where}. Remove it with `/settings resource-remove id:{added.id}`.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @resource_add.autocomplete("country")
    async def resource_add_country(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return country_choices(self.bot.content, current)

    @settings.command(name="resource-remove", description="Remove one of this server's resources")
    @app_commands.rename(resource_id="id")
    @app_commands.describe(resource_id="The resource's number (type to search this server's list)")
    async def resource_remove(
        self, interaction: discord.Interaction[Any], resource_id: int
    ) -> None:
        guild_id = _guild_id(interaction)
        existing = await self.bot.store.server_resource(guild_id, resource_id)
        removed = existing is not None and await self.bot.store.remove_server_resource(
            guild_id, resource_id
        )
        if existing is None or not removed:
            raise UserFacingError(
                f"This server has no resource #{resource_id}. Pick one from the list as you type "
                "in `id`."
            )
        await interaction.response.send_message(
            f"Removed resource #{resource_id}: **{existing.name}**.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @resource_remove.autocomplete("resource_id")
    async def resource_remove_id(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[int]]:
        # Autocomplete skips the group's permission check, so repeat it here.
        if interaction.guild_id is None or not is_moderator(interaction):
            return []
        needle = current.strip().lstrip("#").casefold()
        resources = await self.bot.store.server_resources(interaction.guild_id)
        return [
            app_commands.Choice(name=truncate(f"#{r.id} {r.name}", 100), value=r.id)
            for r in resources
            if not needle or needle in str(r.id) or needle in r.name.casefold()
        ][:25]


def _guild_id(interaction: discord.Interaction[Any]) -> int:
    # The group is guild-only and its check refuses direct messages; this narrows the type.
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


async def setup(bot: CommunityBot) -> None:
    await bot.add_cog(Settings(bot))
