"""Discord permission bits and the permission computation (roles, then overwrites)."""

from __future__ import annotations

from typing import Any

from tests.emulator.models import Channel, Guild, Member
from tests.emulator.util import as_int

CREATE_INSTANT_INVITE = 1 << 0
KICK_MEMBERS = 1 << 1
BAN_MEMBERS = 1 << 2
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
CHANGE_NICKNAME = 1 << 26
MANAGE_ROLES = 1 << 28
USE_APPLICATION_COMMANDS = 1 << 31
MANAGE_THREADS = 1 << 34
CREATE_PUBLIC_THREADS = 1 << 35
CREATE_PRIVATE_THREADS = 1 << 36
SEND_MESSAGES_IN_THREADS = 1 << 38
MODERATE_MEMBERS = 1 << 40
PIN_MESSAGES = 1 << 51
ALL = (1 << 53) - 1

#: What @everyone gets in a new guild (roughly Discord's default).
DEFAULT_EVERYONE = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | MENTION_EVERYONE
    | USE_EXTERNAL_EMOJIS
    | CHANGE_NICKNAME
    | USE_APPLICATION_COMMANDS
    | CREATE_PUBLIC_THREADS
    | CREATE_PRIVATE_THREADS
    | SEND_MESSAGES_IN_THREADS
)

#: What the bot's own role gets unless a test says otherwise: what the bot needs to work.
DEFAULT_BOT = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | MANAGE_MESSAGES
    | PIN_MESSAGES
    | MANAGE_THREADS
    | CREATE_PUBLIC_THREADS
    | CREATE_PRIVATE_THREADS
    | SEND_MESSAGES_IN_THREADS
)

# Without SEND_MESSAGES these are meaningless in a channel, and Discord drops them too.
_NEEDS_SEND = MENTION_EVERYONE | ATTACH_FILES | EMBED_LINKS
# A timed-out member keeps only these.
_TIMEOUT_KEEPS = VIEW_CHANNEL | READ_MESSAGE_HISTORY


def perms(value: Any) -> int:
    """Normalise an int, a numeric string or a ``discord.Permissions`` to an int."""
    return as_int(value)


def base_permissions(guild: Guild, member: Member) -> int:
    """Guild-level permissions: @everyone plus every role, ADMINISTRATOR means all."""
    if member.id == guild.owner_id:
        return ALL
    value = guild.everyone_role.permissions
    for role_id in member.roles:
        role = guild.roles.get(role_id)
        if role is not None:
            value |= role.permissions
    if value & ADMINISTRATOR:
        return ALL
    return value


def channel_permissions(
    guild: Guild, member: Member, channel: Channel, parent: Channel | None = None
) -> int:
    """Permissions of ``member`` in ``channel``; threads use their parent's overwrites."""
    value = base_permissions(guild, member)
    if value == ALL:
        return ALL
    target = parent if channel.is_thread and parent is not None else channel
    value = _apply_overwrites(value, guild, member, target)
    if not value & VIEW_CHANNEL:
        return 0
    if target.type in (0, 5) and not value & SEND_MESSAGES:
        value &= ~_NEEDS_SEND
    if member.communication_disabled_until:
        value &= _TIMEOUT_KEEPS
    return value


def _apply_overwrites(value: int, guild: Guild, member: Member, channel: Channel) -> int:
    by_id = {o.id: o for o in channel.overwrites}
    everyone = by_id.get(guild.id)
    if everyone is not None:
        value = (value & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for role_id in member.roles:
        overwrite = by_id.get(role_id)
        if overwrite is not None and overwrite.type == 0:
            allow |= overwrite.allow
            deny |= overwrite.deny
    value = (value & ~deny) | allow
    own = by_id.get(member.id)
    if own is not None and own.type == 1:
        value = (value & ~own.deny) | own.allow
    return value
