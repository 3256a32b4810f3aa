"""Permission checks for moderator commands.

Discord's ``default_permissions`` is only a default that server admins can override, so every
moderator command also checks at run time. One decorator does both, so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import discord
from discord import app_commands

T = TypeVar("T")

MODERATOR_PERMISSION = "manage_guild"


def is_moderator(interaction: discord.Interaction[Any]) -> bool:
    """True when the member may manage the server (Discord's "Manage Server")."""
    permissions = interaction.permissions
    return permissions.manage_guild or permissions.administrator


def moderator_only() -> Callable[[T], T]:
    """Hide from members by default and refuse at run time, in servers only."""

    def decorator(func: T) -> T:
        func = app_commands.default_permissions(manage_guild=True)(func)
        func = app_commands.guild_only()(func)
        return app_commands.check(_require_moderator)(func)

    return decorator


def _require_moderator(interaction: discord.Interaction[Any]) -> bool:
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    if not is_moderator(interaction):
        raise app_commands.MissingPermissions([MODERATOR_PERMISSION])
    return True


class ModeratorGroup(app_commands.Group):
    """A top-level command group for moderators: Manage Server by default, checked at run time.

    Subclass with ``name=`` and ``description=`` class arguments; the defaults are set here.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("default_permissions", discord.Permissions(manage_guild=True))
        kwargs.setdefault("guild_only", True)
        super().__init__(**kwargs)

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        return _require_moderator(interaction)
