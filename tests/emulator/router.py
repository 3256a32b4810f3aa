"""The REST route table: templates like ``/channels/{channel_id}/messages`` -> handlers."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tests.emulator.recorder import RecordedRequest
from tests.emulator.state import Upload
from tests.emulator.util import ApiError, Json, invalid_form

if TYPE_CHECKING:
    from tests.emulator.server import Emulator


@dataclass
class Reply:
    """A handler's answer: status and JSON body (None for 204)."""

    status: int
    body: Any = None


def ok(body: Any) -> Reply:
    """200 with a JSON body."""
    return Reply(200, body)


def no_content() -> Reply:
    """204 No Content."""
    return Reply(204)


@dataclass
class Context:
    """What a handler gets: the emulator, the recorded request and the path parameters."""

    emu: Emulator
    request: RecordedRequest
    params: dict[str, str]

    def id(self, name: str) -> int:
        """A snowflake path parameter (``@me`` means the bot)."""
        raw = self.params[name]
        if raw == "@me":
            return self.emu.bot.id
        if not raw.isdigit():
            raise invalid_form(name, "NUMBER_TYPE_COERCE", f'Value "{raw}" is not snowflake.')
        return int(raw)

    @property
    def body(self) -> Json:
        """The JSON body (or multipart ``payload_json``) as a dict; {} when absent."""
        data = self.request.json
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise ApiError(400, 50109, "The request body contains invalid JSON.")
        return data

    @property
    def uploads(self) -> list[Upload]:
        """Files of a multipart body."""
        return self.request.files

    @property
    def query(self) -> dict[str, str]:
        """Query parameters."""
        return self.request.query


Handler = Callable[[Context], Awaitable[Reply]]


@dataclass
class RouteSpec:
    """One route: method, template, handler and how auth and the global limit apply."""

    method: str
    template: str
    handler: Handler
    auth: bool = True
    global_exempt: bool = False
    regex: re.Pattern[str] = field(init=False)
    literals: int = field(init=False)

    def __post_init__(self) -> None:
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.template))
        self.regex = re.compile(f"^{pattern}$")
        self.literals = sum(1 for part in self.template.split("/") if part and "{" not in part)


class RouteTable:
    """Routes in registration order; the most literal template wins (``@me``, ``@original``)."""

    def __init__(self) -> None:
        self.routes: list[RouteSpec] = []

    def add(
        self, method: str, template: str, *, auth: bool = True, global_exempt: bool = False
    ) -> Callable[[Handler], Handler]:
        """Decorator registering a handler."""

        def register(handler: Handler) -> Handler:
            self.routes.append(RouteSpec(method, template, handler, auth, global_exempt))
            return handler

        return register

    def match(self, method: str, path: str) -> tuple[RouteSpec, dict[str, str]] | None:
        """The route for ``method path`` and its parameters, or None when unknown."""
        best: tuple[RouteSpec, dict[str, str]] | None = None
        for spec in self.routes:
            if spec.method != method:
                continue
            found = spec.regex.match(path)
            if found and (best is None or spec.literals > best[0].literals):
                best = (spec, found.groupdict())
        return best

    def extend(self, other: RouteTable) -> None:
        """Add every route of ``other``."""
        self.routes.extend(other.routes)
