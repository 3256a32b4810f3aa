"""A member's own data: the map of every column that can hold a Discord user id, export, erasure.

``USER_COLUMNS`` names every such column in the schema with what `/privacy delete` does to it:
``DELETE_ROW`` when the row is the member's own data, ``NULL`` when the row is shared data that
stays (a schedule, a server prompt) and only the member's name on it goes. Columns that look like
ids but never hold a user (``guild_id``, ``channel_id``, ...) are declared in ``NOT_USER_IDS``.
A test reads the migrated schema and fails when a column is in neither, so a new table with a
user column can't be forgotten by the export or the deletion.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from bot.store.base import StoreBase


class Policy(Enum):
    """What deleting a member's data does to a column holding their id."""

    DELETE_ROW = "delete_row"  # the row is the member's own data: it goes
    NULL = "null"  # shared data that stays: only the attribution goes


@dataclass(frozen=True, slots=True)
class UserColumn:
    """One column that can hold a member's Discord user id.

    ``key`` names the rows in the export (within ``feature``); ``exported`` is False for rows
    that are another member's data naming this one (a block placed on them: who blocked whom is
    the blocker's to know). Other user-id columns of an exported row are left out unless listed
    in ``shows``. ``context`` adds a few columns of a parent row (``g.`` = the joined
    ``context_join``), so an exported row says which server and when.
    """

    table: str
    column: str
    policy: Policy
    feature: str
    key: str
    exported: bool = True
    shows: tuple[str, ...] = ()
    context_join: str | None = None
    context: tuple[str, ...] = field(default=())

    @property
    def name(self) -> str:
        return f"{self.table}.{self.column}"


_PAIR_GROUP = "JOIN pair_groups AS g ON g.id = t.group_id"

USER_COLUMNS: tuple[UserColumn, ...] = (
    # -- pairs --
    UserColumn("pair_members", "user_id", Policy.DELETE_ROW, "pairs", "membership"),
    UserColumn(
        "pair_blocks", "user_id", Policy.DELETE_ROW, "pairs", "blocks", shows=("blocked_id",)
    ),
    UserColumn(
        "pair_blocks", "blocked_id", Policy.DELETE_ROW, "pairs", "blocked_by", exported=False
    ),
    UserColumn(
        "pair_group_members",
        "user_id",
        Policy.DELETE_ROW,
        "pairs",
        "groups",
        # Never why a group ended: "blocked" or "left" would tell what the partner did.
        context_join=_PAIR_GROUP,
        context=("g.guild_id", "g.round_date", "g.starts_at", "g.ends_at", "g.ended_at"),
    ),
    UserColumn("pairing_config", "created_by", Policy.NULL, "pairs", "pairing_set_up"),
    # -- check-ins (their own answers only: the partner's rows hold the partner's id) --
    UserColumn(
        "checkin_answers",
        "user_id",
        Policy.DELETE_ROW,
        "check-ins",
        "answers",
        context_join=_PAIR_GROUP,
        context=("g.guild_id",),
    ),
    UserColumn(
        "checkin_connect",
        "user_id",
        Policy.DELETE_ROW,
        "check-ins",
        "did_you_connect",
        context_join=_PAIR_GROUP,
        context=("g.guild_id",),
    ),
    # -- prompts: suggestions are the member's; approved prompts belong to the server's deck --
    UserColumn("suggestions", "author_id", Policy.DELETE_ROW, "prompts", "suggestions_written"),
    UserColumn("suggestions", "reviewed_by", Policy.NULL, "prompts", "suggestions_reviewed"),
    UserColumn("guild_prompts", "author_id", Policy.NULL, "prompts", "prompts_written"),
    UserColumn("guild_prompts", "added_by", Policy.NULL, "prompts", "prompts_added"),
    # -- schedules and server resources: the server's, set up by a moderator --
    UserColumn("schedules", "created_by", Policy.NULL, "schedules", "schedules_created"),
    UserColumn("server_resources", "added_by", Policy.NULL, "resources", "resources_added"),
)

