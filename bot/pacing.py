"""One pacing queue for every scheduled request, so a busy minute stays under Discord's limits.

Discord allows a bot 50 requests per second globally. A token bucket refilled at ``rate`` per
second with room for ``burst`` tokens lets through at most ``burst + rate`` requests in any one
second, so the default (48/s, burst 1) keeps the whole fan-out at 49 or fewer and leaves room for
the bot's other traffic, instead of firing everything at once and eating 429s. Waiters are served
in arrival order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class Pacer:
    """An async token bucket: ``async with pacer:`` before each request."""

    def __init__(
        self, rate: float, *, burst: int = 1, monotonic: Callable[[], float] | None = None
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = burst
        self._monotonic = monotonic or (lambda: asyncio.get_running_loop().time())
        self._tokens = float(burst)
        self._updated: float | None = None
        self._lock = asyncio.Lock()
        self.acquired = 0

    def _refill(self) -> None:
        now = self._monotonic()
        if self._updated is not None:
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    async def acquire(self) -> None:
        """Wait for a token; the lock keeps waiters in arrival order."""
        async with self._lock:
            self._refill()
            while self._tokens < 1:
                await asyncio.sleep((1 - self._tokens) / self.rate)
                self._refill()
            self._tokens -= 1
            self.acquired += 1

    async def __aenter__(self) -> Pacer:
        await self.acquire()
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None
