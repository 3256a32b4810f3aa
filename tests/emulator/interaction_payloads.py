"""Build INTERACTION_CREATE payloads: slash commands, autocomplete, components, modal submits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tests.emulator import payloads
from tests.emulator.builders import World
from tests.emulator.models import Attachment, Channel, Member, Role, User
from tests.emulator.payloads import walk_components
from tests.emulator.permissions import perms
from tests.emulator.state import DM_PERMISSIONS
from tests.emulator.util import Json

#: Discord's default upload limit for a server without boosts (10 MiB).
DEFAULT_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024

# Application command option types.
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = (
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
    11,
)


@dataclass
class Actor:
    """Who sends an interaction, where, and with which extra fields."""

    user: User
    channel: Channel
    member: Member | None = None
    permissions: Any | None = None
    app_permissions: Any | None = None
    locale: str | None = None
    entitlements: Sequence[Json] = ()
    attachment_size_limit: int = DEFAULT_ATTACHMENT_SIZE_LIMIT
    extra: Json = field(default_factory=dict)


def actor_for(world: World, user: User | Member, channel: Channel, **kwargs: Any) -> Actor:
    """An :class:`Actor`, resolving a user to their membership of the channel's guild."""
    member = user if isinstance(user, Member) else None
    plain = user.user if isinstance(user, Member) else user
    guild = world.guild_of(channel)
    if member is None and guild is not None:
        member = guild.members.get(plain.id)
        if member is None:
            raise ValueError(f"{plain.username} is not a member of {guild.name}")
    return Actor(user=plain, channel=channel, member=member, **kwargs)


def base_payload(
    world: World, actor: Actor, *, interaction_id: int, token: str, itype: int, data: Json
) -> Json:
    """The fields every interaction carries (member/user, channel, permissions, context...)."""
    channel = actor.channel
    guild = world.guild_of(channel)
    payload: Json = {
        "id": str(interaction_id),
        "application_id": str(world.application_id),
        "type": itype,
        "data": data,
        "channel_id": str(channel.id),
        "token": token,
        "version": 1,
        "locale": actor.locale or actor.user.locale,
        "entitlements": list(actor.entitlements),
        "entitlement_sku_ids": [],
        "attachment_size_limit": actor.attachment_size_limit,
        **actor.extra,
    }
    if guild is not None and actor.member is not None:
        member_perms = (
            perms(actor.permissions)
            if actor.permissions is not None
            else world.permissions_for(actor.user.id, channel)
        )
        app_perms = (
            perms(actor.app_permissions)
            if actor.app_permissions is not None
            else world.bot_permissions(channel)
        )
        channel_payload = world.channel_payload(channel)
        channel_payload["permissions"] = str(member_perms)
        payload.update(
            guild_id=str(guild.id),
            guild={
                "id": str(guild.id),
                "locale": guild.preferred_locale,
                "features": guild.features,
            },
            guild_locale=guild.preferred_locale,
            member=payloads.member(actor.member, permissions=member_perms),
            channel=channel_payload,
            app_permissions=str(app_perms),
            authorizing_integration_owners={"0": str(guild.id)},
            context=0,
        )
    else:
        channel_payload = world.channel_payload(channel)
        channel_payload["permissions"] = str(DM_PERMISSIONS)
        payload.update(
            user=payloads.user(actor.user),
            channel=channel_payload,
            app_permissions=str(
                perms(actor.app_permissions)
                if actor.app_permissions is not None
                else DM_PERMISSIONS
            ),
            authorizing_integration_owners={"0": "0"},
            context=1,
        )
    return payload


