"""JSON payloads in the shapes Discord sends (and discord.py parses) for the emulator's models."""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

from tests.emulator.models import (
    DM,
    PRIVATE_THREAD,
    Attachment,
    Channel,
    Guild,
    Member,
    Message,
    Role,
    ThreadMember,
    User,
)
from tests.emulator.util import Json, iso

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


def user(u: User) -> Json:
    """A user object."""
    payload: Json = {
        "id": str(u.id),
        "username": u.username,
        "discriminator": "0",
        "global_name": u.global_name,
        "avatar": u.avatar,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "collectibles": None,
        "primary_guild": None,
    }
    if u.bot:
        payload["bot"] = True
    return payload


def role(r: Role) -> Json:
    """A role object."""
    payload: Json = {
        "id": str(r.id),
        "name": r.name,
        "permissions": str(r.permissions),
        "position": r.position,
        "color": r.color,
        "colors": {"primary_color": r.color, "secondary_color": None, "tertiary_color": None},
        "hoist": r.hoist,
        "managed": r.managed,
        "mentionable": r.mentionable,
        "icon": None,
        "unicode_emoji": None,
        "flags": 0,
    }
    if r.bot_id is not None:
        payload["tags"] = {"bot_id": str(r.bot_id)}
    return payload


def member(m: Member, *, with_user: bool = True, permissions: int | None = None) -> Json:
    """A guild member object; interactions add the member's ``permissions``."""
    payload: Json = {
        "roles": [str(r) for r in m.roles],
        "joined_at": iso(m.joined_at),
        "nick": m.nick,
        "avatar": None,
        "banner": None,
        "premium_since": None,
        "pending": m.pending,
        "flags": m.flags,
        "mute": False,
        "deaf": False,
        "communication_disabled_until": m.communication_disabled_until,
    }
    if with_user:
        payload["user"] = user(m.user)
    if permissions is not None:
        payload["permissions"] = str(permissions)
    return payload


def overwrite_list(c: Channel) -> list[Json]:
    """The channel's permission overwrites."""
    return [
        {"id": str(o.id), "type": o.type, "allow": str(o.allow), "deny": str(o.deny)}
        for o in c.overwrites
    ]


def thread_member(tm: ThreadMember, thread_id: int, m: Member | None = None) -> Json:
    """A thread member object (with the guild member when known)."""
    payload: Json = {
        "id": str(thread_id),
        "user_id": str(tm.user_id),
        "join_timestamp": iso(tm.joined_at),
        "flags": tm.flags,
    }
    if m is not None:
        payload["member"] = member(m)
    return payload


def channel(c: Channel, *, users: dict[int, User], me: int | None = None) -> Json:
    """A channel object of any type (guild channel, thread or DM)."""
    if c.is_dm:
        return {
            "id": str(c.id),
            "type": DM,
            "flags": c.flags,
            "last_message_id": _opt_id(c.last_message_id),
            "recipients": [user(users[uid]) for uid in c.recipients if uid in users],
        }
    if c.is_thread:
        return thread(c, me=me)
    payload: Json = {
        "id": str(c.id),
        "type": c.type,
        "guild_id": str(c.guild_id),
        "name": c.name,
        "position": c.position,
        "flags": c.flags,
        "parent_id": _opt_id(c.parent_id),
        "permission_overwrites": overwrite_list(c),
        "nsfw": c.nsfw,
    }
    if c.type != 4:  # categories have no messages or topic
        payload["topic"] = c.topic
        payload["last_message_id"] = _opt_id(c.last_message_id)
        payload["rate_limit_per_user"] = c.rate_limit_per_user
        payload["last_pin_timestamp"] = c.last_pin_timestamp
    if c.type == 2:
        payload.update(bitrate=64000, user_limit=0, rtc_region=None)
    if c.type == 15:
        payload.update(available_tags=[], default_reaction_emoji=None, default_sort_order=None)
        payload["default_forum_layout"] = 0
    return payload


