"""The pacer on a fake timeline: no second over the limit, and late wake-ups lose no throughput."""

from __future__ import annotations

import asyncio

import pytest

from bot import pacing
from bot.pacing import Pacer


class FakeTime:
    """asyncio.sleep replaced by moving a counter, optionally waking late each time."""

    def __init__(self, late_by: float = 0.0) -> None:
        self.now = 0.0
        self.late_by = late_by

    async def sleep(self, seconds: float) -> None:
        self.now += seconds + self.late_by


def max_in_any_second(times: list[float]) -> int:
    best = 0
    start = 0
    for end, moment in enumerate(times):
        while moment - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


@pytest.mark.parametrize("late_by", [0.0, 0.003])
async def test_paced_requests_stay_under_the_global_limit_at_full_rate(
    monkeypatch: pytest.MonkeyPatch, late_by: float
) -> None:
    fake = FakeTime(late_by)
    monkeypatch.setattr(pacing.asyncio, "sleep", fake.sleep)
    pacer = Pacer(48, monotonic=lambda: fake.now)
    times: list[float] = []

    async def request() -> None:
        async with pacer:
            times.append(fake.now)

    await asyncio.gather(*(request() for _ in range(1000)))
    assert max_in_any_second(times) <= 49
    rate = (len(times) - 1) / (times[-1] - times[0])
    assert rate >= 47.5, rate
    assert pacer.acquired == 1000


async def test_an_idle_pacer_banks_no_burst(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeTime()
    monkeypatch.setattr(pacing.asyncio, "sleep", fake.sleep)
    pacer = Pacer(10, monotonic=lambda: fake.now)
    await pacer.acquire()
    fake.now += 60  # a quiet minute
    times = []
    for _ in range(12):
        await pacer.acquire()
        times.append(fake.now)
    assert max_in_any_second(times) <= 11
