"""Schedules and the delivery ledger: one row per (schedule, local date), claimed before sending."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import aiosqlite

from bot.store.base import StoreBase


def iso(moment: datetime) -> str:
    """A UTC instant as stored: ISO 8601 with seconds, always ending in +00:00."""
    return moment.isoformat(timespec="seconds")


def _weekdays(text: str | None) -> frozenset[int] | None:
    return frozenset(int(d) for d in text.split(",")) if text else None


def _types(text: str | None) -> tuple[str, ...] | None:
    return tuple(text.split(",")) if text else None


@dataclass(frozen=True, slots=True)
class NewSchedule:
    """What a moderator asked for in ``/schedule add``."""

    guild_id: int
    kind: str
    channel_id: int
    local_time: str
    timezone: str
    weekdays: frozenset[int] | None = None
    types: tuple[str, ...] | None = None
    starter_format: str | None = None
    max_depth: int = 2
    thread: bool = False
    ping_role_id: int | None = None
    pin: bool = False
    created_by: int | None = None


@dataclass(frozen=True, slots=True)
class Schedule:
    """A stored schedule."""

    id: int
    guild_id: int
    kind: str
    channel_id: int
    local_time: str
    timezone: str
    weekdays: frozenset[int] | None
    types: tuple[str, ...] | None
    starter_format: str | None
    max_depth: int
    thread: bool
    ping_role_id: int | None
    pin: bool
    cycle: int
    next_fire_at: datetime | None
    skip_date: date | None
    paused_reason: str | None
    paused_by: str | None
    last_message_id: int | None
    low_pool_warned_cycle: int
    removed: bool

    @property
    def active(self) -> bool:
        return self.paused_reason is None and not self.removed

    @classmethod
    def from_row(cls, row: aiosqlite.Row) -> Schedule:
        return cls(
            id=row["id"],
            guild_id=row["guild_id"],
            kind=row["kind"],
            channel_id=row["channel_id"],
            local_time=row["local_time"],
            timezone=row["timezone"],
            weekdays=_weekdays(row["weekdays"]),
            types=_types(row["types"]),
            starter_format=row["starter_format"],
            max_depth=row["max_depth"],
            thread=bool(row["thread"]),
            ping_role_id=row["ping_role_id"],
            pin=bool(row["pin"]),
            cycle=row["cycle"],
            next_fire_at=datetime.fromisoformat(row["next_fire_at"])
            if row["next_fire_at"]
            else None,
            skip_date=date.fromisoformat(row["skip_date"]) if row["skip_date"] else None,
            paused_reason=row["paused_reason"],
            paused_by=row["paused_by"],
            last_message_id=row["last_message_id"],
            low_pool_warned_cycle=row["low_pool_warned_cycle"],
            removed=row["removed_at"] is not None,
        )


@dataclass(frozen=True, slots=True)
class Delivery:
    """A ledger row."""

    schedule_id: int
    local_date: date
    fire_at: datetime
    status: str
    cycle: int
    item_id: str | None
    message_id: int | None
    thread_id: int | None
    followups_done: bool
    attempts: int
    reason: str | None
    claimed_at: datetime

    @classmethod
    def from_row(cls, row: aiosqlite.Row) -> Delivery:
        return cls(
            schedule_id=row["schedule_id"],
            local_date=date.fromisoformat(row["local_date"]),
            fire_at=datetime.fromisoformat(row["fire_at"]),
            status=row["status"],
            cycle=row["cycle"],
            item_id=row["item_id"],
            message_id=row["message_id"],
            thread_id=row["thread_id"],
            followups_done=bool(row["followups_done"]),
            attempts=row["attempts"],
            reason=row["reason"],
            claimed_at=datetime.fromisoformat(row["claimed_at"]),
        )


class ScheduleQueries(StoreBase):
    """Schedules and their ledger."""

    async def create_schedule(self, new: NewSchedule, next_fire_at: datetime) -> Schedule:
        async with self._transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO schedules (guild_id, kind, channel_id, local_time, timezone, weekdays,"
                " types, starter_format, max_depth, thread, ping_role_id, pin, next_fire_at,"
                " created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    new.guild_id,
                    new.kind,
                    new.channel_id,
                    new.local_time,
                    new.timezone,
                    ",".join(str(d) for d in sorted(new.weekdays)) if new.weekdays else None,
                    ",".join(new.types) if new.types else None,
                    new.starter_format,
                    new.max_depth,
                    int(new.thread),
                    new.ping_role_id,
                    int(new.pin),
                    iso(next_fire_at),
                    new.created_by,
                ),
            )
            schedule_id = cur.lastrowid
        schedule = await self.get_schedule(schedule_id or 0)
        assert schedule is not None
        return schedule

    async def get_schedule(self, schedule_id: int, guild_id: int | None = None) -> Schedule | None:
        """A schedule by id; with ``guild_id``, only if it belongs to that server."""
        row = await self._fetchone("SELECT * FROM schedules WHERE id = ?", (schedule_id,))
        if row is None or (guild_id is not None and row["guild_id"] != guild_id):
            return None
        return Schedule.from_row(row)

    async def list_schedules(self, guild_id: int) -> list[Schedule]:
        rows = await self._fetchall(
            "SELECT * FROM schedules WHERE guild_id = ? AND removed_at IS NULL ORDER BY id",
            (guild_id,),
        )
        return [Schedule.from_row(r) for r in rows]

    async def all_active_schedules(self) -> list[Schedule]:
        rows = await self._fetchall(
            "SELECT * FROM schedules WHERE removed_at IS NULL AND paused_reason IS NULL ORDER BY id"
        )
        return [Schedule.from_row(r) for r in rows]

    async def due_schedules(self, now: datetime) -> list[Schedule]:
        """Active schedules whose next unclaimed slot is at or before ``now``."""
        rows = await self._fetchall(
            "SELECT * FROM schedules WHERE removed_at IS NULL AND paused_reason IS NULL"
            " AND next_fire_at <= ? ORDER BY next_fire_at, id",
            (iso(now),),
        )
        return [Schedule.from_row(r) for r in rows]

    async def claim_slot(
        self,
        schedule: Schedule,
        local_date: date,
        fire_at: datetime,
        *,
        status: str,
        item_id: str | None,
        next_fire_at: datetime,
        now: datetime,
        reason: str | None = None,
        new_cycle: bool = False,
    ) -> bool:
        """Write the ledger row and advance the schedule, atomically.

        False when a row for (schedule, date) already exists: someone else owns that slot, so the
        caller must not post. ``new_cycle`` starts the next no-repeat round with this item.
        """
        cycle = schedule.cycle + 1 if new_cycle else schedule.cycle
        async with self._transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO deliveries (schedule_id, local_date, fire_at, status, cycle, item_id,"
                " reason, claimed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (
                    schedule.id,
                    local_date.isoformat(),
                    iso(fire_at),
                    status,
                    cycle,
                    item_id,
                    reason,
                    iso(now),
                    iso(now),
                ),
            )
            claimed = cur.rowcount == 1
            # The slot is settled either way, so the schedule moves on; only the claimant's pick
            # may start a new no-repeat round (a lost race must not bump the cycle twice).
            await conn.execute(
                "UPDATE schedules SET next_fire_at = ?,"
                " cycle = CASE WHEN ? THEN ? ELSE cycle END,"
                " skip_date = CASE WHEN skip_date <= ? THEN NULL ELSE skip_date END WHERE id = ?",
                (iso(next_fire_at), claimed, cycle, local_date.isoformat(), schedule.id),
            )
        return claimed

    async def get_delivery(self, schedule_id: int, local_date: date) -> Delivery | None:
        row = await self._fetchone(
            "SELECT * FROM deliveries WHERE schedule_id = ? AND local_date = ?",
            (schedule_id, local_date.isoformat()),
        )
        return Delivery.from_row(row) if row else None

    async def open_deliveries(self) -> list[Delivery]:
        """Rows a previous run left unfinished: claimed but not sent, or sent with steps left."""
        rows = await self._fetchall(
            "SELECT * FROM deliveries WHERE status = 'claimed'"
            " OR (status = 'sent' AND followups_done = 0) ORDER BY fire_at"
        )
        return [Delivery.from_row(r) for r in rows]

    async def used_item_ids(self, schedule_id: int, cycle: int) -> set[str]:
        """Items already claimed in this no-repeat round."""
        rows = await self._fetchall(
            "SELECT item_id FROM deliveries WHERE schedule_id = ? AND cycle = ?"
            " AND item_id IS NOT NULL",
            (schedule_id, cycle),
        )
        return {str(r[0]) for r in rows}

    async def mark_sent(
        self, schedule_id: int, local_date: date, message_id: int, now: datetime
    ) -> None:
        async with self._transaction() as conn:
            await conn.execute(
                "UPDATE deliveries SET status = 'sent', message_id = ?, reason = NULL,"
                " updated_at = ? WHERE schedule_id = ? AND local_date = ?",
                (message_id, iso(now), schedule_id, local_date.isoformat()),
            )
            await conn.execute(
                "UPDATE schedules SET last_message_id = ? WHERE id = ?", (message_id, schedule_id)
            )

    async def mark_followups_done(
        self, schedule_id: int, local_date: date, thread_id: int | None, now: datetime
    ) -> None:
        await self._execute(
            "UPDATE deliveries SET followups_done = 1, thread_id = COALESCE(?, thread_id),"
            " updated_at = ? WHERE schedule_id = ? AND local_date = ?",
            (thread_id, iso(now), schedule_id, local_date.isoformat()),
        )

    async def mark_failed(
        self, schedule_id: int, local_date: date, reason: str, now: datetime
    ) -> None:
        await self._execute(
            "UPDATE deliveries SET status = 'failed', reason = ?, updated_at = ?"
            " WHERE schedule_id = ? AND local_date = ?",
            (reason, iso(now), schedule_id, local_date.isoformat()),
        )

    async def note_attempt(
        self, schedule_id: int, local_date: date, reason: str, now: datetime
    ) -> int:
        """Count a failed attempt that will be retried; the number of attempts so far."""
        await self._execute(
            "UPDATE deliveries SET attempts = attempts + 1, reason = ?, updated_at = ?"
            " WHERE schedule_id = ? AND local_date = ?",
            (reason, iso(now), schedule_id, local_date.isoformat()),
        )
        row = await self._fetchone(
            "SELECT attempts FROM deliveries WHERE schedule_id = ? AND local_date = ?",
            (schedule_id, local_date.isoformat()),
        )
        return int(row[0]) if row else 0

    async def pause_schedule(self, schedule_id: int, reason: str, by: str) -> None:
        await self._execute(
            "UPDATE schedules SET paused_reason = ?, paused_by = ? WHERE id = ?",
            (reason, by, schedule_id),
        )

    async def resume_schedule(self, schedule_id: int, next_fire_at: datetime) -> None:
        """Active again from ``next_fire_at``: slots while paused are not posted late."""
        await self._execute(
            "UPDATE schedules SET paused_reason = NULL, paused_by = NULL, next_fire_at = ?"
            " WHERE id = ?",
            (iso(next_fire_at), schedule_id),
        )

    async def set_skip_date(self, schedule_id: int, local_date: date) -> None:
        await self._execute(
            "UPDATE schedules SET skip_date = ? WHERE id = ?", (local_date.isoformat(), schedule_id)
        )

    async def remove_schedule(self, schedule_id: int, now: datetime) -> None:
        await self._execute(
            "UPDATE schedules SET removed_at = ? WHERE id = ?", (iso(now), schedule_id)
        )

    async def mark_low_pool_warned(self, schedule_id: int, cycle: int) -> None:
        await self._execute(
            "UPDATE schedules SET low_pool_warned_cycle = ? WHERE id = ?", (cycle, schedule_id)
        )

    async def last_sent_in_guild(self, guild_id: int) -> Delivery | None:
        """The newest successful post of any schedule in a server (for ``/prompt today``)."""
        row = await self._fetchone(
            "SELECT d.* FROM deliveries d JOIN schedules s ON s.id = d.schedule_id"
            " WHERE s.guild_id = ? AND d.status = 'sent' AND s.kind = 'daily-prompt'"
            " ORDER BY d.fire_at DESC LIMIT 1",
            (guild_id,),
        )
        return Delivery.from_row(row) if row else None

    async def deliveries_for(self, schedule_id: int, limit: int = 1000) -> list[Delivery]:
        rows = await self._fetchall(
            "SELECT * FROM deliveries WHERE schedule_id = ? ORDER BY local_date DESC LIMIT ?",
            (schedule_id, limit),
        )
        return [Delivery.from_row(r) for r in rows]

    async def delivery_counts(self) -> dict[str, int]:
        """Ledger rows by status, for tests, benchmarks and operators."""
        rows = await self._fetchall("SELECT status, COUNT(*) FROM deliveries GROUP BY status")
        return {str(r[0]): int(r[1]) for r in rows}

    async def all_schedules(self) -> list[Schedule]:
        """Every schedule not removed, paused ones included, by server then id (offline preview)."""
        rows = await self._fetchall(
            "SELECT * FROM schedules WHERE removed_at IS NULL ORDER BY guild_id, id"
        )
        return [Schedule.from_row(r) for r in rows]

    async def guild_schedule_rows(self, guild_id: int) -> list[dict[str, Any]]:
        """Every column of every schedule of a server, removed ones too (``/deck export``)."""
        rows = await self._fetchall(
            "SELECT * FROM schedules WHERE guild_id = ? ORDER BY id", (guild_id,)
        )
        return [dict(r) for r in rows]

    async def guild_delivery_rows(self, guild_id: int) -> list[dict[str, Any]]:
        """A server's delivery history, oldest first (``/deck export``)."""
        rows = await self._fetchall(
            "SELECT d.schedule_id, d.local_date, d.status, d.item_id, d.message_id, d.thread_id,"
            " d.reason FROM deliveries d JOIN schedules s ON s.id = d.schedule_id"
            " WHERE s.guild_id = ? ORDER BY d.local_date, d.schedule_id",
            (guild_id,),
        )
        return [dict(r) for r in rows]
