"""``/deck``: the server's own prompts, for moderators (Manage Server, checked at run time).

add, remove, import (TOML/JSON/CSV) and export, review members' suggestions, and stats on how many
unused prompts each schedule has left. Every reply is ephemeral.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import ModeratorGroup, is_moderator
from bot.deckio import MAX_BYTES, MAX_ROWS, ImportFileError, detect_format, parse_import
from bot.embeds import truncate
from bot.store.schedules import iso
from bot.tree import UserFacingError
from cogs.deck.review import ReviewButton, review_page
from cogs.deck.stats import stats_embeds
from cogs.deck.transfer import export_file, import_reply, plan_import
from cogs.prompts.input import TYPE_CHOICES, checked_text, checked_type, guild_id_of

if TYPE_CHECKING:
    from bot.client import CommunityBot

log = logging.getLogger(__name__)

Interaction = discord.Interaction[Any]
NO_MENTIONS = discord.AllowedMentions.none()
AUTOCOMPLETE_MAX = 25


class Deck(commands.Cog):
    """Moderators' management of the server's prompts."""

    deck = ModeratorGroup(name="deck", description="This server's own prompts (moderators)")

    def __init__(self, bot: CommunityBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(ReviewButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(ReviewButton)

    # -- add / remove ------------------------------------------------------------------------

    @deck.command(name="add", description="Add a prompt to this server's deck")
    @app_commands.describe(
        text="The prompt, 10-300 characters, e.g. What made you laugh this week?",
        type="Which kind of closeness it is about",
        depth="How personal: 1 light, 2 medium, 3 deep",
    )
    @app_commands.choices(type=TYPE_CHOICES)
    async def add(
        self,
        interaction: Interaction,
        text: app_commands.Range[str, 10, 300],
        type: str,
        depth: app_commands.Range[int, 1, 3],
    ) -> None:
        guild_id = guild_id_of(interaction)
        cleaned = checked_text(text)
        type_ = checked_type(type)
        for existing in await self.bot.store.guild_prompts(guild_id):
            if existing.text.casefold() == cleaned.casefold():
                raise UserFacingError(
                    f"That prompt is already in this server's deck as {existing.item_id}."
                )
        prompt = await self.bot.store.add_guild_prompt(
            guild_id, cleaned, type_.value, depth, added_by=interaction.user.id
        )
        log.info("guild %s: prompt %s added", guild_id, prompt.item_id)
        await interaction.response.send_message(
            f"Added **{prompt.item_id}** ({type_.display_name}, depth {depth}): {cleaned}\n"
            f"Schedules with {type_.display_name.lower()} prompts and max depth {depth} or more "
            "will post it.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @deck.command(name="remove", description="Remove a prompt from this server's deck")
    @app_commands.describe(id="The prompt's number (g-12 is 12); start typing to search")
    async def remove(self, interaction: Interaction, id: int) -> None:
        guild_id = guild_id_of(interaction)
        prompt = await self.bot.store.get_guild_prompt(guild_id, id)
        if prompt is None:
            raise UserFacingError(
                f"There's no prompt g-{id} in this server's deck. Start typing in `id` to "
                "search this server's prompts, or see them all with `/deck export`."
            )
        await self.bot.store.remove_guild_prompt(guild_id, id, iso(self.bot.clock.now()))
        log.info("guild %s: prompt %s removed", guild_id, prompt.item_id)
        await interaction.response.send_message(
            f"Removed **{prompt.item_id}**: {prompt.text}\nSchedules won't post it again; past "
            "posts stay in the history.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @remove.autocomplete("id")
    async def remove_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None or not is_moderator(interaction):
            return []
        needle = str(current).strip().casefold().removeprefix("g-")
        choices: list[app_commands.Choice[int]] = []
        for prompt in reversed(await self.bot.store.guild_prompts(interaction.guild_id)):
            label = f"{prompt.item_id} · {prompt.type} · {prompt.text}"
            if needle and needle not in label.casefold():
                continue
            choices.append(app_commands.Choice(name=truncate(label, 100), value=prompt.id))
            if len(choices) == AUTOCOMPLETE_MAX:
                break
        return choices

    # -- import / export ---------------------------------------------------------------------

    @deck.command(name="import", description="Add many prompts from a TOML, JSON or CSV file")
    @app_commands.describe(
        file=f"A .toml, .json or .csv file of text, type, depth (max {MAX_ROWS:,} rows, 1 MB)"
    )
    async def import_(self, interaction: Interaction, file: discord.Attachment) -> None:
        guild_id = guild_id_of(interaction)
        if file.size > MAX_BYTES:
            raise UserFacingError(
                f"`{file.filename}` is {file.size / 1024 / 1024:.1f} MB; imports can be at most "
                "1 MB. Split it into smaller files. Nothing was added."
            )
        try:
            detect_format(file.filename, file.content_type)
        except ImportFileError as exc:
            raise UserFacingError(f"{exc} Nothing was added.") from None
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await file.read()
        try:
            result = parse_import(data, filename=file.filename, content_type=file.content_type)
        except ImportFileError as exc:
            raise UserFacingError(f"{exc} Nothing was added.") from None
        existing = {p.text.casefold(): p for p in await self.bot.store.guild_prompts(guild_id)}
        plan = plan_import(result, existing)
        added = await self.bot.store.add_guild_prompts(
            guild_id,
            [(row.text, row.type.value, row.depth) for row in plan.rows],
            added_by=interaction.user.id,
        )
        log.info(
            "guild %s: imported %d prompts, skipped %d rows", guild_id, len(added), len(plan.errors)
        )
        text, attachment = import_reply(file.filename, added, plan.errors)
        if attachment is None:
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.followup.send(
                text, file=attachment, ephemeral=True, allowed_mentions=NO_MENTIONS
            )

    @deck.command(
        name="export", description="Download this server's prompts, schedules and history"
    )
    async def export(self, interaction: Interaction) -> None:
        guild_id = guild_id_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        attachment, summary = await export_file(self.bot, guild_id, interaction.filesize_limit)
        await interaction.followup.send(summary, file=attachment, ephemeral=True)

    # -- review / stats ----------------------------------------------------------------------

    @deck.command(name="review", description="Approve or reject members' prompt suggestions")
    async def review(self, interaction: Interaction) -> None:
        guild_id = guild_id_of(interaction)
        header, embeds, view = await review_page(self.bot, guild_id)
        if view is None:
            await interaction.response.send_message(header, ephemeral=True)
            return
        await interaction.response.send_message(
            header, embeds=embeds, view=view, ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @deck.command(name="stats", description="How many unused prompts each schedule has left")
    async def stats(self, interaction: Interaction) -> None:
        guild_id = guild_id_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        embeds = await stats_embeds(self.bot, guild_id)
        await interaction.followup.send(embeds=embeds, ephemeral=True)


async def setup(bot: CommunityBot) -> None:
    await bot.add_cog(Deck(bot))
