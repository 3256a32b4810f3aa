"""Weekly check-ins of pairs: weeks and their steps, answers, the "did you connect?" counts.

Reads ``pair_groups`` and ``pair_group_members`` (the pairing feature's tables) but never writes
them: a pairing ends through the pairing engine. Answers live only in ``checkin_answers`` and are
deleted 7 days after they are revealed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

import aiosqlite

from bot.checkin_flow import ANSWERS_KEPT, parse_instant
from bot.store.base import StoreBase
from bot.store.schedules import iso


def _instant(text: str | None) -> datetime | None:
    return parse_instant(text) if text else None


@dataclass(frozen=True, slots=True)
class CheckinGroup:
    """A pair or trio as the check-ins see it: its term and where its space is."""

    id: int
    guild_id: int
    term_weeks: int
    starts_at: datetime
    ends_at: datetime
    thread_id: int | None
    use_dms: bool
    intro_sent: bool
    ended_at: datetime | None

    @property
    def has_space(self) -> bool:
        return self.thread_id is not None or self.use_dms

    @classmethod
    def from_row(cls, row: aiosqlite.Row) -> CheckinGroup:
        return cls(
            id=row["id"],
            guild_id=row["guild_id"],
            term_weeks=row["term_weeks"],
            starts_at=parse_instant(row["starts_at"]),
            ends_at=parse_instant(row["ends_at"]),
            thread_id=row["thread_id"],
            use_dms=bool(row["use_dms"]),
            intro_sent=bool(row["intro_sent"]),
            ended_at=_instant(row["ended_at"]),
        )


@dataclass(frozen=True, slots=True)
class CheckinWeek:
    """One week of a group's term and how far each of its steps has got."""

    group_id: int
    week: int
    opens_at: datetime
    closes_at: datetime
    remind_at: datetime | None
    question_ids: tuple[str, ...]
    claimed_at: datetime
    posted_at: datetime | None
    message_id: int | None
    reminder_claimed_at: datetime | None
    reminder_sent_at: datetime | None
    revealed_at: datetime | None
    reveal_posted_at: datetime | None
    closed_at: datetime | None
    followup_posted_at: datetime | None
    cancelled: bool

    @property
    def accepting(self) -> bool:
        """Whether answers and skips are still taken (open, not yet revealed or closed)."""
        return not self.cancelled and self.revealed_at is None and self.closed_at is None

    @classmethod
    def from_row(cls, row: aiosqlite.Row) -> CheckinWeek:
        return cls(
            group_id=row["group_id"],
            week=row["week"],
            opens_at=parse_instant(row["opens_at"]),
            closes_at=parse_instant(row["closes_at"]),
            remind_at=_instant(row["remind_at"]),
            question_ids=tuple(i for i in row["question_ids"].split(",") if i),
            claimed_at=parse_instant(row["claimed_at"]),
            posted_at=_instant(row["posted_at"]),
            message_id=row["message_id"],
            reminder_claimed_at=_instant(row["reminder_claimed_at"]),
            reminder_sent_at=_instant(row["reminder_sent_at"]),
            revealed_at=_instant(row["revealed_at"]),
            reveal_posted_at=_instant(row["reveal_posted_at"]),
            closed_at=_instant(row["closed_at"]),
            followup_posted_at=_instant(row["followup_posted_at"]),
            cancelled=bool(row["cancelled"]),
        )


@dataclass(frozen=True, slots=True)
class MemberAnswer:
    """What one member gave for a week: answers by question id, or a skip."""

    user_id: int
    answers: dict[str, str] | None
    skipped: bool
    rough_week: bool

    @property
    def answered(self) -> bool:
        return self.answers is not None and not self.skipped


class AnswerStatus(Enum):
    """What became of an answer or a skip."""

    SAVED = "saved"
    REPLACED = "replaced"  # a second answer (or skip) before the reveal replaced the first
    NOT_OPEN = "not_open"  # no such week, or it was revealed, closed or cut short
    NOT_MEMBER = "not_member"


