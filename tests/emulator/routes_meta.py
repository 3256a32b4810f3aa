"""REST routes for the gateway, users, the application, commands, guilds, members and DMs."""

from __future__ import annotations

from typing import Any

from tests.emulator import payloads
from tests.emulator.router import Context, Reply, RouteTable, no_content, ok
from tests.emulator.util import ApiError, Json, invalid_form, missing_access

routes = RouteTable()


@routes.add("GET", "/gateway", auth=False)
async def get_gateway(ctx: Context) -> Reply:
    """The gateway URL."""
    return ok({"url": ctx.emu.gateway_url})


@routes.add("GET", "/gateway/bot")
async def get_gateway_bot(ctx: Context) -> Reply:
    """The gateway URL, recommended shard count and session start limit."""
    return ok(
        {
            "url": ctx.emu.gateway_url,
            "shards": ctx.emu.shard_count,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 86_400_000,
                "max_concurrency": 1,
            },
        }
    )


@routes.add("GET", "/users/@me")
async def get_me(ctx: Context) -> Reply:
    """The bot user."""
    me = payloads.user(ctx.emu.bot)
    me.update(verified=True, mfa_enabled=False, locale="en-US", email=None)
    return ok(me)


@routes.add("GET", "/users/{user_id}")
async def get_user(ctx: Context) -> Reply:
    """Any user."""
    return ok(payloads.user(ctx.emu.user(ctx.id("user_id"))))


@routes.add("GET", "/oauth2/applications/@me")
@routes.add("GET", "/applications/@me")
async def get_application(ctx: Context) -> Reply:
    """The bot's application."""
    emu = ctx.emu
    return ok(
        payloads.application(
            emu.application_id, emu.bot.username, emu.owner, emu.bot, emu.application_flags
        )
    )


@routes.add("POST", "/users/@me/channels")
async def create_dm(ctx: Context) -> Reply:
    """Open (or reuse) the DM channel with a user."""
    recipient = ctx.body.get("recipient_id")
    if recipient is None:
        raise invalid_form("recipient_id", "BASE_TYPE_REQUIRED", "This field is required")
    channel = ctx.emu.dm_channel(ctx.emu.user(int(recipient)))
    return ok(ctx.emu.channel_payload(channel))


@routes.add("GET", "/users/@me/guilds")
async def my_guilds(ctx: Context) -> Reply:
    """The guilds the bot is in (partial objects)."""
    return ok(
        [
            {
                "id": str(g.id),
                "name": g.name,
                "icon": None,
                "owner": False,
                "permissions": "0",
                "features": g.features,
                "banner": None,
            }
            for g in ctx.emu.guilds.values()
        ]
    )


# -- application commands ------------------------------------------------------------------


def _commands_for(ctx: Context) -> list[Json]:
    if ctx.id("application_id") != ctx.emu.application_id:
        raise ApiError(403, 50001, "Missing Access")
    if "guild_id" in ctx.params:
        guild_id = ctx.id("guild_id")
        ctx.emu.guild(guild_id)
        return ctx.emu.guild_commands.setdefault(guild_id, [])
    return ctx.emu.global_commands


def _stored_command(ctx: Context, body: Json, previous: Json | None) -> Json:
    for field in ("name", "description"):
        if body.get("type", 1) == 1 and not body.get(field):
            raise invalid_form(field, "BASE_TYPE_REQUIRED", "This field is required")
    command: Json = {
        "id": previous["id"] if previous else str(ctx.emu.next_id()),
        "application_id": str(ctx.emu.application_id),
        "version": str(ctx.emu.next_id()),
        "type": body.get("type", 1),
        "name": body["name"],
        "description": body.get("description", ""),
        "default_member_permissions": body.get("default_member_permissions"),
        "dm_permission": body.get("dm_permission", True),
        "nsfw": body.get("nsfw", False),
        "integration_types": body.get("integration_types") or [0],
        "contexts": body.get("contexts"),
        "options": body.get("options", []),
    }
    for optional in ("name_localizations", "description_localizations"):
        if body.get(optional) is not None:
            command[optional] = body[optional]
    if "guild_id" in ctx.params:
        command["guild_id"] = ctx.params["guild_id"]
    return command


