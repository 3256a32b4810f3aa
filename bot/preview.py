"""What a schedule would post when: simulated, without posting and without claiming anything.

The engine picks each slot's item with ``pick_unused(pool, used, Random(f"{id}:{local date}"))``
and, when the pool is exhausted, starts a new no-repeat cycle holding only that pick. The preview
replays exactly that over the coming slots on a copy of the used set, so what it shows is what
will be posted as long as nobody changes the schedule or the server's prompts in between.

``preview_slots`` is pure; ``preview_schedule`` gathers the pool and the used set (read-only) for
it. ``/schedule preview`` and ``python -m bot preview`` both render the result.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO, cast
from zoneinfo import ZoneInfo

import aiosqlite

from bot.content.library import ContentLibrary
from bot.content.pickers import pick_unused
from bot.posts import UnknownItem, pool_for, resolve_item
from bot.slots import Slot, format_weekdays, next_slots, parse_hhmm, slots_between
from bot.store import Store
from bot.store.base import discover_migrations
from bot.store.schedules import Schedule

if TYPE_CHECKING:
    from bot.client import CommunityBot
    from bot.config import Settings

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class PreviewSlot:
    """One upcoming slot and what it would post.

    ``item_id`` is None when nothing would be posted: the slot is skipped, or no item matches.
    ``restarts_cycle`` marks the pick that begins a new no-repeat round (prompts repeat from here).
    """

    local_date: date
    fire_at: datetime
    item_id: str | None
    skipped: bool = False
    restarts_cycle: bool = False


@dataclass(frozen=True, slots=True)
class SchedulePreview:
    """A schedule's next days, with the item text resolved where possible."""

    schedule: Schedule
    slots: tuple[PreviewSlot, ...]
    texts: dict[str, str]
    pool_size: int
    unused: int


def format_local(moment: datetime, zone: ZoneInfo) -> str:
    """An instant as the schedule's local wall time, e.g. "Mon 23 Nov 09:00 GMT".

    Day and month names are spelled out here rather than by ``strftime``, which follows the
    process locale.
    """
    local = moment.astimezone(zone)
    return (
        f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} "
        f"{local:%H:%M} {local.tzname()}"
    )


def format_date(day: date) -> str:
    """A local date, e.g. "Tue 24 Nov"."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"


def describe_timing(schedule: Schedule) -> str:
    """ "09:00 Europe/London, mon,wed,fri"."""
    return f"{schedule.local_time} {schedule.timezone}, {format_weekdays(schedule.weekdays)}"


def upcoming_slots(schedule: Schedule, now: datetime, days: int) -> list[Slot]:
    """The schedule's slots from its next unclaimed one until ``days`` days after ``now``.

    A paused schedule shows the slots it would post if resumed now (resuming never posts the
    slots missed while paused).
    """
    at = parse_hhmm(schedule.local_time)
    zone = ZoneInfo(schedule.timezone)
    start = schedule.next_fire_at if schedule.active else None
    if start is None:
        start = next_slots(now, at, zone, schedule.weekdays, 1)[0].fire_at
    return slots_between(start, now + timedelta(days=days), at, zone, schedule.weekdays)


def preview_slots(
    schedule_id: int,
    slots: Sequence[Slot],
    pool: Sequence[str],
    used: Collection[str],
    skip_date: date | None = None,
) -> list[PreviewSlot]:
    """Replay the engine's picks for ``slots`` without writing anything."""
    seen = set(used)
    out: list[PreviewSlot] = []
    for slot in slots:
        if slot.local_date == skip_date:
            out.append(PreviewSlot(slot.local_date, slot.fire_at, None, skipped=True))
            continue
        if not pool:
            out.append(PreviewSlot(slot.local_date, slot.fire_at, None))
            continue
        rng = random.Random(f"{schedule_id}:{slot.local_date.isoformat()}")
        pick = pick_unused(pool, seen, rng)
        if pick.restarted:
            seen = {pick.id}
        else:
            seen.add(pick.id)
        out.append(
            PreviewSlot(slot.local_date, slot.fire_at, pick.id, restarts_cycle=pick.restarted)
        )
    return out


class PreviewSources(Protocol):
    """What a preview reads: the content library and the store (a bot, or the offline CLI's)."""

    @property
    def content(self) -> ContentLibrary: ...

    @property
    def store(self) -> Store: ...


@dataclass(frozen=True, slots=True)
class OfflineSources:
    """The library and a read-only store, without a Discord client."""

    content: ContentLibrary
    store: Store


