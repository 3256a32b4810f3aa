"""The gateway: HELLO, heartbeats, IDENTIFY -> READY + GUILD_CREATE, RESUME, sharding.

Everything runs on the test's event loop. Dispatches go to every session whose shard owns
the guild and whose intents ask for the event; while a session is disconnected they are
buffered and replayed on RESUME, as Discord does.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

from tests.emulator import payloads
from tests.emulator.builders import World
from tests.emulator.gateway_session import (
    GUILD_MEMBERS,
    PRIVILEGED_INTENTS,
    Connection,
    GatewayFrame,
    Session,
)
from tests.emulator.util import Json
from tests.emulator.waiters import Waiters

HELLO, HEARTBEAT, IDENTIFY, PRESENCE, VOICE_STATE = 10, 1, 2, 3, 4
RESUME, RECONNECT, REQUEST_MEMBERS, INVALID_SESSION, HEARTBEAT_ACK = 6, 7, 8, 9, 11
#: Discord sends at most 1000 members per GUILD_MEMBERS_CHUNK.
MEMBERS_PER_CHUNK = 1000


class GatewayServer:
    """Serves the gateway WebSocket and routes dispatches to sessions."""

    def __init__(
        self,
        world: World,
        *,
        token: str,
        heartbeat_interval_ms: int,
        allowed_intents: int,
        resume_url: Callable[[], str],
    ) -> None:
        self.world = world
        self.token = token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.allowed_intents = allowed_intents
        self._resume_url = resume_url
        self.sessions: dict[str, Session] = {}
        self.connections: set[Connection] = set()
        #: Every frame in both directions, in order.
        self.frames: list[GatewayFrame] = []
        self.frame_waiters: Waiters[GatewayFrame] = Waiters()
        self._handlers: set[asyncio.Task[Any]] = set()

    # -- the WebSocket handler ----------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """aiohttp handler for ``/`` and ``/resume``."""
        query = request.query
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        close = _check_query(query)
        if close is not None:
            await ws.close(code=close[0], message=close[1].encode())
            return ws
        connection = Connection(ws, request, query.get("compress"))
        self.connections.add(connection)
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
        try:
            self._send(connection, {"op": HELLO, "d": self._hello()})
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    await ws.close(code=4002, message=b"Error while decoding payload.")
                    break
                await self._receive(connection, msg.data)
        finally:
            self._detach(connection)
            await connection.stop()
            self.connections.discard(connection)
            if task is not None:
                self._handlers.discard(task)
        return ws

    def _hello(self) -> Json:
        return {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": ["emulator"]}

    async def _receive(self, connection: Connection, raw: str) -> None:
        try:
            frame = json.loads(raw)
            op = frame["op"]
        except (ValueError, KeyError, TypeError):
            await connection.ws.close(code=4002, message=b"Error while decoding payload.")
            return
        data = frame.get("d")
        self._log("in", connection, op, None, None, data)
        if op == HEARTBEAT:
            self._send(connection, {"op": HEARTBEAT_ACK})
        elif op == IDENTIFY:
            await self._identify(connection, data)
        elif op == RESUME:
            await self._resume(connection, data)
        elif connection.session is None:
            await connection.ws.close(code=4003, message=b"Not authenticated.")
        elif op == REQUEST_MEMBERS:
            self._request_members(connection.session, data)
        elif op not in (PRESENCE, VOICE_STATE):
            await connection.ws.close(code=4001, message=b"Unknown opcode.")

    async def _identify(self, connection: Connection, data: Json) -> None:
        if connection.session is not None:
            await connection.ws.close(code=4005, message=b"Already authenticated.")
            return
        if data.get("token") != self.token:
            await connection.ws.close(code=4004, message=b"Authentication failed.")
            return
        shard = tuple(data.get("shard") or (0, 1))
        if len(shard) != 2 or not 0 <= shard[0] < shard[1]:
            await connection.ws.close(code=4010, message=b"Invalid shard.")
            return
        intents = data.get("intents")
        if not isinstance(intents, int):
            await connection.ws.close(code=4013, message=b"Invalid intent(s).")
            return
        if intents & PRIVILEGED_INTENTS & ~self.allowed_intents:
            await connection.ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        session = Session(
            id=secrets.token_hex(16),
            shard=(shard[0], shard[1]),
            intents=intents,
            bot_id=self.world.bot.id,
            identified_at=self.world.clock(),
            large_threshold=int(data.get("large_threshold") or 50),
        )
        self.sessions[session.id] = session
        self._attach(connection, session)
        guilds = [g for g in self.world.guilds.values() if session.owns_guild(g.id)]
        self._dispatch_to(session, "READY", self._ready(session, [g.id for g in guilds]))
        for guild in guilds:
            created = session.accepts("GUILD_CREATE", self.world.guild_create_payload(guild))
            if created is not None:
                self._dispatch_to(session, "GUILD_CREATE", created)

    def _ready(self, session: Session, guild_ids: list[int]) -> Json:
        me = payloads.user(self.world.bot)
        me.update(verified=True, mfa_enabled=False, email=None, locale="en-US")
        return {
            "v": 10,
            "user": me,
            "guilds": [{"id": str(g), "unavailable": True} for g in guild_ids],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self._resume_url(),
            "shard": list(session.shard),
            "application": {
                "id": str(self.world.application_id),
                "flags": self.world.application_flags,
            },
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "user_settings": {},
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["emulator"],
            "_trace": ["emulator"],
        }

    async def _resume(self, connection: Connection, data: Json) -> None:
        session = self.sessions.get(data.get("session_id", ""))
        replay = None
        if session is not None and not session.invalidated and data.get("token") == self.token:
            replay = session.replay_after(data.get("seq"))
        if session is None or replay is None:
            self._send(connection, {"op": INVALID_SESSION, "d": False})
            return
        if session.connection is not None:
            # The old socket is dead from the bot's point of view; stop writing to it.
            session.connection.abort()
            self._detach(session.connection)
        self._attach(connection, session)
        for frame in replay:
            self._send(connection, frame, session=session)
        self._dispatch_to(session, "RESUMED", {"_trace": ["emulator"]})

    def _request_members(self, session: Session, data: Json) -> None:
        guild = self.world.guilds.get(int(data["guild_id"]))
        if guild is None:
            return
        members = list(guild.members.values())
        if data.get("user_ids"):
            wanted = {int(u) for u in data["user_ids"]}
            members = [m for m in members if m.id in wanted]
        elif not session.intents & GUILD_MEMBERS:
            return  # Discord refuses a full member request without the intent
        query = (data.get("query") or "").lower()
        if query:
            members = [m for m in members if m.user.username.lower().startswith(query)]
        limit = data.get("limit") or 0
        if limit:
            members = members[:limit]
        found = {m.id for m in members}
        missing = [str(u) for u in data.get("user_ids") or [] if int(u) not in found]
        pages = [
            members[i : i + MEMBERS_PER_CHUNK] for i in range(0, len(members), MEMBERS_PER_CHUNK)
        ]
        for index, page in enumerate(pages or [[]]):
            chunk: Json = {
                "guild_id": str(guild.id),
                "members": [payloads.member(m) for m in page],
                "chunk_index": index,
                "chunk_count": len(pages) or 1,
                "not_found": missing if index == 0 else [],
            }
            if data.get("nonce"):
                chunk["nonce"] = data["nonce"]
            self._dispatch_to(session, "GUILD_MEMBERS_CHUNK", chunk)

    # -- sending ------------------------------------------------------------------------

    def dispatch(self, event: str, data: Json, guild_id: int | None) -> None:
        """Send a dispatch to every live session that should receive it."""
        for session in list(self.sessions.values()):
            if session.invalidated or not session.owns_guild(guild_id):
                continue
            filtered = session.accepts(event, data)
            if filtered is not None:
                self._dispatch_to(session, event, filtered)

    def _dispatch_to(self, session: Session, event: str, data: Json) -> None:
        frame = session.send_dispatch(event, data)
        connection = session.connection
        self._log("out", connection, 0, event, frame["s"], data, session=session)

    def _send(self, connection: Connection, frame: Json, *, session: Session | None = None) -> None:
        connection.enqueue(frame)
        self._log(
            "out", connection, frame["op"], frame.get("t"), frame.get("s"), frame.get("d"), session
        )

    def _attach(self, connection: Connection, session: Session) -> None:
        connection.session = session
        session.connection = connection

    def _detach(self, connection: Connection) -> None:
        session = connection.session
        if session is not None and session.connection is connection:
            session.connection = None

    def _log(
        self,
        direction: str,
        connection: Connection | None,
        op: int,
        event: str | None,
        seq: int | None,
        data: Any,
        session: Session | None = None,
    ) -> None:
        session = session or (connection.session if connection else None)
        frame = GatewayFrame(
            direction=direction,
            op=op,
            t=event,
            s=seq,
            d=data,
            session_id=session.id if session else None,
            shard=session.shard if session else None,
            path=connection.path if connection else "",
        )
        self.frames.append(frame)
        self.frame_waiters.notify(frame)

    # -- faults and control -------------------------------------------------------------

    def live_sessions(self, shard_id: int | None = None) -> list[Session]:
        """Connected, valid sessions (optionally of one shard)."""
        return [
            s
            for s in self.sessions.values()
            if s.connection is not None
            and not s.invalidated
            and (shard_id is None or s.shard[0] == shard_id)
        ]

    def drop(self, shard_id: int | None = None) -> int:
        """Abruptly drop the connections of live sessions; returns how many were dropped."""
        dropped = 0
        for session in self.live_sessions(shard_id):
            connection = session.connection
            assert connection is not None
            self._detach(connection)
            connection.abort()
            dropped += 1
        return dropped

    def request_reconnect(self, shard_id: int | None = None) -> None:
        """Send op 7 RECONNECT; discord.py closes and RESUMEs."""
        for session in self.live_sessions(shard_id):
            assert session.connection is not None
            self._send(session.connection, {"op": RECONNECT, "d": None}, session=session)

    def invalidate(self, shard_id: int | None = None, *, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION; unless resumable, the bot must IDENTIFY again."""
        for session in self.live_sessions(shard_id):
            assert session.connection is not None
            if not resumable:
                session.invalidated = True
            self._send(session.connection, {"op": INVALID_SESSION, "d": resumable}, session=session)

    async def flush(self, limit: float = 5.0) -> None:
        """Wait until every queued frame has been written to its socket."""
        for connection in list(self.connections):
            if not connection.closed:
                await connection.flush(limit)

    async def close(self) -> None:
        """Close every connection (1001 Going Away) and wait for the handlers to finish."""
        for connection in list(self.connections):
            self._detach(connection)
            if not connection.ws.closed:
                await connection.ws.close(code=1001, message=b"Emulator shutting down")
        if self._handlers:
            await asyncio.wait(list(self._handlers), timeout=5.0)
        self.frame_waiters.cancel_all()


def _check_query(query: Any) -> tuple[int, str] | None:
    if query.get("v") not in ("9", "10"):
        return 4012, "Invalid API version."
    if query.get("encoding", "json") != "json":
        return 4002, "Only encoding=json is emulated."
    if query.get("compress") not in (None, "zlib-stream", "zstd-stream"):
        return 4002, "Unknown compression."
    return None