class OptionBuilder:
    """Turns ``{"member": alice, "count": 3}`` into command options plus ``resolved`` data,
    typed by the synced command definition when there is one, else by the Python values."""

    def __init__(self, world: World, actor: Actor) -> None:
        self.world = world
        self.actor = actor
        self.resolved: dict[str, dict[str, Json]] = {}

    def command_options(
        self,
        path: Sequence[str],
        values: Mapping[str, Any],
        definition: Json | None,
        *,
        focused: str | None = None,
    ) -> list[Json]:
        """Options for a command invoked as ``top sub...`` (``path`` excludes ``top``)."""
        defs = None if definition is None else definition.get("options", [])
        if path:
            sub_def = _find(defs, path[0])
            if defs is not None and sub_def is None:
                raise ValueError(f"no subcommand {path[0]!r}; known: {_names(defs)}")
            kind = (
                sub_def["type"]
                if sub_def
                else (SUB_COMMAND_GROUP if len(path) > 1 else SUB_COMMAND)
            )
            inner = self.command_options(path[1:], values, sub_def, focused=focused)
            return [{"type": kind, "name": path[0], "options": inner}]
        options = []
        for name, value in values.items():
            option_def = _find(defs, name)
            if defs is not None and option_def is None:
                raise ValueError(f"no option {name!r}; known: {_names(defs)}")
            kind = option_def["type"] if option_def else _infer_type(value)
            option: Json = {"name": name, "type": kind, "value": self.value(kind, value)}
            if name == focused:
                option["focused"] = True
                option["value"] = str(value)  # Discord sends what the user typed so far
            elif option_def and option_def.get("choices"):
                allowed = [c["value"] for c in option_def["choices"]]
                if option["value"] not in allowed:
                    raise ValueError(f"{value!r} is not a choice of {name!r}: {allowed}")
            options.append(option)
        if defs is not None and focused is None:
            missing = [d["name"] for d in defs if d.get("required") and d["name"] not in values]
            if missing:
                raise ValueError(f"missing required options {missing}")
        return options

    def value(self, kind: int, value: Any) -> Any:
        """The wire value of one option, filling ``resolved`` for entity options."""
        if kind in (STRING, INTEGER, BOOLEAN, NUMBER):
            return value
        if kind == ATTACHMENT:
            if not isinstance(value, Attachment):
                raise TypeError("attachment options take an Attachment from emu.create_attachment")
            self._resolve("attachments", value.id, payloads.attachment(value))
            return str(value.id)
        target = self._entity(value)
        if isinstance(target, Role):
            self._resolve("roles", target.id, payloads.role(target))
        elif isinstance(target, Channel):
            data = self.world.channel_payload(target)
            data["permissions"] = str(self.world.permissions_for(self.actor.user.id, target))
            self._resolve("channels", target.id, data)
        else:
            self._resolve_user(target)
        return str(target.id)

    def _entity(self, value: Any) -> User | Member | Role | Channel:
        if isinstance(value, User | Member | Role | Channel):
            return value
        ident = int(value)
        if ident in self.world.channels:
            return self.world.channels[ident]
        guild = self.world.guild_of(self.actor.channel)
        if guild is not None and ident in guild.roles:
            return guild.roles[ident]
        if guild is not None and ident in guild.members:
            return guild.members[ident]
        return self.world.user(ident)

    def _resolve_user(self, target: User | Member) -> None:
        user = target.user if isinstance(target, Member) else target
        self._resolve("users", user.id, payloads.user(user))
        guild = self.world.guild_of(self.actor.channel)
        member = (
            target
            if isinstance(target, Member)
            else (guild.members.get(user.id) if guild else None)
        )
        if member is not None:
            data = payloads.member(member, with_user=False)
            data["permissions"] = str(self.world.permissions_for(user.id, self.actor.channel))
            self._resolve("members", user.id, data)

    def _resolve(self, kind: str, ident: int, data: Json) -> None:
        self.resolved.setdefault(kind, {})[str(ident)] = data


def modal_submit_components(components: list[Json], values: Mapping[str, Any]) -> list[Json]:
    """The submitted components for a modal the bot sent, filled from ``values`` by custom_id."""
    known = {c["custom_id"] for c in walk_components(components) if "custom_id" in c}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"the modal has no inputs {sorted(unknown)}; it has {sorted(known)}")
    return [_submitted(c, values) for c in components]


def _submitted(component: Json, values: Mapping[str, Any]) -> Json:
    kind = component["type"]
    out: Json = {"type": kind}
    if "id" in component:
        out["id"] = component["id"]
    if kind == 1:
        out["components"] = [_submitted(c, values) for c in component.get("components", [])]
    elif kind == 18:
        out["component"] = _submitted(component["component"], values)
    elif kind == 4:
        custom_id = component["custom_id"]
        value = str(values.get(custom_id, component.get("value") or ""))
        if component.get("required", True) and not value:
            raise ValueError(f"text input {custom_id!r} is required")
        low, high = component.get("min_length", 0), component.get("max_length", 4000)
        if value and not low <= len(value) <= high:
            raise ValueError(f"{custom_id!r} must be {low}-{high} characters, got {len(value)}")
        out.update(custom_id=custom_id, value=value)
    elif "custom_id" in component:
        chosen = values.get(component["custom_id"], [])
        out.update(custom_id=component["custom_id"], values=list(_as_list(chosen)))
    return out


def find_component(components: list[Json], custom_id: str) -> Json:
    """The component with ``custom_id`` (ValueError listing the ones that exist)."""
    for component in walk_components(components):
        if component.get("custom_id") == custom_id:
            return component
    ids = [c["custom_id"] for c in walk_components(components) if "custom_id" in c]
    raise ValueError(f"no component {custom_id!r} on the message; it has {ids}")


def _as_list(value: Any) -> Iterable[Any]:
    return value if isinstance(value, list | tuple) else [value]


def _find(defs: list[Json] | None, name: str) -> Json | None:
    if defs is None:
        return None
    return next((d for d in defs if d["name"] == name), None)


def _names(defs: list[Json]) -> list[str]:
    return [d["name"] for d in defs]


def _infer_type(value: Any) -> int:
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return INTEGER
    if isinstance(value, float):
        return NUMBER
    if isinstance(value, str):
        return STRING
    if isinstance(value, Attachment):
        return ATTACHMENT
    if isinstance(value, Role):
        return ROLE
    if isinstance(value, Channel):
        return CHANNEL
    if isinstance(value, User | Member):
        return USER
    raise TypeError(f"cannot infer an option type for {value!r}")
