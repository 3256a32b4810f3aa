"""Members' prompt suggestions: the review queue, and approval into the server's deck."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot.store.base import StoreBase

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A member's prompt idea and what the moderators decided."""

    id: int
    guild_id: int
    author_id: int
    text: str
    type: str
    status: str
    reviewed_by: int | None
    prompt_id: int | None
    created_at: str
    reviewed_at: str | None

    @property
    def pending(self) -> bool:
        return self.status == PENDING

    @classmethod
    def from_row(cls, row: aiosqlite.Row) -> Suggestion:
        return cls(
            id=row["id"],
            guild_id=row["guild_id"],
            author_id=row["author_id"],
            text=row["text"],
            type=row["type"],
            status=row["status"],
            reviewed_by=row["reviewed_by"],
            prompt_id=row["prompt_id"],
            created_at=row["created_at"],
            reviewed_at=row["reviewed_at"],
        )

    def as_dict(self) -> dict[str, Any]:
        """Every field, for the server's export."""
        return {
            "id": self.id,
            "author_id": self.author_id,
            "text": self.text,
            "type": self.type,
            "status": self.status,
            "reviewed_by": self.reviewed_by,
            "prompt_id": f"g-{self.prompt_id}" if self.prompt_id is not None else None,
            "created_at": self.created_at,
            "reviewed_at": self.reviewed_at,
        }


@dataclass(frozen=True, slots=True)
class ReviewOutcome:
    """The suggestion after a review click; ``changed`` is False when it was already reviewed."""

    suggestion: Suggestion
    changed: bool


class SuggestionQueries(StoreBase):
    """The review queue."""

    async def add_suggestion(
        self, guild_id: int, author_id: int, text: str, type_: str, *, max_pending: int
    ) -> Suggestion | None:
        """Queue a suggestion; None when the member already has ``max_pending`` waiting.

        The count and the insert share one transaction, so quick repeated submissions can't
        slip past the limit.
        """
        async with self._transaction() as conn:
            async with conn.execute(
                "SELECT COUNT(*) FROM suggestions"
                " WHERE guild_id = ? AND author_id = ? AND status = 'pending'",
                (guild_id, author_id),
            ) as cur:
                row = await cur.fetchone()
            if row is not None and int(row[0]) >= max_pending:
                return None
            cur = await conn.execute(
                "INSERT INTO suggestions (guild_id, author_id, text, type) VALUES (?, ?, ?, ?)",
                (guild_id, author_id, text, type_),
            )
            new_id = cur.lastrowid or 0
        suggestion = await self.get_suggestion(guild_id, new_id)
        assert suggestion is not None
        return suggestion

    async def get_suggestion(self, guild_id: int, suggestion_id: int) -> Suggestion | None:
        """A suggestion of this server (never another server's)."""
        row = await self._fetchone(
            "SELECT * FROM suggestions WHERE id = ? AND guild_id = ?", (suggestion_id, guild_id)
        )
        return Suggestion.from_row(row) if row else None

    async def pending_suggestions(self, guild_id: int, limit: int) -> list[Suggestion]:
        """The oldest ``limit`` suggestions waiting for review."""
        rows = await self._fetchall(
            "SELECT * FROM suggestions WHERE guild_id = ? AND status = 'pending'"
            " ORDER BY id LIMIT ?",
            (guild_id, limit),
        )
        return [Suggestion.from_row(r) for r in rows]

    async def pending_suggestion_count(self, guild_id: int) -> int:
        row = await self._fetchone(
            "SELECT COUNT(*) FROM suggestions WHERE guild_id = ? AND status = 'pending'",
            (guild_id,),
        )
        return int(row[0]) if row else 0

    async def guild_suggestions(self, guild_id: int) -> list[Suggestion]:
        """Every suggestion of a server, reviewed or not, oldest first (for the export)."""
        rows = await self._fetchall(
            "SELECT * FROM suggestions WHERE guild_id = ? ORDER BY id", (guild_id,)
        )
        return [Suggestion.from_row(r) for r in rows]

    async def review_suggestion(
        self,
        guild_id: int,
        suggestion_id: int,
        *,
        approve: bool,
        reviewer_id: int,
        now_iso: str,
        depth: int,
    ) -> ReviewOutcome | None:
        """Approve (into the server's deck, at ``depth``) or reject a pending suggestion.

        One transaction: of two moderators clicking at once, exactly one changes it; the other
        gets the outcome with ``changed=False``. None when there is no such suggestion here.
        """
        async with self._transaction() as conn:
            async with conn.execute(
                "SELECT * FROM suggestions WHERE id = ? AND guild_id = ?",
                (suggestion_id, guild_id),
            ) as cur:
                row = await cur.fetchone()
            if row is None:
                return None
            changed = row["status"] == PENDING
            if changed:
                prompt_id: int | None = None
                if approve:
                    cur = await conn.execute(
                        "INSERT INTO guild_prompts (guild_id, text, type, depth, author_id,"
                        " added_by) VALUES (?, ?, ?, ?, ?, ?)",
                        (guild_id, row["text"], row["type"], depth, row["author_id"], reviewer_id),
                    )
                    prompt_id = cur.lastrowid
                await conn.execute(
                    "UPDATE suggestions SET status = ?, reviewed_by = ?, reviewed_at = ?,"
                    " prompt_id = ? WHERE id = ?",
                    (APPROVED if approve else REJECTED, reviewer_id, now_iso, prompt_id, row["id"]),
                )
        suggestion = await self.get_suggestion(guild_id, suggestion_id)
        assert suggestion is not None
        return ReviewOutcome(suggestion, changed)
