"""Gateway sessions and connections: sequence numbers, the resume buffer, compression, intents."""

from __future__ import annotations

import asyncio
import contextlib
import json
import zlib
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiohttp import web

from tests.emulator.util import Json

# Intents (bit numbers from Discord's documentation).
GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_PRESENCES = 1 << 8
GUILD_MESSAGES = 1 << 9
DIRECT_MESSAGES = 1 << 12
MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT

_GUILD_EVENTS = {
    "GUILD_CREATE",
    "GUILD_UPDATE",
    "GUILD_DELETE",
    "GUILD_ROLE_CREATE",
    "GUILD_ROLE_UPDATE",
    "GUILD_ROLE_DELETE",
    "CHANNEL_CREATE",
    "CHANNEL_UPDATE",
    "CHANNEL_DELETE",
    "CHANNEL_PINS_UPDATE",
    "THREAD_CREATE",
    "THREAD_UPDATE",
    "THREAD_DELETE",
    "THREAD_LIST_SYNC",
    "THREAD_MEMBER_UPDATE",
}
_MEMBER_EVENTS = {"GUILD_MEMBER_ADD", "GUILD_MEMBER_UPDATE", "GUILD_MEMBER_REMOVE"}
_MESSAGE_EVENTS = {"MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "MESSAGE_DELETE_BULK"}
_CONTENT_FIELDS = {"content": "", "embeds": [], "attachments": [], "components": []}
#: Frames kept for RESUME replay per session; older ones make a RESUME fail (op 9).
RESUME_BUFFER = 10_000


class _Compressor(Protocol):
    def __call__(self, data: bytes) -> bytes: ...


def make_compressor(kind: str | None) -> _Compressor | None:
    """A per-connection stream compressor for ``compress=zlib-stream|zstd-stream``.

    zlib-stream: one compressor for the whole connection, each frame ending in a
    Z_SYNC_FLUSH (``00 00 ff ff``), which is how discord.py finds frame boundaries.
    zstd-stream needs the optional ``zstandard`` package (discord.py asks for it only when
    that package is installed, so the two always agree).
    """
    if kind is None:
        return None
    if kind == "zlib-stream":
        compressor = zlib.compressobj()

        def zlib_frame(data: bytes) -> bytes:
            return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)

        return zlib_frame
    if kind == "zstd-stream":
        import zstandard  # type: ignore[import-not-found]  # optional, see docstring

        stream = zstandard.ZstdCompressor().compressobj()

        def zstd_frame(data: bytes) -> bytes:
            return bytes(stream.compress(data) + stream.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK))

        return zstd_frame
    raise ValueError(f"unsupported compression {kind!r}")


@dataclass
class GatewayFrame:
    """One frame seen on the gateway, in either direction (``"in"`` = from the bot)."""

    direction: str
    op: int
    t: str | None
    s: int | None
    d: Any
    session_id: str | None
    shard: tuple[int, int] | None
    path: str


class Connection:
    """One WebSocket: a queue drained by a single sender task, so frames stay in order and
    the stream compressor is only ever used by one writer."""

    def __init__(self, ws: web.WebSocketResponse, request: web.Request, compress: str | None):
        self.ws = ws
        self.request = request
        self.path = request.path
        self.session: Session | None = None
        self._compress = make_compressor(compress)
        self._queue: asyncio.Queue[Json | None] = asyncio.Queue()
        self._sender = asyncio.create_task(self._send_loop(), name="emulator-gateway-sender")
        self.closed = False

    def enqueue(self, frame: Json) -> None:
        """Send ``frame`` after every frame enqueued before it."""
        if not self.closed:
            self._queue.put_nowait(frame)

    async def flush(self, limit: float = 5.0) -> None:
        """Wait until every enqueued frame has been written to the socket."""
        await asyncio.wait_for(self._queue.join(), limit)

    async def _send_loop(self) -> None:
        while True:
            frame = await self._queue.get()
            try:
                if frame is None:
                    return
                data = json.dumps(frame)
                if self._compress is None:
                    await self.ws.send_str(data)
                else:
                    await self.ws.send_bytes(self._compress(data.encode()))
            except (ConnectionError, RuntimeError):
                # The peer went away mid-send; RESUME replays from the session buffer.
                self.closed = True
            finally:
                self._queue.task_done()

    def abort(self) -> None:
        """Drop the TCP connection without a close frame, like a network failure."""
        self.closed = True
        transport = self.request.transport
        if transport is not None:
            transport.abort()

    async def stop(self) -> None:
        """Stop the sender, dropping whatever was not sent yet."""
        self.closed = True
        while not self._queue.empty():
            self._queue.get_nowait()
            self._queue.task_done()
        self._queue.put_nowait(None)
        with contextlib.suppress(asyncio.CancelledError):
            await self._sender


