"""The delivery engine end to end: each (schedule, local date) posts exactly once, on time.

Time is moved, never slept: the test sets the bot's clock and calls the trigger.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.content import load_library
from bot.scheduling import first_slot_after
from bot.slots import nonce_for
from bot.store.schedules import NewSchedule, Schedule
from tests.emulator.permissions import SEND_MESSAGES
from tests.fixtures.content.helpers import MINI
from tests.harness import Harness

LONDON = ZoneInfo("Europe/London")


def at(*args: int, tz: ZoneInfo = LONDON) -> datetime:
    return datetime(*args, tzinfo=tz).astimezone(UTC)


async def make_schedule(h: Harness, **fields: Any) -> Schedule:
    """A schedule as /schedule add would store it, first slot after the clock's now."""
    new = NewSchedule(
        guild_id=h.guild.id,
        kind=fields.pop("kind", "daily-prompt"),
        channel_id=fields.pop("channel_id", h.general.id),
        local_time=fields.pop("local_time", "09:00"),
        timezone=fields.pop("timezone", "Europe/London"),
        created_by=h.moderator.id,
        **fields,
    )
    draft = Schedule(
        id=0, guild_id=new.guild_id, kind=new.kind, channel_id=new.channel_id,
        local_time=new.local_time, timezone=new.timezone, weekdays=new.weekdays, types=new.types,
        starter_format=new.starter_format, max_depth=new.max_depth, thread=new.thread,
        ping_role_id=new.ping_role_id, pin=new.pin, cycle=1, next_fire_at=None, skip_date=None,
        paused_reason=None, paused_by=None, last_message_id=None, low_pool_warned_cycle=0,
        removed=False,
    )  # fmt: skip
    return await h.live.store.create_schedule(new, first_slot_after(draft, h.clock.now()))


async def statuses(h: Harness, schedule: Schedule) -> dict[date, str]:
    return {d.local_date: d.status for d in await h.live.store.deliveries_for(schedule.id)}


async def test_a_schedule_posts_at_its_minute_with_the_slot_nonce(harness: Harness) -> None:
    harness.clock.set(at(2026, 11, 24, 8, 0))
    schedule = await make_schedule(harness)

    harness.clock.set(at(2026, 11, 24, 8, 59))
    await harness.tick()
    assert harness.posts() == []

    harness.clock.set(at(2026, 11, 24, 9, 0))
    await harness.tick()
    (post,) = harness.posts()
    assert post.raw["nonce"] == nonce_for(schedule.id, date(2026, 11, 24))
    assert post.raw["enforce_nonce"] is True
    assert post.raw["allowed_mentions"] == {"parse": []}
    embed = post.embeds[0]
    assert embed["title"] == "Daily connection prompt"
    assert embed["footer"]["text"].split(" · ")[1] in {"depth 1", "depth 2"}

    harness.clock.set(at(2026, 11, 24, 9, 1))
    await harness.tick()
    assert len(harness.posts()) == 1, "a second tick the same day posts nothing more"


async def test_posts_follow_the_clock_change_at_9_local(harness: Harness) -> None:
    harness.clock.set(at(2026, 10, 23, 12, 0))
    await make_schedule(harness)
    # Saturday 24 Oct is still BST (09:00 local = 08:00 UTC); Monday 26 Oct is GMT (09:00 UTC).
    harness.clock.set(datetime(2026, 10, 24, 8, 0, tzinfo=UTC))
    await harness.tick()
    assert len(harness.posts()) == 1
    harness.clock.set(datetime(2026, 10, 25, 9, 0, tzinfo=UTC))
    await harness.tick()
    assert len(harness.posts()) == 2
    harness.clock.set(datetime(2026, 10, 26, 8, 0, tzinfo=UTC))
    await harness.tick()
    assert len(harness.posts()) == 2, "08:00 UTC is 08:00 GMT: too early after the change"
    harness.clock.set(datetime(2026, 10, 26, 9, 0, tzinfo=UTC))
    await harness.tick()
    assert len(harness.posts()) == 3


