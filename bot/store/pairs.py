"""Opt-in pairs: a server's round settings, members, blocks, the round ledger and the groups.

The round ledger works like the delivery ledger: a round is claimed (one row per server and
local round date, inserted together with moving ``next_fire_at`` on), then its groups are
written and the round marked done in one transaction, so a crash leaves either nothing or the
whole round. Every row about a member names them by user id (``user_id``/``blocked_id``), so a
member's own data can be exported and erased.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import aiosqlite

from bot.store.pair_groups import GroupMember, PairGroup, PairGroupQueries, PairingCounts
from bot.store.schedules import iso

__all__ = [
    "GroupMember",
    "PairGroup",
    "PairGroupQueries",
    "PairMember",
    "PairQueries",
    "PairRound",
    "PairingConfig",
    "PairingCounts",
    "RoundWrite",
]


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@dataclass(frozen=True, slots=True)
class PairingConfig:
    """A server's weekly pairing rounds."""

    guild_id: int
    channel_id: int
    weekday: int  # Monday = 0
    local_time: str  # HH:MM
    timezone: str
    term_weeks: int
    enabled: bool
    next_fire_at: datetime | None
    use_dms: bool
    created_by: int | None

    @classmethod
    def from_row(cls, row: aiosqlite.Row) -> PairingConfig:
        return cls(
            guild_id=row["guild_id"],
            channel_id=row["channel_id"],
            weekday=row["weekday"],
            local_time=row["local_time"],
            timezone=row["timezone"],
            term_weeks=row["term_weeks"],
            enabled=bool(row["enabled"]),
            next_fire_at=_instant(row["next_fire_at"]),
            use_dms=bool(row["use_dms"]),
            created_by=row["created_by"],
        )


@dataclass(frozen=True, slots=True)
class PairMember:
    """Someone who opted in (status active, paused or left)."""

    guild_id: int
    user_id: int
    timezone: str | None
    status: str
    paused_until: date | None
    joined_at: datetime
    unpaired_round: date | None

    def active_on(self, day: date) -> bool:
        """Available for a round on local date ``day``: active, or a pause that has ended."""
        if self.status == "active":
            return True
        return (
            self.status == "paused" and self.paused_until is not None and self.paused_until <= day
        )

    @classmethod
    def from_row(cls, row: aiosqlite.Row) -> PairMember:
        return cls(
            guild_id=row["guild_id"],
            user_id=row["user_id"],
            timezone=row["timezone"],
            status=row["status"],
            paused_until=_day(row["paused_until"]),
            joined_at=datetime.fromisoformat(row["joined_at"]),
            unpaired_round=_day(row["unpaired_round"]),
        )


@dataclass(frozen=True, slots=True)
class PairRound:
    """A row of the round ledger."""

    guild_id: int
    round_date: date
    fire_at: datetime
    status: str  # claimed | done | missed | failed
    reason: str | None
    groups_made: int
    unpaired: int

    @classmethod
    def from_row(cls, row: aiosqlite.Row) -> PairRound:
        return cls(
            guild_id=row["guild_id"],
            round_date=date.fromisoformat(row["round_date"]),
            fire_at=datetime.fromisoformat(row["fire_at"]),
            status=row["status"],
            reason=row["reason"],
            groups_made=row["groups_made"],
            unpaired=row["unpaired"],
        )


@dataclass(frozen=True, slots=True)
class RoundWrite:
    """Everything one round changes, written in one transaction with the round marked done."""

    guild_id: int
    round_date: date
    starts_at: datetime
    ends_at: datetime
    term_weeks: int
    new_groups: list[tuple[int, ...]] = field(default_factory=list)
    joins: list[tuple[int, int]] = field(default_factory=list)  # (group id, newcomer)
    ended: list[tuple[int, str]] = field(default_factory=list)  # (group id, reason)
    resumed: list[int] = field(default_factory=list)  # members whose pause has ended
    unpaired: list[int] = field(default_factory=list)  # members left without a group


