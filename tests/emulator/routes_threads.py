"""REST routes for threads, thread members, and editing or deleting channels."""

from __future__ import annotations

from tests.emulator import payloads
from tests.emulator import permissions as p
from tests.emulator.models import (
    GUILD_ANNOUNCEMENT,
    GUILD_FORUM,
    GUILD_TEXT,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    Channel,
)
from tests.emulator.router import Context, Reply, RouteTable, no_content, ok
from tests.emulator.util import ApiError, Json, invalid_form, missing_permissions
from tests.emulator.validation import check_message

routes = RouteTable()

_ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)


def _thread_options(body: Json) -> tuple[str, int]:
    name = body.get("name") or ""
    if not 1 <= len(name) <= 100:
        raise invalid_form("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
    duration = int(body.get("auto_archive_duration") or 1440)
    if duration not in _ARCHIVE_DURATIONS:
        raise invalid_form(
            "auto_archive_duration",
            "BASE_TYPE_CHOICES",
            "Value must be one of (60, 1440, 4320, 10080).",
        )
    return name, duration


@routes.add("POST", "/channels/{channel_id}/messages/{message_id}/threads")
async def thread_from_message(ctx: Context) -> Reply:
    """Start a public thread from a message (the thread gets the message's id)."""
    emu = ctx.emu
    channel = emu.channel(ctx.id("channel_id"))
    if channel.type not in (GUILD_TEXT, GUILD_ANNOUNCEMENT):
        raise ApiError(400, 50024, "Cannot execute action on this channel type")
    emu.require(channel, p.CREATE_PUBLIC_THREADS | p.READ_MESSAGE_HISTORY)
    message = emu.message(channel, ctx.id("message_id"))
    if message.thread_id is not None:
        raise ApiError(400, 160004, "A thread has already been created for this message")
    name, duration = _thread_options(ctx.body)
    thread = emu.create_thread(channel, name, message=message, auto_archive_duration=duration)
    return Reply(201, emu.channel_payload(thread))


@routes.add("POST", "/channels/{channel_id}/threads")
async def thread_without_message(ctx: Context) -> Reply:
    """Start a thread without a message (private by default), or a forum post."""
    emu = ctx.emu
    channel = emu.channel(ctx.id("channel_id"))
    body = ctx.body
    name, duration = _thread_options(body)
    if channel.type == GUILD_FORUM:
        return _forum_post(ctx, channel, name, duration)
    kind = int(body.get("type") or PRIVATE_THREAD)
    if channel.type not in (GUILD_TEXT, GUILD_ANNOUNCEMENT) or kind not in (
        10,
        PUBLIC_THREAD,
        PRIVATE_THREAD,
    ):
        raise ApiError(400, 50024, "Cannot execute action on this channel type")
    if kind == PRIVATE_THREAD and channel.type != GUILD_TEXT:
        raise ApiError(400, 50024, "Cannot execute action on this channel type")
    needed = p.CREATE_PRIVATE_THREADS if kind == PRIVATE_THREAD else p.CREATE_PUBLIC_THREADS
    emu.require(channel, needed)
    thread = emu.create_thread(
        channel,
        name,
        private=kind == PRIVATE_THREAD,
        invitable=bool(body.get("invitable", True)),
        auto_archive_duration=duration,
    )
    return Reply(201, emu.channel_payload(thread))


def _forum_post(ctx: Context, forum: Channel, name: str, duration: int) -> Reply:
    emu = ctx.emu
    emu.require(forum, p.SEND_MESSAGES)
    starter = ctx.body.get("message") or {}
    check_message(starter, has_files=bool(ctx.uploads), interaction=False)
    thread = emu.create_thread(forum, name, auto_archive_duration=duration)
    message = emu.new_message(thread, emu.bot, starter, ctx.uploads)
    message.id = thread.id
    emu.store_message(message)
    data = emu.channel_payload(thread)
    data["message"] = emu.message_payload(message)
    return Reply(201, data)


@routes.add("PATCH", "/channels/{channel_id}")
async def edit_channel(ctx: Context) -> Reply:
    """Edit a thread (name, archived, locked, invitable...) or a channel (name, topic)."""
    emu = ctx.emu
    channel = emu.channel(ctx.id("channel_id"))
    body = ctx.body
    if channel.is_thread:
        value = emu.require(channel, 0)
        owns = channel.owner_id == emu.bot.id
        if not value & p.MANAGE_THREADS and (not owns or "locked" in body or "invitable" in body):
            raise missing_permissions()
        for field in (
            "name",
            "archived",
            "locked",
            "invitable",
            "auto_archive_duration",
            "rate_limit_per_user",
        ):
            if field in body:
                setattr(channel, field, body[field])
        if "archived" in body:
            channel.archive_timestamp = emu.clock()
        emu.emit("THREAD_UPDATE", emu.channel_payload(channel), channel.guild_id)
    else:
        emu.require(channel, p.MANAGE_CHANNELS)
        for field in ("name", "topic", "nsfw", "rate_limit_per_user", "position"):
            if field in body:
                setattr(channel, field, body[field])
        emu.emit("CHANNEL_UPDATE", emu.channel_payload(channel), channel.guild_id)
    return ok(emu.channel_payload(channel))


@routes.add("DELETE", "/channels/{channel_id}")
async def delete_channel(ctx: Context) -> Reply:
    """Delete a thread (MANAGE_THREADS) or channel (MANAGE_CHANNELS)."""
    emu = ctx.emu
    channel = emu.channel(ctx.id("channel_id"))
    if channel.is_dm:
        return ok(emu.channel_payload(channel))
    emu.require(channel, p.MANAGE_THREADS if channel.is_thread else p.MANAGE_CHANNELS)
    data = emu.channel_payload(channel)
    emu.delete_channel(channel)
    return ok(data)


# -- thread members -------------------------------------------------------------------------


def _thread(ctx: Context) -> Channel:
    thread = ctx.emu.channel(ctx.id("channel_id"))
    if not thread.is_thread:
        raise ApiError(400, 50024, "Cannot execute action on this channel type")
    return thread


@routes.add("PUT", "/channels/{channel_id}/thread-members/@me")
@routes.add("PUT", "/channels/{channel_id}/thread-members/{user_id}")
async def add_thread_member(ctx: Context) -> Reply:
    """Add the bot or a guild member to a thread."""
    emu = ctx.emu
    thread = _thread(ctx)
    user_id = ctx.id("user_id") if "user_id" in ctx.params else emu.bot.id
    if thread.archived:
        raise ApiError(400, 50083, "Thread is archived")
    guild = emu.guild_of(thread)
    assert guild is not None
    emu.member(guild, user_id)
    if user_id == emu.bot.id:
        if not emu.bot_permissions(thread) & p.VIEW_CHANNEL:
            raise ApiError(403, 50001, "Missing Access")
    else:
        value = emu.require(thread, p.SEND_MESSAGES_IN_THREADS)
        is_owner = thread.owner_id == emu.bot.id
        if (
            thread.type == PRIVATE_THREAD
            and not thread.invitable
            and not (is_owner or value & p.MANAGE_THREADS)
        ):
            raise missing_permissions()
    emu.add_thread_member(thread, user_id)
    return no_content()


@routes.add("DELETE", "/channels/{channel_id}/thread-members/@me")
@routes.add("DELETE", "/channels/{channel_id}/thread-members/{user_id}")
async def remove_thread_member(ctx: Context) -> Reply:
    """Remove the bot or a member from a thread."""
    emu = ctx.emu
    thread = _thread(ctx)
    user_id = ctx.id("user_id") if "user_id" in ctx.params else emu.bot.id
    if thread.archived:
        raise ApiError(400, 50083, "Thread is archived")
    if user_id != emu.bot.id:
        value = emu.require(thread, 0)
        private_owner = thread.type == PRIVATE_THREAD and thread.owner_id == emu.bot.id
        if not (value & p.MANAGE_THREADS or private_owner):
            raise missing_permissions()
    emu.remove_thread_member(thread, user_id)
    return no_content()


@routes.add("GET", "/channels/{channel_id}/thread-members/{user_id}")
async def get_thread_member(ctx: Context) -> Reply:
    """One thread member (``with_member=true`` adds the guild member)."""
    emu = ctx.emu
    thread = _thread(ctx)
    emu.require(thread, 0)
    member = thread.thread_members.get(ctx.id("user_id"))
    if member is None:
        raise ApiError(404, 10007, "Unknown Member")
    return ok(_thread_member_payload(ctx, thread, member.user_id))


@routes.add("GET", "/channels/{channel_id}/thread-members")
async def list_thread_members(ctx: Context) -> Reply:
    """The thread's members."""
    emu = ctx.emu
    thread = _thread(ctx)
    emu.require(thread, 0)
    return ok([_thread_member_payload(ctx, thread, uid) for uid in sorted(thread.thread_members)])


def _thread_member_payload(ctx: Context, thread: Channel, user_id: int) -> Json:
    guild = ctx.emu.guild_of(thread)
    with_member = ctx.query.get("with_member") in ("true", "True", "1")
    member = guild.members.get(user_id) if guild and with_member else None
    return payloads.thread_member(thread.thread_members[user_id], thread.id, member)


@routes.add("GET", "/channels/{channel_id}/threads/archived/public")
@routes.add("GET", "/channels/{channel_id}/threads/archived/private")
async def archived_threads(ctx: Context) -> Reply:
    """Archived threads of a channel, newest archive first."""
    emu = ctx.emu
    parent = emu.channel(ctx.id("channel_id"))
    emu.require(parent, p.READ_MESSAGE_HISTORY)
    private = ctx.request.path.endswith("/private")
    if private:
        emu.require(parent, p.MANAGE_THREADS)
    wanted = PRIVATE_THREAD if private else PUBLIC_THREAD
    threads = sorted(
        (
            c
            for c in emu.channels.values()
            if c.parent_id == parent.id
            and c.is_thread
            and c.archived
            and not c.deleted
            and (c.type == wanted or (not private and c.type == 10))
        ),
        key=lambda c: c.archive_timestamp,
        reverse=True,
    )
    limit = emu.limit_param(ctx.query, 50, 100)
    members = [
        payloads.thread_member(t.thread_members[emu.bot.id], t.id)
        for t in threads[:limit]
        if emu.bot.id in t.thread_members
    ]
    return ok(
        {
            "threads": [payloads.thread(t) for t in threads[:limit]],
            "members": members,
            "has_more": len(threads) > limit,
        }
    )
