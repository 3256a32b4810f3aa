"""Can the bot post a schedule in a channel? Checked when a schedule is added or resumed."""

from __future__ import annotations

import discord

# (permission attribute, the name Discord's settings show); in the order a moderator fixes them.
_ALWAYS = (
    ("view_channel", "View Channel"),
    ("send_messages", "Send Messages"),
    ("embed_links", "Embed Links"),
    # After a crash the engine reads recent messages to avoid posting twice.
    ("read_message_history", "Read Message History"),
)
_THREAD = (("create_public_threads", "Create Public Threads"),)
_PIN = (("pin_messages", "Pin Messages"),)


def missing_permissions(permissions: discord.Permissions, *, thread: bool, pin: bool) -> list[str]:
    """The names of the permissions a schedule with these options needs and lacks."""
    needed = list(_ALWAYS)
    if thread:
        needed += _THREAD
    if pin:
        needed += _PIN
    return [label for attr, label in needed if not getattr(permissions, attr)]


def missing_in_channel(
    channel: discord.abc.GuildChannel, me: discord.Member, *, thread: bool, pin: bool
) -> list[str]:
    """``missing_permissions`` for the bot's member in ``channel``."""
    return missing_permissions(channel.permissions_for(me), thread=thread, pin=pin)


def refusal(channel_mention: str, missing: list[str]) -> str:
    """The message that says which permissions to grant, and where."""
    names = ", ".join(f"**{name}**" for name in missing)
    return (
        f"I can't post in {channel_mention}: I'm missing {names} there. Give my role "
        f"{'that permission' if len(missing) == 1 else 'those permissions'} in the channel "
        "settings (Permissions), then try again."
    )
