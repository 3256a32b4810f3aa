"""Pair groups: the pairs and trios rounds make, their spaces and ends; counts; a member's data.

A group's space is finished step by step (thread id, each member added, intro sent), each step
recorded as soon as it is done, so the next pass after a crash carries on where it stopped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from bot.store.base import StoreBase
from bot.store.schedules import iso


@dataclass(frozen=True, slots=True)
class GroupMember:
    user_id: int
    added: bool  # given the space: in the thread and greeted, or sent the intro by DM


@dataclass(frozen=True, slots=True)
class PairGroup:
    """A pair or trio for a term, with its members."""

    id: int
    guild_id: int
    round_date: date
    term_weeks: int
    starts_at: datetime
    ends_at: datetime
    thread_id: int | None
    use_dms: bool
    intro_sent: bool
    ended_at: datetime | None
    end_reason: str | None
    end_notified: bool
    members: tuple[GroupMember, ...] = ()

    @property
    def user_ids(self) -> tuple[int, ...]:
        return tuple(m.user_id for m in self.members)

    @property
    def space_ready(self) -> bool:
        """The space exists, everyone is in it and the intro was posted."""
        return self.intro_sent and all(m.added for m in self.members)

    def live_at(self, now: datetime) -> bool:
        return self.ended_at is None and self.ends_at > now

    @classmethod
    def from_row(cls, row: aiosqlite.Row, members: Iterable[GroupMember] = ()) -> PairGroup:
        return cls(
            id=row["id"],
            guild_id=row["guild_id"],
            round_date=date.fromisoformat(row["round_date"]),
            term_weeks=row["term_weeks"],
            starts_at=datetime.fromisoformat(row["starts_at"]),
            ends_at=datetime.fromisoformat(row["ends_at"]),
            thread_id=row["thread_id"],
            use_dms=bool(row["use_dms"]),
            intro_sent=bool(row["intro_sent"]),
            ended_at=datetime.fromisoformat(row["ended_at"]) if row["ended_at"] else None,
            end_reason=row["end_reason"],
            end_notified=bool(row["end_notified"]),
            members=tuple(sorted(members, key=lambda m: m.user_id)),
        )


@dataclass(frozen=True, slots=True)
class PairingCounts:
    """Counts for ``/pairing stats``: never content."""

    active: int
    paused: int
    live_pairs: int
    live_trios: int
    rounds_done: int
    answered: int | None  # check-in answers given (None when check-ins are not stored)
    expected: int | None  # answers possible in the weeks revealed so far


_GROUP_MEMBERS_SQL = "SELECT group_id, user_id, added FROM pair_group_members WHERE group_id IN"


class PairGroupQueries(StoreBase):
    """Groups, their spaces and ends, pairing counts, and a member's own pairing rows."""

    # -- groups --------------------------------------------------------------------------------

    async def _groups(self, where: str, params: tuple[object, ...]) -> list[PairGroup]:
        rows = await self._fetchall(f"SELECT * FROM pair_groups WHERE {where} ORDER BY id", params)
        if not rows:
            return []
        members: dict[int, list[GroupMember]] = {}
        ids = [int(r["id"]) for r in rows]
        # SQLite caps bound parameters; a big server's history comes in slices.
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for m in await self._fetchall(
                f"{_GROUP_MEMBERS_SQL} ({','.join('?' * len(chunk))})", tuple(chunk)
            ):
                members.setdefault(int(m["group_id"]), []).append(
                    GroupMember(user_id=m["user_id"], added=bool(m["added"]))
                )
        return [PairGroup.from_row(r, members.get(int(r["id"]), ())) for r in rows]

    async def get_pair_group(self, group_id: int) -> PairGroup | None:
        found = await self._groups("id = ?", (group_id,))
        return found[0] if found else None

    async def pair_groups_since(self, guild_id: int, since: date) -> list[PairGroup]:
        """A server's groups formed on or after ``since``, plus every group not yet ended."""
        return await self._groups(
            "guild_id = ? AND (round_date >= ? OR ended_at IS NULL)",
            (guild_id, since.isoformat()),
        )

    async def live_group_of(self, guild_id: int, user_id: int, now: datetime) -> PairGroup | None:
        """The group a member is in now (not ended, term not over)."""
        row = await self._fetchone(
            "SELECT g.id FROM pair_groups g JOIN pair_group_members m ON m.group_id = g.id"
            " WHERE g.guild_id = ? AND m.user_id = ? AND g.ended_at IS NULL AND g.ends_at > ?"
            " ORDER BY g.id DESC LIMIT 1",
            (guild_id, user_id, iso(now)),
        )
        return await self.get_pair_group(int(row[0])) if row else None

    async def live_group_ids_of_user(self, user_id: int, now: datetime) -> list[int]:
        """The live groups a member is in, in every server."""
        rows = await self._fetchall(
            "SELECT g.id FROM pair_groups g JOIN pair_group_members m ON m.group_id = g.id"
            " WHERE m.user_id = ? AND g.ended_at IS NULL AND g.ends_at > ? ORDER BY g.id",
            (user_id, iso(now)),
        )
        return [int(r[0]) for r in rows]

    async def live_pair_groups(self, guild_id: int, now: datetime) -> list[PairGroup]:
        return await self._groups(
            "guild_id = ? AND ended_at IS NULL AND ends_at > ?", (guild_id, iso(now))
        )

    async def groups_needing_space(self, guild_id: int, now: datetime) -> list[PairGroup]:
        """Live groups whose space is not finished: no thread yet, no intro, someone not in it."""
        return await self._groups(
            "guild_id = ? AND ended_at IS NULL AND ends_at > ? AND (intro_sent = 0"
            " OR id IN (SELECT group_id FROM pair_group_members WHERE added = 0))",
            (guild_id, iso(now)),
        )

    async def ended_groups_to_notify(self, guild_id: int) -> list[PairGroup]:
        """Groups ended early whose members have not been told yet."""
        return await self._groups(
            "guild_id = ? AND ended_at IS NOT NULL AND end_notified = 0", (guild_id,)
        )

    async def guilds_with_space_work(self, now: datetime) -> list[int]:
        """Servers with a space to make or finish, or an end to announce."""
        rows = await self._fetchall(
            "SELECT DISTINCT guild_id FROM pair_groups WHERE"
            " (ended_at IS NULL AND ends_at > ? AND (intro_sent = 0"
            "  OR id IN (SELECT group_id FROM pair_group_members WHERE added = 0)))"
            " OR (ended_at IS NOT NULL AND end_notified = 0) ORDER BY guild_id",
            (iso(now),),
        )
        return [int(r[0]) for r in rows]

    async def set_group_thread(self, group_id: int, thread_id: int) -> None:
        await self._execute(
            "UPDATE pair_groups SET thread_id = ?, use_dms = 0 WHERE id = ?", (thread_id, group_id)
        )

    async def set_group_dms(self, group_id: int) -> None:
        """The group's space moves to DMs: every member is owed the intro there."""
        async with self._transaction() as conn:
            await conn.execute(
                "UPDATE pair_groups SET use_dms = 1, thread_id = NULL, intro_sent = 0 WHERE id = ?",
                (group_id,),
            )
            await conn.execute(
                "UPDATE pair_group_members SET added = 0 WHERE group_id = ?", (group_id,)
            )

    async def reset_group_space(self, group_id: int) -> None:
        """The thread is gone (deleted): make a new one and greet everyone again."""
        async with self._transaction() as conn:
            await conn.execute(
                "UPDATE pair_groups SET thread_id = NULL, intro_sent = 0 WHERE id = ?", (group_id,)
            )
            await conn.execute(
                "UPDATE pair_group_members SET added = 0 WHERE group_id = ?", (group_id,)
            )

    async def mark_group_member_added(self, group_id: int, user_id: int) -> None:
        await self._execute(
            "UPDATE pair_group_members SET added = 1 WHERE group_id = ? AND user_id = ?",
            (group_id, user_id),
        )

    async def mark_group_intro_sent(self, group_id: int, greeted: Iterable[int]) -> None:
        """The intro is posted; ``greeted`` (the members it was for) are in the space."""
        async with self._transaction() as conn:
            await conn.execute("UPDATE pair_groups SET intro_sent = 1 WHERE id = ?", (group_id,))
            await conn.executemany(
                "UPDATE pair_group_members SET added = 1 WHERE group_id = ? AND user_id = ?",
                [(group_id, user_id) for user_id in greeted],
            )

    async def end_pair_group(self, group_id: int, reason: str, now: datetime) -> bool:
        """End a group early (no-fault); False when it had already ended."""
        changed = await self._execute(
            "UPDATE pair_groups SET ended_at = ?, end_reason = ?, end_notified = ?"
            " WHERE id = ? AND ended_at IS NULL",
            (iso(now), reason, int(reason == "term"), group_id),
        )
        return changed == 1

    async def mark_group_end_notified(self, group_id: int) -> None:
        await self._execute("UPDATE pair_groups SET end_notified = 1 WHERE id = ?", (group_id,))

    # -- stats ---------------------------------------------------------------------------------

    async def pairing_counts(self, guild_id: int, now: datetime) -> PairingCounts:
        """Counts only: members by status, live pairs and trios, rounds, check-in answers."""
        statuses = {
            str(r[0]): int(r[1])
            for r in await self._fetchall(
                "SELECT status, COUNT(*) FROM pair_members WHERE guild_id = ? GROUP BY status",
                (guild_id,),
            )
        }
        sizes = {
            int(r[0]): int(r[1])
            for r in await self._fetchall(
                "SELECT size, COUNT(*) FROM (SELECT COUNT(*) AS size FROM pair_groups g"
                " JOIN pair_group_members m ON m.group_id = g.id WHERE g.guild_id = ?"
                " AND g.ended_at IS NULL AND g.ends_at > ? GROUP BY g.id) GROUP BY size",
                (guild_id, iso(now)),
            )
        }
        done = await self._fetchone(
            "SELECT COUNT(*) FROM pair_rounds WHERE guild_id = ? AND status = 'done'", (guild_id,)
        )
        answered, expected = await self._checkin_answer_counts(guild_id)
        return PairingCounts(
            active=statuses.get("active", 0),
            paused=statuses.get("paused", 0),
            live_pairs=sizes.get(2, 0),
            live_trios=sizes.get(3, 0),
            rounds_done=int(done[0]) if done else 0,
            answered=answered,
            expected=expected,
        )

    async def _checkin_answer_counts(self, guild_id: int) -> tuple[int, int]:
        """(answers given, answers possible) over the server's revealed check-in weeks, from
        the counts the check-ins record at reveal (they outlive the purged answers).
        Never reads an answer."""
        row = await self._fetchone(
            "SELECT SUM(w.answered), SUM(w.members) FROM checkin_weeks w"
            " JOIN pair_groups g ON g.id = w.group_id"
            " WHERE g.guild_id = ? AND w.members IS NOT NULL",
            (guild_id,),
        )
        if row is None:
            return 0, 0
        return int(row[0] or 0), int(row[1] or 0)

    # -- a member's own data -------------------------------------------------------------------

    async def pair_data_of(self, user_id: int) -> dict[str, list[dict[str, object]]]:
        """Every pairing row that names ``user_id``, in every server (for ``/privacy export``).

        Blocks others placed on this member are left out: who blocked whom is theirs to know.
        """
        members = await self._fetchall(
            "SELECT guild_id, timezone, status, paused_until, joined_at, unpaired_round"
            " FROM pair_members WHERE user_id = ? ORDER BY guild_id",
            (user_id,),
        )
        blocks = await self._fetchall(
            "SELECT guild_id, blocked_id, created_at FROM pair_blocks WHERE user_id = ?"
            " ORDER BY guild_id, blocked_id",
            (user_id,),
        )
        groups = await self._fetchall(
            "SELECT g.id, g.guild_id, g.round_date, g.starts_at, g.ends_at, g.ended_at"
            " FROM pair_groups g JOIN pair_group_members m ON m.group_id = g.id"
            " WHERE m.user_id = ? ORDER BY g.id",
            (user_id,),
        )
        return {
            "pair_members": [dict(r) for r in members],
            "pair_blocks": [dict(r) for r in blocks],
            "pair_groups": [dict(r) for r in groups],
        }

    async def erase_pair_member(self, user_id: int) -> None:
        """Remove ``user_id`` from every pairing table of every server.

        End their live groups first (``PairingEngine.remove_member``), so partners are told.
        """
        async with self._transaction() as conn:
            await conn.execute("DELETE FROM pair_members WHERE user_id = ?", (user_id,))
            await conn.execute(
                "DELETE FROM pair_blocks WHERE user_id = ? OR blocked_id = ?", (user_id, user_id)
            )
            await conn.execute("DELETE FROM pair_group_members WHERE user_id = ?", (user_id,))
            await conn.execute(
                "UPDATE pairing_config SET created_by = NULL WHERE created_by = ?", (user_id,)
            )
