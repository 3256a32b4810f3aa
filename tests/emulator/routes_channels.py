"""REST routes for channel messages, history, pins and typing."""

from __future__ import annotations

from tests.emulator import permissions as p
from tests.emulator.models import Channel, Message
from tests.emulator.router import Context, Reply, RouteTable, no_content, ok
from tests.emulator.util import ApiError, iso
from tests.emulator.validation import check_message

routes = RouteTable()

#: Discord's upload limit for a server without boosts (10 MiB per request).
UPLOAD_LIMIT = 10 * 1024 * 1024


def _readable(ctx: Context) -> Channel:
    channel = ctx.emu.channel(ctx.id("channel_id"))
    if not channel.is_dm:
        ctx.emu.require(channel, p.READ_MESSAGE_HISTORY)
    return channel


def check_upload_size(ctx: Context, limit: int) -> None:
    """413 when the uploaded files exceed ``limit`` bytes, like Discord."""
    if sum(len(u.data) for u in ctx.uploads) > limit:
        raise ApiError(413, 40005, "Request entity too large")


@routes.add("POST", "/channels/{channel_id}/messages")
async def create_message(ctx: Context) -> Reply:
    """Post a message; a repeated ``enforce_nonce`` nonce returns the original message."""
    emu = ctx.emu
    channel = emu.channel(ctx.id("channel_id"))
    body = ctx.body
    check_message(body, has_files=bool(ctx.uploads), interaction=False)
    emu.check_can_post(channel, has_files=bool(ctx.uploads))
    check_upload_size(ctx, UPLOAD_LIMIT)
    duplicate = emu.nonce_hit(channel, body)
    if duplicate is not None:
        return ok(emu.message_payload(duplicate))
    reference = body.get("message_reference")
    if reference and reference.get("fail_if_not_exists", True):
        emu.message(
            emu.channel(int(reference.get("channel_id", channel.id))), int(reference["message_id"])
        )
    message = emu.store_message(emu.new_message(channel, emu.bot, body, ctx.uploads))
    return ok(emu.message_payload(message))


