"""The delivery engine: what is true lives in the database; APScheduler only says "look now".

A post is: claim the ledger row (INSERT, unique per schedule and local date, together with moving
the schedule's ``next_fire_at`` on) -> send with a nonce derived from the slot -> mark sent. Every
minute ``tick`` claims what is due; at start-up ``sweep`` finishes what a previous run claimed but
did not finish. A slot found more than the grace late (or past its local midnight) is recorded as
missed, not posted. Sends go through one ``Pacer`` so a busy minute stays under Discord's limits.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import aiohttp
import discord

from bot.content.pickers import pick_unused
from bot.notices import notify_moderators
from bot.pacing import Pacer
from bot.posts import PostItem, pool_for, render_post, resolve_item
from bot.slots import next_slots, nonce_for, parse_hhmm
from bot.store.schedules import Delivery, Schedule

if TYPE_CHECKING:
    from bot.client import CommunityBot

log = logging.getLogger(__name__)

LOW_POOL_WARNING = 14
MAX_ATTEMPTS = 5
# Discord error codes that mean "this schedule cannot post until a moderator fixes something".
_BLOCKING_CODES = {
    10003: "the channel no longer exists",
    50001: "I can't see that channel (missing View Channel access)",
    50013: "I'm missing a permission there (Send Messages, Embed Links, or the thread/pin ones)",
    160002: "I can't create threads there (missing Create Public Threads)",
}


class NothingToPost(LookupError):
    """No prompt or starter matches a schedule's filters."""


@dataclass(slots=True)
class TickReport:
    """What one tick did, for logs and tests."""

    claimed: int = 0
    missed: int = 0
    skipped: int = 0
    already_claimed: int = 0
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


def first_slot_after(schedule: Schedule, moment: datetime) -> datetime:
    """The UTC instant of the schedule's first slot strictly after ``moment``."""
    at = parse_hhmm(schedule.local_time)
    slot = next_slots(moment, at, ZoneInfo(schedule.timezone), schedule.weekdays, 1)[0]
    fire_at: datetime = slot.fire_at
    return fire_at


