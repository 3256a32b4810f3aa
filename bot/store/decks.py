"""The server's own prompts and members' suggestions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import aiosqlite

from bot.store.base import StoreBase

GUILD_PROMPT_PREFIX = "g-"


@dataclass(frozen=True, slots=True)
class GuildPrompt:
    """A prompt a server's moderators added (or approved from a suggestion)."""

    id: int
    guild_id: int
    text: str
    type: str
    depth: int
    author_id: int | None
    added_by: int | None

    @property
    def item_id(self) -> str:
        """The id used in the delivery ledger; never collides with the built-in decks' ids."""
        return f"{GUILD_PROMPT_PREFIX}{self.id}"

    @classmethod
    def from_row(cls, row: aiosqlite.Row) -> GuildPrompt:
        return cls(
            id=row["id"],
            guild_id=row["guild_id"],
            text=row["text"],
            type=row["type"],
            depth=row["depth"],
            author_id=row["author_id"],
            added_by=row["added_by"],
        )


def guild_prompt_id(item_id: str) -> int | None:
    """The row id inside a ``g-<id>`` ledger item id, or None for built-in items."""
    if item_id.startswith(GUILD_PROMPT_PREFIX) and item_id[2:].isdigit():
        return int(item_id[2:])
    return None


class DeckQueries(StoreBase):
    """Server prompts."""

    async def add_guild_prompt(
        self,
        guild_id: int,
        text: str,
        type_: str,
        depth: int,
        *,
        added_by: int | None,
        author_id: int | None = None,
    ) -> GuildPrompt:
        async with self._transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO guild_prompts (guild_id, text, type, depth, author_id, added_by)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (guild_id, text, type_, depth, author_id, added_by),
            )
            new_id = cur.lastrowid
        prompt = await self.get_guild_prompt(guild_id, new_id or 0)
        assert prompt is not None
        return prompt

    async def get_guild_prompt(
        self, guild_id: int, prompt_id: int, *, include_removed: bool = False
    ) -> GuildPrompt | None:
        """A prompt of this server (never another server's); removed ones only when asked."""
        row = await self._fetchone(
            "SELECT * FROM guild_prompts WHERE id = ? AND guild_id = ?"
            + ("" if include_removed else " AND removed_at IS NULL"),
            (prompt_id, guild_id),
        )
        return GuildPrompt.from_row(row) if row else None

    async def guild_prompts(self, guild_id: int) -> list[GuildPrompt]:
        rows = await self._fetchall(
            "SELECT * FROM guild_prompts WHERE guild_id = ? AND removed_at IS NULL ORDER BY id",
            (guild_id,),
        )
        return [GuildPrompt.from_row(r) for r in rows]

    async def remove_guild_prompt(self, guild_id: int, prompt_id: int, now_iso: str) -> bool:
        changed = await self._execute(
            "UPDATE guild_prompts SET removed_at = ?"
            " WHERE id = ? AND guild_id = ? AND removed_at IS NULL",
            (now_iso, prompt_id, guild_id),
        )
        return changed == 1

    async def add_guild_prompts(
        self, guild_id: int, rows: Sequence[tuple[str, str, int]], *, added_by: int | None
    ) -> list[int]:
        """Add (text, type, depth) rows in one transaction (``/deck import``); their ids."""
        ids: list[int] = []
        async with self._transaction() as conn:
            for text, type_, depth in rows:
                cur = await conn.execute(
                    "INSERT INTO guild_prompts (guild_id, text, type, depth, added_by)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (guild_id, text, type_, depth, added_by),
                )
                ids.append(cur.lastrowid or 0)
        return ids
