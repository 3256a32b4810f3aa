"""The foundation end to end: the real bot connects to the emulator, syncs, answers /about."""

from __future__ import annotations

import asyncio
import logging
import re

import discord
import pytest

from bot import __version__
from bot.texts import NOT_THERAPY
from tests.harness import Harness


async def test_bot_connects_with_only_the_intents_it_needs(harness: Harness) -> None:
    identify = await harness.emu.wait_for_gateway(direction="in", op=2)
    intents = discord.Intents._from_value(identify.d["intents"])
    assert intents.guilds and intents.dm_messages
    assert not intents.members and not intents.message_content and not intents.presences
    assert harness.live.get_guild(harness.guild.id) is not None


async def test_about_replies_privately_with_version_and_not_therapy_line(
    harness: Harness,
) -> None:
    reply = await harness.slash("about", user=harness.member)
    assert reply.ephemeral
    embed = reply.embeds[0]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Not therapy"] == NOT_THERAPY
    assert "/privacy delete" in fields["Privacy"]
    assert embed["footer"]["text"] == f"Version {__version__}"


async def test_commands_are_not_synced_on_start(world_harness: Harness) -> None:
    await world_harness.start(sync=False)
    assert not [r for r in world_harness.emu.requests if "/commands" in r.path]


async def test_owner_syncs_by_direct_message(harness: Harness) -> None:
    owner = harness.emu.owner
    dm = harness.emu.dm_channel(owner)
    harness.emu.post_user_message(dm, owner, "!sync")
    put = await harness.emu.wait_for_request(method="PUT", path=r"/applications/\d+/commands$")
    names = {c["name"] for c in put.json}
    assert "about" in names
    reply = await harness.emu.wait_for_message(dm, lambda m: m.author.id == harness.emu.bot.id)
    assert re.fullmatch(r"Synced \d+ commands globally\.", reply.content)


async def test_a_stranger_cannot_sync(harness: Harness) -> None:
    stranger = harness.member.user
    dm = harness.emu.dm_channel(stranger)
    harness.emu.post_user_message(dm, stranger, "!sync")
    reply = await harness.emu.wait_for_message(dm, lambda m: m.author.id == harness.emu.bot.id)
    assert "owner" in reply.content
    await asyncio.sleep(0)
    puts = [r for r in harness.emu.requests if r.method == "PUT" and "/commands" in r.path]
    assert len(puts) == 1  # the harness's own sync at start; the stranger's did nothing


async def test_an_unexpected_error_gets_a_private_reference_matching_the_log(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database on fire")

    harness.live.store.last_sent_in_guild = broken  # type: ignore[method-assign,assignment]
    with caplog.at_level(logging.ERROR, logger="bot.tree"):
        reply = await harness.slash("prompt today", user=harness.member)
    assert reply.ephemeral
    match = re.fullmatch(
        r"Something went wrong on my side\. It has been logged as reference `([0-9a-f]{8})`\.",
        reply.content,
    )
    assert match, reply.content
    (record,) = [r for r in caplog.records if match.group(1) in r.getMessage()]
    assert "/prompt today" in record.getMessage()
    assert record.exc_info is not None and "database on fire" in str(record.exc_info[1])
    assert "database on fire" not in reply.content, "internals never reach the user"