class PairQueries(PairGroupQueries):
    """Pairing rounds, members, blocks and groups."""

    # -- config --------------------------------------------------------------------------------

    async def upsert_pairing_config(
        self,
        guild_id: int,
        *,
        channel_id: int,
        weekday: int,
        local_time: str,
        timezone: str,
        term_weeks: int,
        next_fire_at: datetime,
        created_by: int | None,
        now: datetime,
    ) -> PairingConfig:
        """Set up (or change) a server's rounds; enables them and retries private threads."""
        await self._execute(
            "INSERT INTO pairing_config (guild_id, channel_id, weekday, local_time, timezone,"
            " term_weeks, enabled, next_fire_at, use_dms, created_by, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 1, ?, 0, ?, ?)"
            " ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id,"
            " weekday = excluded.weekday, local_time = excluded.local_time,"
            " timezone = excluded.timezone, term_weeks = excluded.term_weeks, enabled = 1,"
            " next_fire_at = excluded.next_fire_at, use_dms = 0,"
            " created_by = excluded.created_by, updated_at = excluded.updated_at",
            (
                guild_id,
                channel_id,
                weekday,
                local_time,
                timezone,
                term_weeks,
                iso(next_fire_at),
                created_by,
                iso(now),
            ),
        )
        config = await self.get_pairing_config(guild_id)
        assert config is not None
        return config

    async def get_pairing_config(self, guild_id: int) -> PairingConfig | None:
        row = await self._fetchone("SELECT * FROM pairing_config WHERE guild_id = ?", (guild_id,))
        return PairingConfig.from_row(row) if row else None

    async def due_pairing_configs(self, now: datetime) -> list[PairingConfig]:
        """Enabled servers whose next round is at or before ``now``."""
        rows = await self._fetchall(
            "SELECT * FROM pairing_config WHERE enabled = 1 AND next_fire_at <= ?"
            " ORDER BY next_fire_at, guild_id",
            (iso(now),),
        )
        return [PairingConfig.from_row(r) for r in rows]

    async def disable_pairing(self, guild_id: int, now: datetime) -> bool:
        """No new rounds; False when pairing was not set up or already off."""
        changed = await self._execute(
            "UPDATE pairing_config SET enabled = 0, next_fire_at = NULL, updated_at = ?"
            " WHERE guild_id = ? AND enabled = 1",
            (iso(now), guild_id),
        )
        return changed == 1

    async def use_dms_for_pairing(self, guild_id: int) -> None:
        """Private threads are impossible in this server: new spaces are DMs until set up again."""
        await self._execute("UPDATE pairing_config SET use_dms = 1 WHERE guild_id = ?", (guild_id,))

    # -- members -------------------------------------------------------------------------------

    async def get_pair_member(self, guild_id: int, user_id: int) -> PairMember | None:
        row = await self._fetchone(
            "SELECT * FROM pair_members WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        return PairMember.from_row(row) if row else None

    async def join_pairing(
        self, guild_id: int, user_id: int, *, timezone: str | None, now: datetime
    ) -> None:
        """Opt in (again): active, no pause; keeps a stored timezone unless a new one is given."""
        await self._execute(
            "INSERT INTO pair_members (guild_id, user_id, timezone, status, joined_at)"
            " VALUES (?, ?, ?, 'active', ?)"
            " ON CONFLICT (guild_id, user_id) DO UPDATE SET status = 'active',"
            " paused_until = NULL, timezone = COALESCE(excluded.timezone, timezone)",
            (guild_id, user_id, timezone, iso(now)),
        )

    async def set_pair_status(
        self, guild_id: int, user_id: int, status: str, *, paused_until: date | None = None
    ) -> bool:
        """Change an opted-in member's status; False when they never opted in."""
        changed = await self._execute(
            "UPDATE pair_members SET status = ?, paused_until = ?"
            " WHERE guild_id = ? AND user_id = ?",
            (status, paused_until.isoformat() if paused_until else None, guild_id, user_id),
        )
        return changed == 1

    async def pair_members(self, guild_id: int) -> list[PairMember]:
        """Everyone active or paused in a server (members who left are not candidates)."""
        rows = await self._fetchall(
            "SELECT * FROM pair_members WHERE guild_id = ? AND status IN ('active', 'paused')"
            " ORDER BY user_id",
            (guild_id,),
        )
        return [PairMember.from_row(r) for r in rows]

    async def active_pair_member_ids(self, guild_id: int, user_ids: Iterable[int]) -> set[int]:
        """Which of ``user_ids`` are opted in and active."""
        ids = list(user_ids)
        if not ids:
            return set()
        marks = ",".join("?" * len(ids))
        rows = await self._fetchall(
            f"SELECT user_id FROM pair_members WHERE guild_id = ? AND status = 'active'"
            f" AND user_id IN ({marks})",
            (guild_id, *ids),
        )
        return {int(r[0]) for r in rows}

    # -- blocks --------------------------------------------------------------------------------

    async def add_pair_block(
        self, guild_id: int, user_id: int, blocked_id: int, now: datetime
    ) -> bool:
        """Never pair ``user_id`` with ``blocked_id``; False when already blocked."""
        changed = await self._execute(
            "INSERT INTO pair_blocks (guild_id, user_id, blocked_id, created_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (guild_id, user_id, blocked_id, iso(now)),
        )
        return changed == 1

    async def remove_pair_block(self, guild_id: int, user_id: int, blocked_id: int) -> bool:
        changed = await self._execute(
            "DELETE FROM pair_blocks WHERE guild_id = ? AND user_id = ? AND blocked_id = ?",
            (guild_id, user_id, blocked_id),
        )
        return changed == 1

    async def pair_block_count(self, guild_id: int, user_id: int) -> int:
        """How many members ``user_id`` blocked (never who blocked them)."""
        row = await self._fetchone(
            "SELECT COUNT(*) FROM pair_blocks WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return int(row[0]) if row else 0

    async def pair_blocks(self, guild_id: int) -> list[frozenset[int]]:
        """Every block of a server as an unordered pair (either direction keeps two apart)."""
        rows = await self._fetchall(
            "SELECT DISTINCT user_id, blocked_id FROM pair_blocks"
            " WHERE guild_id = ? AND user_id != blocked_id",
            (guild_id,),
        )
        return list({frozenset((int(r[0]), int(r[1]))) for r in rows})

    # -- the round ledger ----------------------------------------------------------------------

    async def claim_round(
        self,
        guild_id: int,
        round_date: date,
        fire_at: datetime,
        *,
        status: str,
        now: datetime,
        next_fire_at: datetime | None,
        reason: str | None = None,
    ) -> bool:
        """Insert the ledger row for (server, round date); with ``next_fire_at``, move the
        server's next round on in the same transaction. False when the row existed already."""
        async with self._transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO pair_rounds (guild_id, round_date, fire_at, status, reason,"
                " claimed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (
                    guild_id,
                    round_date.isoformat(),
                    iso(fire_at),
                    status,
                    reason,
                    iso(now),
                    iso(now),
                ),
            )
            claimed = cur.rowcount == 1
            if next_fire_at is not None:
                await conn.execute(
                    "UPDATE pairing_config SET next_fire_at = ? WHERE guild_id = ?",
                    (iso(next_fire_at), guild_id),
                )
        return claimed

    async def get_round(self, guild_id: int, round_date: date) -> PairRound | None:
        row = await self._fetchone(
            "SELECT * FROM pair_rounds WHERE guild_id = ? AND round_date = ?",
            (guild_id, round_date.isoformat()),
        )
        return PairRound.from_row(row) if row else None

    async def open_rounds(self) -> list[PairRound]:
        """Rounds claimed but not finished (a crash or an error in between)."""
        rows = await self._fetchall(
            "SELECT * FROM pair_rounds WHERE status = 'claimed' ORDER BY fire_at, guild_id"
        )
        return [PairRound.from_row(r) for r in rows]

    async def last_done_round(self, guild_id: int, before: date | None = None) -> PairRound | None:
        """The newest finished round of a server (before local date ``before``, if given)."""
        row = await self._fetchone(
            "SELECT * FROM pair_rounds WHERE guild_id = ? AND status = 'done'"
            " AND round_date < COALESCE(?, '9999-12-31') ORDER BY round_date DESC LIMIT 1",
            (guild_id, before.isoformat() if before else None),
        )
        return PairRound.from_row(row) if row else None

    async def settle_round(
        self, guild_id: int, round_date: date, status: str, reason: str, now: datetime
    ) -> None:
        """Record a claimed round as missed or failed."""
        await self._execute(
            "UPDATE pair_rounds SET status = ?, reason = ?, updated_at = ?"
            " WHERE guild_id = ? AND round_date = ? AND status = 'claimed'",
            (status, reason, iso(now), guild_id, round_date.isoformat()),
        )

    async def record_round(self, write: RoundWrite, now: datetime) -> list[int] | None:
        """Write a round's groups and mark it done, atomically; the new groups' ids.

        None when the round is no longer claimed (another process finished it): nothing written.
        """
        async with self._transaction() as conn:
            cur = await conn.execute(
                "UPDATE pair_rounds SET status = 'done', reason = NULL, groups_made = ?,"
                " unpaired = ?, updated_at = ? WHERE guild_id = ? AND round_date = ?"
                " AND status = 'claimed'",
                (
                    len(write.new_groups),
                    len(write.unpaired),
                    iso(now),
                    write.guild_id,
                    write.round_date.isoformat(),
                ),
            )
            if cur.rowcount != 1:
                return None
            for group_id, reason in write.ended:
                await conn.execute(
                    "UPDATE pair_groups SET ended_at = ?, end_reason = ?, end_notified = ?"
                    " WHERE id = ? AND ended_at IS NULL",
                    (iso(now), reason, int(reason == "term"), group_id),
                )
            ids: list[int] = []
            for members in write.new_groups:
                cur = await conn.execute(
                    "INSERT INTO pair_groups (guild_id, round_date, term_weeks, starts_at, ends_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (
                        write.guild_id,
                        write.round_date.isoformat(),
                        write.term_weeks,
                        iso(write.starts_at),
                        iso(write.ends_at),
                    ),
                )
                assert cur.lastrowid is not None
                ids.append(cur.lastrowid)
                await conn.executemany(
                    "INSERT INTO pair_group_members (group_id, user_id) VALUES (?, ?)",
                    [(cur.lastrowid, user_id) for user_id in members],
                )
            await conn.executemany(
                "INSERT INTO pair_group_members (group_id, user_id) VALUES (?, ?)"
                " ON CONFLICT DO NOTHING",
                write.joins,
            )
            await conn.executemany(
                "UPDATE pair_members SET status = 'active', paused_until = NULL"
                " WHERE guild_id = ? AND user_id = ? AND status = 'paused'",
                [(write.guild_id, user_id) for user_id in write.resumed],
            )
            await conn.executemany(
                "UPDATE pair_members SET unpaired_round = ? WHERE guild_id = ? AND user_id = ?",
                [(write.round_date.isoformat(), write.guild_id, u) for u in write.unpaired],
            )
        return ids

    async def pair_round_counts(self, guild_id: int) -> dict[str, int]:
        """Ledger rows of a server by status."""
        rows = await self._fetchall(
            "SELECT status, COUNT(*) FROM pair_rounds WHERE guild_id = ? GROUP BY status",
            (guild_id,),
        )
        return {str(r[0]): int(r[1]) for r in rows}
