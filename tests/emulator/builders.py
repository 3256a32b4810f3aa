"""Test-facing builders: guilds, roles, members, channels, threads and user messages.

Each builder announces what it creates over the gateway (GUILD_CREATE, CHANNEL_CREATE, ...)
so a test may build before or after the bot connects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tests.emulator import payloads
from tests.emulator import permissions as p
from tests.emulator.models import (
    GUILD_ANNOUNCEMENT,
    GUILD_TEXT,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    Channel,
    Guild,
    Member,
    Message,
    Overwrite,
    Role,
    ThreadMember,
    User,
)
from tests.emulator.state import WorldState
from tests.emulator.util import Json, as_int

#: ``{role_or_member: (allow, deny)}`` or a list of :class:`Overwrite`.
OverwriteSpec = Mapping[Any, tuple[Any, Any]] | Iterable[Overwrite]


class World(WorldState):
    """The world plus the builders tests use to populate it."""

    def create_user(
        self,
        username: str,
        *,
        id: int | None = None,
        bot: bool = False,
        accepts_dms: bool = True,
        global_name: str | None = None,
        locale: str = "en-US",
    ) -> User:
        """A user who is not (yet) in any guild."""
        user = self._new_user(username, bot=bot, user_id=id)
        user.accepts_dms = accepts_dms
        user.global_name = global_name
        user.locale = locale
        return user

    def create_guild(
        self,
        name: str = "Test Guild",
        *,
        id: int | None = None,
        bot_permissions: Any = p.DEFAULT_BOT,
        everyone_permissions: Any = p.DEFAULT_EVERYONE,
        channels: Iterable[str] = ("general",),
        locale: str = "en-US",
    ) -> Guild:
        """A guild with @everyone, an owner, the bot (with a managed role) and text channels.

        The first channel becomes the system channel.
        """
        guild_id = id or self.next_id()
        owner = self._new_user(f"{name}-owner")
        guild = Guild(id=guild_id, name=name, owner_id=owner.id, preferred_locale=locale)
        guild.roles[guild_id] = Role(
            id=guild_id,
            guild_id=guild_id,
            name="@everyone",
            permissions=p.perms(everyone_permissions),
        )
        bot_role = Role(
            id=self.next_id(),
            guild_id=guild_id,
            name=self.bot.username,
            permissions=p.perms(bot_permissions),
            position=1,
            managed=True,
            bot_id=self.bot.id,
        )
        guild.roles[bot_role.id] = bot_role
        now = self.clock()
        guild.members[owner.id] = Member(user=owner, guild_id=guild_id, joined_at=now)
        guild.members[self.bot.id] = Member(
            user=self.bot, guild_id=guild_id, roles=[bot_role.id], joined_at=now
        )
        self.guilds[guild_id] = guild
        for channel_name in channels:
            self._add_channel(guild, channel_name, GUILD_TEXT, None, None, [])
        if guild.channel_ids:
            guild.system_channel_id = guild.channel_ids[0]
        joined = self.guild_create_payload(guild)
        # A guild the bot just joined has no "unavailable" key; discord.py tells the two
        # cases (became available / joined) apart by it.
        del joined["unavailable"]
        self.emit("GUILD_CREATE", joined, guild_id)
        return guild

    def bot_role(self, guild: Guild) -> Role:
        """The bot's managed role in ``guild``."""
        return next(r for r in guild.roles.values() if r.bot_id == self.bot.id)

    def set_bot_permissions(self, guild: Guild, permissions: Any) -> None:
        """Change what the bot's role allows, announcing GUILD_ROLE_UPDATE."""
        role = self.bot_role(guild)
        role.permissions = p.perms(permissions)
        self.emit(
            "GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": payloads.role(role)}, guild.id
        )

    def create_role(
        self, guild: Guild, name: str, permissions: Any = 0, *, id: int | None = None
    ) -> Role:
        """A role, placed above the existing ones."""
        role = Role(
            id=id or self.next_id(),
            guild_id=guild.id,
            name=name,
            permissions=p.perms(permissions),
            position=len(guild.roles),
        )
        guild.roles[role.id] = role
        self.emit(
            "GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": payloads.role(role)}, guild.id
        )
        return role

    def create_member(
        self,
        guild: Guild,
        user: User | str,
        *,
        roles: Iterable[Role] = (),
        permissions: Any | None = None,
        nick: str | None = None,
        flags: int = 0,
        id: int | None = None,
    ) -> Member:
        """Add a user (or a new user with this name) to ``guild``.

        ``permissions`` gives the member a personal role with exactly those permissions, so
        permission checks stay the real computation (@everyone, roles, overwrites).
        """
        if isinstance(user, str):
            user = self.create_user(user, id=id)
        role_ids = [r.id for r in roles]
        if permissions is not None:
            role_ids.append(self.create_role(guild, f"{user.username}-perms", permissions).id)
        member = Member(
            user=user,
            guild_id=guild.id,
            roles=role_ids,
            nick=nick,
            flags=flags,
            joined_at=self.clock(),
        )
        guild.members[user.id] = member
        data = payloads.member(member)
        data["guild_id"] = str(guild.id)
        self.emit("GUILD_MEMBER_ADD", data, guild.id)
        return member

    def create_channel(
        self,
        guild: Guild,
        name: str,
        *,
        type: int = GUILD_TEXT,
        parent: Channel | None = None,
        topic: str | None = None,
        overwrites: OverwriteSpec = (),
        id: int | None = None,
    ) -> Channel:
        """A guild channel (text by default), announced with CHANNEL_CREATE."""
        channel = self._add_channel(
            guild, name, type, parent.id if parent else None, id, self._overwrites(overwrites)
        )
        channel.topic = topic
        self.emit("CHANNEL_CREATE", self.channel_payload(channel), guild.id)
        return channel

    def set_overwrite(
        self, channel: Channel, target: Role | Member, allow: Any = 0, deny: Any = 0
    ) -> None:
        """Set one permission overwrite on ``channel`` (announced with CHANNEL_UPDATE)."""
        kind = 0 if isinstance(target, Role) else 1
        channel.overwrites = [o for o in channel.overwrites if o.id != target.id]
        channel.overwrites.append(Overwrite(target.id, kind, p.perms(allow), p.perms(deny)))
        self.emit("CHANNEL_UPDATE", self.channel_payload(channel), channel.guild_id)

    def delete_channel(self, channel: Channel) -> None:
        """Delete a channel or thread (CHANNEL_DELETE / THREAD_DELETE)."""
        channel.deleted = True
        if channel.is_thread:
            data: Json = {
                "id": str(channel.id),
                "guild_id": str(channel.guild_id),
                "parent_id": str(channel.parent_id),
                "type": channel.type,
            }
            self.emit("THREAD_DELETE", data, channel.guild_id)
        else:
            self.emit("CHANNEL_DELETE", self.channel_payload(channel), channel.guild_id)

    def create_thread(
        self,
        parent: Channel,
        name: str,
        *,
        private: bool = False,
        owner: User | None = None,
        members: Iterable[User | Member] = (),
        invitable: bool = True,
        message: Message | None = None,
        auto_archive_duration: int = 1440,
    ) -> Channel:
        """A thread in ``parent`` (from ``message`` when given), announced with THREAD_CREATE."""
        kind = PRIVATE_THREAD if private else PUBLIC_THREAD
        if parent.type == GUILD_ANNOUNCEMENT and not private:
            kind = 10
        owner_id = (owner or self.bot).id
        thread = Channel(
            id=message.id if message is not None else self.next_id(),
            type=kind,
            name=name,
            guild_id=parent.guild_id,
            parent_id=parent.id,
            owner_id=owner_id,
            invitable=invitable,
            auto_archive_duration=auto_archive_duration,
            archive_timestamp=self.clock(),
            create_timestamp=self.clock(),
        )
        self.channels[thread.id] = thread
        thread.thread_members[owner_id] = ThreadMember(owner_id, self.clock())
        for extra in members:
            thread.thread_members[extra.id] = ThreadMember(extra.id, self.clock())
        if message is not None:
            message.thread_id = thread.id
            message.flags |= 1 << 5
        data = payloads.thread(thread, me=self.bot.id)
        data["newly_created"] = True
        self.emit("THREAD_CREATE", data, thread.guild_id)
        if message is not None:
            self.emit("MESSAGE_UPDATE", self.gateway_message(message), thread.guild_id)
        return thread

    def add_thread_member(self, thread: Channel, user_id: int) -> None:
        """Add a user to a thread (THREAD_MEMBERS_UPDATE); adding twice is a no-op."""
        if user_id in thread.thread_members:
            return
        member = ThreadMember(user_id, self.clock())
        thread.thread_members[user_id] = member
        guild = self.guild_of(thread)
        guild_member = guild.members.get(user_id) if guild else None
        self._announce_thread_members(
            thread, added=[payloads.thread_member(member, thread.id, guild_member)]
        )

    def remove_thread_member(self, thread: Channel, user_id: int) -> None:
        """Remove a user from a thread (THREAD_MEMBERS_UPDATE)."""
        if thread.thread_members.pop(user_id, None) is not None:
            self._announce_thread_members(thread, removed=[str(user_id)])

    def _announce_thread_members(
        self, thread: Channel, *, added: list[Json] | None = None, removed: list[str] | None = None
    ) -> None:
        data: Json = {
            "id": str(thread.id),
            "guild_id": str(thread.guild_id),
            "member_count": len(thread.thread_members),
        }
        if added:
            data["added_members"] = added
        if removed:
            data["removed_member_ids"] = removed
        self.emit("THREAD_MEMBERS_UPDATE", data, thread.guild_id)

    def post_user_message(
        self, channel: Channel, author: User | Member, content: str, **fields: Any
    ) -> Message:
        """Simulate a user (not the bot) posting in ``channel`` (MESSAGE_CREATE)."""
        user = author.user if isinstance(author, Member) else author
        body = {"content": content, **fields}
        return self.store_message(self.new_message(channel, user, body, []))

    def guild_create_payload(self, guild: Guild) -> Json:
        """The GUILD_CREATE payload for ``guild`` as the bot sees it now."""
        channels = [self.channels[c] for c in guild.channel_ids if not self.channels[c].deleted]
        threads = [
            c
            for c in self.channels.values()
            if c.guild_id == guild.id
            and c.is_thread
            and not c.deleted
            and not c.archived
            and self.bot_permissions(c)
        ]
        me = guild.members[self.bot.id]
        return payloads.guild_create(
            guild, channels=channels, threads=threads, joined_at=me.joined_at, me=self.bot.id
        )

    def _add_channel(
        self,
        guild: Guild,
        name: str,
        kind: int,
        parent_id: int | None,
        channel_id: int | None,
        overwrites: list[Overwrite],
    ) -> Channel:
        channel = Channel(
            id=channel_id or self.next_id(),
            type=kind,
            name=name,
            guild_id=guild.id,
            position=len(guild.channel_ids),
            parent_id=parent_id,
            overwrites=overwrites,
        )
        self.channels[channel.id] = channel
        guild.channel_ids.append(channel.id)
        return channel

    @staticmethod
    def _overwrites(spec: OverwriteSpec) -> list[Overwrite]:
        if isinstance(spec, Mapping):
            result = []
            for target, (allow, deny) in spec.items():
                kind = 0 if isinstance(target, Role) else 1
                result.append(Overwrite(as_int(target), kind, p.perms(allow), p.perms(deny)))
            return result
        return list(spec)