async def preview_schedule(
    sources: PreviewSources, schedule: Schedule, now: datetime, days: int
) -> SchedulePreview:
    """Read the pool and the used set, replay the next ``days`` days, resolve the item texts."""
    # pool_for and resolve_item only read ``.content`` and ``.store`` from the bot they are given.
    bot = cast("CommunityBot", sources)
    pool = await pool_for(bot, schedule)
    used = await bot.store.used_item_ids(schedule.id, schedule.cycle)
    slots = preview_slots(
        schedule.id, upcoming_slots(schedule, now, days), pool, used, schedule.skip_date
    )
    texts: dict[str, str] = {}
    for slot in slots:
        if slot.item_id is not None and slot.item_id not in texts:
            try:
                item = await resolve_item(bot, schedule.guild_id, slot.item_id)
            except UnknownItem:
                continue
            texts[slot.item_id] = item.text
    unused = len(set(pool) - used)
    return SchedulePreview(schedule, tuple(slots), texts, len(set(pool)), unused)


def shorten(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def preview_lines(preview: SchedulePreview, *, text_limit: int = 90) -> list[str]:
    """One line per slot: when (local time) and what would be posted."""
    zone = ZoneInfo(preview.schedule.timezone)
    lines: list[str] = []
    for slot in preview.slots:
        when = format_local(slot.fire_at, zone)
        if slot.skipped:
            lines.append(f"{when}: skipped (by /schedule skip)")
        elif slot.item_id is None:
            lines.append(f"{when}: nothing, no prompts match this schedule's filters")
        else:
            text = shorten(preview.texts.get(slot.item_id, "(text unavailable)"), text_limit)
            restart = " [prompts start repeating here]" if slot.restarts_cycle else ""
            lines.append(f"{when}: {text} ({slot.item_id}){restart}")
    return lines


# --------------------------------------------------------------------------------------------
# python -m bot preview


class PreviewError(Exception):
    """The database cannot be previewed; the message says why, for an operator."""


def _read_only_uri(path: Path) -> str:
    if str(path) == ":memory:" or not path.is_file():
        raise PreviewError(f"there is no database at {path}: nothing has been scheduled yet")
    return f"{path.resolve().as_uri()}?mode=ro"


async def open_read_only(path: Path) -> Store:
    """The database opened read-only: no migrations, no writes, not even a created file."""
    conn = await aiosqlite.connect(_read_only_uri(path), uri=True)
    conn.row_factory = aiosqlite.Row
    store = Store(conn, path)
    try:
        version, expected = await store.schema_version(), len(discover_migrations())
    except aiosqlite.Error as exc:
        await store.close()
        raise PreviewError(f"{path} is not a database this bot can read ({exc})") from exc
    if version != expected:
        await store.close()
        raise PreviewError(
            f"{path} is at schema version {version}, this bot expects {expected}: "
            "run the bot once with this version to upgrade it"
        )
    return store


def schedule_heading(schedule: Schedule) -> str:
    what = schedule.starter_format if schedule.kind == "starter" else None
    if schedule.kind == "daily-prompt":
        what = ",".join(schedule.types) if schedule.types else "all types"
    return (
        f"schedule #{schedule.id} · {schedule.kind} ({what or 'any format'}, depth <= "
        f"{schedule.max_depth}) · server {schedule.guild_id} channel {schedule.channel_id} · "
        f"{describe_timing(schedule)}"
    )


async def print_previews(
    settings: Settings, days: int, *, out: TextIO, now: datetime | None = None
) -> int:
    """Print what every schedule in the configured database would post in the next ``days``."""
    from bot.content import load_library

    store = await open_read_only(settings.database)
    try:
        sources = OfflineSources(content=load_library(), store=store)
        moment = now or datetime.now(UTC)
        schedules = await store.all_schedules()
        print(f"{len(schedules)} schedule(s) in {settings.database}, next {days} day(s):", file=out)
        for schedule in schedules:
            preview = await preview_schedule(sources, schedule, moment, days)
            print(f"\n{schedule_heading(schedule)}", file=out)
            if not schedule.active:
                print(
                    f"  paused: {schedule.paused_reason}; if resumed now it would post:", file=out
                )
            lines = preview_lines(preview, text_limit=100) or ["no posts in that period"]
            for line in lines:
                print(f"  {line}", file=out)
    finally:
        await store.close()
    return 0
