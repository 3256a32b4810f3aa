"""The schedule preview: the engine's picks replayed without writing, in local time."""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.content.pickers import pick_unused
from bot.preview import (
    PreviewError,
    format_local,
    open_read_only,
    preview_slots,
    upcoming_slots,
)
from bot.slots import Slot, next_slots, slot_for_date
from bot.store import Store
from bot.store.schedules import NewSchedule, Schedule

ROOT = Path(__file__).resolve().parents[1]
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)  # a Friday; London springs forward on Sun 29 Mar


def slots(start: date, days: int) -> list[Slot]:
    return [slot_for_date(start + timedelta(days=i), time(0), LONDON) for i in range(days)]


def engine_picks(schedule_id: int, days: list[date], pool: list[str], used: set[str]) -> list[str]:
    """What the engine does, slot after slot: pick with the slot's seed, then record the pick."""
    picks: list[str] = []
    seen = set(used)
    for day in days:
        result = pick_unused(pool, seen, random.Random(f"{schedule_id}:{day.isoformat()}"))
        seen = {result.id} if result.restarted else seen | {result.id}
        picks.append(result.id)
    return picks


def test_preview_replays_the_engine_picks() -> None:
    pool = [f"p{i}" for i in range(10)]
    upcoming = slots(date(2026, 3, 27), 14)
    shown = preview_slots(7, upcoming, pool, {"p1", "p2"})
    assert [s.item_id for s in shown] == engine_picks(
        7, [s.local_date for s in upcoming], pool, {"p1", "p2"}
    )


def test_no_item_repeats_until_the_pool_is_used_up_then_the_restart_is_marked() -> None:
    pool = ["a", "b", "c"]
    shown = preview_slots(1, slots(date(2026, 3, 27), 5), pool, {"a"})
    ids = [s.item_id for s in shown]
    assert sorted(ids[:2]) == ["b", "c"]
    assert [s.restarts_cycle for s in shown] == [False, False, True, False, False]
    assert len(set(ids[2:5])) == 3


def test_the_preview_does_not_touch_the_used_set() -> None:
    used = {"a"}
    preview_slots(1, slots(date(2026, 3, 27), 3), ["a", "b"], used)
    assert used == {"a"}


def test_a_skipped_day_posts_nothing_and_picks_nothing() -> None:
    upcoming = slots(date(2026, 3, 27), 3)
    shown = preview_slots(1, upcoming, ["a", "b", "c"], set(), skip_date=date(2026, 3, 28))
    assert shown[1].skipped and shown[1].item_id is None
    assert [s.item_id for s in shown if not s.skipped] == engine_picks(
        1, [date(2026, 3, 27), date(2026, 3, 29)], ["a", "b", "c"], set()
    )


def test_an_empty_pool_shows_nothing_to_post() -> None:
    shown = preview_slots(1, slots(date(2026, 3, 27), 2), [], set())
    assert [s.item_id for s in shown] == [None, None]
    assert not any(s.skipped for s in shown)


def schedule(**changes: object) -> Schedule:
    values: dict[str, object] = {
        "id": 3,
        "guild_id": 1,
        "kind": "daily-prompt",
        "channel_id": 2,
        "local_time": "09:00",
        "timezone": "Europe/London",
        "weekdays": None,
        "types": None,
        "starter_format": None,
        "max_depth": 2,
        "thread": False,
        "ping_role_id": None,
        "pin": False,
        "cycle": 1,
        "next_fire_at": datetime(2026, 3, 28, 9, 0, tzinfo=UTC),
        "skip_date": None,
        "paused_reason": None,
        "paused_by": None,
        "last_message_id": None,
        "low_pool_warned_cycle": 0,
        "removed": False,
    }
    values.update(changes)
    return Schedule(**values)  # type: ignore[arg-type]


def test_slots_follow_the_local_clock_across_daylight_saving() -> None:
    shown = upcoming_slots(schedule(), NOW, 3)
    assert [format_local(s.fire_at, LONDON) for s in shown] == [
        "Sat 28 Mar 09:00 GMT",
        "Sun 29 Mar 09:00 BST",
        "Mon 30 Mar 09:00 BST",
    ]
    assert shown[1].fire_at == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)