# Columns named like ids that never hold a user: bare names anywhere, "table.column" for one table.
NOT_USER_IDS: frozenset[str] = frozenset(
    {
        "guild_id",
        "channel_id",
        "message_id",
        "last_message_id",
        "thread_id",
        "review_channel_id",
        "support_role_id",
        "ping_role_id",
        "schedule_id",
        "group_id",
        "prompt_id",
        "item_id",  # a built-in or server prompt's id ("g-3")
        "question_ids",
        "schedules.paused_by",  # 'moderator' | 'error'
        "checkin_weeks.members",  # a count, for /pairing stats
    }
)


def user_columns_of(table: str) -> list[UserColumn]:
    return [c for c in USER_COLUMNS if c.table == table]


def features(entries: Iterable[UserColumn] = USER_COLUMNS) -> list[str]:
    """The features in map order, each once."""
    return list(dict.fromkeys(e.feature for e in entries))


@dataclass(frozen=True, slots=True)
class MemberRows:
    """The rows of one mapped column that hold a member's id, ready to export."""

    entry: UserColumn
    rows: list[dict[str, Any]]


@dataclass(slots=True)
class ErasureCounts:
    """What ``erase_member`` did, per feature: rows deleted, and shared rows unlinked."""

    deleted: dict[str, int] = field(default_factory=dict)
    unlinked: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.deleted.values()) + sum(self.unlinked.values())

    def add(self, entry: UserColumn, changed: int) -> None:
        if changed:
            counts = self.deleted if entry.policy is Policy.DELETE_ROW else self.unlinked
            counts[entry.feature] = counts.get(entry.feature, 0) + changed


def _hidden(entry: UserColumn) -> set[str]:
    """Other members' ids in the entry's rows: left out of the export unless ``shows``."""
    others = {c.column for c in user_columns_of(entry.table)} - {entry.column}
    return others - set(entry.shows)


def _export_sql(entry: UserColumn) -> str:
    select = ["t.*", *(f"{c} AS {c.split('.')[-1]}" for c in entry.context)]
    join = f" {entry.context_join}" if entry.context_join else ""
    # Names come from the declared map above, never from input.
    return (
        f"SELECT {', '.join(select)} FROM {entry.table} AS t{join}"
        f" WHERE t.{entry.column} = ? ORDER BY t.rowid"
    )


def _erase_sql(entry: UserColumn) -> str:
    if entry.policy is Policy.DELETE_ROW:
        return f"DELETE FROM {entry.table} WHERE {entry.column} = ?"
    return f"UPDATE {entry.table} SET {entry.column} = NULL WHERE {entry.column} = ?"


class PrivacyQueries(StoreBase):
    """A member's own rows across every table, for ``/privacy export`` and ``/privacy delete``."""

    async def member_rows(self, user_id: int) -> list[MemberRows]:
        """Every exported row that holds ``user_id``, in every server, in map order."""
        found: list[MemberRows] = []
        for entry in USER_COLUMNS:
            if not entry.exported:
                continue
            hidden = _hidden(entry)
            rows = await self._fetchall(_export_sql(entry), (user_id,))
            found.append(
                MemberRows(
                    entry, [{k: v for k, v in dict(row).items() if k not in hidden} for row in rows]
                )
            )
        return found

    async def member_pairing_guilds(self, user_id: int) -> list[int]:
        """Servers where the member is in a pair group not yet ended."""
        rows = await self._fetchall(
            "SELECT DISTINCT g.guild_id FROM pair_group_members AS m"
            " JOIN pair_groups AS g ON g.id = m.group_id"
            " WHERE m.user_id = ? AND g.ended_at IS NULL ORDER BY g.guild_id",
            (user_id,),
        )
        return [int(row[0]) for row in rows]

    async def erase_member(self, user_id: int) -> ErasureCounts:
        """Apply ``USER_COLUMNS`` for ``user_id`` in one transaction: nothing holds it after.

        Idempotent: a second call changes nothing and reports zero.
        """
        counts = ErasureCounts()
        async with self._transaction() as conn:
            for entry in USER_COLUMNS:
                async with conn.execute(_erase_sql(entry), (user_id,)) as cur:
                    counts.add(entry, cur.rowcount)
        return counts

    async def columns_of(self, table: str) -> list[tuple[str, str, bool]]:
        """(name, declared type, NOT NULL) of a table's columns, for the data-map test."""
        rows = await self._fetchall(
            'SELECT name, type, "notnull" FROM pragma_table_info(?)', (table,)
        )
        return [(str(r[0]), str(r[1]).upper(), bool(r[2])) for r in rows]
