"""`/privacy export` and `/privacy delete`: a member's own data, privately.

The delete confirmation's buttons are `DynamicItem`s carrying the member's id, so they keep working
after a restart and refuse anyone else. Confirming twice is harmless: the second says it's done.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from bot.files import text_file
from bot.privacy import Deletion, Export, build_export, delete_member_data
from bot.tree import UserFacingError, report_error

if TYPE_CHECKING:
    from bot.client import CommunityBot

log = logging.getLogger(__name__)

Interaction = discord.Interaction[Any]
EXPORT_FILENAME = "my-data.json"

CONFIRM_TEXT = (
    "**Delete all of your data?** This removes everything I store under your Discord id, in "
    "every server: your pairing sign-ups, blocks and pair history, check-in answers and "
    "follow-ups, and your prompt suggestions.\n"
    "- A live pairing ends; your partner is told only that it ended, and is paired again at the "
    "next round.\n"
    "- Schedules, server prompts, resources and pairing setups you made stay for their servers, "
    "without your id.\n"
    "- Messages already posted on Discord (such as revealed answers in a pair thread) are not in "
    "my database; they stay where they are.\n"
    "This can't be undone."
)
NOT_YOURS = "Only the member who asked to delete their data can use these buttons."


def _per_feature(counts: dict[str, int]) -> str:
    return ", ".join(f"{feature} {n}" for feature, n in counts.items() if n)


def _records(n: int) -> str:
    return f"{n} record{'s' if n != 1 else ''}"


def export_summary(export: Export) -> str:
    """The reply beside the export file."""
    if export.total == 0:
        return (
            "I store nothing under your Discord id. The file lists every kind of data I could "
            "hold, all empty."
        )
    return (
        f"Here is everything I store under your Discord id, from every server: "
        f"{_records(export.total)} ({_per_feature(export.counts)}). Only you can see this."
    )


def deletion_summary(deletion: Deletion) -> str:
    """The reply after a confirmed deletion (or a repeated one)."""
    if deletion.nothing_left:
        return "Done already: I hold nothing under your Discord id."
    counts = deletion.counts
    lines = ["Your data is deleted."]
    if counts.deleted:
        deleted = sum(counts.deleted.values())
        lines.append(f"Removed {_records(deleted)} ({_per_feature(counts.deleted)}).")
    if counts.unlinked:
        unlinked = sum(counts.unlinked.values())
        lines.append(
            f"Took your id off {_records(unlinked)} that stay for their servers "
            f"({_per_feature(counts.unlinked)})."
        )
    if deletion.pairings_ended:
        n = deletion.pairings_ended
        lines.append(
            f"Ended {n} live pairing{'s' if n != 1 else ''}; your partner is told only that it "
            "ended and will be paired again."
        )
    return "\n".join(lines)


async def send_export(interaction: Interaction) -> None:
    """`/privacy export`: the JSON file, ephemeral."""
    bot: CommunityBot = interaction.client
    export = await build_export(bot, interaction.user.id)
    await interaction.response.send_message(
        export_summary(export),
        file=text_file(export.to_json(), EXPORT_FILENAME, description="Your data"),
        ephemeral=True,
    )


def confirm_view(user_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ConfirmDelete(user_id))
    view.add_item(CancelDelete(user_id))
    return view


async def ask_to_delete(interaction: Interaction) -> None:
    """`/privacy delete`: an ephemeral confirmation with Delete and Cancel."""
    await interaction.response.send_message(
        CONFIRM_TEXT, view=confirm_view(interaction.user.id), ephemeral=True
    )


def _check_owner(interaction: Interaction, user_id: int) -> None:
    if interaction.user.id != user_id:
        raise UserFacingError(NOT_YOURS)


class ConfirmDelete(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"privacy:delete:(?P<user>\d+)"
):
    """Deletes the member's data; only that member may click."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        super().__init__(
            discord.ui.Button(
                label="Delete everything",
                style=discord.ButtonStyle.danger,
                custom_id=f"privacy:delete:{user_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ConfirmDelete:
        return cls(int(match["user"]))

    async def callback(self, interaction: Interaction) -> None:
        try:
            _check_owner(interaction, self.user_id)
            bot: CommunityBot = interaction.client
            deletion = await delete_member_data(bot, self.user_id)
            log.info(
                "privacy delete: %d rows deleted, %d unlinked, %d pairings ended",
                sum(deletion.counts.deleted.values()),
                sum(deletion.counts.unlinked.values()),
                deletion.pairings_ended,
            )
            await interaction.response.edit_message(content=deletion_summary(deletion), view=None)
        except Exception as error:
            await report_error(interaction, error, where=f"button {self.custom_id}")


class CancelDelete(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"privacy:cancel:(?P<user>\d+)"
):
    """Leaves everything as it is."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        super().__init__(
            discord.ui.Button(
                label="Cancel",
                style=discord.ButtonStyle.secondary,
                custom_id=f"privacy:cancel:{user_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CancelDelete:
        return cls(int(match["user"]))

    async def callback(self, interaction: Interaction) -> None:
        try:
            _check_owner(interaction, self.user_id)
            await interaction.response.edit_message(
                content="Cancelled: nothing was deleted.", view=None
            )
        except Exception as error:
            await report_error(interaction, error, where=f"button {self.custom_id}")