def test_an_active_schedule_starts_at_its_next_unclaimed_slot() -> None:
    # Today's 09:00 slot is still unclaimed (the bot catches up): it is shown first.
    due = schedule(next_fire_at=datetime(2026, 3, 27, 9, 0, tzinfo=UTC))
    assert upcoming_slots(due, NOW, 1)[0].local_date == date(2026, 3, 27)
    # post-now moved today's slot earlier: tomorrow is next.
    moved = schedule(next_fire_at=datetime(2026, 3, 28, 9, 0, tzinfo=UTC))
    assert upcoming_slots(moved, NOW, 1)[0].local_date == date(2026, 3, 28)


def test_a_paused_schedule_shows_what_resuming_now_would_post() -> None:
    paused = schedule(
        next_fire_at=datetime(2026, 3, 20, 9, 0, tzinfo=UTC),
        paused_reason="by a moderator",
        paused_by="moderator",
    )
    shown = upcoming_slots(paused, NOW, 2)
    assert [s.local_date for s in shown] == [date(2026, 3, 28), date(2026, 3, 29)]


def test_weekdays_are_honoured() -> None:
    weekly = schedule(weekdays=frozenset({0, 2, 4}))
    shown = upcoming_slots(weekly, NOW, 7)
    assert [s.local_date.weekday() for s in shown] == [0, 2, 4]


# -- python -m bot preview -------------------------------------------------------------------


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Path]:
    path = tmp_path / "data" / "bot.sqlite3"
    store = await Store.open(path)
    daily = NewSchedule(
        guild_id=11,
        kind="daily-prompt",
        channel_id=22,
        local_time="09:00",
        timezone="Europe/London",
        types=("emotional",),
    )
    first = next_slots(datetime.now(UTC), time(9), LONDON, None, 1)[0].fire_at
    await store.create_schedule(daily, first)
    starter = NewSchedule(
        guild_id=11,
        kind="starter",
        channel_id=23,
        local_time="18:30",
        timezone="America/New_York",
        weekdays=frozenset({4}),
        starter_format="respectful-debate",
    )
    paused = await store.create_schedule(starter, datetime(2030, 1, 4, 23, 30, tzinfo=UTC))
    await store.pause_schedule(paused.id, "I'm missing a permission there", "error")
    await store.close()
    yield path


def run_preview(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    environ["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", "preview", "--config", str(config), *args],
        cwd=config.parent,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_cli_prints_each_schedule_in_local_time_and_writes_nothing(
    database: Path, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[storage]\ndatabase = 'data/bot.sqlite3'\n", encoding="utf-8")
    before = digest(database)
    result = run_preview(config, "--days", "3")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "2 schedule(s)" in out
    assert "schedule #1 · daily-prompt (emotional, depth <= 2)" in out
    # Three days of the daily schedule, each at 09:00 London time, each with a prompt id.
    daily = out.split("schedule #2")[0]
    assert daily.count(" 09:00 GMT: ") + daily.count(" 09:00 BST: ") == 3
    assert "(emo-" in daily
    assert "paused: I'm missing a permission there; if resumed now it would post:" in out
    assert digest(database) == before


def test_cli_without_a_database_says_so(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[storage]\ndatabase = 'nothing.sqlite3'\n", encoding="utf-8")
    result = run_preview(config)
    assert result.returncode == 1
    assert "there is no database at" in result.stderr
    assert not (tmp_path / "nothing.sqlite3").exists()


def test_cli_refuses_a_bad_day_count(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    result = run_preview(config, "--days", "0")
    assert result.returncode == 2
    assert "--days must be a whole number from 1 to 60" in result.stderr


async def test_read_only_store_refuses_writes(database: Path) -> None:
    store = await open_read_only(database)
    try:
        assert [s.id for s in await store.all_schedules()] == [1, 2]
        with pytest.raises(Exception, match="readonly"):
            await store.remove_schedule(1, NOW)
    finally:
        await store.close()


async def test_read_only_store_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    path.write_bytes(b"")
    with pytest.raises(PreviewError, match="not a database this bot can read"):
        await open_read_only(path)
