"""The emulator's gateway: READY and GUILD_CREATE, sharding, compression, RESUME."""

from __future__ import annotations

import asyncio
import json
import zlib

import aiohttp
import discord
import pytest

from tests.emulator import Emulator
from tests.emulator.gateway import IDENTIFY, RESUME
from tests.emulator.sample_bot import SampleBot


async def test_connect_receives_every_guild_with_channels_roles_and_members(
    emulator: Emulator,
) -> None:
    guilds = [
        emulator.create_guild(f"Guild {i}", channels=("general", "prompts")) for i in range(3)
    ]
    mods = emulator.create_role(guilds[0], "Moderators", discord.Permissions(manage_guild=True))
    alice = emulator.create_member(guilds[0], "alice", roles=[mods])
    bot = SampleBot(intents=discord.Intents.default() | discord.Intents(members=True))

    await emulator.connect(bot)

    assert bot.user is not None and bot.user.id == emulator.bot.id
    assert sorted(g.id for g in bot.guilds) == sorted(g.id for g in guilds)
    cached = bot.get_guild(guilds[0].id)
    assert cached is not None
    assert [c.name for c in cached.text_channels] == ["general", "prompts"]
    member = cached.get_member(alice.id)
    assert member is not None and member.guild_permissions.manage_guild
    me = cached.me
    assert me.guild_permissions.send_messages and not me.guild_permissions.administrator
    identify = [f for f in emulator.gateway.frames if f.direction == "in" and f.op == IDENTIFY]
    assert len(identify) == 1
    assert identify[0].d["token"] == emulator.token


async def test_guild_created_after_ready_reaches_the_bot(emulator: Emulator) -> None:
    bot = SampleBot()
    await emulator.connect(bot)
    joined = asyncio.ensure_future(bot.wait_for("guild_join", timeout=5))
    await asyncio.sleep(0)  # let wait_for register its listener

    guild = emulator.create_guild("Late Guild")

    assert (await joined).id == guild.id


def _guild_ids_for_shards(count: int, per_shard: int) -> list[int]:
    """Guild ids whose shard ((id >> 22) % count) is known: two per shard, interleaved."""
    return [(4096 + i) << 22 for i in range(count * per_shard)]


@pytest.mark.emulator(shard_count=2)
async def test_auto_sharded_client_gets_each_guild_on_its_shard(emulator: Emulator) -> None:
    ids = _guild_ids_for_shards(2, 2)
    for guild_id in ids:
        emulator.create_guild(f"Guild {guild_id}", id=guild_id)
    client = discord.AutoShardedClient(intents=discord.Intents.default())

    await emulator.connect(client)

    assert client.shard_count == 2
    assert sorted(g.id for g in client.guilds) == sorted(ids)
    for guild in client.guilds:
        assert guild.shard_id == (guild.id >> 22) % 2
    readies = [f for f in emulator.gateway.frames if f.t == "READY"]
    assert sorted(tuple(f.d["shard"]) for f in readies) == [(0, 2), (1, 2)]
    for ready in readies:
        shard = ready.d["shard"][0]
        assert sorted(int(g["id"]) for g in ready.d["guilds"]) == [
            g for g in ids if (g >> 22) % 2 == shard
        ]


async def test_manually_sharded_client_only_sees_its_shard(emulator: Emulator) -> None:
    ids = _guild_ids_for_shards(3, 1)
    for guild_id in ids:
        emulator.create_guild(f"Guild {guild_id}", id=guild_id)
    client = discord.Client(intents=discord.Intents.default(), shard_id=1, shard_count=3)

    await emulator.connect(client)

    assert [g.id for g in client.guilds] == [g for g in ids if (g >> 22) % 3 == 1]
    identify = next(f for f in emulator.gateway.frames if f.op == IDENTIFY)
    assert identify.d["shard"] == [1, 3]