@dataclass
class Session:
    """A gateway session: survives its connection so RESUME can replay what was missed."""

    id: str
    shard: tuple[int, int]
    intents: int
    bot_id: int
    seq: int = 0
    buffer: list[Json] = field(default_factory=list)
    connection: Connection | None = None
    invalidated: bool = False
    identified_at: float = 0.0
    #: Guilds with more members than this arrive without their member list (IDENTIFY's
    #: ``large_threshold``); the bot must request them (op 8) in chunks.
    large_threshold: int = 50

    def owns_guild(self, guild_id: int | None) -> bool:
        """Whether this shard receives events of ``guild_id`` (DMs go to shard 0)."""
        index, count = self.shard
        if guild_id is None:
            return index == 0
        return (guild_id >> 22) % count == index

    def send_dispatch(self, event: str, data: Json) -> Json:
        """Number, buffer and (when connected) send a dispatch."""
        self.seq += 1
        frame: Json = {"op": 0, "t": event, "s": self.seq, "d": data}
        self.buffer.append(frame)
        del self.buffer[:-RESUME_BUFFER]
        if self.connection is not None:
            self.connection.enqueue(frame)
        return frame

    def replay_after(self, seq: int | None) -> list[Json] | None:
        """Frames after ``seq`` for RESUME, or None when they are no longer buffered."""
        seq = seq or 0
        if self.buffer and self.buffer[0]["s"] > seq + 1:
            return None
        return [f for f in self.buffer if f["s"] > seq]

    def accepts(self, event: str, data: Json) -> Json | None:
        """``data`` filtered by this session's intents, or None when it must not be sent."""
        if event in _GUILD_EVENTS and not self.intents & GUILDS:
            return None
        if event in _MEMBER_EVENTS and not self.intents & GUILD_MEMBERS:
            return None
        if event == "THREAD_MEMBERS_UPDATE":
            return self._thread_members_update(data)
        if event == "GUILD_CREATE":
            large = data["member_count"] > self.large_threshold
            if large or not self.intents & GUILD_MEMBERS:
                # Discord then sends only the bot's own member (and those in voice).
                me = str(self.bot_id)
                members = [m for m in data["members"] if m["user"]["id"] == me]
                return {**data, "members": members, "large": large}
        if event in _MESSAGE_EVENTS:
            needed = DIRECT_MESSAGES if "guild_id" not in data else GUILD_MESSAGES
            if not self.intents & needed:
                return None
            return self._strip_content(data)
        return data

    def _thread_members_update(self, data: Json) -> Json | None:
        if not self.intents & GUILDS:
            return None
        if self.intents & GUILD_MEMBERS:
            return data
        # Without GUILD_MEMBERS, Discord only tells the bot about its own membership.
        me = str(self.bot_id)
        added = [m for m in data.get("added_members", []) if m["user_id"] == me]
        removed = [u for u in data.get("removed_member_ids", []) if u == me]
        if not added and not removed:
            return None
        trimmed = {
            k: v for k, v in data.items() if k not in ("added_members", "removed_member_ids")
        }
        if added:
            trimmed["added_members"] = added
        if removed:
            trimmed["removed_member_ids"] = removed
        return trimmed

    def _strip_content(self, data: Json) -> Json:
        if self.intents & MESSAGE_CONTENT or "guild_id" not in data or "content" not in data:
            return data
        me = str(self.bot_id)
        author = data.get("author", {}).get("id")
        mentioned = any(u.get("id") == me for u in data.get("mentions", []))
        if author == me or mentioned:
            return data
        stripped = dict(data)
        stripped.update(_CONTENT_FIELDS)
        stripped.pop("poll", None)
        return stripped
