"""Crash test: the bot as a real process, SIGKILLed at random points of a fan-out to 200 servers.

Each trial builds a fresh emulator world (Discord's rate limits on) with 200 servers, one channel
and one daily-prompt schedule each, all due two minutes ago (inside the grace), and seeds a fresh
database through the bot's store. Then ``python -m bot run`` starts, claims the 200 slots and
posts them through its pacer; the test SIGKILLs it 1-3 times at random points and restarts it on
the same database each time, lets the last run finish and stops it with SIGTERM. Every channel
must then hold exactly one bot message, and the ledger 200 'sent' rows naming those messages.

The first kill of a trial lands after a random number (1-190) of message-create requests; later
kills after a random share of the requests the restarted run is expected to make (it first reads
the channel history of each row an earlier run claimed, then posts what is missing), so a kill
can also land while the new run is still checking history. Odd trials turn the emulator's nonce
dedupe off (as when a restart comes after Discord's few-minute nonce window): there only the
bot's own ledger and history check stand between a crash and a double post.

Trials run a few at a time, each with its own emulator (so each has Discord's whole 50/s), to
keep the test near a minute. Seeded: ``CRASH_FANOUT_SEED`` replays another set of kill points.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.emulator.models import Channel
from tests.emulator.recorder import RecordedRequest
from tests.emulator.server import Emulator
from tests.fanout_world import (
    MESSAGE_ROUTE,
    BotProcess,
    build_servers,
    channels_with_posts,
    ledger_counts,
    ledger_message_ids,
    past_slot,
    per_channel_counts,
    seed_schedules,
    write_config,
)

SERVERS = 200
TRIALS = 10
CONCURRENT_TRIALS = 3
SEED = int(os.environ.get("CRASH_FANOUT_SEED", "20261123"))
RUN_TIMEOUT = 60.0  # seconds one bot run may take to reach its kill point or to finish


@dataclass
class Plan:
    """A trial's random choices, drawn up front so concurrent trials stay reproducible."""

    kills: int
    first_kill_post: int
    later_shares: list[float]
    nonce_dedupe: bool


@dataclass
class TrialResult:
    index: int
    plan: Plan
    kill_points: list[str] = field(default_factory=list)
    missed: int = 0
    duplicates: int = 0
    post_requests: int = 0
    history_requests: int = 0
    too_many: int = 0
    global_too_many: int = 0
    ledger: dict[str, int] = field(default_factory=dict)
    ledger_mismatch: int = 0
    exit_code: int | None = None
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        nonce = "on " if self.plan.nonce_dedupe else "off"
        return (
            f"trial {self.index:2d} nonce-dedupe {nonce} kills [{'; '.join(self.kill_points)}]"
            f" -> missed {self.missed}, duplicates {self.duplicates}, ledger {self.ledger},"
            f" POSTs {self.post_requests}, history reads {self.history_requests},"
            f" 429s {self.too_many} (global {self.global_too_many}), exit {self.exit_code},"
            f" {self.seconds:.1f}s"
        )

    @property
    def ok(self) -> bool:
        return (
            self.missed == 0
            and self.duplicates == 0
            and self.ledger == {"sent": SERVERS}
            and self.ledger_mismatch == 0
            and self.exit_code == 0
            and not self.problems
        )


def make_plan(index: int) -> Plan:
    rng = random.Random(f"{SEED}:{index}")
    kills = rng.randint(1, 3)
    return Plan(
        kills=kills,
        first_kill_post=rng.randint(1, 190),
        later_shares=[rng.random() for _ in range(kills - 1)],
        nonce_dedupe=index % 2 == 0,
    )


def is_post(request: RecordedRequest) -> bool:
    return request.method == "POST" and request.route == MESSAGE_ROUTE


def is_fanout(request: RecordedRequest) -> bool:
    """A history read or a post: what a restarted run does for each open row."""
    return request.route == MESSAGE_ROUTE and request.method in ("GET", "POST")


async def wait_for_nth(
    emu: Emulator,
    bot: BotProcess,
    database: Path,
    since: int,
    matches: Callable[[RecordedRequest], bool],
    n: int,
) -> bool:
    """True once the ``n``-th matching request from index ``since`` is answered; False when the
    run finished everything first. Fails when the bot exits on its own or nothing happens."""
    seen = 0

    def nth(request: RecordedRequest) -> bool:
        nonlocal seen
        if matches(request):
            seen += 1
        return seen >= n

    async def finished() -> None:
        # Another process writes the ledger: there is nothing to wait on but the file.
        while ledger_counts(database).get("sent", 0) < SERVERS:  # noqa: ASYNC110
            await asyncio.sleep(0.25)

    waits = {
        asyncio.ensure_future(
            emu.wait_for_request(predicate=nth, since=since, timeout=RUN_TIMEOUT)
        ): "reached",
        asyncio.ensure_future(finished()): "finished",
        asyncio.ensure_future(bot.process.wait()): "exited",
    }
    try:
        done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in waits:
            task.cancel()
    task = done.pop()
    outcome = waits[task]
    if outcome == "exited":
        raise AssertionError(f"the bot exited by itself ({bot.process.returncode}):\n{bot.tail()}")
    task.result()  # a timeout in the request wait surfaces here
    return outcome == "reached"


