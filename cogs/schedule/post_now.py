"""``/schedule post-now``: today's slot, moved earlier, through the engine's exactly-once path.

The post claims the same ledger row the minute tick would claim, (schedule, today's local date),
so whichever comes first posts and the other finds the row taken: never two posts for one day.
The item is picked with the same seed the tick would use, so ``/schedule preview`` stays right.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.preview import format_date, format_local
from bot.scheduling import NothingToPost, first_slot_after
from bot.store.schedules import Delivery, Schedule

if TYPE_CHECKING:
    from bot.client import CommunityBot

# How long the command waits for the post before answering "it's on its way".
WAIT_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class PostNowResult:
    """What happened, as the sentence the moderator reads."""

    text: str
    posted: bool


def message_link(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def _existing(schedule: Schedule, delivery: Delivery) -> str:
    zone = ZoneInfo(schedule.timezone)
    day = format_date(delivery.local_date)
    if delivery.status == "sent" and delivery.message_id is not None:
        link = message_link(schedule.guild_id, schedule.channel_id, delivery.message_id)
        return (
            f"Schedule #{schedule.id} already posted today ({day}) at "
            f"{format_local(delivery.claimed_at, zone)}: {link}"
        )
    if delivery.status == "claimed":
        return f"Schedule #{schedule.id}'s post for today ({day}) is being posted right now."
    if delivery.status == "skipped":
        return f"Today's post ({day}) of schedule #{schedule.id} was skipped with `/schedule skip`."
    reason = f": {delivery.reason}" if delivery.reason else ""
    return (
        f"Today's post ({day}) of schedule #{schedule.id} was recorded as {delivery.status}"
        f"{reason}. Each day posts at most once, so it can't be posted again today."
    )


async def post_today_now(bot: CommunityBot, schedule: Schedule, now: datetime) -> PostNowResult:
    """Claim and post today's slot now, unless today's slot was already claimed."""
    zone = ZoneInfo(schedule.timezone)
    today = now.astimezone(zone).date()
    existing = await bot.store.get_delivery(schedule.id, today)
    if existing is not None:
        return PostNowResult(_existing(schedule, existing), posted=False)
    next_fire = schedule.next_fire_at
    if next_fire is None:
        next_fire = first_slot_after(schedule, now)
    elif next_fire.astimezone(zone).date() == today:
        # Today's regular slot is the one being moved earlier: the schedule moves past it.
        next_fire = first_slot_after(schedule, next_fire)
    try:
        task = await bot.engine.post_now(schedule, today, next_fire_at=next_fire)
    except NothingToPost:
        return PostNowResult(
            f"No prompts match schedule #{schedule.id}'s filters, so there is nothing to post. "
            "Add some with `/deck add`, or remove it and add one with wider filters.",
            posted=False,
        )
    if task is None:
        delivery = await bot.store.get_delivery(schedule.id, today)
        text = _existing(schedule, delivery) if delivery else "Today's post is already claimed."
        return PostNowResult(text, posted=False)
    delivery = await bot.store.get_delivery(schedule.id, today)
    assert delivery is not None
    fresh = await bot.store.get_schedule(schedule.id) or schedule
    await asyncio.wait({task}, timeout=WAIT_SECONDS)
    result = await _outcome(bot, fresh, today_delivery=delivery, next_fire=next_fire)
    if schedule.skip_date == today:
        note = "\n(Today's post had been set to be skipped; posting it now replaced that.)"
        return PostNowResult(result.text + note, result.posted)
    return result


async def _outcome(
    bot: CommunityBot, schedule: Schedule, *, today_delivery: Delivery, next_fire: datetime
) -> PostNowResult:
    zone = ZoneInfo(schedule.timezone)
    after = f"The next regular post is {format_local(next_fire, zone)}."
    delivery = await bot.store.get_delivery(schedule.id, today_delivery.local_date)
    if delivery is not None and delivery.status == "sent" and delivery.message_id is not None:
        link = message_link(schedule.guild_id, schedule.channel_id, delivery.message_id)
        return PostNowResult(
            f"Posted today's ({format_date(delivery.local_date)}) post of schedule "
            f"#{schedule.id}: {link}\nIt won't post again today. {after}",
            posted=True,
        )
    if delivery is not None and delivery.status == "failed":
        return PostNowResult(
            f"I couldn't post schedule #{schedule.id}: {delivery.reason}. {after}", posted=False
        )
    return PostNowResult(
        f"Today's post of schedule #{schedule.id} is queued and will appear in "
        f"<#{schedule.channel_id}> shortly. {after}",
        posted=False,
    )