@routes.add("PUT", "/applications/{application_id}/commands")
@routes.add("PUT", "/applications/{application_id}/guilds/{guild_id}/commands")
async def bulk_overwrite_commands(ctx: Context) -> Reply:
    """Replace the command set; commands keep their id when their name and type survive."""
    commands = _commands_for(ctx)
    body: Any = ctx.request.json
    if not isinstance(body, list):
        raise ApiError(400, 50035, "Invalid Form Body")
    if len(body) > 100:
        raise invalid_form("_root", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
    by_key = {(c["name"], c["type"]): c for c in commands}
    new = [_stored_command(ctx, b, by_key.get((b.get("name"), b.get("type", 1)))) for b in body]
    names = [(c["name"], c["type"]) for c in new]
    if len(names) != len(set(names)):
        raise ApiError(400, 50035, "Invalid Form Body: duplicate command names")
    commands[:] = new
    return ok(new)


@routes.add("GET", "/applications/{application_id}/commands")
@routes.add("GET", "/applications/{application_id}/guilds/{guild_id}/commands")
async def list_commands(ctx: Context) -> Reply:
    """The stored commands."""
    return ok(list(_commands_for(ctx)))


@routes.add("POST", "/applications/{application_id}/commands")
@routes.add("POST", "/applications/{application_id}/guilds/{guild_id}/commands")
async def upsert_command(ctx: Context) -> Reply:
    """Create or replace one command (201 when new)."""
    commands = _commands_for(ctx)
    body = ctx.body
    kind = body.get("type", 1)
    previous = next(
        (c for c in commands if (c["name"], c["type"]) == (body.get("name"), kind)), None
    )
    command = _stored_command(ctx, body, previous)
    if previous is not None:
        commands[commands.index(previous)] = command
        return ok(command)
    commands.append(command)
    return Reply(201, command)


@routes.add("GET", "/applications/{application_id}/commands/{command_id}")
@routes.add("GET", "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}")
async def get_command(ctx: Context) -> Reply:
    """One stored command."""
    return ok(_find_command(ctx))


@routes.add("DELETE", "/applications/{application_id}/commands/{command_id}")
@routes.add("DELETE", "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}")
async def delete_command(ctx: Context) -> Reply:
    """Delete one command."""
    _commands_for(ctx).remove(_find_command(ctx))
    return no_content()


def _find_command(ctx: Context) -> Json:
    wanted = ctx.params["command_id"]
    for command in _commands_for(ctx):
        if command["id"] == wanted:
            return command
    raise ApiError(404, 10063, "Unknown application command")


# -- guilds, members, roles -----------------------------------------------------------------


@routes.add("GET", "/guilds/{guild_id}")
async def get_guild(ctx: Context) -> Reply:
    """A guild (``with_counts`` adds approximate counts)."""
    guild = ctx.emu.guild(ctx.id("guild_id"))
    data = payloads.guild(guild)
    if ctx.query.get("with_counts") in ("true", "True", "1"):
        data.update(approximate_member_count=len(guild.members), approximate_presence_count=0)
    return ok(data)


@routes.add("GET", "/guilds/{guild_id}/channels")
async def guild_channels(ctx: Context) -> Reply:
    """The guild's channels (threads excluded, as on Discord)."""
    guild = ctx.emu.guild(ctx.id("guild_id"))
    channels = [ctx.emu.channels[c] for c in guild.channel_ids if not ctx.emu.channels[c].deleted]
    return ok([ctx.emu.channel_payload(c) for c in channels])


@routes.add("GET", "/guilds/{guild_id}/threads/active")
async def active_threads(ctx: Context) -> Reply:
    """Active threads the bot can see, with the bot's thread memberships."""
    emu = ctx.emu
    guild = emu.guild(ctx.id("guild_id"))
    threads = [
        c
        for c in emu.channels.values()
        if c.guild_id == guild.id
        and c.is_thread
        and not c.deleted
        and not c.archived
        and emu.bot_permissions(c)
    ]
    members = [
        payloads.thread_member(t.thread_members[emu.bot.id], t.id)
        for t in threads
        if emu.bot.id in t.thread_members
    ]
    return ok({"threads": [payloads.thread(t) for t in threads], "members": members})


@routes.add("GET", "/guilds/{guild_id}/members/{user_id}")
async def get_member(ctx: Context) -> Reply:
    """One guild member."""
    guild = ctx.emu.guild(ctx.id("guild_id"))
    return ok(payloads.member(ctx.emu.member(guild, ctx.id("user_id"))))


@routes.add("GET", "/guilds/{guild_id}/members")
async def list_members(ctx: Context) -> Reply:
    """Members ordered by user id, paginated with ``limit`` (1-1000) and ``after``."""
    guild = ctx.emu.guild(ctx.id("guild_id"))
    limit = ctx.emu.limit_param(ctx.query, 1, 1000)
    after = int(ctx.query.get("after", "0"))
    members = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)
    return ok([payloads.member(m) for m in members[:limit]])


@routes.add("GET", "/guilds/{guild_id}/roles")
async def list_roles(ctx: Context) -> Reply:
    """The guild's roles."""
    guild = ctx.emu.guild(ctx.id("guild_id"))
    return ok([payloads.role(r) for r in guild.roles.values()])


@routes.add("GET", "/guilds/{guild_id}/roles/{role_id}")
async def get_role(ctx: Context) -> Reply:
    """One role."""
    guild = ctx.emu.guild(ctx.id("guild_id"))
    role = guild.roles.get(ctx.id("role_id"))
    if role is None:
        raise ApiError(404, 10011, "Unknown Role")
    return ok(payloads.role(role))


@routes.add("GET", "/channels/{channel_id}")
async def get_channel(ctx: Context) -> Reply:
    """A channel or thread the bot can see."""
    channel = ctx.emu.channel(ctx.id("channel_id"))
    if not channel.is_dm and not ctx.emu.bot_permissions(channel):
        raise missing_access()
    return ok(ctx.emu.channel_payload(channel))
