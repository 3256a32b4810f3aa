"""``/deck import`` and ``/deck export``: files in and out, around the pure `bot.deckio`."""

from __future__ import annotations

import gzip
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from bot.deckio import DeckRow, ImportResult, RowError, build_export, dump_export, error_report
from bot.files import text_file
from bot.store.decks import GuildPrompt
from bot.tree import UserFacingError

if TYPE_CHECKING:
    from bot.client import CommunityBot

# Longer error lists go in an attached text file, so the reply stays readable.
INLINE_ERRORS_MAX_CHARS = 1200
INLINE_ERRORS_PREVIEW = 10


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """The rows to add and every reason a row is skipped, in row order."""

    rows: tuple[DeckRow, ...]
    errors: tuple[RowError, ...]


def plan_import(result: ImportResult, existing: Mapping[str, GuildPrompt]) -> ImportPlan:
    """Skip rows whose text is already one of the server's prompts (keyed by casefolded text)."""
    rows: list[DeckRow] = []
    errors = list(result.errors)
    for row in result.rows:
        known = existing.get(row.text.casefold())
        if known is not None:
            errors.append(RowError(row.number, f"already in this server's deck as {known.item_id}"))
        else:
            rows.append(row)
    errors.sort(key=lambda e: e.number)
    return ImportPlan(tuple(rows), tuple(errors))


def import_reply(
    filename: str, added: Sequence[int], errors: Sequence[RowError]
) -> tuple[str, discord.File | None]:
    """What ``/deck import`` says, and the full error list as a file when it is long."""
    if added:
        span = f"g-{added[0]}" if len(added) == 1 else f"g-{added[0]} to g-{added[-1]}"
        plural = "s" if len(added) != 1 else ""
        head = f"Added **{len(added)}** prompt{plural} from `{filename}` ({span})."
    else:
        head = f"Added no prompts from `{filename}`."
    if not errors:
        return head, None
    head += f"\nSkipped **{len(errors)}** row{'s' if len(errors) != 1 else ''}:"
    report = error_report(errors)
    if len(report) <= INLINE_ERRORS_MAX_CHARS:
        return f"{head}\n```\n{report}\n```", None
    preview = error_report(errors[:INLINE_ERRORS_PREVIEW])
    more = len(errors) - INLINE_ERRORS_PREVIEW
    text = f"{head}\n```\n{preview}\n```\n…and {more} more: the full list is in the attached file."
    attachment = text_file(report, "import-errors.txt")
    return text, attachment


async def export_file(
    bot: CommunityBot, guild_id: int, size_limit: int
) -> tuple[discord.File, str]:
    """The server's export as a JSON attachment (gzipped if it would be too big) and a summary."""
    prompts = await bot.store.guild_prompts(guild_id)
    schedules = await bot.store.guild_schedule_rows(guild_id)
    suggestions = await bot.store.guild_suggestions(guild_id)
    deliveries = await bot.store.guild_delivery_rows(guild_id)
    now = bot.clock.now()
    document = build_export(
        guild_id=guild_id,
        exported_at=now,
        prompts=prompts,
        schedules=schedules,
        suggestions=[s.as_dict() for s in suggestions],
        deliveries=deliveries,
    )
    data = dump_export(document)
    filename = f"deck-export-{guild_id}-{now:%Y%m%d}.json"
    if len(data) > size_limit:
        data = gzip.compress(data)
        filename += ".gz"
    if len(data) > size_limit:
        raise UserFacingError(
            "This server's export is larger than the biggest file I can send here. "
            "Ask the bot's operator for a database backup instead."
        )
    summary = (
        f"This server's export: {len(prompts)} prompts, {len(schedules)} schedules, "
        f"{len(suggestions)} suggestions, {len(deliveries)} deliveries. The `prompts` list can "
        "be imported again with `/deck import`."
    )
    return text_file(data, filename), summary
