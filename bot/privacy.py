"""A member's own data: the `/privacy export` document and the `/privacy delete` steps.

Both follow the store's map of every column that can hold a user id (``bot.store.privacy``), so
they cover every feature at once. The export holds everything stored under the member's id in
every server (it is their data, wherever it was made) and nothing of anyone else's: other
members' ids on those rows and the rows others hold about them (a block) are left out.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.store.privacy import ErasureCounts, MemberRows, features
from bot.store.schedules import iso

if TYPE_CHECKING:
    from bot.client import CommunityBot

EXPORT_ABOUT = (
    "Everything this bot stores under your Discord user id, from every server it shares with "
    "you. Ids are strings. Check-in answers are yours only (never your partner's) and are kept "
    "until revealed plus 7 days. Rows you set up for a server (schedules, server prompts, "
    "resources) appear because your id is on them."
)

# A check-in question's text by id (answers are stored by question id), None when retired.
QuestionText = Callable[[str], str | None]


@dataclass(frozen=True, slots=True)
class Export:
    """The export document and how many rows each feature contributed."""

    document: dict[str, Any]
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def to_json(self) -> str:
        return json.dumps(self.document, indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True, slots=True)
class Deletion:
    """What `/privacy delete` did: rows deleted and unlinked per feature, pairings ended."""

    counts: ErasureCounts
    pairings_ended: int

    @property
    def nothing_left(self) -> bool:
        """True when there was nothing to delete (already deleted, or never stored)."""
        return self.counts.total == 0 and self.pairings_ended == 0


def _is_id(column: str) -> bool:
    return column == "id" or column.endswith(("_id", "_by"))


def _answers(raw: Any, question_text: QuestionText) -> list[dict[str, Any]] | None:
    if raw is None:
        return None
    given: dict[str, str] = json.loads(raw)
    return [
        {"question_id": qid, "question": question_text(qid), "answer": text}
        for qid, text in given.items()
    ]


def _exported_row(table: str, row: dict[str, Any], question_text: QuestionText) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column, value in row.items():
        if table == "checkin_answers" and column == "answers":
            out[column] = _answers(value, question_text)
        elif _is_id(column) and isinstance(value, int):
            out[column] = str(value)  # Discord ids overflow JavaScript numbers
        else:
            out[column] = value
    return out


def export_document(
    found: list[MemberRows], *, user_id: int, now: datetime, question_text: QuestionText
) -> Export:
    """The JSON-ready export: ``data[feature][key]`` lists the rows, every key present."""
    data: dict[str, dict[str, list[dict[str, Any]]]] = {f: {} for f in features()}
    counts = dict.fromkeys(data, 0)
    for item in found:
        entry = item.entry
        rows = [_exported_row(entry.table, r, question_text) for r in item.rows]
        data[entry.feature][entry.key] = rows
        counts[entry.feature] += len(rows)
    document = {
        "about": EXPORT_ABOUT,
        "user_id": str(user_id),
        "exported_at": iso(now),
        "data": data,
    }
    return Export(document, counts)


async def build_export(bot: CommunityBot, user_id: int) -> Export:
    """Everything stored under ``user_id``, across every mapped table and server."""

    def question_text(question_id: str) -> str | None:
        question = bot.content.checkin_question(question_id)
        return question.text if question else None

    found = await bot.store.member_rows(user_id)
    return export_document(found, user_id=user_id, now=bot.clock.now(), question_text=question_text)


async def delete_member_data(bot: CommunityBot, user_id: int) -> Deletion:
    """End the member's live pairings (partners re-paired), then erase them from every table.

    Pairings end first, through the pairing engine, so a partner is told only that the pairing
    ended; the erasure then runs in one transaction. Safe to repeat.
    """
    ended = 0
    pairing = getattr(bot, "pairing", None)
    if pairing is not None:
        for guild_id in await bot.store.member_pairing_guilds(user_id):
            if await pairing.remove_member(guild_id, user_id, reason="deleted"):
                ended += 1
    counts = await bot.store.erase_member(user_id)
    return Deletion(counts, ended)


__all__ = [
    "EXPORT_ABOUT",
    "Deletion",
    "Export",
    "build_export",
    "delete_member_data",
    "export_document",
]