def thread(c: Channel, *, me: int | None = None) -> Json:
    """A thread channel object; ``member`` is included when ``me`` is in the thread."""
    metadata: Json = {
        "archived": c.archived,
        "archive_timestamp": iso(c.archive_timestamp),
        "auto_archive_duration": c.auto_archive_duration,
        "locked": c.locked,
        "create_timestamp": iso(c.create_timestamp),
    }
    if c.type == PRIVATE_THREAD:
        metadata["invitable"] = c.invitable
    payload: Json = {
        "id": str(c.id),
        "type": c.type,
        "guild_id": str(c.guild_id),
        "parent_id": _opt_id(c.parent_id),
        "owner_id": str(c.owner_id),
        "name": c.name,
        "flags": c.flags,
        "last_message_id": _opt_id(c.last_message_id),
        "rate_limit_per_user": c.rate_limit_per_user,
        "message_count": c.message_count,
        "member_count": len(c.thread_members),
        "total_message_sent": c.total_message_sent,
        "thread_metadata": metadata,
        "applied_tags": [],
    }
    if me is not None and me in c.thread_members:
        payload["member"] = thread_member(c.thread_members[me], c.id)
    return payload


def attachment(a: Attachment) -> Json:
    """An attachment object."""
    payload: Json = {
        "id": str(a.id),
        "filename": a.filename,
        "size": len(a.data),
        "url": a.url,
        "proxy_url": a.url,
    }
    if a.content_type:
        payload["content_type"] = a.content_type
    if a.description:
        payload["description"] = a.description
    if a.ephemeral:
        payload["ephemeral"] = True
    return payload


def message(m: Message, *, guild: Guild | None, thread_payload: Json | None = None) -> Json:
    """A message object as REST returns it."""
    mentions, mention_roles, everyone = resolve_mentions(m, guild)
    payload: Json = {
        "id": str(m.id),
        "channel_id": str(m.channel_id),
        "type": m.type,
        "content": m.content,
        "author": user(m.author),
        "timestamp": iso(m.timestamp),
        "edited_timestamp": None if m.edited_timestamp is None else iso(m.edited_timestamp),
        "tts": m.tts,
        "mention_everyone": everyone,
        "mentions": mentions,
        "mention_roles": mention_roles,
        "attachments": [attachment(a) for a in m.attachments],
        "embeds": m.embeds,
        "components": m.components,
        "pinned": m.pinned,
        "flags": m.flags,
    }
    if m.nonce is not None:
        payload["nonce"] = m.nonce
    if m.webhook_id is not None:
        payload["webhook_id"] = str(m.webhook_id)
    if m.application_id is not None:
        payload["application_id"] = str(m.application_id)
    if m.interaction_metadata is not None:
        payload["interaction_metadata"] = m.interaction_metadata
    if m.message_reference is not None:
        payload["message_reference"] = m.message_reference
    if m.poll is not None:
        payload["poll"] = m.poll
    if thread_payload is not None:
        payload["thread"] = thread_payload
    return payload


def gateway_message(m: Message, *, guild: Guild | None, thread_payload: Json | None) -> Json:
    """A message as MESSAGE_CREATE/UPDATE carry it: with ``guild_id`` and the author's member."""
    payload = message(m, guild=guild, thread_payload=thread_payload)
    if guild is not None:
        payload["guild_id"] = str(guild.id)
        author = guild.members.get(m.author.id)
        if author is not None and m.webhook_id is None:
            payload["member"] = member(author, with_user=False)
    return payload


def resolve_mentions(m: Message, guild: Guild | None) -> tuple[list[Json], list[str], bool]:
    """Who a message really pings, honouring ``allowed_mentions`` like Discord does."""
    allowed = m.allowed_mentions
    parse = {"users", "roles", "everyone"} if allowed is None else set(allowed.get("parse", []))
    explicit_users = {int(u) for u in (allowed or {}).get("users", [])}
    explicit_roles = {int(r) for r in (allowed or {}).get("roles", [])}
    users: list[Json] = []
    seen: set[int] = set()
    for raw in _USER_MENTION.findall(m.content):
        uid = int(raw)
        if uid in seen or ("users" not in parse and uid not in explicit_users):
            continue
        seen.add(uid)
        if guild is not None and uid in guild.members:
            users.append(user(guild.members[uid].user))
    roles = []
    for raw in _ROLE_MENTION.findall(m.content):
        rid = int(raw)
        if guild is not None and rid in guild.roles and ("roles" in parse or rid in explicit_roles):
            roles.append(str(rid))
    everyone = "everyone" in parse and ("@everyone" in m.content or "@here" in m.content)
    return users, sorted(set(roles)), everyone


