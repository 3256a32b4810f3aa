"""Benchmark: one slot fanned out to N servers through the emulator with Discord's limits on.

Run from the repository root (a script, not a test):

    .venv/bin/python benchmarks/fanout_bench.py                 # 10,000 servers, ~3.5 minutes
    .venv/bin/python benchmarks/fanout_bench.py --servers 500   # quick mode, ~15 s of fan-out

Scenario: the emulator runs in this process with Discord's rate limits (global 50 requests/s,
5 messages per 5 s per channel); N servers, each with one #prompts channel. The bot runs as an
operator runs it: ``python -m bot run --config ...`` in its own process, real clock, default
pacing (48/s) unless ``--pacing`` says otherwise. Once it is connected and has every server, N
daily-prompt schedules are created through the bot's store, all for the same slot: the first whole
minute at least ``--lead`` seconds ahead. At that minute the bot's own trigger claims the N slots
and posts them through its pacer. The clock starts at the slot's instant.

Printed: message-create requests per second (median over whole 1-s buckets and overall), 429s
(global and any), lost (channels with no post), duplicates (channels with more than one), time
from the slot to the first and the last post, the ledger by status, and the CPU time each side
used. Target (issue 4): >= 47.5 requests/s, 0 global 429s, 0 lost, 0 duplicates.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.emulator.recorder import RecordedRequest
from tests.emulator.server import Emulator
from tests.fanout_world import (
    MESSAGE_ROUTE,
    BotProcess,
    SlotChoice,
    build_servers,
    create_database,
    ledger_counts,
    next_slot,
    per_channel_counts,
    seed_schedules,
    write_config,
)

TARGET_RATE = 47.5


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a live process (Linux /proc), None when unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / 100.0


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def wait_for_ready(emu: Emulator, bot: BotProcess, servers: int, limit: float) -> float:
    """Seconds until the bot identified and the emulator sent it every server's GUILD_CREATE."""
    started = time.monotonic()
    while True:
        sent = sum(1 for f in emu.gateway.frames if f.direction == "out" and f.t == "GUILD_CREATE")
        if sent >= servers:
            return time.monotonic() - started
        if bot.process.returncode is not None:
            raise SystemExit(f"the bot exited ({bot.process.returncode}):\n{bot.tail()}")
        if time.monotonic() - started > limit:
            raise SystemExit(f"the bot did not connect within {limit:.0f}s:\n{bot.tail()}")
        await asyncio.sleep(0.2)


async def wait_for_fanout(
    emu: Emulator, bot: BotProcess, database: Path, servers: int, limit: float
) -> bool:
    """True once every channel has a post and the ledger has every row sent (or failed)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if bot.process.returncode is not None:
            print(f"!! the bot exited ({bot.process.returncode}):\n{bot.tail()}")
            return False
        counts = ledger_counts(database)
        if counts.get("sent", 0) + counts.get("failed", 0) >= servers:
            return True
        await asyncio.sleep(1.0)
    return False


def claims_done_at(log_text: str) -> float | None:
    """When the bot's tick had claimed every due slot: its "tick: N to post" line (local time)."""
    for line in log_text.splitlines():
        if "bot.scheduling: tick:" in line:
            stamp = datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
            return stamp.timestamp()  # naive = local time, as the log writes it
    return None


def is_create(request: RecordedRequest) -> bool:
    return request.method == "POST" and request.route == MESSAGE_ROUTE


def report(
    emu: Emulator,
    servers: int,
    slot: SlotChoice,
    counts: Counter[int],
    ledger: dict[str, int],
    extras: dict[str, str],
) -> bool:
    t0 = slot.fire_at.timestamp()
    creates = [r for r in emu.requests if is_create(r)]
    ok_creates = [r for r in creates if 200 <= r.status < 300]
    after = [r for r in emu.requests if r.timestamp >= t0]
    too_many = [r for r in emu.requests if r.status == 429]
    global_429 = [r for r in too_many if isinstance(r.response, dict) and r.response.get("global")]
    lost = sum(1 for n in counts.values() if n == 0)
    duplicates = sum(1 for n in counts.values() if n > 1)

    lines = [f"fan-out benchmark: {servers:,} servers, one slot", ""]
    lines += [f"  {key:<34} {value}" for key, value in extras.items()]
    lines.append(
        f"  {'slot':<34} {slot.local_time} {slot.timezone} = {slot.fire_at:%Y-%m-%d %H:%M:%S} UTC"
    )
    rate_ok = False
    if ok_creates:
        first, last = ok_creates[0].timestamp, ok_creates[-1].timestamp
        span = last - first
        buckets = Counter(int(r.timestamp - first) for r in creates)
        all_buckets = Counter(int(r.timestamp - first) for r in after if r.timestamp >= first)
        whole = [buckets.get(i, 0) for i in range(int(span))]  # the last, partial second left out
        median = statistics.median(whole) if whole else float(len(creates))
        overall = (len(ok_creates) - 1) / span if span > 0 else float("nan")
        rate_ok = median >= TARGET_RATE and overall >= TARGET_RATE
        slow = [(i, n) for i, n in enumerate(whole) if n < TARGET_RATE]
        busiest = max(all_buckets.values()) if all_buckets else 0
        lines += [
            f"  {'first post after the slot':<34} {first - t0:.2f} s",
            f"  {'last post after the slot':<34} {last - t0:.2f} s",
            f"  {'message-create requests':<34} {len(creates):,}"
            f" ({len(ok_creates):,} answered 2xx)",
            f"  {'requests/s, median of 1-s buckets':<34} {median:.1f}"
            f"  (min {min(whole) if whole else 0}, max {max(whole) if whole else 0},"
            f" {len(whole)} whole seconds)",
            f"  {'seconds under the target':<34} {len(slow)}"
            + (
                " (second after first post: requests "
                + ", ".join(f"{i}: {n}" for i, n in slow[:8])
                + (", ..." if len(slow) > 8 else "")
                + ")"
                if slow
                else ""
            ),
            f"  {'requests/s, overall first->last':<34} {overall:.2f}",
            f"  {'requests/s, slot->last post':<34} {len(ok_creates) / (last - t0):.2f}",
            f"  {'busiest second, any request':<34} {busiest}",
        ]
    else:
        lines.append("  no message was created")
    other = Counter(f"{r.method} {r.route}" for r in after if not is_create(r))
    lines += [
        f"  {'other requests after the slot':<34} "
        + (", ".join(f"{k} x{v}" for k, v in other.most_common()) or "none"),
        f"  {'429s: global / any':<34} {len(global_429)} / {len(too_many)}",
        f"  {'lost (channels with no post)':<34} {lost}",
        f"  {'duplicates (channels with >1)':<34} {duplicates}",
        f"  {'ledger':<34} {dict(sorted(ledger.items()))}",
    ]
    passed = rate_ok and not global_429 and lost == 0 and duplicates == 0
    lines += [
        "",
        f"  target: >= {TARGET_RATE} requests/s, 0 global 429s, 0 lost, 0 duplicates"
        f" -> {'MET' if passed else 'MISSED'}",
    ]
    print("\n".join(lines), flush=True)
    return passed