async def test_a_crash_between_claim_and_send_posts_exactly_once(harness: Harness) -> None:
    harness.clock.set(at(2026, 11, 24, 8, 0))
    schedule = await make_schedule(harness)
    harness.clock.set(at(2026, 11, 24, 9, 0))
    # Claim the slot the way the tick does, then die before sending.
    store = harness.live.store
    await store.claim_slot(
        schedule, date(2026, 11, 24), at(2026, 11, 24, 9, 0), status="claimed",
        item_id="emo-0001", next_fire_at=at(2026, 11, 25, 9, 0), now=harness.clock.now(),
    )  # fmt: skip
    await harness.crash()
    harness.clock.set(at(2026, 11, 24, 9, 3))
    await harness.start()
    (post,) = harness.posts()
    assert post.embeds[0]["footer"]["text"].endswith("emo-0001")
    assert (await statuses(harness, schedule))[date(2026, 11, 24)] == "sent"


async def test_a_crash_after_send_before_marking_posts_exactly_once(harness: Harness) -> None:
    harness.clock.set(at(2026, 11, 24, 8, 0))
    schedule = await make_schedule(harness)
    harness.clock.set(at(2026, 11, 24, 9, 0))
    bot = harness.live
    # Let the send reach Discord, but die before the ledger says "sent".
    real_mark_sent = bot.store.mark_sent

    async def die(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the process died here")

    bot.store.mark_sent = die  # type: ignore[method-assign]
    await bot.engine.tick()
    await bot.engine.drain()
    bot.store.mark_sent = real_mark_sent  # type: ignore[method-assign]
    assert len(harness.posts()) == 1
    await harness.crash()

    # Long after Discord's nonce window, so only our own check can prevent a second post.
    harness.emu.nonce_ttl = 0
    harness.clock.set(at(2026, 11, 24, 9, 30))
    await harness.start()
    assert len(harness.posts()) == 1
    assert (await statuses(harness, schedule))[date(2026, 11, 24)] == "sent"


async def test_downtime_within_the_grace_posts_late(world_harness: Harness) -> None:
    h = world_harness
    h.clock.set(at(2026, 11, 24, 8, 0))
    await h.start()
    schedule = await make_schedule(h)
    await h.stop()
    h.clock.set(at(2026, 11, 24, 13, 30))  # 4.5 hours late, inside the 6-hour grace
    await h.start()
    assert len(h.posts()) == 1
    assert (await statuses(h, schedule)) == {date(2026, 11, 24): "sent"}


async def test_downtime_past_the_grace_is_recorded_missed(world_harness: Harness) -> None:
    h = world_harness
    h.clock.set(at(2026, 11, 24, 8, 0))
    await h.start()
    schedule = await make_schedule(h)
    await h.stop()
    h.clock.set(at(2026, 11, 25, 8, 0))  # 23 hours late: missed, and today's slot not yet due
    await h.start()
    assert h.posts() == []
    assert (await statuses(h, schedule)) == {date(2026, 11, 24): "missed"}
    h.clock.set(at(2026, 11, 25, 9, 0))
    await h.tick()
    assert len(h.posts()) == 1


async def test_a_late_slot_never_posts_past_local_midnight(world_harness: Harness) -> None:
    h = world_harness
    h.clock.set(at(2026, 11, 24, 20, 0))
    await h.start()
    schedule = await make_schedule(h, local_time="22:00")
    await h.stop()
    h.clock.set(at(2026, 11, 25, 0, 30))  # only 2.5 hours late, but it is tomorrow already
    await h.start()
    assert h.posts() == []
    assert (await statuses(h, schedule)) == {date(2026, 11, 24): "missed"}


async def test_missing_permission_pauses_and_tells_moderators_once(harness: Harness) -> None:
    await harness.live.store.set_review_channel(harness.guild.id, harness.review.id)
    harness.clock.set(at(2026, 11, 24, 8, 0))
    schedule = await make_schedule(harness)
    harness.emu.set_overwrite(
        harness.general, harness.emu.bot_role(harness.guild), deny=SEND_MESSAGES
    )
    for day in (24, 25, 26):
        harness.clock.set(at(2026, 11, day, 9, 0))
        await harness.tick()
    assert harness.posts() == []
    paused = await harness.live.store.get_schedule(schedule.id)
    assert paused is not None and paused.paused_by == "error"
    assert "missing a permission" in (paused.paused_reason or "")
    (notice,) = harness.posts(harness.review)
    assert f"I paused schedule #{schedule.id}" in notice.content
    assert f"/schedule resume id:{schedule.id}" in notice.content


async def test_a_deleted_channel_pauses_the_schedule(harness: Harness) -> None:
    channel = harness.emu.create_channel(harness.guild, "prompts")
    harness.clock.set(at(2026, 11, 24, 8, 0))
    schedule = await make_schedule(harness, channel_id=channel.id)
    harness.emu.delete_channel(channel)
    harness.clock.set(at(2026, 11, 24, 9, 0))
    await harness.tick()
    paused = await harness.live.store.get_schedule(schedule.id)
    assert paused is not None and paused.paused_reason == "the channel no longer exists"
    (notice,) = harness.posts(harness.general)  # no review channel: the system channel
    assert "no longer exists" in notice.content


@pytest.mark.parametrize("fault", ["rate_limit", "server_error"])
async def test_429s_and_5xx_neither_lose_nor_double_a_post(harness: Harness, fault: str) -> None:
    harness.live.engine.retry_delay = 0.01
    harness.clock.set(at(2026, 11, 24, 8, 0))
    schedule = await make_schedule(harness)
    route = rf"/channels/{harness.general.id}/messages$"
    if fault == "rate_limit":
        harness.emu.faults.rate_limit(route, method="POST", count=3, retry_after=0.05)
    else:
        # discord.py retries 500/502/504 itself (sleeping for real); a 503 comes straight back,
        # so this exercises the engine's own retry of the same claimed slot and nonce.
        harness.emu.faults.server_error(route, count=2, status=503)
    harness.clock.set(at(2026, 11, 24, 9, 0))
    await harness.tick()
    assert len(harness.posts()) == 1
    assert (await statuses(harness, schedule)) == {date(2026, 11, 24): "sent"}


async def test_threads_pins_and_role_pings(harness: Harness) -> None:
    role = harness.emu.create_role(harness.guild, "daily", permissions=0)
    harness.clock.set(at(2026, 11, 24, 8, 0))
    await make_schedule(harness, thread=True, pin=True, ping_role_id=role.id)
    for day in (24, 25):
        harness.clock.set(at(2026, 11, day, 9, 0))
        await harness.tick()
    first, second = harness.posts()
    assert second.content == f"<@&{role.id}>"
    assert second.raw["allowed_mentions"] == {"parse": ["roles"]}
    threads = harness.emu.threads(harness.general)
    assert {t.id for t in threads} == {first.id, second.id}  # threads made from the posts
    assert [m.id for m in harness.emu.pins(harness.general)] == [second.id], "old one unpinned"


async def test_the_pool_restarts_when_exhausted_and_moderators_are_told(
    harness: Harness,
) -> None:
    bot = harness.live
    bot.content = load_library(MINI)
    await bot.store.set_review_channel(harness.guild.id, harness.review.id)
    harness.clock.set(at(2026, 11, 24, 8, 0))
    schedule = await make_schedule(harness, types=("emotional",), max_depth=3)
    pool = [p.id for p in bot.content.prompts if p.type.value == "emotional"]
    posted = []
    for day in range(24, 24 + len(pool) + 1):
        harness.clock.set(at(2026, 11, day, 9, 0))
        await harness.tick()
        posted.append(harness.posts()[-1].embeds[0]["footer"]["text"].rsplit(" · ", 1)[1])
    assert sorted(posted[: len(pool)]) == sorted(pool), "no repeat until the pool is used up"
    notices = [m.content for m in harness.posts(harness.review)]
    assert any("only 1 unused prompts left" in n or "unused prompts left" in n for n in notices)
    assert sum("start repeating from the beginning" in n for n in notices) == 1
    fresh = await bot.store.get_schedule(schedule.id)
    assert fresh is not None and fresh.cycle == 2
