"""Clocks the emulator reads time from, so tests can move time instead of sleeping."""

from __future__ import annotations

import time
from collections.abc import Callable

#: A clock returns seconds since the Unix epoch (rate-limit resets are reported as epochs).
Clock = Callable[[], float]


def system_clock() -> float:
    """The real wall clock."""
    return time.time()


class FakeClock:
    """A manual clock: time stands still until the test calls :meth:`advance`."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds``."""
        self.now += seconds
