"""The emulator's stored world and the rules REST handlers share (lookups, permissions, posting).

:class:`WorldState` knows nothing about HTTP or WebSockets: it mutates models and announces
changes through :meth:`WorldState.emit`, which the emulator routes to the gateway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.emulator import payloads
from tests.emulator import permissions as p
from tests.emulator.clock import Clock
from tests.emulator.models import (
    GUILD_ANNOUNCEMENT,
    GUILD_TEXT,
    PRIVATE_THREAD,
    Attachment,
    Channel,
    Guild,
    Member,
    Message,
    User,
)
from tests.emulator.util import (
    ApiError,
    Json,
    SnowflakeFactory,
    invalid_form,
    missing_access,
    missing_permissions,
    unknown,
)

#: What everyone may do in a DM channel.
DM_PERMISSIONS = (
    p.VIEW_CHANNEL | p.SEND_MESSAGES | p.EMBED_LINKS | p.ATTACH_FILES | p.READ_MESSAGE_HISTORY
)
#: Application flags of an unverified bot with the privileged intents switched on.
DEFAULT_APPLICATION_FLAGS = (1 << 15) | (1 << 19) | (1 << 23)


@dataclass
class Upload:
    """A file part of a multipart request (``files[n]``)."""

    field: str
    filename: str
    content_type: str | None
    data: bytes

    @property
    def index(self) -> int | None:
        """``n`` in ``files[n]``, which the body's ``attachments[].id`` refers to."""
        if self.field.startswith("files[") and self.field.endswith("]"):
            inner = self.field[6:-1]
            return int(inner) if inner.isdigit() else None
        return None