@dataclass(frozen=True, slots=True)
class AnswerOutcome:
    status: AnswerStatus
    complete: bool = False  # every member has now answered: the reveal was claimed

    @property
    def stored(self) -> bool:
        return self.status in (AnswerStatus.SAVED, AnswerStatus.REPLACED)


@dataclass(frozen=True, slots=True)
class CheckinStats:
    """Counts only, for moderators: never anything anyone wrote."""

    weeks_closed: int
    answers_expected: int
    answers_given: int
    connected_yes: int
    connected_no: int

    @property
    def answer_rate(self) -> float | None:
        if not self.answers_expected:
            return None
        return self.answers_given / self.answers_expected


_GROUP_COLUMNS = (
    "g.id, g.guild_id, g.term_weeks, g.starts_at, g.ends_at, g.thread_id, g.use_dms,"
    " g.intro_sent, g.ended_at"
)


class CheckinQueries(StoreBase):
    """Check-in weeks, answers and follow-ups."""

    # -- groups (read-only) ---------------------------------------------------------------

    async def checkin_group(self, group_id: int) -> CheckinGroup | None:
        row = await self._fetchone(
            f"SELECT {_GROUP_COLUMNS} FROM pair_groups g WHERE g.id = ?", (group_id,)
        )
        return CheckinGroup.from_row(row) if row else None

    async def checkin_group_members(self, group_id: int) -> list[int]:
        """The group's members, in the order they were added."""
        rows = await self._fetchall(
            "SELECT user_id FROM pair_group_members WHERE group_id = ? ORDER BY rowid", (group_id,)
        )
        return [int(r[0]) for r in rows]

    async def is_checkin_member(self, group_id: int, user_id: int) -> bool:
        row = await self._fetchone(
            "SELECT 1 FROM pair_group_members WHERE group_id = ? AND user_id = ?",
            (group_id, user_id),
        )
        return row is not None

    async def checkin_groups_awaiting_week(self, now: datetime) -> list[tuple[CheckinGroup, int]]:
        """Live groups with a space and an intro, inside their term, with weeks still to open;
        each with the last week opened so far (0 for none)."""
        rows = await self._fetchall(
            f"SELECT {_GROUP_COLUMNS}, COALESCE(MAX(w.week), 0) AS last_week"
            " FROM pair_groups g LEFT JOIN checkin_weeks w ON w.group_id = g.id"
            " WHERE g.ended_at IS NULL AND g.intro_sent = 1"
            " AND (g.thread_id IS NOT NULL OR g.use_dms = 1)"
            " AND unixepoch(g.starts_at) <= unixepoch(?) AND unixepoch(?) < unixepoch(g.ends_at)"
            " GROUP BY g.id HAVING last_week < g.term_weeks",
            (iso(now), iso(now)),
        )
        return [(CheckinGroup.from_row(r), int(r["last_week"])) for r in rows]

    async def checkin_groups_of(self, user_id: int, guild_id: int | None) -> list[CheckinGroup]:
        """A member's live groups (in one server, or in any when ``guild_id`` is None), newest
        first."""
        sql = (
            f"SELECT {_GROUP_COLUMNS} FROM pair_groups g"
            " JOIN pair_group_members m ON m.group_id = g.id"
            " WHERE m.user_id = ? AND g.ended_at IS NULL"
        )
        params: tuple[Any, ...] = (user_id,)
        if guild_id is not None:
            sql += " AND g.guild_id = ?"
            params += (guild_id,)
        rows = await self._fetchall(sql + " ORDER BY g.id DESC", params)
        return [CheckinGroup.from_row(r) for r in rows]

    # -- weeks ------------------------------------------------------------------------------

    async def checkin_used_question_ids(self, group_id: int) -> set[str]:
        rows = await self._fetchall(
            "SELECT question_ids FROM checkin_weeks WHERE group_id = ?", (group_id,)
        )
        return {i for r in rows for i in str(r[0]).split(",") if i}

    async def claim_checkin_week(
        self,
        group_id: int,
        week: int,
        *,
        opens_at: datetime,
        closes_at: datetime,
        remind_at: datetime | None,
        question_ids: Iterable[str],
        now: datetime,
    ) -> bool:
        """Claim a week before posting it: True only for the first claim of (group, week)."""
        changed = await self._execute(
            "INSERT INTO checkin_weeks"
            " (group_id, week, opens_at, closes_at, remind_at, question_ids, claimed_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                group_id,
                week,
                iso(opens_at),
                iso(closes_at),
                iso(remind_at) if remind_at else None,
                ",".join(question_ids),
                iso(now),
            ),
        )
        return changed == 1

    async def checkin_week(self, group_id: int, week: int) -> CheckinWeek | None:
        row = await self._fetchone(
            "SELECT * FROM checkin_weeks WHERE group_id = ? AND week = ?", (group_id, week)
        )
        return CheckinWeek.from_row(row) if row else None

    async def latest_checkin_week(self, group_id: int) -> CheckinWeek | None:
        row = await self._fetchone(
            "SELECT * FROM checkin_weeks WHERE group_id = ? ORDER BY week DESC LIMIT 1",
            (group_id,),
        )
        return CheckinWeek.from_row(row) if row else None

    async def checkin_weeks_with_work(self, now: datetime) -> list[CheckinWeek]:
        """Weeks with a step to do now: unposted, reminder due, reveal unposted, close due, or
        follow-up unposted."""
        at = iso(now)
        rows = await self._fetchall(
            "SELECT * FROM checkin_weeks"
            " WHERE followup_posted_at IS NULL AND cancelled = 0 AND ("
            "  posted_at IS NULL"
            "  OR (remind_at <= ? AND reminder_sent_at IS NULL AND revealed_at IS NULL)"
            "  OR (revealed_at IS NOT NULL AND reveal_posted_at IS NULL)"
            "  OR closes_at <= ? OR closed_at IS NOT NULL)"
            " ORDER BY closes_at, group_id, week",
            (at, at),
        )
        return [CheckinWeek.from_row(r) for r in rows]

    async def unfinished_checkin_weeks(self, group_id: int) -> list[CheckinWeek]:
        """A group's weeks with any step left, oldest first."""
        rows = await self._fetchall(
            "SELECT * FROM checkin_weeks WHERE group_id = ? AND followup_posted_at IS NULL"
            " AND cancelled = 0 ORDER BY week",
            (group_id,),
        )
        return [CheckinWeek.from_row(r) for r in rows]

    async def mark_checkin_posted(
        self, group_id: int, week: int, message_id: int | None, now: datetime
    ) -> None:
        await self._execute(
            "UPDATE checkin_weeks SET posted_at = ?, message_id = ?"
            " WHERE group_id = ? AND week = ? AND posted_at IS NULL",
            (iso(now), message_id, group_id, week),
        )

    async def claim_checkin_reminder(self, group_id: int, week: int, now: datetime) -> bool:
        """Claim the reminder; False when it was claimed before or the answers were revealed."""
        changed = await self._execute(
            "UPDATE checkin_weeks SET reminder_claimed_at = ?"
            " WHERE group_id = ? AND week = ? AND reminder_claimed_at IS NULL"
            " AND revealed_at IS NULL AND closed_at IS NULL AND cancelled = 0",
            (iso(now), group_id, week),
        )
        return changed == 1

    async def mark_checkin_reminder_sent(self, group_id: int, week: int, now: datetime) -> None:
        await self._execute(
            "UPDATE checkin_weeks SET reminder_sent_at = ? WHERE group_id = ? AND week = ?",
            (iso(now), group_id, week),
        )

    async def claim_checkin_close(self, group_id: int, week: int, now: datetime) -> bool:
        """Close a week once; reveal it too when it was not already (answers then kept 7 days)."""
        async with self._transaction() as conn:
            cur = await conn.execute(
                "UPDATE checkin_weeks SET closed_at = ?"
                " WHERE group_id = ? AND week = ? AND closed_at IS NULL AND cancelled = 0",
                (iso(now), group_id, week),
            )
            if cur.rowcount != 1:
                return False
            await self._reveal(conn, group_id, week, now)
        return True

    async def _reveal(
        self, conn: aiosqlite.Connection, group_id: int, week: int, now: datetime
    ) -> None:
        """Inside a transaction: mark the week revealed (once), count, schedule the purge."""
        cur = await conn.execute(
            "UPDATE checkin_weeks SET revealed_at = ?,"
            " members = (SELECT COUNT(*) FROM pair_group_members WHERE group_id = ?),"
            " answered = (SELECT COUNT(*) FROM checkin_answers"
            "   WHERE group_id = ? AND week = ? AND answers IS NOT NULL AND skipped = 0)"
            " WHERE group_id = ? AND week = ? AND revealed_at IS NULL",
            (iso(now), group_id, group_id, week, group_id, week),
        )
        if cur.rowcount == 1:
            await conn.execute(
                "UPDATE checkin_answers SET purge_after = ? WHERE group_id = ? AND week = ?",
                (iso(now + ANSWERS_KEPT), group_id, week),
            )

    async def mark_checkin_reveal_posted(self, group_id: int, week: int, now: datetime) -> None:
        await self._execute(
            "UPDATE checkin_weeks SET reveal_posted_at = ? WHERE group_id = ? AND week = ?",
            (iso(now), group_id, week),
        )

    async def mark_checkin_followup_posted(self, group_id: int, week: int, now: datetime) -> None:
        await self._execute(
            "UPDATE checkin_weeks SET followup_posted_at = ? WHERE group_id = ? AND week = ?",
            (iso(now), group_id, week),
        )

    async def cancel_cut_short_checkin_weeks(self) -> int:
        """Weeks of groups that ended before the week closed: cancel them and delete their
        answers now (they will never be revealed). The number of weeks cancelled."""
        async with self._transaction() as conn:
            cur = await conn.execute(
                "UPDATE checkin_weeks SET cancelled = 1"
                " WHERE cancelled = 0 AND closed_at IS NULL AND group_id IN ("
                "   SELECT g.id FROM pair_groups g WHERE g.ended_at IS NOT NULL"
                "   AND unixepoch(g.ended_at) < unixepoch(checkin_weeks.closes_at))"
            )
            cancelled = cur.rowcount
            if cancelled:
                await conn.execute(
                    "DELETE FROM checkin_answers WHERE (group_id, week) IN"
                    " (SELECT group_id, week FROM checkin_weeks WHERE cancelled = 1)"
                )
        return cancelled

    async def drop_checkin_week(self, group_id: int, week: int) -> None:
        """Give up a week that can no longer be held (never posted before it closed)."""
        async with self._transaction() as conn:
            await conn.execute(
                "UPDATE checkin_weeks SET cancelled = 1 WHERE group_id = ? AND week = ?",
                (group_id, week),
            )
            await conn.execute(
                "DELETE FROM checkin_answers WHERE group_id = ? AND week = ?", (group_id, week)
            )

    # -- answers ----------------------------------------------------------------------------

    async def save_checkin_answers(
        self, group_id: int, week: int, user_id: int, answers: Mapping[str, str], now: datetime
    ) -> AnswerOutcome:
        """Store (or replace) a member's answers while the week is open; when that makes every
        member answered, claim the reveal in the same transaction."""
        return await self._record(group_id, week, user_id, json.dumps(dict(answers)), False, now)

    async def record_checkin_skip(
        self, group_id: int, week: int, user_id: int, *, rough_week: bool, now: datetime
    ) -> AnswerOutcome:
        """Record that a member skips the week (replacing any answers they gave)."""
        return await self._record(group_id, week, user_id, None, rough_week, now)

    async def _record(
        self,
        group_id: int,
        week: int,
        user_id: int,
        answers: str | None,
        rough_week: bool,
        now: datetime,
    ) -> AnswerOutcome:
        async with self._transaction() as conn:
            async with conn.execute(
                "SELECT 1 FROM checkin_weeks w JOIN pair_groups g ON g.id = w.group_id"
                " WHERE w.group_id = ? AND w.week = ? AND w.revealed_at IS NULL"
                " AND w.closed_at IS NULL AND w.cancelled = 0 AND g.ended_at IS NULL",
                (group_id, week),
            ) as cur:
                if await cur.fetchone() is None:
                    return AnswerOutcome(AnswerStatus.NOT_OPEN)
            async with conn.execute(
                "SELECT user_id FROM pair_group_members WHERE group_id = ?", (group_id,)
            ) as cur:
                members = {int(r[0]) for r in await cur.fetchall()}
            if user_id not in members:
                return AnswerOutcome(AnswerStatus.NOT_MEMBER)
            async with conn.execute(
                "SELECT 1 FROM checkin_answers WHERE group_id = ? AND week = ? AND user_id = ?",
                (group_id, week, user_id),
            ) as cur:
                existed = await cur.fetchone() is not None
            await conn.execute(
                "INSERT INTO checkin_answers"
                " (group_id, week, user_id, answers, skipped, rough_week, answered_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (group_id, week, user_id) DO UPDATE SET"
                " answers = excluded.answers, skipped = excluded.skipped,"
                " rough_week = MAX(rough_week, excluded.rough_week),"
                " answered_at = excluded.answered_at",
                (group_id, week, user_id, answers, int(answers is None), int(rough_week), iso(now)),
            )
            async with conn.execute(
                "SELECT user_id FROM checkin_answers WHERE group_id = ? AND week = ?"
                " AND answers IS NOT NULL AND skipped = 0",
                (group_id, week),
            ) as cur:
                answered = {int(r[0]) for r in await cur.fetchall()}
            complete = members <= answered
            if complete:
                await self._reveal(conn, group_id, week, now)
        status = AnswerStatus.REPLACED if existed else AnswerStatus.SAVED
        return AnswerOutcome(status, complete)

    async def checkin_answers_for(self, group_id: int, week: int) -> list[MemberAnswer]:
        rows = await self._fetchall(
            "SELECT user_id, answers, skipped, rough_week FROM checkin_answers"
            " WHERE group_id = ? AND week = ?",
            (group_id, week),
        )
        return [
            MemberAnswer(
                user_id=r["user_id"],
                answers=json.loads(r["answers"]) if r["answers"] is not None else None,
                skipped=bool(r["skipped"]),
                rough_week=bool(r["rough_week"]),
            )
            for r in rows
        ]

    async def purge_checkin_answers(self, now: datetime) -> int:
        """Delete answers whose reveal was 7 days ago or more; how many rows went."""
        return await self._execute(
            "DELETE FROM checkin_answers WHERE purge_after IS NOT NULL AND purge_after <= ?",
            (iso(now),),
        )

    async def record_checkin_connect(
        self, group_id: int, week: int, user_id: int, connected: bool
    ) -> None:
        """A member's "did you connect?" answer (a later click replaces an earlier one)."""
        await self._execute(
            "INSERT INTO checkin_connect (group_id, week, user_id, connected) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (group_id, week, user_id) DO UPDATE SET connected = excluded.connected",
            (group_id, week, user_id, int(connected)),
        )

    # -- counts ---------------------------------------------------------------------------------

    async def checkin_stats(self, guild_id: int) -> CheckinStats:
        """Counts over a server's closed weeks: no content, no names."""
        row = await self._fetchone(
            "SELECT COUNT(*), COALESCE(SUM(w.members), 0), COALESCE(SUM(w.answered), 0)"
            " FROM checkin_weeks w JOIN pair_groups g ON g.id = w.group_id"
            " WHERE g.guild_id = ? AND w.closed_at IS NOT NULL",
            (guild_id,),
        )
        connect = await self._fetchone(
            "SELECT COALESCE(SUM(c.connected), 0), COALESCE(SUM(1 - c.connected), 0)"
            " FROM checkin_connect c JOIN pair_groups g ON g.id = c.group_id"
            " WHERE g.guild_id = ?",
            (guild_id,),
        )
        assert row is not None and connect is not None
        return CheckinStats(int(row[0]), int(row[1]), int(row[2]), int(connect[0]), int(connect[1]))
