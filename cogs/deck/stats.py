"""``/deck stats``: how many prompts each schedule can still post before one repeats."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from bot.content.vocab import IntimacyType
from bot.embeds import Field, Section, pack_sections
from bot.posts import pool_for
from bot.scheduling import LOW_POOL_WARNING
from bot.store.decks import GuildPrompt
from bot.store.schedules import Schedule

if TYPE_CHECKING:
    from bot.client import CommunityBot

STATS_COLOUR = 0x5B8DEF
STARTERS = "Starters"


@dataclass(frozen=True, slots=True)
class PoolCount:
    """Of ``total`` items under one label, ``unused`` are left in the current round."""

    label: str
    unused: int
    total: int


def count_pool(
    pool: Iterable[str], used: Collection[str], label_of: Callable[[str], str]
) -> list[PoolCount]:
    """Unused and total items per label, labels in first-seen order."""
    totals: Counter[str] = Counter()
    unused: Counter[str] = Counter()
    for item_id in dict.fromkeys(pool):
        label = label_of(item_id)
        totals[label] += 1
        if item_id not in used:
            unused[label] += 1
    return [PoolCount(label, unused[label], totals[label]) for label in totals]


def schedule_field(schedule: Schedule, counts: Sequence[PoolCount]) -> Field:
    """One schedule's counts, per type, with the total and a warning when few are left."""
    kind = "daily prompts" if schedule.kind == "daily-prompt" else "starters"
    lines = [f"{kind} in <#{schedule.channel_id}> · round {schedule.cycle}"]
    lines += [f"{c.label}: **{c.unused}** of {c.total} unused" for c in counts]
    left = sum(c.unused for c in counts)
    total = sum(c.total for c in counts)
    if len(counts) > 1:
        lines.append(f"All types: **{left}** of {total} unused")
    if total == 0:
        lines.append("⚠️ Nothing matches this schedule's filters.")
    elif left < LOW_POOL_WARNING:
        lines.append(
            f"⚠️ Fewer than {LOW_POOL_WARNING} left: after that the round restarts and prompts "
            "repeat. Add more with `/deck add` or `/deck import`."
        )
    return Field(f"Schedule #{schedule.id}", "\n".join(lines))


def deck_summary(prompts: Sequence[GuildPrompt], pending: int) -> str:
    """The server's own prompts by type, and the review queue."""
    by_type = Counter(p.type for p in prompts)
    parts = [f"{t.display_name} {by_type[t.value]}" for t in IntimacyType if by_type[t.value]]
    own = f"**{len(prompts)}** server prompt{'s' if len(prompts) != 1 else ''}"
    if parts:
        own += f" ({', '.join(parts)})"
    queue = f"**{pending}** suggestion{'s' if pending != 1 else ''} waiting for review"
    if pending:
        queue += " (`/deck review`)"
    return f"{own}\n{queue}"


async def stats_embeds(bot: CommunityBot, guild_id: int) -> list[discord.Embed]:
    """The ``/deck stats`` reply."""
    prompts = await bot.store.guild_prompts(guild_id)
    own_types = {p.item_id: IntimacyType(p.type).display_name for p in prompts}
    library = bot.content

    def label_of(item_id: str) -> str:
        prompt = library.prompt(item_id)
        if prompt is not None:
            return prompt.type.display_name
        if library.starter(item_id) is not None:
            return STARTERS
        return own_types.get(item_id, "Other")

    fields: list[Field] = []
    for schedule in await bot.store.list_schedules(guild_id):
        if not schedule.active:
            continue
        pool = await pool_for(bot, schedule)
        used = await bot.store.used_item_ids(schedule.id, schedule.cycle)
        fields.append(schedule_field(schedule, count_pool(pool, used, label_of)))
    pending = await bot.store.pending_suggestion_count(guild_id)
    description = (
        "How many prompts each active schedule can still post before one repeats.\n\n"
        + deck_summary(prompts, pending)
    )
    if not fields:
        description += "\n\nNo active schedules. Add one with `/schedule add`."
    section = Section("Deck stats", fields, description=description, colour=STATS_COLOUR)
    return pack_sections([section])