async def test_dropped_connection_resumes_and_replays_missed_dispatches(
    emulator: Emulator,
) -> None:
    guild = emulator.create_guild()
    general = emulator.channels[guild.channel_ids[0]]
    alice = emulator.create_member(guild, "alice")
    bot = SampleBot()
    await emulator.connect(bot)
    seen = asyncio.ensure_future(bot.wait_for("message", timeout=5))
    resumed = asyncio.ensure_future(bot.wait_for("resumed", timeout=5))
    await asyncio.sleep(0)

    assert emulator.drop_connection() == 1
    sent = emulator.post_user_message(general, alice, "posted while the bot was away")

    assert (await seen).id == sent.id
    await resumed
    ops = [f.op for f in emulator.gateway.frames if f.direction == "in" and f.op in (2, 6)]
    assert ops == [IDENTIFY, RESUME]
    resume = next(f for f in emulator.gateway.frames if f.op == RESUME)
    assert resume.path == "/resume"  # the bot used READY's resume_gateway_url
    assert bot.is_ready()


async def test_gateway_frames_are_one_zlib_stream_flushed_per_message(emulator: Emulator) -> None:
    url = f"{emulator.ws_base}/?v=10&encoding=json&compress=zlib-stream"
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        inflate = zlib.decompressobj()
        hello = await ws.receive_bytes(timeout=5)
        assert hello.endswith(b"\x00\x00\xff\xff")
        assert json.loads(inflate.decompress(hello))["op"] == 10
        await ws.send_json({"op": 1, "d": None})
        ack = await ws.receive_bytes(timeout=5)
        assert ack.endswith(b"\x00\x00\xff\xff")
        assert json.loads(inflate.decompress(ack)) == {"op": 11}


async def test_identify_with_a_wrong_token_is_closed_with_4004(emulator: Emulator) -> None:
    url = f"{emulator.ws_base}/?v=10&encoding=json"
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        assert (await ws.receive_json(timeout=5))["op"] == 10
        identify = {"token": "wrong", "intents": 0, "properties": {}}
        await ws.send_json({"op": 2, "d": identify})
        closing = await ws.receive(timeout=5)
        assert closing.type is aiohttp.WSMsgType.CLOSE
        assert ws.close_code == 4004


async def test_reconnect_request_resumes_and_invalid_session_reidentifies(
    emulator: Emulator,
) -> None:
    emulator.create_guild()
    bot = SampleBot()
    await emulator.connect(bot)

    emulator.gateway.request_reconnect()
    await emulator.wait_for_gateway(op=RESUME)
    await emulator.wait_for_gateway(direction="out", event="RESUMED")
    mark = len(emulator.gateway.frames)
    emulator.gateway.invalidate(resumable=False)
    await emulator.wait_for_gateway(op=IDENTIFY, since=mark)
    await emulator.wait_for_gateway(direction="out", event="READY", since=mark)

    identifies = [f for f in emulator.gateway.frames if f.direction == "in" and f.op == IDENTIFY]
    assert len(identifies) == 2
    assert len(emulator.gateway.live_sessions()) == 1


async def test_wait_for_message_sees_past_and_future_messages(emulator: Emulator) -> None:
    guild = emulator.create_guild()
    general = emulator.channels[guild.channel_ids[0]]
    alice = emulator.create_member(guild, "alice")
    bot = SampleBot()
    await emulator.connect(bot)
    channel = bot.get_channel(general.id)
    assert isinstance(channel, discord.TextChannel)

    emulator.post_user_message(general, alice, "earlier")
    sending = asyncio.ensure_future(channel.send("later"))

    assert (await emulator.wait_for_message(general)).content == "earlier"
    later = await emulator.wait_for_message(general, lambda m: m.author.id == emulator.bot.id)
    assert later.id == (await sending).id


async def test_large_guild_members_arrive_in_chunks(emulator: Emulator) -> None:
    guild = emulator.create_guild("Big")
    for i in range(1200):
        emulator.create_member(guild, f"member{i}")
    bot = SampleBot(intents=discord.Intents.default() | discord.Intents(members=True))

    await emulator.connect(bot)

    cached = bot.get_guild(guild.id)
    assert cached is not None and cached.large and cached.chunked
    assert len(cached.members) == len(guild.members) == 1202
    chunks = [f for f in emulator.gateway.frames if f.t == "GUILD_MEMBERS_CHUNK"]
    assert [(c.d["chunk_index"], c.d["chunk_count"]) for c in chunks] == [(0, 2), (1, 2)]
