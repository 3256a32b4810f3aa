"""``/deck review``: pending suggestions, each with persistent Approve and Reject buttons.

A button's ``custom_id`` (``suggest:approve:<id>`` / ``suggest:reject:<id>``) is all a click
needs, so buttons keep working after a restart. Permission is checked at click time, and the
store decides atomically, so two moderators clicking at once can't both approve one suggestion.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from bot.checks import is_moderator
from bot.content.vocab import IntimacyType
from bot.store.schedules import iso
from bot.store.suggestions import APPROVED, PENDING, Suggestion
from bot.tree import UserFacingError, report_error

if TYPE_CHECKING:
    from bot.client import CommunityBot

log = logging.getLogger(__name__)

Interaction = discord.Interaction[Any]
# One action row per suggestion: Discord allows five rows of buttons per message.
REVIEW_PAGE_SIZE = 5
# Approved suggestions join the deck as light prompts, so every schedule of their type uses them.
APPROVED_DEPTH = 1
_TITLE = re.compile(r"^Suggestion #(\d+)$")
_COLOURS = {PENDING: 0xFAA61A, APPROVED: 0x3BA55D}
_REJECTED_COLOUR = 0x99AAB5


def _type_name(value: str) -> str:
    try:
        return IntimacyType(value).display_name
    except ValueError:
        return value


def status_line(suggestion: Suggestion) -> str:
    """What happened to a suggestion, in one line."""
    if suggestion.status == PENDING:
        return "Waiting for review"
    who = f"<@{suggestion.reviewed_by}>" if suggestion.reviewed_by else "a moderator"
    if suggestion.status == APPROVED:
        return (
            f"✅ Approved by {who}: added to this server's deck as g-{suggestion.prompt_id} "
            f"(depth {APPROVED_DEPTH})"
        )
    return f"❌ Rejected by {who}"


def suggestion_embed(suggestion: Suggestion) -> discord.Embed:
    """One suggestion: its text, type, author and status."""
    embed = discord.Embed(
        title=f"Suggestion #{suggestion.id}",
        description=suggestion.text,
        colour=_COLOURS.get(suggestion.status, _REJECTED_COLOUR),
    )
    embed.add_field(name="Type", value=_type_name(suggestion.type), inline=True)
    embed.add_field(name="From", value=f"<@{suggestion.author_id}>", inline=True)
    embed.add_field(name="Status", value=status_line(suggestion), inline=False)
    return embed


def review_view(suggestions: Sequence[Suggestion]) -> discord.ui.View | None:
    """Approve and Reject for each pending suggestion, one row each; None when none is pending."""
    pending = [s for s in suggestions if s.pending][:REVIEW_PAGE_SIZE]
    if not pending:
        return None
    view = discord.ui.View(timeout=None)
    for row, suggestion in enumerate(pending):
        view.add_item(ReviewButton("approve", suggestion.id, row=row))
        view.add_item(ReviewButton("reject", suggestion.id, row=row))
    return view


def review_header(waiting: int, shown: int) -> str:
    """The line above the list: how many are waiting and what the buttons do."""
    if waiting == 0:
        return "No suggestions are waiting for review. Members send them with `/prompt suggest`."
    if shown == 0:
        return (
            f"Everything here is reviewed. {waiting} more suggestion{'s' if waiting != 1 else ''} "
            "waiting: run `/deck review` to see them."
        )
    text = (
        f"**{waiting} suggestion{'s' if waiting != 1 else ''} waiting for review.** "
        f"Approve adds one to this server's deck (depth {APPROVED_DEPTH}); Reject drops it."
    )
    if waiting > shown:
        text += f"\nShowing the oldest {shown}: run `/deck review` again after these for more."
    return text


async def review_page(
    bot: CommunityBot, guild_id: int
) -> tuple[str, list[discord.Embed], discord.ui.View | None]:
    """The ``/deck review`` reply: header, one embed per pending suggestion, the buttons."""
    suggestions = await bot.store.pending_suggestions(guild_id, REVIEW_PAGE_SIZE)
    waiting = await bot.store.pending_suggestion_count(guild_id)
    embeds = [suggestion_embed(s) for s in suggestions]
    return review_header(waiting, len(suggestions)), embeds, review_view(suggestions)


def suggestion_ids(message: discord.Message) -> list[int]:
    """The suggestions a review message shows, from its embeds' titles, in order."""
    ids: list[int] = []
    for embed in message.embeds:
        match = _TITLE.match(embed.title or "")
        if match:
            ids.append(int(match.group(1)))
    return ids


class ReviewButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"suggest:(?P<action>approve|reject):(?P<id>\d+)",
):
    """Approve or Reject one suggestion; moderators only, checked when clicked."""

    def __init__(self, action: str, suggestion_id: int, *, row: int | None = None) -> None:
        self.action = action
        self.suggestion_id = suggestion_id
        approve = action == "approve"
        super().__init__(
            discord.ui.Button(
                label=f"{'Approve' if approve else 'Reject'} #{suggestion_id}",
                style=discord.ButtonStyle.success if approve else discord.ButtonStyle.danger,
                custom_id=f"suggest:{action}:{suggestion_id}",
            ),
            row=row,
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ReviewButton:
        return cls(match["action"], int(match["id"]))

    async def callback(self, interaction: Interaction) -> None:
        try:
            await self._review(interaction)
        except Exception as error:
            await report_error(interaction, error, where=f"button {self.custom_id}")

    async def _review(self, interaction: Interaction) -> None:
        guild_id = interaction.guild_id
        if guild_id is None or not is_moderator(interaction):
            raise UserFacingError(
                "Only moderators with the **Manage Server** permission can review suggestions."
            )
        bot: CommunityBot = interaction.client
        outcome = await bot.store.review_suggestion(
            guild_id,
            self.suggestion_id,
            approve=self.action == "approve",
            reviewer_id=interaction.user.id,
            now_iso=iso(bot.clock.now()),
            depth=APPROVED_DEPTH,
        )
        if outcome is None:
            raise UserFacingError(f"There's no suggestion #{self.suggestion_id} in this server.")
        if outcome.changed:
            log.info(
                "guild %s: suggestion %s %s by %s",
                guild_id,
                self.suggestion_id,
                outcome.suggestion.status,
                interaction.user.id,
            )
        await self._refresh(bot, interaction, guild_id)
        if not outcome.changed:
            await interaction.followup.send(
                f"Suggestion #{self.suggestion_id} was already reviewed: "
                f"{status_line(outcome.suggestion)}.",
                ephemeral=True,
            )

    async def _refresh(self, bot: CommunityBot, interaction: Interaction, guild_id: int) -> None:
        """Redraw the clicked message from the database: outcomes shown, reviewed rows gone."""
        message = interaction.message
        ids = suggestion_ids(message) if message is not None else []
        if self.suggestion_id not in ids:
            ids.append(self.suggestion_id)
        found = [await bot.store.get_suggestion(guild_id, i) for i in ids]
        suggestions = [s for s in found if s is not None]
        waiting = await bot.store.pending_suggestion_count(guild_id)
        shown = sum(1 for s in suggestions if s.pending)
        await interaction.response.edit_message(
            content=review_header(waiting, shown),
            embeds=[suggestion_embed(s) for s in suggestions],
            view=review_view(suggestions),
            allowed_mentions=discord.AllowedMentions.none(),
        )
