"""Interactions through the emulator: command sync, slash commands, buttons, modals."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import discord
import pytest

from tests.emulator import Channel, Emulator, FakeClock, Guild, Member
from tests.emulator.sample_bot import SampleBot

CLOCK = FakeClock()


@dataclass
class World:
    """A connected sample bot in one guild with a member to click things."""

    emu: Emulator
    bot: SampleBot
    guild: Guild
    channel: Channel
    alice: Member


@pytest.fixture
async def world(emulator: Emulator) -> AsyncIterator[World]:
    guild = emulator.create_guild()
    channel = emulator.channels[guild.channel_ids[0]]
    alice = emulator.create_member(guild, "alice")
    bot = SampleBot()
    await emulator.connect(bot)
    await bot.tree.sync()
    yield World(emulator, bot, guild, channel, alice)


async def test_sync_stores_commands_with_ids_the_bot_can_fetch(world: World) -> None:
    emu, bot = world.emu, world.bot
    stored = {c["name"]: c for c in emu.global_commands}
    assert set(stored) == {"about", "echo", "greet", "slow", "pick", "country", "config"}
    assert stored["config"]["options"][0] == {
        "type": 1,
        "name": "show",
        "description": "Show one setting",
        "options": [{"type": 3, "name": "key", "description": "Which setting", "required": True}],
    }
    fetched = await bot.tree.fetch_commands()
    assert {c.name: c.id for c in fetched} == {n: int(c["id"]) for n, c in stored.items()}

    synced_again = await bot.tree.sync()
    assert {c.id for c in synced_again} == {c.id for c in fetched}  # ids survive a re-sync

    guild_only = await bot.tree.sync(guild=discord.Object(world.guild.id))
    assert guild_only == [] and emu.guild_commands[world.guild.id] == []


async def test_slash_command_reply_is_seen_with_its_ephemeral_flag(world: World) -> None:
    emu = world.emu
    interaction = await emu.slash_command("about", channel=world.channel, user=world.alice)

    reply = await emu.wait_for_response(interaction)

    assert reply.callback_type == 4
    assert reply.ephemeral and reply.flags & 64
    assert reply.embeds[0]["title"] == "EmuBot"
    assert reply.custom_ids() == ["about:more", "about:feedback"]
    assert emu.messages(world.channel) == []  # ephemeral replies are not in the channel


async def test_button_click_updates_the_message(world: World) -> None:
    emu = world.emu
    about = await emu.wait_for_response(
        await emu.slash_command("about", channel=world.channel, user=world.alice)
    )

    click = await emu.click_button(about, "about:more", user=world.alice)
    answered = await emu.wait_for_response(click)

    assert answered.callback_type == 7
    assert answered.content == "More about EmuBot"
    assert answered.components == []
    assert about.content == "More about EmuBot"  # the same message was edited


async def test_modal_submit_round_trip(world: World) -> None:
    emu = world.emu
    about = await emu.wait_for_response(
        await emu.slash_command("about", channel=world.channel, user=world.alice)
    )
    opened = await emu.wait_for_response(
        await emu.click_button(about, "about:feedback", user=world.alice)
    )
    assert opened.callback_type == 9 and opened.modal is not None
    assert opened.modal["title"] == "Feedback"

    submitted = await emu.submit_modal(opened, {"feedback:text": "lovely"})
    thanks = await emu.wait_for_reply(submitted)

    assert thanks.content == "Thanks: lovely"
    assert thanks.ephemeral


async def test_modal_submit_rejects_inputs_the_modal_does_not_have(world: World) -> None:
    emu = world.emu
    about = await emu.wait_for_response(
        await emu.slash_command("about", channel=world.channel, user=world.alice)
    )
    opened = await emu.wait_for_response(
        await emu.click_button(about, "about:feedback", user=world.alice)
    )
    with pytest.raises(ValueError, match="no inputs"):
        await emu.submit_modal(opened, {"nope": "x"})


async def test_member_option_is_resolved(world: World) -> None:
    emu = world.emu
    bob = emu.create_member(world.guild, "bob", nick="Bobby")

    reply = await emu.wait_for_reply(
        await emu.slash_command(
            "greet", channel=world.channel, user=world.alice, options={"member": bob}
        )
    )

    assert reply.content == f"Hello <@{bob.id}> (Bobby)"
    assert not reply.ephemeral
    assert emu.messages(world.channel) == [reply]


async def test_subcommand_group_options_are_nested(world: World) -> None:
    emu = world.emu
    interaction = await emu.slash_command(
        "config show", channel=world.channel, user=world.alice, options={"key": "colour"}
    )

    assert interaction.payload["data"]["options"] == [
        {"type": 1, "name": "show", "options": [{"name": "key", "type": 3, "value": "colour"}]}
    ]
    assert (await emu.wait_for_reply(interaction)).content == "colour = on"


async def test_unknown_option_names_fail_in_the_test(world: World) -> None:
    with pytest.raises(ValueError, match="no option 'colour'"):
        await world.emu.slash_command(
            "config show", channel=world.channel, user=world.alice, options={"colour": "x"}
        )


async def test_autocomplete_returns_choices(world: World) -> None:
    emu = world.emu
    interaction = await emu.autocomplete(
        "country", channel=world.channel, user=world.alice, focused="name", value="au"
    )

    answered = await emu.wait_for_response(interaction)

    assert answered.callback_type == 8
    assert answered.choices == [
        {"name": "Australia", "value": "Australia"},
        {"name": "Austria", "value": "Austria"},
    ]


async def test_deferred_reply_is_filled_in_by_the_first_followup(world: World) -> None:
    emu = world.emu
    interaction = await emu.slash_command("slow", channel=world.channel, user=world.alice)

    reply = await emu.wait_for_reply(interaction)

    assert interaction.callback_type == 5
    assert reply.content == "done"
    assert reply.ephemeral  # the deferral's ephemerality carries over
    assert interaction.followups == []


async def test_public_reply_reaches_the_channel_and_the_bot(world: World) -> None:
    emu, bot = world.emu, world.bot
    seen_later = asyncio.ensure_future(bot.wait_for("message", timeout=5))
    await asyncio.sleep(0)  # let wait_for register its listener
    interaction = await emu.slash_command(
        "echo", channel=world.channel, user=world.alice, options={"text": "hi @everyone"}
    )

    reply = await emu.wait_for_reply(interaction)
    seen = await seen_later

    assert seen.id == reply.id
    assert seen.content == "hi @everyone"
    assert reply.allowed_mentions == {"parse": []}
    assert emu.message_payload(reply)["mention_everyone"] is False
    assert reply.interaction_metadata is not None
    assert reply.interaction_metadata["user"]["id"] == str(world.alice.id)


async def test_select_menu_round_trip(world: World) -> None:
    emu = world.emu
    prompt = await emu.wait_for_reply(
        await emu.slash_command("pick", channel=world.channel, user=world.alice)
    )

    with pytest.raises(ValueError, match="not options"):
        await emu.select_menu(prompt, "pick:colour", ["purple"], user=world.alice)
    chosen = await emu.select_menu(prompt, "pick:colour", ["green"], user=world.alice)

    assert (await emu.wait_for_response(chosen)).content == "picked green"
    assert prompt.components == []  # the view was removed from the same message


async def test_slash_command_in_a_dm(world: World) -> None:
    emu = world.emu
    dm = emu.dm_channel(world.alice.user)

    interaction = await emu.slash_command("about", channel=dm, user=world.alice.user)
    reply = await emu.wait_for_reply(interaction)

    assert interaction.payload["context"] == 1 and "user" in interaction.payload
    assert "guild_id" not in interaction.payload
    assert reply.embeds[0]["title"] == "EmuBot"


async def test_interaction_payload_carries_what_discord_sends(world: World) -> None:
    emu = world.emu
    mod = emu.create_member(
        world.guild, "mod", permissions=discord.Permissions(manage_guild=True), flags=2
    )

    interaction = await emu.slash_command(
        "about", channel=world.channel, user=mod, locale="de", entitlements=[]
    )
    payload = interaction.payload

    member_permissions = discord.Permissions(int(payload["member"]["permissions"]))
    assert member_permissions.manage_guild and member_permissions.send_messages
    assert payload["member"]["flags"] == 2
    assert discord.Permissions(int(payload["app_permissions"])).send_messages
    assert payload["channel"]["id"] == str(world.channel.id)
    assert payload["guild_id"] == str(world.guild.id)
    assert payload["locale"] == "de"
    assert payload["attachment_size_limit"] == 10 * 1024 * 1024
    assert payload["authorizing_integration_owners"] == {"0": str(world.guild.id)}
    assert payload["context"] == 0 and payload["entitlements"] == []
    await emu.wait_for_response(interaction)


@pytest.mark.emulator(clock=CLOCK)
async def test_a_callback_is_accepted_once_and_only_within_three_seconds(
    emulator: Emulator,
) -> None:
    emu = emulator
    guild = emu.create_guild()
    channel = emu.channels[guild.channel_ids[0]]
    alice = emu.create_member(guild, "alice")
    await emu.connect(SampleBot())  # not synced: the bot ignores the unknown command
    first = await emu.slash_command("unknown", channel=channel, user=alice)
    late = await emu.slash_command("unknown", channel=channel, user=alice)
    reply = {"type": 4, "data": {"content": "hi"}}

    async with aiohttp.ClientSession(emu.api_base + "/") as http:
        callback = f"interactions/{first.id}/{first.token}/callback"
        async with http.post(callback, json=reply) as response:
            assert response.status == 204
        async with http.post(callback, json=reply) as response:
            assert response.status == 400
            assert (await response.json())["code"] == 40060
        CLOCK.advance(3.5)
        async with http.post(
            f"interactions/{late.id}/{late.token}/callback", json=reply
        ) as response:
            assert response.status == 404
            assert (await response.json())["code"] == 10062
    assert first.content == "hi" and late.callback_type is None
