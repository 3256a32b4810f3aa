"""Rate limits, faults and nonces: what Discord enforces and how discord.py copes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest

from tests.emulator import BucketRule, Emulator, FakeClock, RateLimitConfig
from tests.emulator.sample_bot import SampleBot

CLOCK = FakeClock()
MESSAGES = r"^/channels/\d+/messages$"


@pytest.fixture
async def http(emulator: Emulator) -> AsyncIterator[aiohttp.ClientSession]:
    """A raw HTTP session authenticated as the bot."""
    headers = {"Authorization": f"Bot {emulator.token}"}
    async with aiohttp.ClientSession(emulator.api_base + "/", headers=headers) as session:
        yield session


@pytest.mark.emulator(clock=CLOCK)
async def test_global_limit_answers_the_51st_request_in_a_second(
    emulator: Emulator, http: aiohttp.ClientSession
) -> None:
    for _ in range(50):
        async with http.get("users/@me") as response:
            assert response.status == 200

    async with http.get("users/@me") as response:
        assert response.status == 429
        assert response.headers["X-RateLimit-Global"] == "true"
        assert response.headers["X-RateLimit-Scope"] == "global"
        assert response.headers["Via"]
        body = await response.json()
    assert body["global"] is True and 0 < body["retry_after"] <= 1

    # Interaction callbacks are exempt (this one is unknown, but it is not rate limited).
    async with http.post("interactions/1/token/callback", json={"type": 4}) as response:
        assert response.status == 404
    CLOCK.advance(1.0)
    async with http.get("users/@me") as response:
        assert response.status == 200


@pytest.mark.emulator(clock=CLOCK)
async def test_message_bucket_is_per_channel_with_headers(
    emulator: Emulator, http: aiohttp.ClientSession
) -> None:
    guild = emulator.create_guild(channels=("one", "two"))
    one, two = guild.channel_ids
    for remaining in (4, 3, 2, 1, 0):
        async with http.post(f"channels/{one}/messages", json={"content": "x"}) as response:
            assert response.status == 200
            assert response.headers["X-RateLimit-Limit"] == "5"
            assert response.headers["X-RateLimit-Remaining"] == str(remaining)
            assert response.headers["X-RateLimit-Reset-After"] == "5.000"
            assert float(response.headers["X-RateLimit-Reset"]) == pytest.approx(CLOCK() + 5)
            bucket = response.headers["X-RateLimit-Bucket"]

    async with http.post(f"channels/{one}/messages", json={"content": "x"}) as response:
        assert response.status == 429
        assert response.headers["X-RateLimit-Scope"] == "user"
        assert response.headers["X-RateLimit-Bucket"] == bucket
        body = await response.json()
    assert body == {
        "message": "You are being rate limited.",
        "retry_after": 5.0,
        "global": False,
        "code": 0,
    }
    async with http.post(f"channels/{two}/messages", json={"content": "x"}) as response:
        assert response.status == 200  # another channel, another bucket
    CLOCK.advance(5.0)
    async with http.post(f"channels/{one}/messages", json={"content": "x"}) as response:
        assert response.status == 200
    assert len(emulator.messages(emulator.channels[one])) == 6
    assert emulator.invalid_requests == 1


async def _connected_bot(emulator: Emulator) -> tuple[SampleBot, discord.TextChannel]:
    guild = emulator.create_guild()
    bot = SampleBot()
    await emulator.connect(bot)
    channel = bot.get_channel(guild.channel_ids[0])
    assert isinstance(channel, discord.TextChannel)
    return bot, channel


async def test_discord_py_rides_out_a_429_storm_and_posts_once(emulator: Emulator) -> None:
    _, channel = await _connected_bot(emulator)
    storm = emulator.faults.rate_limit(MESSAGES, method="POST", count=3, retry_after=0.05)

    sent = await channel.send("after the storm")

    assert storm.hits == 3
    posts = [r for r in emulator.requests if r.method == "POST" and r.route is not None]
    assert [r.status for r in posts] == [429, 429, 429, 200]
    assert [m.id for m in emulator.messages(emulator.channel(channel.id))] == [sent.id]


async def test_discord_py_retries_a_5xx_and_posts_once(emulator: Emulator) -> None:
    _, channel = await _connected_bot(emulator)
    emulator.faults.server_error(MESSAGES, method="POST", count=1, status=502)

    started = time.monotonic()
    sent = await channel.send("retried")

    assert time.monotonic() - started >= 1  # discord.py waits 1 s before its first retry
    posts = [r.status for r in emulator.requests if r.method == "POST"]
    assert posts == [502, 200]
    assert [m.id for m in emulator.messages(emulator.channel(channel.id))] == [sent.id]


async def test_a_repeated_nonce_returns_the_original_message(emulator: Emulator) -> None:
    _, channel = await _connected_bot(emulator)

    first = await channel.send("daily prompt", nonce="slot-2024-03-31")
    second = await channel.send("daily prompt", nonce="slot-2024-03-31")
    other = await channel.send("daily prompt", nonce="slot-2024-04-01")

    assert second.id == first.id
    assert other.id != first.id
    posted = emulator.messages(emulator.channel(channel.id))
    assert [m.id for m in posted] == [first.id, other.id]
    assert posted[0].nonce == "slot-2024-03-31"


@pytest.mark.emulator(
    rate_limits=RateLimitConfig(
        rules=(BucketRule("message-create", "POST", "/channels/{channel_id}/messages", 2, 0.2),)
    )
)
async def test_discord_py_waits_on_bucket_headers_instead_of_hitting_429(
    emulator: Emulator,
) -> None:
    _, channel = await _connected_bot(emulator)

    sent = await asyncio.gather(*(channel.send(f"message {i}") for i in range(6)))

    assert len({m.id for m in sent}) == 6
    assert [r.status for r in emulator.requests if r.method == "POST"] == [200] * 6


async def test_slow_responses_are_delayed(emulator: Emulator) -> None:
    _, channel = await _connected_bot(emulator)
    emulator.faults.delay(MESSAGES, 0.2, method="POST", count=1)

    started = time.monotonic()
    await channel.send("slow")

    assert time.monotonic() - started >= 0.2
