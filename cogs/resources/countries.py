"""Country autocomplete, shared by `/resources` and `/settings resource-add`."""

from __future__ import annotations

from discord import app_commands

from bot.content import ContentLibrary
from bot.embeds import truncate

MAX_CHOICES = 25  # Discord shows at most 25 autocomplete choices


def country_choices(library: ContentLibrary, current: str) -> list[app_commands.Choice[str]]:
    """Countries matching what the member typed (name, code or alias); the value is the code."""
    return [
        app_commands.Choice(name=truncate(f"{c.name} ({c.code})", 100), value=c.code)
        for c in library.search_countries(current, limit=MAX_CHOICES)
    ]
