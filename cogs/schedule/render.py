"""Text and embeds for ``/schedule`` replies; no I/O here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import discord

from bot.content.vocab import StarterFormat
from bot.preview import (
    SchedulePreview,
    describe_timing,
    format_date,
    format_local,
    preview_lines,
    upcoming_slots,
)
from bot.slots import Slot
from bot.store.schedules import Schedule

LIST_COLOUR = 0x5B8DEF
# Discord allows 4096 characters in an embed description; stay a little under.
_DESCRIPTION_BUDGET = 3900


def when_line(slot_fire_at: datetime, zone: ZoneInfo) -> str:
    """ "Mon 23 Nov 09:00 GMT (<t:...:F>)": local wall time plus the reader's own time."""
    return f"{format_local(slot_fire_at, zone)} ({discord.utils.format_dt(slot_fire_at, 'F')})"


def filters(schedule: Schedule) -> str:
    """What the schedule draws from and what it does with a post."""
    if schedule.kind == "starter":
        what = (
            StarterFormat(schedule.starter_format).display_name
            if schedule.starter_format
            else "any format"
        )
    else:
        what = ",".join(schedule.types) if schedule.types else "all types"
    parts = [what, f"depth ≤{schedule.max_depth}"]
    if schedule.thread:
        parts.append("thread")
    if schedule.pin:
        parts.append("pin")
    if schedule.ping_role_id:
        parts.append(f"ping <@&{schedule.ping_role_id}>")
    return ", ".join(parts)


def status(schedule: Schedule) -> str:
    """ "active", or "paused: <why>" (a moderator's reason, or what went wrong)."""
    return "active" if schedule.paused_reason is None else f"paused: {schedule.paused_reason}"


def next_post(schedule: Schedule, now: datetime) -> str:
    """The next post that will actually happen (a skipped slot is passed over)."""
    if not schedule.active:
        return "none while paused"
    upcoming = [s for s in upcoming_slots(schedule, now, 15) if s.local_date != schedule.skip_date]
    if not upcoming:
        return "none in the next two weeks"
    zone = ZoneInfo(schedule.timezone)
    first = upcoming[0].fire_at
    text = f"{format_local(first, zone)} ({discord.utils.format_dt(first, 'R')})"
    if schedule.skip_date is not None:
        text += f", skipping {format_date(schedule.skip_date)}"
    return text


def list_entry(schedule: Schedule, now: datetime) -> str:
    """Two lines per schedule for ``/schedule list``."""
    return (
        f"**#{schedule.id}** {schedule.kind} in <#{schedule.channel_id}> · "
        f"{describe_timing(schedule)} · {filters(schedule)}\n"
        f"↳ {status(schedule)} · next: {next_post(schedule, now)}"
    )


def list_pages(schedules: Sequence[Schedule], now: datetime) -> list[list[str]]:
    """Entries packed into pages that each fit one embed description."""
    pages: list[list[str]] = [[]]
    size = 0
    for schedule in schedules:
        entry = list_entry(schedule, now)[: _DESCRIPTION_BUDGET // 2]
        if pages[-1] and size + len(entry) + 2 > _DESCRIPTION_BUDGET:
            pages.append([])
            size = 0
        pages[-1].append(entry)
        size += len(entry) + 2
    return pages


def list_embed(schedules: Sequence[Schedule], now: datetime, page: int) -> discord.Embed:
    """Page ``page`` (1-based, clamped) of this server's schedules."""
    embed = discord.Embed(title="Schedules in this server", colour=LIST_COLOUR)
    if not schedules:
        embed.description = "No schedules yet. Add one with `/schedule add`."
        return embed
    pages = list_pages(schedules, now)
    page = min(max(page, 1), len(pages))
    embed.description = "\n\n".join(pages[page - 1])
    footer = f"{len(schedules)} schedule{'s' if len(schedules) != 1 else ''}"
    if len(pages) > 1:
        footer += f" · page {page} of {len(pages)}"
        if page < len(pages):
            footer += f" · /schedule list page:{page + 1} for more"
    embed.set_footer(text=footer)
    return embed


def added_reply(schedule: Schedule, slots: Sequence[Slot], pool_size: int) -> str:
    """The ``/schedule add`` reply: the id and the next three post times."""
    zone = ZoneInfo(schedule.timezone)
    kind = "Daily prompt" if schedule.kind == "daily-prompt" else "Conversation starter"
    lines = [
        f"Added schedule **#{schedule.id}**: {kind} in <#{schedule.channel_id}> at "
        f"{describe_timing(schedule)} ({filters(schedule)}).",
        f"{pool_size} {'prompts match' if schedule.kind == 'daily-prompt' else 'starters match'}"
        "; none repeats until all have been posted.",
        "Next posts:",
        *(f"• {when_line(slot.fire_at, zone)}" for slot in slots),
    ]
    return "\n".join(lines)


def preview_embed(preview: SchedulePreview, days: int) -> discord.Embed:
    """``/schedule preview``: what would be posted when, in the schedule's local time."""
    schedule = preview.schedule
    embed = discord.Embed(
        title=f"Preview of schedule #{schedule.id}: the next {days} day{'s' * (days != 1)}",
        colour=LIST_COLOUR,
    )
    head = (
        f"{schedule.kind} in <#{schedule.channel_id}> · {describe_timing(schedule)} · "
        f"{filters(schedule)}"
    )
    if not schedule.active:
        head += f"\n**Paused: {schedule.paused_reason}.** If resumed now, it would post:"
    lines = [f"• {line}" for line in preview_lines(preview)] or ["No posts in that period."]
    body = "\n".join(lines)
    if len(head) + len(body) + 2 > _DESCRIPTION_BUDGET:
        body = body[: _DESCRIPTION_BUDGET - len(head) - 3].rsplit("\n", 1)[0] + "\n…"
    embed.description = f"{head}\n\n{body}"
    embed.set_footer(
        text=f"{preview.unused} of {preview.pool_size} unused in this round · nothing was posted"
    )
    return embed
