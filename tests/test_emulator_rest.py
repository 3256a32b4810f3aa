"""The emulator's REST API as discord.py uses it: permissions, threads, pins, DMs, files."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import discord
import pytest
from discord.http import Route

from bot.files import UploadFile
from tests.emulator import Channel, Emulator, Guild, Member
from tests.emulator.sample_bot import SampleBot


@dataclass
class Setup:
    """A connected bot (members intent on) in one guild, plus handles on both sides."""

    emu: Emulator
    bot: SampleBot
    guild: Guild
    general: Channel
    alice: Member
    text: discord.TextChannel


@pytest.fixture
async def setup(emulator: Emulator) -> AsyncIterator[Setup]:
    guild = emulator.create_guild()
    general = emulator.channels[guild.channel_ids[0]]
    alice = emulator.create_member(guild, "alice")
    bot = SampleBot(intents=discord.Intents.default() | discord.Intents(members=True))
    await emulator.connect(bot)
    text = bot.get_channel(general.id)
    assert isinstance(text, discord.TextChannel)
    yield Setup(emulator, bot, guild, general, alice, text)


async def test_unknown_route_is_recorded_answered_404_and_fails_the_test(setup: Setup) -> None:
    emu = setup.emu
    with pytest.raises(discord.NotFound):
        await setup.bot.http.request(Route("GET", "/voice/regions"))

    assert emu.problems == ["unknown route: GET /voice/regions"]
    assert emu.check()[0] == "unknown route: GET /voice/regions"
    emu.problems.clear()  # this test expected it; otherwise the fixture fails the test


async def test_responses_are_exactly_application_json(setup: Setup) -> None:
    url = f"{setup.emu.api_base}/users/@me"
    headers = {"Authorization": f"Bot {setup.emu.token}"}
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        assert response.headers["Content-Type"] == "application/json"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 401


async def test_missing_permissions_and_unknown_channels(setup: Setup) -> None:
    emu, guild = setup.emu, setup.guild
    everyone = guild.everyone_role
    muted = emu.create_channel(
        guild, "muted", overwrites={everyone: (0, discord.Permissions(send_messages=True))}
    )
    hidden = emu.create_channel(
        guild, "hidden", overwrites={everyone: (0, discord.Permissions(view_channel=True))}
    )

    with pytest.raises(discord.Forbidden) as no_send:
        await setup.bot.http.send_message(muted.id, params=_text("hi"))
    with pytest.raises(discord.Forbidden) as no_view:
        await setup.bot.http.send_message(hidden.id, params=_text("hi"))
    with pytest.raises(discord.NotFound) as unknown:
        await setup.bot.http.send_message(1234, params=_text("hi"))

    assert no_send.value.code == 50013 and no_send.value.text == "Missing Permissions"
    assert no_view.value.code == 50001  # Discord answers "Missing Access" when it cannot see
    assert unknown.value.code == 10003
    assert emu.messages(muted) == [] and emu.messages(hidden) == []


def _text(content: str) -> discord.http.MultipartParameters:
    return discord.http.handle_message_parameters(content=content)


async def test_a_bot_message_is_stored_dispatched_and_edited(setup: Setup) -> None:
    emu, text = setup.emu, setup.text
    message = await text.send("hello", embed=discord.Embed(title="t"))
    await message.edit(content="hello again")

    stored = emu.messages(setup.general)
    assert [m.content for m in stored] == ["hello again"]
    assert stored[0].embeds[0]["title"] == "t" and stored[0].edited_timestamp is not None
    assert (await text.fetch_message(message.id)).content == "hello again"
    await message.delete()
    assert emu.messages(setup.general) == []


async def test_history_pages_newest_first(setup: Setup) -> None:
    for i in range(5):
        setup.emu.post_user_message(setup.general, setup.alice, f"m{i}")

    newest = [m.content async for m in setup.text.history(limit=3)]
    oldest = [m.content async for m in setup.text.history(limit=2, oldest_first=True)]

    assert newest == ["m4", "m3", "m2"]
    assert oldest == ["m0", "m1"]


async def test_files_are_parsed_from_multipart_and_served_back(setup: Setup) -> None:
    sent = await setup.text.send(
        "with a file", file=UploadFile(io.BytesIO(b"prompt,depth\n"), filename="deck.csv")
    )

    stored = setup.emu.messages(setup.general)[0]
    assert stored.content == "with a file"
    assert [(a.filename, a.data) for a in stored.attachments] == [("deck.csv", b"prompt,depth\n")]
    assert await sent.attachments[0].read() == b"prompt,depth\n"


async def test_pins_both_routes(setup: Setup) -> None:
    emu, text = setup.emu, setup.text
    first = await text.send("pin me")
    second = await text.send("pin me too")
    await first.pin()
    await setup.bot.http.request(
        Route(
            "PUT",
            "/channels/{channel_id}/pins/{message_id}",
            channel_id=text.id,
            message_id=second.id,
        )
    )

    assert {m.id for m in emu.pins(setup.general)} == {first.id, second.id}
    assert {m.id async for m in text.pins()} == {first.id, second.id}
    notices = [m for m in emu.messages(setup.general, include_system=True) if m.type == 6]
    assert len(notices) == 2  # Discord posts "pinned a message" notices
    await first.unpin()
    assert [m.id for m in emu.pins(setup.general)] == [second.id]


async def test_private_thread_with_members(setup: Setup) -> None:
    emu, text = setup.emu, setup.text
    thread = await text.create_thread(
        name="pair 1", type=discord.ChannelType.private_thread, invitable=False
    )
    alice = await setup.text.guild.fetch_member(setup.alice.id)
    await thread.add_user(alice)
    await thread.send("welcome")

    stored = emu.channels[thread.id]
    assert stored.type == 12 and not stored.invitable
    assert emu.thread_members(stored) == sorted([emu.bot.id, setup.alice.id])
    assert [m.content for m in emu.messages(stored)] == ["welcome"]
    assert [m.id for m in await thread.fetch_members()] == sorted([emu.bot.id, setup.alice.id])
    await thread.remove_user(alice)
    assert emu.thread_members(stored) == [emu.bot.id]


async def test_thread_from_message_reaches_the_cache(setup: Setup) -> None:
    message = await setup.text.send("discuss")
    created = asyncio.ensure_future(setup.bot.wait_for("thread_create", timeout=5))
    await asyncio.sleep(0)  # let wait_for register its listener

    thread = await message.create_thread(name="discussion")

    assert (await created).id == thread.id == message.id
    assert setup.emu.threads(setup.general)[0].name == "discussion"
    assert setup.text.guild.get_thread(thread.id) is not None


async def test_private_threads_need_the_permission(setup: Setup) -> None:
    emu = setup.emu
    deny = discord.Permissions(create_private_threads=True)
    updated = asyncio.ensure_future(setup.bot.wait_for("guild_channel_update", timeout=5))
    await asyncio.sleep(0)
    emu.set_overwrite(setup.general, emu.bot_role(setup.guild), deny=deny)
    await updated

    with pytest.raises(discord.Forbidden) as denied:
        await setup.text.create_thread(name="pair", type=discord.ChannelType.private_thread)

    assert denied.value.code == 50013


async def test_direct_messages(setup: Setup) -> None:
    emu = setup.emu
    alice = await setup.bot.fetch_user(setup.alice.id)
    dm = await alice.send("hi alice")
    closed = emu.create_member(setup.guild, "closed")
    emu.users[closed.id].accepts_dms = False
    closed_user = await setup.bot.fetch_user(closed.id)

    with pytest.raises(discord.Forbidden) as refused:
        await closed_user.send("hi")

    channel = emu.dm_channel(setup.alice.user)
    assert [m.id for m in emu.messages(channel)] == [dm.id]
    assert refused.value.code == 50007


async def test_guild_member_and_role_lookups(setup: Setup) -> None:
    emu, bot = setup.emu, setup.bot
    mods = emu.create_role(setup.guild, "Moderators", discord.Permissions(manage_guild=True))
    emu.create_member(setup.guild, "bob", roles=[mods])

    guild = await bot.fetch_guild(setup.guild.id)
    members = [m.name async for m in guild.fetch_members(limit=None)]
    roles = await guild.fetch_roles()
    alice = await guild.fetch_member(setup.alice.id)
    channel = await bot.fetch_channel(setup.general.id)

    assert guild.name == setup.guild.name
    assert sorted(members) == sorted(m.user.username for m in setup.guild.members.values())
    assert "Moderators" in [r.name for r in roles]
    assert alice.name == "alice"
    assert channel.id == setup.general.id


async def test_invalid_requests_are_reported_by_the_openapi_check(setup: Setup) -> None:
    emu = setup.emu
    headers = {"Authorization": f"Bot {emu.token}"}
    url = f"{emu.api_base}/channels/{setup.general.id}/messages?bogus=1"
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        assert response.status == 200

    problems = emu.check()

    assert len(problems) == 1 and "bogus" in problems[0]
    emu.requests.clear()  # expected here; otherwise the fixture fails the test
