"""The emulator: an aiohttp server (gateway + REST + file CDN) around the emulated world."""

from __future__ import annotations

import asyncio
import contextlib
import re
import traceback
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import discord
import yarl
from aiohttp import web

from tests.emulator import (
    connect,
    routes_channels,
    routes_interactions,
    routes_meta,
    routes_threads,
)
from tests.emulator.clock import Clock, system_clock
from tests.emulator.faults import Fault, FaultInjector
from tests.emulator.gateway import GatewayServer
from tests.emulator.gateway_session import PRIVILEGED_INTENTS, GatewayFrame
from tests.emulator.injector import InteractionInjector
from tests.emulator.interactions import InteractionRegistry
from tests.emulator.models import Channel, Message
from tests.emulator.ratelimit import RateLimitConfig, RateLimiter, Verdict
from tests.emulator.recorder import RecordedRequest, parse_body
from tests.emulator.router import Context, Reply, RouteSpec, RouteTable
from tests.emulator.util import ApiError, Json, json_response
from tests.emulator.waiters import Waiters

_API_PREFIX = re.compile(r"^/api/v(\d+)(/.*)$")


class Emulator(InteractionInjector):
    """A local Discord for one test: ``await start()``, use, ``await close()``.

    Builders (``create_guild``, ``create_member``...), interaction injection
    (``slash_command``, ``click_button``...) and waits come from the base classes; this class
    adds the server, the request log, rate limits, faults and client management.
    """

    def __init__(
        self,
        *,
        token: str = "emulator-token",
        bot_name: str = "EmuBot",
        application_id: int | None = None,
        heartbeat_interval: float = 45.0,
        rate_limits: RateLimitConfig | bool = True,
        clock: Clock | None = None,
        shard_count: int = 1,
        allowed_intents: int = PRIVILEGED_INTENTS,
        nonce_ttl: float = 300.0,
        interaction_deadline: float | None = 3.0,
        require_synced_commands: bool = False,
    ) -> None:
        super().__init__(
            clock=clock or system_clock,
            bot_name=bot_name,
            application_id=application_id,
            nonce_ttl=nonce_ttl,
        )
        self.token = token
        self.shard_count = shard_count
        self.interaction_deadline = interaction_deadline
        self.require_synced_commands = require_synced_commands
        if isinstance(rate_limits, bool):
            rate_limits = RateLimitConfig(enabled=rate_limits)
        self.limiter = RateLimiter(rate_limits, self.clock)
        self.faults = FaultInjector()
        self.interactions = InteractionRegistry()
        self.gateway = GatewayServer(
            self,
            token=token,
            heartbeat_interval_ms=int(heartbeat_interval * 1000),
            allowed_intents=allowed_intents,
            resume_url=lambda: f"{self.ws_base}/resume",
        )
        self.routes = RouteTable()
        for module in (routes_meta, routes_channels, routes_threads, routes_interactions):
            self.routes.extend(module.routes)
        #: Every REST request, in arrival order.
        self.requests: list[RecordedRequest] = []
        self.request_waiters: Waiters[RecordedRequest] = Waiters()
        self.message_waiters: Waiters[Message] = Waiters()
        #: Things that must fail the test: unknown routes, emulator crashes.
        self.problems: list[str] = []
        #: 401, 403 and 429 answers (Discord bans bots with 10,000 in 10 minutes).
        self.invalid_requests = 0
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._clients: dict[discord.Client, asyncio.Task[Any]] = {}

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self) -> Emulator:
        """Listen on a random free port of 127.0.0.1."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/", self.gateway.handle)
        app.router.add_get("/resume", self.gateway.handle)
        app.router.add_get("/attachments/{attachment_id}/{filename}", self._serve_attachment)
        app.router.add_route("*", "/api/{tail:.*}", self._handle_rest)
        self._runner = web.AppRunner(
            app, handle_signals=False, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{self._port}"
        return self

    async def close(self) -> None:
        """Stop connected clients, close gateway sockets and the server."""
        for client in list(self._clients):
            await self.disconnect(client)
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        for waiters in (self.request_waiters, self.message_waiters, self.interactions.changes):
            waiters.cancel_all()

    @property
    def api_base(self) -> str:
        """What ``discord.http.Route.BASE`` must be."""
        return f"{self.base_url}/api/v10"

    @property
    def ws_base(self) -> str:
        """The gateway's ws:// base URL."""
        return f"ws://127.0.0.1:{self._port}"

    @property
    def gateway_url(self) -> str:
        """What ``GET /gateway`` returns and ``DiscordWebSocket.DEFAULT_GATEWAY`` must be."""
        return f"{self.ws_base}/"

    @contextlib.contextmanager
    def patch_discord(self) -> Iterator[Emulator]:
        """Point discord.py's REST base and default gateway at this emulator, then restore."""
        saved = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
        discord.http.Route.BASE = self.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield self
        finally:
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved

    # -- clients --------------------------------------------------------------------------

    async def connect(
        self,
        client: discord.Client,
        *,
        token: str | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - a test-facing wait
        guild_ready_timeout: float | None = 0.1,
    ) -> discord.Client:
        """Start ``client`` against the emulator; returns once on_ready has fired and the
        client's guilds are cached. ``discord.py`` must be patched (:meth:`patch_discord`)."""
        if self.api_base != discord.http.Route.BASE:
            raise RuntimeError("discord.py is not patched: use `with emu.patch_discord():`")
        connect.prepare(client, guild_ready_timeout=guild_ready_timeout)
        task = await connect.start(
            client, token=token or self.token, guild_ids=list(self.guilds), limit=timeout
        )
        self._clients[client] = task
        return client

    async def disconnect(self, client: discord.Client) -> None:
        """Close a client started with :meth:`connect` and wait until it has stopped."""
        task = self._clients.pop(client, None)
        if task is not None:
            await connect.stop(client, task)

    # -- gateway --------------------------------------------------------------------------

    def emit(self, event: str, data: Json, guild_id: int | None) -> None:
        """Route a world change to the gateway sessions that should see it."""
        self.gateway.dispatch(event, data, guild_id)

    def dispatch(self, event: str, data: Json, *, guild_id: int | None = None) -> None:
        """Send any dispatch (``guild_id`` picks the shard; None means shard 0 / DMs)."""
        self.gateway.dispatch(event, data, guild_id)

    def drop_connection(self, shard_id: int | None = None) -> int:
        """Abruptly drop the bot's gateway connection(s); discord.py should RESUME."""
        return self.gateway.drop(shard_id)

    async def wait_for_gateway(
        self,
        *,
        direction: str = "in",
        op: int | None = None,
        event: str | None = None,
        predicate: Callable[[GatewayFrame], bool] | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - a test-facing wait
        since: int = 0,
    ) -> GatewayFrame:
        """Wait for a gateway frame (``direction="in"``: from the bot) matching the filters."""

        def matches(frame: GatewayFrame) -> bool:
            return (
                frame.direction == direction
                and (op is None or frame.op == op)
                and (event is None or frame.t == event)
                and (predicate is None or predicate(frame))
            )

        return await self.gateway.frame_waiters.wait(
            matches,
            within=timeout or self.default_timeout,
            what=f"gateway frame {direction} op={op} event={event}",
            existing=self.gateway.frames[since:],
        )

    # -- inspection -----------------------------------------------------------------------

    def store_message(self, message: Message, *, announce: bool = True) -> Message:
        """Store a message and wake :meth:`wait_for_message` waiters."""
        stored = super().store_message(message, announce=announce)
        self.message_waiters.notify(stored)
        return stored

    def messages(self, channel: Channel, *, include_system: bool = False) -> list[Message]:
        """Live messages in ``channel``, oldest first (system messages such as pin notices
        are left out unless asked for). Ephemeral replies live on the interaction records."""
        found = self.messages_in(channel.id)
        if include_system:
            return found
        return [m for m in found if m.type in (0, 19, 20, 23)]

    def pins(self, channel: Channel) -> list[Message]:
        """Pinned messages in ``channel``."""
        return [m for m in self.messages_in(channel.id) if m.pinned]

    def threads(self, parent: Channel | None = None) -> list[Channel]:
        """Live threads (of ``parent`` when given)."""
        return [
            c
            for c in self.channels.values()
            if c.is_thread and not c.deleted and (parent is None or c.parent_id == parent.id)
        ]

    def thread_members(self, thread: Channel) -> list[int]:
        """User ids in ``thread``."""
        return sorted(thread.thread_members)

    async def wait_for_message(
        self,
        channel: Channel,
        predicate: Callable[[Message], bool] | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - a test-facing wait
    ) -> Message:
        """The first message in ``channel`` (already there or to come) matching ``predicate``."""

        def matches(message: Message) -> bool:
            return (
                message.channel_id == channel.id
                and not message.deleted
                and (predicate is None or predicate(message))
            )

        return await self.message_waiters.wait(
            matches,
            within=timeout or self.default_timeout,
            what=f"a message in #{channel.name or channel.id}",
            existing=self.messages_in(channel.id),
        )

    async def wait_for_request(
        self,
        method: str | None = None,
        path: str | None = None,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - a test-facing wait
        *,
        since: int = 0,
    ) -> RecordedRequest:
        """The first answered request (from index ``since``) with ``method``, a path matching
        the regex ``path`` (searched), and ``predicate``."""
        pattern = re.compile(path) if path else None

        def matches(request: RecordedRequest) -> bool:
            return (
                request.status != 0
                and (method is None or request.method == method)
                and (pattern is None or pattern.search(request.path) is not None)
                and (predicate is None or predicate(request))
            )

        return await self.request_waiters.wait(
            matches,
            within=timeout or self.default_timeout,
            what=f"request {method or '*'} {path or '*'}",
            existing=self.requests[since:],
        )

    def check(self) -> list[str]:
        """Problems that must fail the test: unknown routes, emulator crashes, requests the
        OpenAPI description rejects."""
        return self.problems + self._openapi_problems()

    def _openapi_problems(self) -> list[str]:
        try:
            from tests.emulator import openapi_check
        except ModuleNotFoundError as exc:
            if exc.name != "tests.emulator.openapi_check":
                raise
            warnings.warn(
                "tests/emulator/openapi_check.py is missing: REST requests were not validated "
                "against Discord's OpenAPI description",
                stacklevel=2,
            )
            return []
        problems = []
        for request in self.requests:
            if request.route is None:
                continue  # already reported as an unknown route
            issues = openapi_check.validate_request(
                request.method,
                request.path,
                request.query,
                request.headers,
                request.body or None,
                request.content_type,
            )
            if issues:
                problems.append(f"{request.method} {request.path} is invalid: " + "; ".join(issues))
        return problems

    # -- REST -----------------------------------------------------------------------------

    async def _serve_attachment(self, request: web.Request) -> web.Response:
        attachment = self.attachments.get(int(request.match_info["attachment_id"]))
        if attachment is None:
            return web.Response(status=404)
        return web.Response(
            body=attachment.data, content_type=attachment.content_type or "application/octet-stream"
        )

    async def _handle_rest(self, request: web.Request) -> web.Response:
        body = await request.read()
        found = _API_PREFIX.match(request.path)
        path = found.group(2) if found else request.path
        record = RecordedRequest(
            method=request.method,
            path=path,
            query=dict(request.query),
            headers=dict(request.headers),
            body=body,
            content_type=request.headers.get("Content-Type"),
            timestamp=self.clock(),
        )
        self.requests.append(record)
        try:
            status, payload, headers = await self._process(record, found)
        finally:
            if record.status == 0:
                record.status = 500
            self.request_waiters.notify(record)
        return json_response(status, payload, headers)

    async def _process(
        self, record: RecordedRequest, found: re.Match[str] | None
    ) -> tuple[int, Any, dict[str, str]]:
        match = self.routes.match(record.method, record.path) if found else None
        if match is None or found is None or found.group(1) not in ("9", "10"):
            self.problems.append(f"unknown route: {record.method} {record.path}")
            return self._answer(record, Reply(404, {"message": "404: Not Found", "code": 0}))
        spec, params = match
        record.route, record.params = spec.template, params
        try:
            record.json, record.files = parse_body(record.body, record.content_type)
        except ApiError as exc:
            return self._answer(record, Reply(exc.status, exc.body()))
        if spec.auth and record.headers.get("Authorization") != f"Bot {self.token}":
            return self._answer(record, Reply(401, {"message": "401: Unauthorized", "code": 0}))
        delay, fault = self.faults.take(record.method, record.path)
        if delay:
            await asyncio.sleep(delay)
        if fault is not None:
            return self._fault_answer(record, spec, fault)
        verdict = self.limiter.check(
            record.method, spec.template, params, exempt_global=spec.global_exempt
        )
        if not verdict.allowed:
            return self._answer(record, _too_many(verdict), verdict.headers)
        return self._answer(record, await self._call(spec, record, params), verdict.headers)

    async def _call(
        self, spec: RouteSpec, record: RecordedRequest, params: dict[str, str]
    ) -> Reply:
        try:
            return await spec.handler(Context(self, record, params))
        except ApiError as exc:
            return Reply(exc.status, exc.body())
        except Exception:  # an emulator bug: answer 500 and fail the test
            self.problems.append(
                f"emulator crashed on {record.method} {record.path}:\n{traceback.format_exc()}"
            )
            return Reply(500, {"message": "500: Internal Server Error", "code": 0})

    def _fault_answer(
        self, record: RecordedRequest, spec: RouteSpec, fault: Fault
    ) -> tuple[int, Any, dict[str, str]]:
        record.fault = fault.kind
        headers = self.limiter.headers_for(record.method, spec.template)
        if fault.kind == "ratelimit":
            verdict = Verdict(False, headers, fault.retry_after, fault.is_global, fault.scope)
            headers["X-RateLimit-Scope"] = fault.scope
            if fault.is_global:
                headers["X-RateLimit-Global"] = "true"
            headers["Retry-After"] = str(max(1, round(fault.retry_after)))
            return self._answer(record, _too_many(verdict), headers)
        return self._answer(
            record, Reply(fault.status, {"message": fault.message, "code": fault.code}), headers
        )

    def _answer(
        self, record: RecordedRequest, reply: Reply, headers: dict[str, str] | None = None
    ) -> tuple[int, Any, dict[str, str]]:
        headers = dict(headers or {})
        record.status, record.response, record.response_headers = reply.status, reply.body, headers
        shared = headers.get("X-RateLimit-Scope") == "shared"
        if reply.status in (401, 403) or (reply.status == 429 and not shared):
            self.invalid_requests += 1
        return reply.status, reply.body, headers


def _too_many(verdict: Verdict) -> Reply:
    return Reply(
        429,
        {
            "message": "You are being rate limited.",
            "retry_after": round(verdict.retry_after, 3),
            "global": verdict.is_global,
            "code": 0,
        },
    )