class DeliveryEngine:
    """Claims due slots, posts them exactly once, and finishes what a crash left behind."""

    def __init__(self, bot: CommunityBot, *, pacer: Pacer | None = None) -> None:
        self.bot = bot
        self.pacer = pacer or Pacer(bot.settings.pacing_per_second)
        self.grace = timedelta(hours=bot.settings.grace_hours)
        self.retry_delay = 5.0
        self._inflight: set[asyncio.Task[None]] = set()
        self._tick_lock = asyncio.Lock()
        # Rows claimed before this instant belong to an earlier run, which may have sent the post
        # before dying: those are checked against the channel before sending.
        self._started_at = bot.clock.now()

    # -- triggers ---------------------------------------------------------------------------

    async def start(self) -> None:
        """At start-up: finish the previous run's open rows, then catch up on due slots."""
        await self.sweep()
        await self.tick()

    async def tick(self) -> TickReport:
        """Claim every due slot and start posting it; returns without waiting for the posts."""
        async with self._tick_lock:
            now = self.bot.clock.now()
            report = TickReport()
            for schedule in await self.bot.store.due_schedules(now):
                await self._claim_due(schedule, now, report)
            if report.claimed or report.missed:
                log.info(
                    "tick: %d to post, %d missed, %d skipped",
                    report.claimed,
                    report.missed,
                    report.skipped,
                )
            return report

    async def sweep(self) -> int:
        """Finish rows a previous run claimed but did not complete; the number resumed."""
        now = self.bot.clock.now()
        resumed = 0
        for delivery in await self.bot.store.open_deliveries():
            schedule = await self.bot.store.get_schedule(delivery.schedule_id)
            if schedule is None or schedule.removed:
                continue
            if delivery.status == "claimed" and not self._postable(schedule, delivery, now):
                await self.bot.store.mark_failed(
                    schedule.id, delivery.local_date, "missed: not finished within the grace", now
                )
                continue
            self._spawn(schedule, delivery)
            resumed += 1
        if resumed:
            log.info("sweep: resuming %d unfinished deliveries", resumed)
        return resumed

    async def drain(self) -> None:
        """Wait for every post in flight, including retries (tests, benchmarks)."""
        while self._inflight:
            await asyncio.wait(set(self._inflight))

    async def close(self, grace_seconds: float = 10.0) -> None:
        """Let in-flight posts finish briefly; anything left is finished by the next sweep."""
        if self._inflight:
            await asyncio.wait(set(self._inflight), timeout=grace_seconds)
        for task in list(self._inflight):
            task.cancel()

    # -- claiming ---------------------------------------------------------------------------

    def _postable(self, schedule: Schedule, delivery: Delivery, now: datetime) -> bool:
        local_today = now.astimezone(ZoneInfo(schedule.timezone)).date()
        return now - delivery.fire_at < self.grace and local_today == delivery.local_date

    async def _claim_due(self, schedule: Schedule, now: datetime, report: TickReport) -> None:
        tz = ZoneInfo(schedule.timezone)
        fire_at = schedule.next_fire_at
        while fire_at is not None and fire_at <= now:
            local_date = fire_at.astimezone(tz).date()
            next_fire = first_slot_after(schedule, fire_at)
            late_ok = now - fire_at < self.grace and now.astimezone(tz).date() == local_date
            if schedule.skip_date == local_date:
                status, reason, item, restarted = "skipped", "skipped by a moderator", None, False
            elif not late_ok:
                status, reason, item, restarted = "missed", "the bot was offline", None, False
            else:
                status, reason = "claimed", None
                item, restarted, remaining = await self._pick(schedule, local_date.isoformat())
                if item is None:
                    status, reason = "failed", "no prompts match this schedule's filters"
            claimed = await self.bot.store.claim_slot(
                schedule,
                local_date,
                fire_at,
                status=status,
                item_id=item,
                next_fire_at=next_fire,
                now=now,
                reason=reason,
                new_cycle=restarted,
            )
            fire_at = next_fire
            if not claimed:
                report.already_claimed += 1
            elif status == "claimed":
                report.claimed += 1
                schedule = await self._after_pick(schedule, restarted, remaining)
                delivery = await self.bot.store.get_delivery(schedule.id, local_date)
                assert delivery is not None
                report.tasks.append(self._spawn(schedule, delivery))
            elif status == "missed":
                report.missed += 1
                log.warning("schedule %s: slot %s missed (bot offline)", schedule.id, local_date)
            elif status == "skipped":
                report.skipped += 1
            else:
                await self._block(schedule, reason or "failed")

    async def post_now(
        self, schedule: Schedule, local_date: date, *, next_fire_at: datetime
    ) -> asyncio.Task[None] | None:
        """Claim the slot (schedule, ``local_date``) now and start posting it.

        The same exactly-once path as the minute tick: None when the row was already taken.
        Raises ``NothingToPost`` when no item matches the schedule's filters.
        """
        now = self.bot.clock.now()
        item, restarted, remaining = await self._pick(schedule, local_date.isoformat())
        if item is None:
            raise NothingToPost(schedule.id)
        claimed = await self.bot.store.claim_slot(
            schedule,
            local_date,
            now,
            status="claimed",
            item_id=item,
            next_fire_at=next_fire_at,
            now=now,
            new_cycle=restarted,
        )
        if not claimed:
            return None
        fresh = await self._after_pick(schedule, restarted, remaining)
        delivery = await self.bot.store.get_delivery(schedule.id, local_date)
        assert delivery is not None
        return self._spawn(fresh, delivery)

    async def _pick(self, schedule: Schedule, salt: str) -> tuple[str | None, bool, int]:
        pool = await pool_for(self.bot, schedule)
        if not pool:
            return None, False, 0
        used = await self.bot.store.used_item_ids(schedule.id, schedule.cycle)
        rng = random.Random(f"{schedule.id}:{salt}")
        result = pick_unused(pool, used, rng)
        return result.id, result.restarted, result.remaining

    async def _after_pick(self, schedule: Schedule, restarted: bool, remaining: int) -> Schedule:
        """Tell moderators when the pool restarts, and once per round when it runs low."""
        fresh = await self.bot.store.get_schedule(schedule.id) or schedule
        if restarted:
            await notify_moderators(
                self.bot,
                fresh.guild_id,
                f"cycle:{fresh.id}:{fresh.cycle}",
                f"Schedule #{fresh.id} has used every prompt that matches it, so prompts will now "
                "start repeating from the beginning. Add more with `/deck add` or `/deck import`.",
            )
        elif remaining < LOW_POOL_WARNING and fresh.low_pool_warned_cycle < fresh.cycle:
            await self.bot.store.mark_low_pool_warned(fresh.id, fresh.cycle)
            await notify_moderators(
                self.bot,
                fresh.guild_id,
                f"low:{fresh.id}:{fresh.cycle}",
                f"Schedule #{fresh.id} has only {remaining} unused prompts left before they start "
                "repeating. Add more with `/deck add` or `/deck import`.",
            )
        return fresh

    # -- posting ----------------------------------------------------------------------------

    def _spawn(self, schedule: Schedule, delivery: Delivery) -> asyncio.Task[None]:
        task = asyncio.create_task(
            self._deliver(schedule, delivery), name=f"post-{schedule.id}-{delivery.local_date}"
        )
        self._inflight.add(task)
        task.add_done_callback(self._inflight.discard)
        return task

    async def _deliver(self, schedule: Schedule, delivery: Delivery) -> None:
        try:
            for attempt in range(delivery.attempts, MAX_ATTEMPTS):
                try:
                    await self._post_once(schedule, delivery)
                    return
                except discord.HTTPException as exc:
                    if exc.code in _BLOCKING_CODES or exc.status in (403, 404):
                        await self._blocked_by(schedule, delivery, exc)
                        return
                    reason = f"HTTP {exc.status} {exc.code or ''}".strip()
                except (aiohttp.ClientError, TimeoutError) as exc:
                    reason = f"connection: {type(exc).__name__}"
                now = self.bot.clock.now()
                await self.bot.store.note_attempt(schedule.id, delivery.local_date, reason, now)
                log.warning(
                    "schedule %s %s: attempt %d failed (%s); retrying",
                    schedule.id,
                    delivery.local_date,
                    attempt + 1,
                    reason,
                )
                await asyncio.sleep(self.retry_delay * (attempt + 1))
                # Re-read the row: its attempt count makes the next try look for a post that a
                # timed-out attempt may have made after all.
                delivery = (
                    await self.bot.store.get_delivery(schedule.id, delivery.local_date) or delivery
                )
            await self.bot.store.mark_failed(
                schedule.id,
                delivery.local_date,
                "gave up after repeated errors",
                self.bot.clock.now(),
            )
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("schedule %s %s: unexpected error", schedule.id, delivery.local_date)

    async def _post_once(self, schedule: Schedule, delivery: Delivery) -> None:
        item = await resolve_item(self.bot, schedule.guild_id, delivery.item_id or "")
        channel = self.bot.get_partial_messageable(schedule.channel_id, guild_id=schedule.guild_id)
        message_id = delivery.message_id
        if delivery.status == "claimed":
            message_id = await self._find_existing(channel, delivery, item)
            if message_id is None:
                message_id = await self._send(channel, schedule, delivery, item)
            await self.bot.store.mark_sent(
                schedule.id, delivery.local_date, message_id, self.bot.clock.now()
            )
            log.info(
                "posted schedule %s %s item %s as message %s",
                schedule.id,
                delivery.local_date,
                delivery.item_id,
                message_id,
            )
        assert message_id is not None
        thread_id = await self._followups(schedule, channel, message_id, item)
        await self.bot.store.mark_followups_done(
            schedule.id, delivery.local_date, thread_id, self.bot.clock.now()
        )

    async def _send(
        self,
        channel: discord.PartialMessageable,
        schedule: Schedule,
        delivery: Delivery,
        item: PostItem,
    ) -> int:
        embed = render_post(item, delivery.fire_at)
        content = f"<@&{schedule.ping_role_id}>" if schedule.ping_role_id else None
        # The content holds nothing but our one role mention, so allowing role pings in general
        # pings exactly that role (and keeps ids out of the payload, which the spec wants as
        # strings while discord.py sends ints).
        mentions = (
            discord.AllowedMentions(everyone=False, users=False, roles=True)
            if schedule.ping_role_id
            else discord.AllowedMentions.none()
        )
        async with self.pacer:
            message = await channel.send(
                content=content,
                embed=embed,
                nonce=nonce_for(schedule.id, delivery.local_date),
                allowed_mentions=mentions,
            )
        return message.id

    async def _find_existing(
        self, channel: discord.PartialMessageable, delivery: Delivery, item: PostItem
    ) -> int | None:
        """After a crash between send and mark: the post may exist already. Find it, don't repeat.

        Discord's nonce check only covers a few minutes, so for a row an earlier run claimed (or
        an earlier attempt tried) we look through the channel's latest messages for our own post
        of this item for this slot (footer ends with the item id; timestamp is the slot time).
        """
        if delivery.attempts == 0 and delivery.claimed_at >= self._started_at:
            return None
        async with self.pacer:
            history = [m async for m in channel.history(limit=50)]
        me = self.bot.user.id if self.bot.user else None
        for message in history:
            if message.author.id != me:
                continue
            for embed in message.embeds:
                footer = embed.footer.text or ""
                if footer.endswith(item.item_id) and embed.timestamp == delivery.fire_at:
                    return message.id
        return None

    async def _followups(
        self,
        schedule: Schedule,
        channel: discord.PartialMessageable,
        message_id: int,
        item: PostItem,
    ) -> int | None:
        message = channel.get_partial_message(message_id)
        thread_id: int | None = None
        if schedule.thread:
            try:
                async with self.pacer:
                    thread = await message.create_thread(
                        name=item.thread_name, auto_archive_duration=1440
                    )
                thread_id = thread.id
            except discord.HTTPException as exc:
                if exc.code != 160004:  # a thread exists already: an earlier attempt made it
                    raise
        if schedule.pin:
            previous = schedule.last_message_id
            async with self.pacer:
                await message.pin()
            if previous and previous != message_id:
                try:
                    async with self.pacer:
                        await channel.get_partial_message(previous).unpin()
                except discord.NotFound:
                    pass
        return thread_id

    # -- failures ---------------------------------------------------------------------------

    async def _blocked_by(
        self, schedule: Schedule, delivery: Delivery, exc: discord.HTTPException
    ) -> None:
        why = _BLOCKING_CODES.get(exc.code, f"Discord refused the post (HTTP {exc.status})")
        now = self.bot.clock.now()
        if delivery.status == "claimed":
            await self.bot.store.mark_failed(schedule.id, delivery.local_date, why, now)
        else:
            await self.bot.store.mark_followups_done(schedule.id, delivery.local_date, None, now)
        await self._block(schedule, why)

    async def _block(self, schedule: Schedule, why: str) -> None:
        """Pause the schedule and tell the moderators once."""
        await self.bot.store.pause_schedule(schedule.id, why, "error")
        log.warning("schedule %s paused: %s", schedule.id, why)
        await notify_moderators(
            self.bot,
            schedule.guild_id,
            f"paused:{schedule.id}",
            f"I paused schedule #{schedule.id} (posting in <#{schedule.channel_id}>): {why}. "
            f"Fix that, then use `/schedule resume id:{schedule.id}`.",
        )
