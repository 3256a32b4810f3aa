"""Start a real ``discord.Client`` against the emulator, and shut it down cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Iterable
from typing import Any

import discord
from discord.gateway import KeepAliveHandler


async def _no_identify_delay(shard_id: int | None, *, initial: bool = False) -> None:
    """discord.py sleeps 5 s before every non-initial IDENTIFY; the emulator has no
    identify rate limit, so tests skip that wait."""


def prepare(client: discord.Client, *, guild_ready_timeout: float | None) -> None:
    """Make a client quick to start: a short wait for GUILD_CREATEs, no identify delay.

    ``guild_ready_timeout`` is how long discord.py waits after the last GUILD_CREATE before
    firing on_ready (2 s by default); the emulator sends them all at once.
    """
    if guild_ready_timeout is not None:
        client._connection.guild_ready_timeout = guild_ready_timeout
    if type(client).before_identify_hook is discord.Client.before_identify_hook:
        client.before_identify_hook = _no_identify_delay  # type: ignore[method-assign]


async def start(
    client: discord.Client, *, token: str, guild_ids: Iterable[int], limit: float
) -> asyncio.Task[None]:
    """Log in, connect in a background task and return once on_ready has fired and every
    guild of ``guild_ids`` on the client's shards is in its cache (``limit`` seconds max)."""
    await asyncio.wait_for(client.login(token), limit)
    task = asyncio.create_task(client.connect(reconnect=True), name="emulator-client")
    ready = asyncio.create_task(client.wait_until_ready(), name="emulator-client-ready")
    done, _ = await asyncio.wait({task, ready}, timeout=limit, return_when=asyncio.FIRST_COMPLETED)
    if ready not in done:
        ready.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ready
        if task.done():
            raise RuntimeError("the client stopped before becoming ready") from task.exception()
        await stop(client, task, limit=limit)
        raise AssertionError(f"the client did not become ready within {limit}s")
    await _wait_for_guilds(client, shard_guilds(client, guild_ids), limit)
    # on_ready was dispatched as a task; let it start before the test goes on.
    await asyncio.sleep(0)
    return task


async def _wait_for_guilds(client: discord.Client, guild_ids: list[int], limit: float) -> None:
    deadline = time.monotonic() + limit
    while missing := [g for g in guild_ids if client.get_guild(g) is None]:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"guilds {missing} never reached the client's cache")
        waits = {
            asyncio.ensure_future(client.wait_for(event, timeout=left))
            for event in ("guild_available", "guild_join")
        }
        done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for future in pending:
            future.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for future in done:
            future.exception()  # a timeout is reported by the loop condition


async def stop(client: discord.Client, task: asyncio.Task[Any], *, limit: float = 10.0) -> None:
    """Close the client, wait for its connect task, and join its heartbeat threads."""
    keepalives = [t for t in threading.enumerate() if _belongs_to(t, client)]
    await client.close()
    try:
        await asyncio.wait_for(asyncio.shield(task), limit)
    except TimeoutError:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    except Exception:  # the client's own failure was already reported
        pass
    await _join_threads(keepalives, limit)


def _belongs_to(thread: threading.Thread, client: discord.Client) -> bool:
    return isinstance(thread, KeepAliveHandler) and thread.ws._connection is client._connection


async def _join_threads(threads: list[threading.Thread], limit: float) -> None:
    # The heartbeat thread may be waiting on the event loop; join in small steps and let the
    # loop run in between instead of blocking it.
    deadline = time.monotonic() + limit
    for thread in threads:
        while thread.is_alive() and time.monotonic() < deadline:
            thread.join(0.01)
            await asyncio.sleep(0)


def shard_guilds(client: discord.Client, guild_ids: Iterable[int]) -> list[int]:
    """The guild ids this client's shards receive."""
    count = client.shard_count
    if not count:
        return list(guild_ids)
    shard_ids = getattr(client, "shard_ids", None)
    if shard_ids is None:
        shard_ids = range(count) if client.shard_id is None else [client.shard_id]
    wanted = set(shard_ids)
    return [g for g in guild_ids if (g >> 22) % count in wanted]
