"""The emulator's world: users, guilds, roles, members, channels, threads and messages.

Plain mutable dataclasses. Payload shapes live in :mod:`tests.emulator.payloads`; the rules
(permissions, validation) live in their own modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Channel types used by the emulator (Discord's numbering).
GUILD_TEXT = 0
DM = 1
GUILD_VOICE = 2
GUILD_CATEGORY = 4
GUILD_ANNOUNCEMENT = 5
ANNOUNCEMENT_THREAD = 10
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12
GUILD_FORUM = 15
THREAD_TYPES = frozenset({ANNOUNCEMENT_THREAD, PUBLIC_THREAD, PRIVATE_THREAD})

# Message flags the emulator sets or checks.
FLAG_HAS_THREAD = 1 << 5
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7


@dataclass(eq=False)
class User:
    """A Discord user; ``accepts_dms=False`` makes DMs to them fail with 50007."""

    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    avatar: str | None = None
    accepts_dms: bool = True
    locale: str = "en-US"


@dataclass(eq=False)
class Role:
    """A guild role. The @everyone role has the guild's id."""

    id: int
    guild_id: int
    name: str
    permissions: int
    position: int = 0
    color: int = 0
    hoist: bool = False
    managed: bool = False
    mentionable: bool = False
    bot_id: int | None = None


@dataclass(eq=False)
class Member:
    """A user's membership of a guild."""

    user: User
    guild_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: float = 0.0
    flags: int = 0
    pending: bool = False
    communication_disabled_until: str | None = None

    @property
    def id(self) -> int:
        """The member's user id."""
        return self.user.id


@dataclass(eq=False)
class Overwrite:
    """A channel permission overwrite for a role (type 0) or a member (type 1)."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0


@dataclass(eq=False)
class ThreadMember:
    """A user's membership of a thread."""

    user_id: int
    joined_at: float
    flags: int = 0


@dataclass(eq=False)
class Channel:
    """A guild channel, a thread or a DM channel."""

    id: int
    type: int
    name: str | None = None
    guild_id: int | None = None
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    nsfw: bool = False
    rate_limit_per_user: int = 0
    overwrites: list[Overwrite] = field(default_factory=list)
    recipients: list[int] = field(default_factory=list)
    last_message_id: int | None = None
    last_pin_timestamp: str | None = None
    flags: int = 0
    # Thread-only fields.
    owner_id: int | None = None
    archived: bool = False
    locked: bool = False
    invitable: bool = True
    auto_archive_duration: int = 1440
    archive_timestamp: float = 0.0
    create_timestamp: float = 0.0
    thread_members: dict[int, ThreadMember] = field(default_factory=dict)
    message_count: int = 0
    total_message_sent: int = 0
    deleted: bool = False

    @property
    def is_thread(self) -> bool:
        """Whether this channel is a thread."""
        return self.type in THREAD_TYPES

    @property
    def is_dm(self) -> bool:
        """Whether this is a DM channel."""
        return self.type == DM


@dataclass(eq=False)
class Guild:
    """A guild with its roles, members and the ids of its channels (channels live globally)."""

    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    channel_ids: list[int] = field(default_factory=list)
    system_channel_id: int | None = None
    preferred_locale: str = "en-US"
    features: list[str] = field(default_factory=list)
    description: str | None = None

    @property
    def everyone_role(self) -> Role:
        """The @everyone role."""
        return self.roles[self.id]


@dataclass(eq=False)
class Attachment:
    """A stored uploaded file, served back at its ``url``."""

    id: int
    filename: str
    data: bytes
    content_type: str | None
    url: str
    description: str | None = None
    ephemeral: bool = False


@dataclass(eq=False)
class Message:
    """A message as the emulator stores it (the payload is built on demand)."""

    id: int
    channel_id: int
    guild_id: int | None
    author: User
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    tts: bool = False
    pinned: bool = False
    pinned_at: str | None = None
    nonce: str | int | None = None
    timestamp: float = 0.0
    edited_timestamp: float | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_metadata: dict[str, Any] | None = None
    message_reference: dict[str, Any] | None = None
    allowed_mentions: dict[str, Any] | None = None
    poll: dict[str, Any] | None = None
    thread_id: int | None = None
    deleted: bool = False
    #: The raw request body that created or last edited it, for assertions.
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def ephemeral(self) -> bool:
        """Whether only the invoking user can see this message."""
        return bool(self.flags & FLAG_EPHEMERAL)
