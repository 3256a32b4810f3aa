"""Inject interactions as a member would trigger them, and wait for the bot's answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tests.emulator.builders import World
from tests.emulator.interaction_payloads import (
    CHANNEL,
    MENTIONABLE,
    ROLE,
    USER,
    Actor,
    OptionBuilder,
    actor_for,
    base_payload,
    find_component,
    modal_submit_components,
)
from tests.emulator.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    InteractionRecord,
    InteractionRegistry,
)
from tests.emulator.models import Channel, Member, Message, User
from tests.emulator.util import Json

if TYPE_CHECKING:
    from tests.emulator.gateway import GatewayServer

# Entity select menus (component type -> option type used to resolve their values).
_SELECT_KINDS = {5: USER, 6: ROLE, 7: MENTIONABLE, 8: CHANNEL}

Who = User | Member


class InteractionInjector(World):
    """Builders for INTERACTION_CREATE plus waits on the bot's responses.

    Extra keyword arguments of the inject methods go to :class:`Actor`: ``permissions``
    (override the member's computed permissions), ``app_permissions``, ``locale``,
    ``entitlements``, ``attachment_size_limit`` and ``extra`` (raw payload fields).
    """

    interactions: InteractionRegistry
    gateway: GatewayServer
    #: When True, injecting a command the bot never synced is an error (as on Discord).
    require_synced_commands: bool = False
    default_timeout: float = 5.0

    async def slash_command(
        self,
        name: str,
        *,
        channel: Channel,
        user: Who,
        options: Mapping[str, Any] | None = None,
        **actor: Any,
    ) -> InteractionRecord:
        """Invoke ``/name`` (``"pairs join"`` for a subcommand) with ``options``."""
        parts = name.split()
        definition = self._command_definition(parts[0], channel)
        who = actor_for(self, user, channel, **actor)
        builder = OptionBuilder(self, who)
        data = self._command_data(parts[0], definition)
        data["options"] = builder.command_options(parts[1:], options or {}, definition)
        if builder.resolved:
            data["resolved"] = builder.resolved
        return await self._inject(who, APPLICATION_COMMAND, data, name=name)

    async def autocomplete(
        self,
        name: str,
        *,
        channel: Channel,
        user: Who,
        focused: str,
        value: str = "",
        options: Mapping[str, Any] | None = None,
        **actor: Any,
    ) -> InteractionRecord:
        """Ask for autocomplete choices while ``focused`` holds the partial ``value``."""
        parts = name.split()
        definition = self._command_definition(parts[0], channel)
        who = actor_for(self, user, channel, **actor)
        builder = OptionBuilder(self, who)
        values = {**(options or {}), focused: value}
        data = self._command_data(parts[0], definition)
        data["options"] = builder.command_options(parts[1:], values, definition, focused=focused)
        return await self._inject(who, AUTOCOMPLETE, data, name=name)

    async def click_button(
        self, message: Message | InteractionRecord, custom_id: str, *, user: Who, **actor: Any
    ) -> InteractionRecord:
        """Click the button ``custom_id`` on ``message`` (or on an interaction's reply)."""
        target = self._message_of(message)
        component = find_component(target.components, custom_id)
        if component["type"] != 2:
            raise ValueError(f"{custom_id!r} is not a button (type {component['type']})")
        if component.get("disabled"):
            raise ValueError(f"button {custom_id!r} is disabled")
        who = actor_for(self, user, self.channel(target.channel_id), **actor)
        data: Json = {"custom_id": custom_id, "component_type": 2}
        if "id" in component:
            data["id"] = component["id"]
        return await self._inject(who, MESSAGE_COMPONENT, data, source=target)

    async def select_menu(
        self,
        message: Message | InteractionRecord,
        custom_id: str,
        values: Sequence[Any],
        *,
        user: Who,
        **actor: Any,
    ) -> InteractionRecord:
        """Choose ``values`` in the select menu ``custom_id`` (strings or entities)."""
        target = self._message_of(message)
        component = find_component(target.components, custom_id)
        kind = component["type"]
        who = actor_for(self, user, self.channel(target.channel_id), **actor)
        data: Json = {"custom_id": custom_id, "component_type": kind}
        if kind == 3:
            allowed = [o["value"] for o in component.get("options", [])]
            bad = [v for v in values if v not in allowed]
            if bad:
                raise ValueError(f"{bad} are not options of {custom_id!r}: {allowed}")
            data["values"] = list(values)
        elif kind in _SELECT_KINDS:
            builder = OptionBuilder(self, who)
            data["values"] = [builder.value(_SELECT_KINDS[kind], v) for v in values]
            data["resolved"] = builder.resolved
        else:
            raise ValueError(f"{custom_id!r} is not a select menu (type {kind})")
        low, high = component.get("min_values", 1), component.get("max_values", 1)
        if not low <= len(values) <= high:
            raise ValueError(f"{custom_id!r} takes {low}-{high} values, got {len(values)}")
        return await self._inject(who, MESSAGE_COMPONENT, data, source=target)

    async def submit_modal(
        self,
        source: InteractionRecord,
        values: Mapping[str, Any],
        *,
        user: Who | None = None,
        **actor: Any,
    ) -> InteractionRecord:
        """Submit the modal the bot opened in answer to ``source``, inputs by custom_id."""
        if source.modal is None:
            raise ValueError(f"{source!r} was not answered with a modal")
        channel = self.channel(source.channel_id or 0)
        who = actor_for(self, user or source.user, channel, **actor)
        data: Json = {
            "custom_id": source.modal["custom_id"],
            "components": modal_submit_components(source.modal["components"], values),
        }
        return await self._inject(who, MODAL_SUBMIT, data, source=source.source_message)

    # -- waiting for answers ------------------------------------------------------------

    async def wait_for_response(
        self,
        interaction: InteractionRecord,
        timeout: float | None = None,  # noqa: ASYNC109 - a test-facing wait
    ) -> InteractionRecord:
        """Wait for the bot's callback (reply, deferral, modal, choices...) to ``interaction``."""
        return await self.interactions.changes.wait(
            lambda r: r is interaction and r.acknowledged,
            within=timeout or self.default_timeout,
            what=f"a response to {interaction!r}",
            existing=[interaction],
        )

    async def wait_for_reply(
        self,
        interaction: InteractionRecord,
        timeout: float | None = None,  # noqa: ASYNC109 - a test-facing wait
    ) -> Message:
        """Wait until the response is visible: a reply, or a deferral filled in."""
        record = await self.interactions.changes.wait(
            lambda r: r is interaction and r.original is not None and not r.loading,
            within=timeout or self.default_timeout,
            what=f"a visible reply to {interaction!r}",
            existing=[interaction],
        )
        assert record.original is not None
        return record.original

    async def wait_for_followup(
        self,
        interaction: InteractionRecord,
        count: int = 1,
        timeout: float | None = None,  # noqa: ASYNC109 - a test-facing wait
    ) -> Message:
        """Wait for the ``count``-th follow-up message and return it."""
        record = await self.interactions.changes.wait(
            lambda r: r is interaction and len(r.followups) >= count,
            within=timeout or self.default_timeout,
            what=f"follow-up #{count} to {interaction!r}",
            existing=[interaction],
        )
        return record.followups[count - 1]

    # -- helpers ------------------------------------------------------------------------

    def _command_definition(self, top: str, channel: Channel) -> Json | None:
        scopes = []
        if channel.guild_id is not None:
            scopes.append(self.guild_commands.get(channel.guild_id, []))
        scopes.append(self.global_commands)
        for commands in scopes:
            for command in commands:
                if command["name"] == top and command.get("type", 1) == 1:
                    return command
        if self.require_synced_commands:
            raise ValueError(f"/{top} was never synced (call `await bot.tree.sync()` first)")
        return None

    def _command_data(self, top: str, definition: Json | None) -> Json:
        data: Json = {
            "id": definition["id"] if definition else str(self.next_id()),
            "name": top,
            "type": 1,
        }
        if definition is not None and definition.get("guild_id"):
            data["guild_id"] = definition["guild_id"]
        return data

    def _message_of(self, message: Message | InteractionRecord) -> Message:
        if isinstance(message, InteractionRecord):
            if message.original is None:
                raise ValueError(f"{message!r} has no reply to interact with")
            return message.original
        return message

    async def _inject(
        self,
        actor: Actor,
        itype: int,
        data: Json,
        *,
        name: str | None = None,
        source: Message | None = None,
    ) -> InteractionRecord:
        guild_id = actor.channel.guild_id
        if not any(s.owns_guild(guild_id) for s in self.gateway.live_sessions()):
            raise AssertionError(f"no connected gateway session would receive guild {guild_id}")
        interaction_id = self.next_id()
        token = self.interactions.new_token()
        payload = base_payload(
            self, actor, interaction_id=interaction_id, token=token, itype=itype, data=data
        )
        if source is not None:
            payload["message"] = self.message_payload(source)
        record = InteractionRecord(
            id=interaction_id,
            token=token,
            type=itype,
            payload=payload,
            user=actor.user,
            guild_id=guild_id,
            channel_id=actor.channel.id,
            created_at=self.clock(),
            name=name,
            source_message=source,
        )
        self.interactions.add(record)
        self.emit("INTERACTION_CREATE", payload, guild_id)
        await self.gateway.flush()
        return record