@routes.add("GET", "/channels/{channel_id}/messages")
async def history(ctx: Context) -> Reply:
    """Messages newest first; ``before``/``after``/``around`` with ``limit`` 1-100 (default 50)."""
    emu = ctx.emu
    channel = _readable(ctx)
    limit = emu.limit_param(ctx.query, 50, 100)
    messages = emu.messages_in(channel.id)
    query = ctx.query
    if "around" in query:
        pivot = int(query["around"])
        older = [m for m in messages if m.id <= pivot][-(limit // 2 + limit % 2) :]
        newer = [m for m in messages if m.id > pivot][: limit // 2]
        chosen = older + newer
    elif "after" in query:
        chosen = [m for m in messages if m.id > int(query["after"])][:limit]
    else:
        before = int(query["before"]) if "before" in query else None
        chosen = [m for m in messages if before is None or m.id < before][-limit:]
    return ok([emu.message_payload(m) for m in reversed(chosen)])


@routes.add("GET", "/channels/{channel_id}/messages/{message_id}")
async def get_message(ctx: Context) -> Reply:
    """One message."""
    channel = _readable(ctx)
    return ok(ctx.emu.message_payload(ctx.emu.message(channel, ctx.id("message_id"))))


@routes.add("PATCH", "/channels/{channel_id}/messages/{message_id}")
async def edit_message(ctx: Context) -> Reply:
    """Edit one of the bot's messages."""
    emu = ctx.emu
    channel = emu.channel(ctx.id("channel_id"))
    message = emu.message(channel, ctx.id("message_id"))
    if message.author.id != emu.bot.id:
        raise ApiError(403, 50005, "Cannot edit a message authored by another user")
    check_message(ctx.body, has_files=bool(ctx.uploads), interaction=False, edit=True)
    check_upload_size(ctx, UPLOAD_LIMIT)
    return ok(emu.message_payload(emu.edit_message(message, ctx.body, ctx.uploads)))


@routes.add("DELETE", "/channels/{channel_id}/messages/{message_id}")
async def delete_message(ctx: Context) -> Reply:
    """Delete a message (others' messages need MANAGE_MESSAGES)."""
    emu = ctx.emu
    channel = emu.channel(ctx.id("channel_id"))
    message = emu.message(channel, ctx.id("message_id"))
    if message.author.id != emu.bot.id and not channel.is_dm:
        emu.require(channel, p.MANAGE_MESSAGES)
    emu.delete_message(message)
    return no_content()


@routes.add("POST", "/channels/{channel_id}/typing")
async def typing(ctx: Context) -> Reply:
    """Trigger the typing indicator."""
    channel = ctx.emu.channel(ctx.id("channel_id"))
    if not channel.is_dm:
        ctx.emu.require(
            channel, p.SEND_MESSAGES_IN_THREADS if channel.is_thread else p.SEND_MESSAGES
        )
    return no_content()


# -- pins: the current /messages/pins routes and the deprecated /pins ones -------------------


def _pin_target(ctx: Context) -> tuple[Channel, Message]:
    emu = ctx.emu
    channel = emu.channel(ctx.id("channel_id"))
    if not channel.is_dm:
        value = emu.require(channel, 0)
        if not value & (p.PIN_MESSAGES | p.MANAGE_MESSAGES):
            raise ApiError(403, 50013, "Missing Permissions")
    return channel, emu.message(channel, ctx.id("message_id"))


@routes.add("PUT", "/channels/{channel_id}/messages/pins/{message_id}")
@routes.add("PUT", "/channels/{channel_id}/pins/{message_id}")
async def pin(ctx: Context) -> Reply:
    """Pin a message (at most 250 per channel)."""
    emu = ctx.emu
    channel, message = _pin_target(ctx)
    if not message.pinned:
        if len(pinned(emu.messages_in(channel.id))) >= 250:
            raise ApiError(400, 30003, "Maximum number of pins reached (250)")
        message.pinned = True
        message.pinned_at = iso(emu.clock())
        channel.last_pin_timestamp = message.pinned_at
        emu.announce_pins(channel, message)
    return no_content()


@routes.add("DELETE", "/channels/{channel_id}/messages/pins/{message_id}")
@routes.add("DELETE", "/channels/{channel_id}/pins/{message_id}")
async def unpin(ctx: Context) -> Reply:
    """Unpin a message."""
    channel, message = _pin_target(ctx)
    if message.pinned:
        message.pinned = False
        message.pinned_at = None
        ctx.emu.announce_pins(channel, message)
    return no_content()


@routes.add("GET", "/channels/{channel_id}/messages/pins")
async def list_pins(ctx: Context) -> Reply:
    """Pins newest first as ``{"items": [{"pinned_at", "message"}], "has_more"}``."""
    emu = ctx.emu
    channel = _readable(ctx)
    limit = emu.limit_param(ctx.query, 50, 50)
    items = sorted(
        pinned(emu.messages_in(channel.id)), key=lambda m: m.pinned_at or "", reverse=True
    )
    if "before" in ctx.query:
        items = [m for m in items if (m.pinned_at or "") < ctx.query["before"]]
    page = items[:limit]
    return ok(
        {
            "items": [{"pinned_at": m.pinned_at, "message": emu.message_payload(m)} for m in page],
            "has_more": len(items) > limit,
        }
    )


@routes.add("GET", "/channels/{channel_id}/pins")
async def list_pins_legacy(ctx: Context) -> Reply:
    """Pins as a plain list of messages (the deprecated route)."""
    emu = ctx.emu
    channel = _readable(ctx)
    items = sorted(
        pinned(emu.messages_in(channel.id)), key=lambda m: m.pinned_at or "", reverse=True
    )
    return ok([emu.message_payload(m) for m in items])


def pinned(messages: list[Message]) -> list[Message]:
    """The pinned messages among ``messages``."""
    return [m for m in messages if m.pinned]
