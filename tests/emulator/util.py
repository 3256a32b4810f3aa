"""Small shared pieces: snowflakes, timestamps, API errors and JSON responses."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from aiohttp import web

from tests.emulator.clock import Clock

DISCORD_EPOCH_MS = 1_420_070_400_000

#: Every response the emulator sends carries this header, as Discord's do. discord.py treats a
#: 429 without ``Via`` as a Cloudflare ban and gives up instead of retrying.
VIA = "1.1 google"

Json = dict[str, Any]


class SnowflakeFactory:
    """Makes strictly increasing snowflakes whose timestamp part follows ``clock``.

    Each id advances the timestamp by at least one millisecond, so consecutive guilds land
    on different shards (``(id >> 22) % shard_count``) the way real, spread-out ids do.
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._last_ms = 0

    def __call__(self) -> int:
        now_ms = int(self._clock() * 1000)
        self._last_ms = max(self._last_ms + 1, now_ms)
        return (self._last_ms - DISCORD_EPOCH_MS) << 22


def iso(timestamp: float) -> str:
    """Format an epoch timestamp the way Discord does (ISO 8601, UTC offset)."""
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).isoformat()


def snowflake_time(snowflake: int) -> float:
    """The epoch seconds encoded in a snowflake."""
    return ((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000


class ApiError(Exception):
    """An error response in Discord's shape: ``{"message", "code", "errors"?}``."""

    def __init__(self, status: int, code: int, message: str, errors: Json | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> Json:
        """The JSON body Discord would send."""
        body: Json = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def unknown(what: str, code: int) -> ApiError:
    """A 404 for an unknown resource, e.g. ``unknown("Channel", 10003)``."""
    return ApiError(404, code, f"Unknown {what}")


def missing_permissions() -> ApiError:
    """The 403 Discord sends when the bot lacks a permission."""
    return ApiError(403, 50013, "Missing Permissions")


def missing_access() -> ApiError:
    """The 403 Discord sends when the bot cannot see the resource at all."""
    return ApiError(403, 50001, "Missing Access")


def invalid_form(field: str, code: str, message: str) -> ApiError:
    """A 400 "Invalid Form Body" naming the offending field (dotted path)."""
    errors: Json = {"_errors": [{"code": code, "message": message}]}
    for part in reversed(field.split(".")):
        errors = {part: errors}
    return ApiError(400, 50035, "Invalid Form Body", errors)


def json_response(
    status: int, body: Any | None, headers: dict[str, str] | None = None
) -> web.Response:
    """A response whose Content-Type is exactly ``application/json``.

    aiohttp's own ``json_response`` appends ``; charset=utf-8``, which discord.py does not
    recognise as JSON, so the header is set by hand.
    """
    all_headers = {"Via": VIA}
    if headers:
        all_headers.update(headers)
    if body is None:
        return web.Response(status=status, headers=all_headers)
    all_headers["Content-Type"] = "application/json"
    return web.Response(status=status, body=json.dumps(body).encode(), headers=all_headers)


def as_int(value: Any) -> int:
    """Accept ints, numeric strings, discord.py objects with ``.value``/``.id`` and models."""
    if isinstance(value, bool):
        raise TypeError("expected an int-like value, not bool")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return int(value)
    for attr in ("value", "id"):
        inner = getattr(value, attr, None)
        if isinstance(inner, int) and not isinstance(inner, bool):
            return inner
    raise TypeError(f"cannot turn {value!r} into an int")