class WorldState:
    """Users, guilds, channels and messages, plus the rules for reading and changing them."""

    def __init__(
        self,
        *,
        clock: Clock,
        bot_name: str = "EmuBot",
        application_id: int | None = None,
        nonce_ttl: float = 300.0,
    ) -> None:
        self.clock = clock
        self.next_id = SnowflakeFactory(clock)
        #: Where the emulator serves HTTP; set when the server starts (used for file URLs).
        self.base_url = ""
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.attachments: dict[int, Attachment] = {}
        self.global_commands: list[Json] = []
        self.guild_commands: dict[int, list[Json]] = {}
        self.nonce_ttl = nonce_ttl
        self._messages: dict[int, list[Message]] = {}
        self._message_index: dict[int, Message] = {}
        self._dm_by_user: dict[int, int] = {}
        self._nonces: dict[tuple[int, str], tuple[int, float]] = {}
        self.bot = self._new_user(bot_name, bot=True)
        self.owner = self._new_user("app-owner")
        self.application_id = application_id or self.bot.id
        self.application_flags = DEFAULT_APPLICATION_FLAGS

    # -- announcements -----------------------------------------------------------------

    def emit(self, event: str, data: Json, guild_id: int | None) -> None:
        """Announce a change as a gateway dispatch; the emulator routes it to sessions."""

    # -- users and lookups --------------------------------------------------------------

    def _new_user(self, username: str, *, bot: bool = False, user_id: int | None = None) -> User:
        user = User(id=user_id or self.next_id(), username=username, bot=bot)
        self.users[user.id] = user
        return user

    def user(self, user_id: int) -> User:
        """A user by id, or 404 Unknown User."""
        try:
            return self.users[user_id]
        except KeyError:
            raise unknown("User", 10013) from None

    def guild(self, guild_id: int) -> Guild:
        """A guild the bot is in, or 404 Unknown Guild."""
        try:
            return self.guilds[guild_id]
        except KeyError:
            raise unknown("Guild", 10004) from None

    def channel(self, channel_id: int) -> Channel:
        """A live channel, or 404 Unknown Channel."""
        channel = self.channels.get(channel_id)
        if channel is None or channel.deleted:
            raise unknown("Channel", 10003)
        return channel

    def member(self, guild: Guild, user_id: int) -> Member:
        """A guild member, or 404 Unknown Member."""
        try:
            return guild.members[user_id]
        except KeyError:
            raise unknown("Member", 10007) from None

    def message(self, channel: Channel, message_id: int) -> Message:
        """A live message in ``channel``, or 404 Unknown Message."""
        message = self._message_index.get(message_id)
        if message is None or message.deleted or message.channel_id != channel.id:
            raise unknown("Message", 10008)
        return message

    def guild_of(self, channel: Channel) -> Guild | None:
        """The channel's guild (None for DMs)."""
        return None if channel.guild_id is None else self.guilds.get(channel.guild_id)

    def parent_of(self, channel: Channel) -> Channel | None:
        """A thread's parent channel."""
        return None if channel.parent_id is None else self.channels.get(channel.parent_id)

    def dm_channel(self, user: User) -> Channel:
        """The bot's DM channel with ``user``, created on first use (one per user)."""
        existing = self._dm_by_user.get(user.id)
        if existing is not None:
            return self.channels[existing]
        channel = Channel(id=self.next_id(), type=1, recipients=[user.id])
        self.channels[channel.id] = channel
        self._dm_by_user[user.id] = channel.id
        return channel

    # -- permissions --------------------------------------------------------------------

    def permissions_for(self, user_id: int, channel: Channel) -> int:
        """``user_id``'s permissions in ``channel`` (0 when not in the guild)."""
        if channel.is_dm:
            return DM_PERMISSIONS if user_id in channel.recipients or user_id == self.bot.id else 0
        guild = self.guild_of(channel)
        if guild is None or user_id not in guild.members:
            return 0
        value = p.channel_permissions(
            guild, guild.members[user_id], channel, self.parent_of(channel)
        )
        # Private threads are visible to their members and to thread managers only.
        private = channel.type == PRIVATE_THREAD and not value & p.MANAGE_THREADS
        if private and user_id not in channel.thread_members:
            return 0
        return value

    def bot_permissions(self, channel: Channel) -> int:
        """The bot's permissions in ``channel``."""
        return self.permissions_for(self.bot.id, channel)

    def require(self, channel: Channel, needed: int) -> int:
        """Raise 403 like Discord unless the bot can see ``channel`` and has ``needed``."""
        value = self.bot_permissions(channel)
        if not value & p.VIEW_CHANNEL:
            raise missing_access()
        if value & needed != needed:
            raise missing_permissions()
        return value

    def check_can_post(self, channel: Channel, *, has_files: bool) -> None:
        """Raise what Discord raises when the bot may not post this in ``channel``."""
        if channel.is_dm:
            recipient = self.users.get(channel.recipients[0]) if channel.recipients else None
            if recipient is None or not recipient.accepts_dms:
                raise ApiError(403, 50007, "Cannot send messages to this user")
            return
        if channel.type not in (GUILD_TEXT, GUILD_ANNOUNCEMENT, 2) and not channel.is_thread:
            raise ApiError(400, 50008, "Cannot send messages in a non-text channel")
        needed = p.SEND_MESSAGES_IN_THREADS if channel.is_thread else p.SEND_MESSAGES
        if has_files:
            needed |= p.ATTACH_FILES
        value = self.require(channel, needed)
        if channel.is_thread and channel.archived:
            if channel.locked and not value & p.MANAGE_THREADS:
                raise ApiError(400, 50083, "Thread is archived")
            self.set_archived(channel, False)

    def set_archived(self, thread: Channel, archived: bool) -> None:
        """Archive or unarchive a thread and announce it."""
        thread.archived = archived
        thread.archive_timestamp = self.clock()
        self.emit("THREAD_UPDATE", self.channel_payload(thread), thread.guild_id)

    # -- messages -----------------------------------------------------------------------

    def messages_in(self, channel_id: int) -> list[Message]:
        """Live, non-ephemeral messages in a channel, oldest first."""
        return [m for m in self._messages.get(channel_id, []) if not m.deleted]

    def find_message(self, message_id: int) -> Message | None:
        """Any stored message by id (ephemeral ones included)."""
        return self._message_index.get(message_id)

    def nonce_hit(self, channel: Channel, body: Json) -> Message | None:
        """The earlier message with this ``nonce`` when ``enforce_nonce`` asks for dedupe."""
        nonce = body.get("nonce")
        if nonce is None or not body.get("enforce_nonce"):
            return None
        hit = self._nonces.get((channel.id, str(nonce)))
        if hit is None or self.clock() - hit[1] > self.nonce_ttl:
            return None
        message = self._message_index.get(hit[0])
        return None if message is None or message.deleted else message

    def new_message(
        self, channel: Channel, author: User, body: Json, uploads: list[Upload], **extra: Any
    ) -> Message:
        """Build (not store) a message from a create body and its uploaded files."""
        message = Message(
            id=self.next_id(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=author,
            timestamp=self.clock(),
            **extra,
        )
        self.apply_body(message, body, uploads)
        message.tts = bool(body.get("tts", False))
        message.nonce = body.get("nonce")
        reference = body.get("message_reference")
        if reference:
            message.message_reference = {
                "type": reference.get("type", 0),
                "message_id": str(reference["message_id"]),
                "channel_id": str(reference.get("channel_id", channel.id)),
            }
            if channel.guild_id is not None:
                message.message_reference["guild_id"] = str(channel.guild_id)
            message.type = 19 if message.type == 0 else message.type
        return message

    def apply_body(self, message: Message, body: Json, uploads: list[Upload]) -> None:
        """Apply the editable fields of a create/edit body (and files) to ``message``."""
        if "content" in body:
            message.content = body["content"] or ""
        if "embeds" in body:
            message.embeds = [self._normalise_embed(e) for e in body["embeds"] or []]
        if "components" in body:
            message.components = payloads.stored_components(body["components"] or [])
        if body.get("flags") is not None:
            keep = message.flags & ((1 << 6) | (1 << 5))  # ephemeral and has-thread stay put
            message.flags = int(body["flags"]) | keep
        if "allowed_mentions" in body:
            message.allowed_mentions = body["allowed_mentions"]
        if body.get("poll"):
            message.poll = body["poll"]
        self._apply_attachments(message, body, uploads)
        message.raw = body

    def _apply_attachments(self, message: Message, body: Json, uploads: list[Upload]) -> None:
        listed = body.get("attachments")
        kept: list[Attachment] = []
        described: dict[int, Json] = {}
        if listed is not None:
            existing = {a.id: a for a in message.attachments}
            for entry in listed:
                ident = int(entry["id"])
                if ident in existing:
                    kept.append(existing[ident])
                else:
                    described[ident] = entry
        else:
            kept = list(message.attachments)
        for position, upload in enumerate(uploads):
            index = upload.index if upload.index is not None else position
            entry = described.get(index, {})
            kept.append(
                self.store_attachment(
                    entry.get("filename") or upload.filename,
                    upload.data,
                    upload.content_type,
                    description=entry.get("description"),
                    ephemeral=message.ephemeral,
                )
            )
        message.attachments = kept

    @staticmethod
    def _normalise_embed(embed: Json) -> Json:
        # Discord fills in the embed type; discord.py's Embed.to_dict already sends "rich".
        return {"type": "rich", **embed}

    def store_attachment(
        self,
        filename: str,
        data: bytes,
        content_type: str | None = None,
        *,
        description: str | None = None,
        ephemeral: bool = False,
    ) -> Attachment:
        """Store a file and return an attachment whose URL the emulator serves."""
        if not self.base_url:
            raise RuntimeError("start the emulator before storing attachments")
        ident = self.next_id()
        url = f"{self.base_url}/attachments/{ident}/{filename}"
        attachment = Attachment(
            id=ident,
            filename=filename,
            data=data,
            content_type=content_type,
            url=url,
            description=description,
            ephemeral=ephemeral,
        )
        self.attachments[ident] = attachment
        return attachment

    def store_message(self, message: Message, *, announce: bool = True) -> Message:
        """Store a built message, update channel counters and announce MESSAGE_CREATE."""
        self._message_index[message.id] = message
        if message.ephemeral:
            return message
        channel = self.channels[message.channel_id]
        self._messages.setdefault(channel.id, []).append(message)
        channel.last_message_id = message.id
        if channel.is_thread:
            channel.message_count += 1
            channel.total_message_sent += 1
        if message.nonce is not None and message.raw.get("enforce_nonce"):
            self._nonces[(channel.id, str(message.nonce))] = (message.id, self.clock())
        if announce:
            self.emit("MESSAGE_CREATE", self.gateway_message(message), channel.guild_id)
        return message

    def edit_message(self, message: Message, body: Json, uploads: list[Upload]) -> Message:
        """Apply an edit and announce MESSAGE_UPDATE (unless only the invoker can see it)."""
        self.apply_body(message, body, uploads)
        message.edited_timestamp = self.clock()
        if not message.ephemeral:
            self.emit("MESSAGE_UPDATE", self.gateway_message(message), message.guild_id)
        return message

    def delete_message(self, message: Message) -> None:
        """Delete a message and announce MESSAGE_DELETE."""
        message.deleted = True
        if message.ephemeral:
            return
        data: Json = {"id": str(message.id), "channel_id": str(message.channel_id)}
        if message.guild_id is not None:
            data["guild_id"] = str(message.guild_id)
        self.emit("MESSAGE_DELETE", data, message.guild_id)

    def announce_pins(self, channel: Channel, message: Message) -> None:
        """Announce a pin change: MESSAGE_UPDATE, CHANNEL_PINS_UPDATE and, for a new pin,
        the "pinned a message" system message (type 6) Discord posts."""
        self.emit("MESSAGE_UPDATE", self.gateway_message(message), channel.guild_id)
        data: Json = {
            "channel_id": str(channel.id),
            "last_pin_timestamp": channel.last_pin_timestamp,
        }
        if channel.guild_id is not None:
            data["guild_id"] = str(channel.guild_id)
        self.emit("CHANNEL_PINS_UPDATE", data, channel.guild_id)
        if message.pinned:
            notice = Message(
                id=self.next_id(),
                channel_id=channel.id,
                guild_id=channel.guild_id,
                author=self.bot,
                type=6,
                timestamp=self.clock(),
                message_reference={
                    "type": 0,
                    "message_id": str(message.id),
                    "channel_id": str(channel.id),
                },
            )
            self.store_message(notice)

    def message_payload(self, message: Message) -> Json:
        """The REST payload of a message."""
        return payloads.message(
            message,
            guild=self._guild_by_id(message.guild_id),
            thread_payload=self._thread_of(message),
        )

    def gateway_message(self, message: Message) -> Json:
        """The MESSAGE_CREATE/UPDATE payload of a message."""
        return payloads.gateway_message(
            message,
            guild=self._guild_by_id(message.guild_id),
            thread_payload=self._thread_of(message),
        )

    def channel_payload(self, channel: Channel) -> Json:
        """The REST payload of a channel or thread, as the bot sees it."""
        return payloads.channel(channel, users=self.users, me=self.bot.id)

    def _guild_by_id(self, guild_id: int | None) -> Guild | None:
        return None if guild_id is None else self.guilds.get(guild_id)

    def _thread_of(self, message: Message) -> Json | None:
        if message.thread_id is None or message.thread_id not in self.channels:
            return None
        return payloads.thread(self.channels[message.thread_id], me=self.bot.id)

    # -- validation helpers -------------------------------------------------------------

    @staticmethod
    def limit_param(query: dict[str, str], default: int, maximum: int) -> int:
        """Parse a ``limit`` query parameter within Discord's bounds."""
        raw = query.get("limit")
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise invalid_form("limit", "NUMBER_TYPE_COERCE", "Value is not int.") from None
        if not 1 <= value <= maximum:
            raise invalid_form("limit", "NUMBER_TYPE_MAX", f"Must be between 1 and {maximum}.")
        return value