async def wait_until_done(
    emu: Emulator, bot: BotProcess, database: Path, channels: list[Channel]
) -> None:
    deadline = time.monotonic() + RUN_TIMEOUT
    while (
        ledger_counts(database).get("sent", 0) < SERVERS
        or channels_with_posts(emu, channels) < SERVERS
    ):
        if bot.process.returncode is not None:
            raise AssertionError(f"the bot exited by itself:\n{bot.tail()}")
        if time.monotonic() > deadline:
            raise AssertionError(
                f"not finished after {RUN_TIMEOUT}s: ledger {ledger_counts(database)},"
                f" {channels_with_posts(emu, channels)} channels posted\n{bot.tail()}"
            )
        await asyncio.sleep(0.25)


async def run_trial(index: int, base: Path) -> TrialResult:
    plan = make_plan(index)
    result = TrialResult(index, plan)
    started = time.monotonic()
    directory = base / f"trial-{index:02d}"
    directory.mkdir()
    emu = Emulator(rate_limits=True, nonce_ttl=300.0 if plan.nonce_dedupe else 0.0)
    await emu.start()
    bots: list[BotProcess] = []
    try:
        channels = build_servers(emu, SERVERS, prefix=f"t{index}")
        database = directory / "bot.sqlite3"
        await seed_schedules(database, channels, past_slot(datetime.now(UTC)))
        config = write_config(directory, emu, database)
        log = directory / "bot.log"

        for kill_no in range(plan.kills):
            since = len(emu.requests)
            bot = await BotProcess.start(config, emu, log)
            bots.append(bot)
            if kill_no == 0:
                matches, n, what = is_post, plan.first_kill_post, "POSTs"
            else:
                # What this run has to do: a history read per row an earlier run left claimed,
                # then a post per channel still empty.
                open_rows = SERVERS - ledger_counts(database).get("sent", 0)
                empty = SERVERS - channels_with_posts(emu, channels)
                expected = open_rows + empty
                n = max(1, round(plan.later_shares[kill_no - 1] * expected))
                matches, what = is_fanout, f"of ~{expected} reads+POSTs"
            if await wait_for_nth(emu, bot, database, since, matches, n):
                await bot.kill()
                posted = channels_with_posts(emu, channels)
                result.kill_points.append(f"run {kill_no + 1}: after {n} {what} ({posted} posted)")
            else:
                result.kill_points.append(f"run {kill_no + 1}: finished before {n} {what}")
                break
        else:
            bot = await BotProcess.start(config, emu, log)
            bots.append(bot)
        await wait_until_done(emu, bot, database, channels)
        # Anything still queued (a stray second post) gets out before a clean exit.
        result.exit_code = await bot.terminate()

        counts = per_channel_counts(emu, channels)
        result.missed = sum(1 for c in channels if counts[c.id] == 0)
        result.duplicates = sum(1 for c in channels if counts[c.id] > 1)
        result.post_requests = sum(1 for r in emu.requests if is_post(r))
        result.history_requests = sum(
            1 for r in emu.requests if r.route == MESSAGE_ROUTE and r.method == "GET"
        )
        too_many = [r for r in emu.requests if r.status == 429]
        result.too_many = len(too_many)
        result.global_too_many = sum(
            1 for r in too_many if isinstance(r.response, dict) and r.response.get("global")
        )
        result.ledger = ledger_counts(database)
        recorded = ledger_message_ids(database)
        posted_ids = {c.id: [m.id for m in emu.messages(c)] for c in channels}
        result.ledger_mismatch = sum(
            1 for c in channels if posted_ids[c.id] != [recorded.get(c.id)]
        )
        result.problems = emu.check()
    finally:
        for bot in bots:
            await bot.kill()
        await emu.close()
        result.seconds = time.monotonic() - started
    return result


@pytest.mark.timeout(600)
async def test_sigkill_during_fanout_never_loses_or_doubles_a_post(tmp_path: Path) -> None:
    gate = asyncio.Semaphore(CONCURRENT_TRIALS)

    async def one(index: int) -> TrialResult:
        async with gate:
            return await run_trial(index, tmp_path)

    started = time.monotonic()
    # Every trial runs to its end (and kills its processes) even when another one fails.
    outcomes = await asyncio.gather(*(one(i) for i in range(TRIALS)), return_exceptions=True)
    results = [r for r in outcomes if isinstance(r, TrialResult)]
    errors = [(i, e) for i, e in enumerate(outcomes) if isinstance(e, BaseException)]
    report = "\n".join(r.line() for r in results)
    report += "".join(f"\ntrial {i:2d} did not finish: {e}" for i, e in errors)
    print(f"\ncrash fan-out, seed {SEED}, {time.monotonic() - started:.1f}s:\n{report}")
    failed = [r for r in results if not r.ok]
    details = "\n".join(f"trial {r.index}: {r.problems}" for r in failed if r.problems)
    assert not failed and not errors, f"exactly-once broken (seed {SEED}):\n{report}\n{details}"