async def run(args: argparse.Namespace, workdir: Path) -> int:
    database = workdir / "bot.sqlite3"
    emu = Emulator(rate_limits=True, interaction_deadline=None)
    await emu.start()
    bot: BotProcess | None = None
    try:
        started = time.monotonic()
        channels = build_servers(emu, args.servers)
        built = time.monotonic() - started
        # The database exists, migrated and empty, before the bot first opens it.
        await create_database(database)
        config = write_config(workdir, emu, database, pacing_per_second=args.pacing)
        bot = await BotProcess.start(config, emu, workdir / "bot.log")
        connect_s = await wait_for_ready(emu, bot, args.servers, limit=600)
        # discord.py fires on_ready once no GUILD_CREATE came for 2 s; give it that and more.
        await asyncio.sleep(5)

        started = time.monotonic()
        slot = next_slot(datetime.now(UTC), args.servers / 500 + args.lead)
        await seed_schedules(database, channels, slot)
        seeded = time.monotonic() - started
        wait = slot.fire_at.timestamp() - time.time()
        if wait < 1:
            raise SystemExit(f"seeding took {seeded:.0f}s and ran past the slot: raise --lead")
        print(
            f"{args.servers:,} servers built in {built:.1f}s, bot connected in {connect_s:.1f}s,"
            f" schedules created in {seeded:.1f}s; slot in {wait:.0f}s ({slot.fire_at:%H:%M} UTC)"
            f"; bot log {bot.log_path}",
            flush=True,
        )
        bot_cpu_before = cpu_seconds(bot.pid) or 0.0
        emu_cpu_before = own_cpu_seconds()
        await asyncio.sleep(max(0.0, wait))
        limit = args.servers / 30 + 120
        finished = await wait_for_fanout(emu, bot, database, args.servers, limit)
        bot_cpu = (cpu_seconds(bot.pid) or 0.0) - bot_cpu_before
        emu_cpu = own_cpu_seconds() - emu_cpu_before
        if not finished:
            print(f"!! not finished within {limit:.0f}s after the slot")
        await asyncio.sleep(1)  # anything stray lands before counting
        exit_code = await bot.terminate()
        counts = per_channel_counts(emu, channels)
        ledger = ledger_counts(database)
        checked = time.monotonic()
        problems = emu.check() if args.check_requests else []
        check_s = time.monotonic() - checked
        claimed = claims_done_at(bot.log_text())
        extras = {
            "bot": f"python -m bot run (pid {bot.pid}), pacing "
            f"{args.pacing if args.pacing is not None else 'default (48/s)'}, exit {exit_code}",
            "CPU during the fan-out": f"bot {bot_cpu:.1f} s, emulator {emu_cpu:.1f} s",
            "every slot claimed after the slot": "not logged"
            if claimed is None
            else f"{claimed - slot.fire_at.timestamp():.2f} s (claims overlap the posting)",
        }
        if args.check_requests:
            extras["emulator problems (OpenAPI etc.)"] = (
                f"{len(problems)} (checked in {check_s:.0f}s)"
            )
        passed = report(emu, args.servers, slot, counts, ledger, extras)
        for problem in problems[:5]:
            print(f"  problem: {problem[:300]}")
        return 0 if passed and finished and not problems else 1
    finally:
        if bot is not None:
            await bot.kill()
        await emu.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", type=int, default=10_000, help="servers (default 10,000)")
    parser.add_argument(
        "--pacing", type=float, default=None, help="pacing_per_second for the bot (default: 48)"
    )
    parser.add_argument(
        "--lead", type=float, default=15.0, help="seconds between seeding and the slot, at least"
    )
    parser.add_argument("--dir", default=None, help="work directory (default: a new temp dir)")
    parser.add_argument(
        "--no-check",
        dest="check_requests",
        action="store_false",
        help="skip validating every request against Discord's OpenAPI description",
    )
    args = parser.parse_args()
    workdir = Path(args.dir or tempfile.mkdtemp(prefix="fanout-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if (workdir / "bot.sqlite3").exists():
        raise SystemExit(f"{workdir / 'bot.sqlite3'} exists: pick an empty --dir")
    return asyncio.run(run(args, workdir))


if __name__ == "__main__":
    sys.exit(main())
