"""Checking what people type as a prompt (``/prompt suggest``, ``/deck add``), in one place."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.content.vocab import IntimacyType
from bot.deckio import normalise_text, parse_type, text_problems
from bot.tree import UserFacingError

TYPE_CHOICES = [app_commands.Choice(name=t.display_name, value=t.value) for t in IntimacyType]


def checked_text(text: str) -> str:
    """The prompt text in one line, or a `UserFacingError` saying what to change."""
    cleaned = normalise_text(text)
    problems = text_problems(cleaned)
    if problems:
        raise UserFacingError(
            f"I can't take that prompt: {'; and '.join(problems)}. "
            "Please rephrase it and try again; nothing was saved."
        )
    return cleaned


def checked_type(value: str) -> IntimacyType:
    try:
        return parse_type(value)
    except ValueError as exc:
        raise UserFacingError(f"Please pick a type from the list: {exc}.") from None


def guild_id_of(interaction: discord.Interaction[Any]) -> int:
    if interaction.guild_id is None:
        raise UserFacingError("This command works in a server, not in direct messages.")
    return interaction.guild_id
