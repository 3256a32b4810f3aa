"""Faults a test can inject into REST: 429 storms, 5xx and other errors, slow responses."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass
class Fault:
    """One injected fault; ``remaining=None`` means it never runs out."""

    kind: str  # "ratelimit", "status" or "delay"
    pattern: re.Pattern[str]
    method: str | None
    remaining: int | None
    status: int = 0
    code: int = 0
    message: str = ""
    retry_after: float = 0.0
    is_global: bool = False
    scope: str = "user"
    seconds: float = 0.0
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        """Whether this fault applies to ``method path`` and has uses left."""
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.method is not None and self.method != method:
            return False
        return self.pattern.search(path) is not None

    def consume(self) -> None:
        """Count one use."""
        self.hits += 1
        if self.remaining is not None:
            self.remaining -= 1


class FaultInjector:
    """Registry of active faults. ``path`` arguments are regexes searched in the API path
    (without the ``/api/v10`` prefix), e.g. ``r"^/channels/\\d+/messages$"``."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def rate_limit(
        self,
        path: str,
        *,
        method: str | None = None,
        count: int = 1,
        retry_after: float = 0.05,
        is_global: bool = False,
        scope: str = "user",
    ) -> Fault:
        """The next ``count`` matching requests get 429 with ``retry_after`` seconds."""
        return self._add(
            Fault(
                "ratelimit",
                re.compile(path),
                method,
                count,
                status=429,
                retry_after=retry_after,
                is_global=is_global,
                scope=scope,
            )
        )

    def server_error(
        self, path: str, *, method: str | None = None, count: int = 1, status: int = 500
    ) -> Fault:
        """The next ``count`` matching requests fail with ``status`` (5xx)."""
        return self.error(
            path,
            status=status,
            code=0,
            message=f"{status}: Internal Server Error",
            method=method,
            count=count,
        )

    def error(
        self,
        path: str,
        *,
        status: int,
        code: int,
        message: str,
        method: str | None = None,
        count: int | None = 1,
    ) -> Fault:
        """The next ``count`` matching requests get this Discord error (None = all)."""
        return self._add(
            Fault(
                "status", re.compile(path), method, count, status=status, code=code, message=message
            )
        )

    def delay(
        self, path: str, seconds: float, *, method: str | None = None, count: int | None = None
    ) -> Fault:
        """Matching requests are answered only after ``seconds`` (real time)."""
        return self._add(Fault("delay", re.compile(path), method, count, seconds=seconds))

    def clear(self) -> None:
        """Remove every fault."""
        self.faults.clear()

    def take(self, method: str, path: str) -> tuple[float, Fault | None]:
        """Consume the faults for one request: total delay, then the failing fault (if any)."""
        delay = 0.0
        failing: Fault | None = None
        for fault in self.faults:
            if not fault.matches(method, path):
                continue
            if fault.kind == "delay":
                fault.consume()
                delay += fault.seconds
            elif failing is None:
                fault.consume()
                failing = fault
        return delay, failing

    def _add(self, fault: Fault) -> Fault:
        self.faults.append(fault)
        return fault
