"""One pacing queue for every scheduled request, so a busy minute stays under Discord's limits.

Discord allows a bot 50 requests per second globally. The pacer spaces requests ``1/rate`` apart
on an absolute timetable (the "theoretical arrival time" of the generic cell rate algorithm): a
late wake-up shortens the next wait instead of being lost, so the long-run rate is exactly
``rate``, and no second ever holds more than ``rate + 1`` requests. The default (48/s) keeps the
whole fan-out at 49 or fewer per second instead of firing everything at once and eating 429s.
Waiters are served in arrival order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class Pacer:
    """``async with pacer:`` before each request; at most ``rate`` per second on average."""

    def __init__(self, rate: float, *, monotonic: Callable[[], float] | None = None) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.interval = 1.0 / rate
        self._monotonic = monotonic or (lambda: asyncio.get_running_loop().time())
        self._next_at: float | None = None
        self._lock = asyncio.Lock()
        self.acquired = 0

    async def acquire(self) -> None:
        """Wait for this request's turn; the lock keeps waiters in arrival order."""
        async with self._lock:
            now = self._monotonic()
            # An idle pacer does not bank credit: its timetable restarts at "now".
            due = now if self._next_at is None or self._next_at < now else self._next_at
            if due > now:
                await asyncio.sleep(due - now)
            self._next_at = due + self.interval
            self.acquired += 1

    async def __aenter__(self) -> Pacer:
        await self.acquire()
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None
