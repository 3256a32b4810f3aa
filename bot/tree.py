"""The command tree: one error path for every slash command, button and modal.

Expected failures (a failed check, a value a transformer refused, a cooldown) get their own plain
sentence. Anything else is a bug: the user gets a short ephemeral apology with a reference id, and
the traceback is logged under the same id so an operator can find it.
"""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

if TYPE_CHECKING:
    from discord.ui import Item

log = logging.getLogger(__name__)


class UserFacingError(app_commands.AppCommandError):
    """An expected failure whose message is written for the member who caused it."""


def new_reference() -> str:
    """A short id that ties a user's error message to the logged traceback."""
    return secrets.token_hex(4)


# Where Discord's app shows a permission under another name than the API's.
_PERMISSION_NAMES = {"manage_guild": "Manage Server", "administrator": "Administrator"}


def permission_name(permission: str) -> str:
    """A permission as members see it in Discord (``manage_guild`` -> "Manage Server")."""
    return _PERMISSION_NAMES.get(permission, permission.replace("_", " ").title())


def describe_expected(error: app_commands.AppCommandError) -> str | None:
    """The message for an expected failure, or None when the error is a bug."""
    if isinstance(error, UserFacingError):
        return str(error)
    if isinstance(error, app_commands.TransformerError):
        cause = error.__cause__
        if isinstance(cause, UserFacingError | ValueError) and str(cause):
            return str(cause)
        return f"I couldn't understand {error.value!r} there. Please check the value and try again."
    if isinstance(error, app_commands.MissingPermissions):
        needed = ", ".join(permission_name(p) for p in error.missing_permissions)
        return f"You need the {needed} permission to use this command."
    if isinstance(error, app_commands.BotMissingPermissions):
        needed = ", ".join(permission_name(p) for p in error.missing_permissions)
        return f"I need the {needed} permission here to do that. Ask a server admin to grant it."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works in a server, not in direct messages."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} seconds."
    if isinstance(error, app_commands.CheckFailure):
        return str(error) or "You can't use this command here."
    return None


async def send_ephemeral(interaction: discord.Interaction[Any], text: str) -> None:
    """Reply privately, whether or not the interaction was already answered."""
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True)
    else:
        await interaction.response.send_message(text, ephemeral=True)


async def report_error(
    interaction: discord.Interaction[Any], error: Exception, *, where: str
) -> None:
    """Answer the user for any failure; log bugs with a reference id."""
    original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    if isinstance(original, UserFacingError):
        text: str | None = str(original)
    elif isinstance(error, app_commands.AppCommandError):
        text = describe_expected(error)
    else:
        text = None
    if text is None:
        ref = new_reference()
        log.error(
            "unexpected error in %s (ref %s, user %s, guild %s)",
            where,
            ref,
            interaction.user.id,
            interaction.guild_id,
            exc_info=original,
        )
        text = f"Something went wrong on my side. It has been logged as reference `{ref}`."
    try:
        await send_ephemeral(interaction, text)
    except discord.HTTPException:
        log.warning("could not deliver an error message for %s", where, exc_info=True)


class CommunityTree(app_commands.CommandTree[Any]):
    """The one error handler for every application command."""

    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        name = interaction.command.qualified_name if interaction.command else "a command"
        await report_error(interaction, error, where=f"/{name}")


class ReportingView(discord.ui.View):
    """A View whose failures go through the same error path as commands."""

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: Item[Any]
    ) -> None:
        custom_id = getattr(item, "custom_id", None) or type(item).__name__
        await report_error(interaction, error, where=f"button {custom_id}")


class ReportingModal(discord.ui.Modal):
    """A Modal whose failures go through the same error path as commands."""

    # discord.py's Modal.on_error drops the ``item`` argument of View.on_error.
    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], error: Exception, /
    ) -> None:
        await report_error(interaction, error, where=f"modal {self.custom_id}")