def guild(g: Guild) -> Json:
    """A guild object as REST ``GET /guilds/{id}`` returns it."""
    return {
        "id": str(g.id),
        "name": g.name,
        "icon": None,
        "description": g.description,
        "home_header": None,
        "splash": None,
        "discovery_splash": None,
        "features": list(g.features),
        "banner": None,
        "owner_id": str(g.owner_id),
        "application_id": None,
        "region": "deprecated",
        "afk_channel_id": None,
        "afk_timeout": 300,
        "system_channel_id": _opt_id(g.system_channel_id),
        "system_channel_flags": 0,
        "widget_enabled": False,
        "widget_channel_id": None,
        "verification_level": 0,
        "roles": [role(r) for r in g.roles.values()],
        "default_message_notifications": 0,
        "mfa_level": 0,
        "explicit_content_filter": 0,
        "max_presences": None,
        "max_members": 500000,
        "max_stage_video_channel_users": 50,
        "max_video_channel_users": 25,
        "vanity_url_code": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": g.preferred_locale,
        "rules_channel_id": None,
        "safety_alerts_channel_id": None,
        "public_updates_channel_id": None,
        "premium_progress_bar_enabled": False,
        "nsfw": False,
        "nsfw_level": 0,
        "emojis": [],
        "stickers": [],
        "incidents_data": None,
    }


def guild_create(
    g: Guild, *, channels: list[Channel], threads: list[Channel], joined_at: float, me: int
) -> Json:
    """The GUILD_CREATE payload: the guild plus channels, active threads and all members."""
    payload = guild(g)
    payload.update(
        joined_at=iso(joined_at),
        large=len(g.members) > 250,
        unavailable=False,
        member_count=len(g.members),
        voice_states=[],
        members=[member(m) for m in g.members.values()],
        channels=[channel(c, users={}, me=me) for c in channels],
        threads=[thread(t, me=me) for t in threads],
        presences=[],
        stage_instances=[],
        guild_scheduled_events=[],
        soundboard_sounds=[],
    )
    return payload


def application(app_id: int, name: str, owner: User, bot: User, flags: int) -> Json:
    """The application object returned by ``/oauth2/applications/@me``."""
    return {
        "id": str(app_id),
        "name": name,
        "icon": None,
        "description": "",
        "summary": "",
        "type": None,
        "bot": user(bot),
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "flags": flags,
        "flags_new": str(flags),
        "redirect_uris": [],
        "rpc_origins": [],
        "interactions_endpoint_url": None,
        "role_connections_verification_url": None,
        "owner": user(owner),
        "team": None,
        "approximate_guild_count": 0,
        "approximate_user_install_count": 0,
        "approximate_user_authorization_count": 0,
        "explicit_content_filter": 0,
        "eligible_oauth2_scopes": [],
        "install_params": {"scopes": ["bot", "applications.commands"], "permissions": "0"},
        "integration_types_config": {"0": {}},
    }


def stored_components(components: list[Any]) -> list[Json]:
    """Components as Discord stores them: every component numbered (``id``, depth first,
    from 1, keeping ids the bot chose) and select menus given their default value counts."""
    copied: list[Json] = json.loads(json.dumps(components))
    used = {c["id"] for c in walk_components(copied) if isinstance(c.get("id"), int)}
    counter = itertools.count(1)
    for component in walk_components(copied):
        if "id" not in component:
            component["id"] = next(n for n in counter if n not in used)
        if component.get("type") in (3, 5, 6, 7, 8):
            component.setdefault("min_values", 1)
            component.setdefault("max_values", 1)
    return copied


def walk_components(components: list[Any]) -> list[Json]:
    """Every component, depth first (rows, containers, sections, labels included)."""
    found: list[Json] = []
    for component in components:
        if isinstance(component, dict):
            found.append(component)
            found.extend(walk_components(component.get("components") or []))
            for key in ("component", "accessory"):
                if isinstance(component.get(key), dict):
                    found.extend(walk_components([component[key]]))
    return found


def _opt_id(value: int | None) -> str | None:
    return None if value is None else str(value)


def strip_none(data: dict[str, Any]) -> dict[str, Any]:
    """Drop keys whose value is None (for optional fields Discord omits)."""
    return {k: v for k, v in data.items() if v is not None}
