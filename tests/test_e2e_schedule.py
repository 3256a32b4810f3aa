"""``/schedule`` end to end: the real bot, connected to the Discord emulator, with a clock we move.

Each test plays a moderator (or a member) typing commands and reads what they would see: the
ephemeral replies, and the posts the schedule makes when the clock passes a slot and the minute
tick runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.client import CommunityBot
from bot.slots import nonce_for
from bot.store.schedules import NewSchedule
from tests.emulator import Channel, Emulator, Guild, Member, Message
from tests.emulator.interactions import InteractionRecord
from tests.emulator.payloads import resolve_mentions
from tests.emulator.permissions import EMBED_LINKS
from tests.harness import Harness, MovableClock

# Friday 23 October 2026, 13:00 in London; the clocks go back on Sunday the 25th.
START = datetime(2026, 10, 23, 12, 0, tzinfo=UTC)
SAT_0900 = datetime(2026, 10, 24, 8, 0, tzinfo=UTC)  # 09:00 BST
SUN_0900 = datetime(2026, 10, 25, 9, 0, tzinfo=UTC)  # 09:00 GMT
MON_0900 = datetime(2026, 10, 26, 9, 0, tzinfo=UTC)


@dataclass
class World:
    """The shared harness plus a #prompts channel to schedule into and a #locked one where the
    bot may not embed links."""

    harness: Harness
    prompts: Channel
    locked: Channel

    @property
    def emu(self) -> Emulator:
        return self.harness.emu

    @property
    def bot(self) -> CommunityBot:
        return self.harness.live

    @property
    def clock(self) -> MovableClock:
        return self.harness.clock

    @property
    def guild(self) -> Guild:
        return self.harness.guild

    @property
    def general(self) -> Channel:
        return self.harness.general

    @property
    def moderator(self) -> Member:
        return self.harness.moderator

    @property
    def member(self) -> Member:
        return self.harness.member

    async def command(
        self, name: str, user: Member | None = None, **options: Any
    ) -> InteractionRecord:
        """Run ``/name`` in #general as ``user`` (the moderator by default); a deferred reply
        counts once the follow-up has filled it in. (``Harness.slash`` would take our
        ``channel`` option for the channel the command is typed in.)"""
        record = await self.emu.slash_command(
            name, channel=self.general, user=user or self.moderator, options=options
        )
        await self.emu.wait_for_reply(record)
        return record

    async def add_daily(self, **options: Any) -> int:
        options = {
            "kind": "daily-prompt",
            "channel": self.prompts,
            "time": "09:00",
            "timezone": "Europe/London",
            **options,
        }
        reply = await self.command("schedule add", **options)
        found = re.search(r"schedule \*\*#(\d+)\*\*", reply.content or "")
        assert found, reply.content
        return int(found[1])

    async def tick_at(self, moment: datetime) -> None:
        """Move the clock and run the minute tick, waiting for every post it starts."""
        self.clock.set(moment)
        await self.harness.tick()

    def posts(self) -> list[Message]:
        return self.harness.posts(self.prompts)

    def message_creates(self) -> int:
        return sum(
            1
            for r in self.emu.requests
            if r.method == "POST" and r.route == "/channels/{channel_id}/messages"
        )


def description(record: InteractionRecord) -> str:
    assert record.embeds, record
    return str(record.embeds[0].get("description", ""))


@pytest.fixture
async def world(world_harness: Harness) -> World:
    emu = world_harness.emu
    prompts = emu.create_channel(world_harness.guild, "prompts")
    locked = emu.create_channel(world_harness.guild, "locked")
    emu.set_overwrite(locked, emu.bot_role(world_harness.guild), deny=EMBED_LINKS)
    world_harness.clock.set(START)
    bot = await world_harness.start()
    # As on Discord: options arrive typed by the registered definitions (choices, ints, roles).
    await bot.tree.sync()
    return World(world_harness, prompts, locked)


# -- add -------------------------------------------------------------------------------------


async def test_add_replies_with_the_id_and_next_three_posts_in_local_time(world: World) -> None:
    reply = await world.command(
        "schedule add",
        kind="daily-prompt",
        channel=world.prompts,
        time="09:00",
        timezone="Europe/London",
        types="emotional,experiential",
    )

    assert reply.ephemeral
    text = reply.content or ""
    assert "Added schedule **#1**" in text
    assert f"<#{world.prompts.id}>" in text
    # Across the clock change: 09:00 local each day, whatever the offset.
    for local, instant in (
        ("Sat 24 Oct 09:00 BST", SAT_0900),
        ("Sun 25 Oct 09:00 GMT", SUN_0900),
        ("Mon 26 Oct 09:00 GMT", MON_0900),
    ):
        assert f"• {local} (<t:{int(instant.timestamp())}:F>)" in text
    stored = await world.bot.store.get_schedule(1)
    assert stored is not None
    assert stored.types == ("emotional", "experiential")
    assert stored.next_fire_at == SAT_0900
    assert world.posts() == []


async def test_a_weekly_starter_schedule_with_a_format(world: World) -> None:
    reply = await world.command(
        "schedule add",
        kind="starter",
        channel=world.prompts,
        time="18:30",
        timezone="america/new_york",
        days="mon,wed,fri",
        format="respectful-debate",
    )

    text = reply.content or ""
    assert "Conversation starter" in text and "Respectful debate" in text
    assert "18:30 America/New_York, mon,wed,fri" in text
    assert "• Fri 23 Oct 18:30 EDT" in text
    assert "• Mon 26 Oct 18:30 EDT" in text
    assert "• Wed 28 Oct 18:30 EDT" in text


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("time", "25:00", "'25:00' is not a time I can use: use 24-hour HH:MM, e.g. 09:00"),
        ("timezone", "Europe/Londn", "Did you mean Europe/London"),
        ("days", "mon,funday", "I don't recognise 'funday' as a day"),
        ("types", "spiritual", "'spiritual' isn't an intimacy type"),
    ],
)
async def test_a_bad_value_gets_a_clear_private_message_and_nothing_is_stored(
    world: World, option: str, value: str, expected: str
) -> None:
    options: dict[str, Any] = {
        "kind": "daily-prompt",
        "channel": world.prompts,
        "time": "09:00",
        "timezone": "Europe/London",
        option: value,
    }
    reply = await world.command("schedule add", **options)

    assert reply.ephemeral
    assert expected in (reply.content or "")
    assert await world.bot.store.list_schedules(world.guild.id) == []


async def test_types_on_a_starter_and_format_on_a_prompt_are_refused(world: World) -> None:
    base = {"channel": world.prompts, "time": "09:00", "timezone": "UTC"}
    starter = await world.command("schedule add", kind="starter", types="emotional", **base)
    daily = await world.command("schedule add", kind="daily-prompt", format="brainstorming", **base)

    assert "`types` is for daily prompts" in (starter.content or "")
    assert "`format` is for conversation starters" in (daily.content or "")
    assert await world.bot.store.list_schedules(world.guild.id) == []


async def test_a_channel_the_bot_cannot_post_in_is_refused_naming_the_permission(
    world: World,
) -> None:
    reply = await world.command(
        "schedule add",
        kind="daily-prompt",
        channel=world.locked,
        time="09:00",
        timezone="UTC",
    )

    assert reply.ephemeral
    assert f"I can't post in <#{world.locked.id}>: I'm missing **Embed Links** there" in (
        reply.content or ""
    )
    assert await world.bot.store.list_schedules(world.guild.id) == []


async def test_a_member_without_manage_server_is_refused(world: World) -> None:
    add = await world.command(
        "schedule add",
        user=world.member,
        kind="daily-prompt",
        channel=world.prompts,
        time="09:00",
        timezone="UTC",
    )
    listing = await world.command("schedule list", user=world.member)

    for reply in (add, listing):
        assert reply.ephemeral
        assert "You need the Manage Server permission" in (reply.content or "")
        assert not reply.embeds
    assert await world.bot.store.list_schedules(world.guild.id) == []


async def test_timezone_autocomplete(world: World) -> None:
    record = await world.emu.autocomplete(
        "schedule add",
        channel=world.general,
        user=world.moderator,
        focused="timezone",
        value="lond",
    )
    await world.emu.wait_for_response(record)

    assert record.choices is not None
    assert record.choices[0] == {"name": "Europe/London", "value": "Europe/London"}


# -- list, ids -------------------------------------------------------------------------------


async def test_list_shows_every_schedule_with_its_state(world: World) -> None:
    active = await world.add_daily(days="weekdays")
    held = await world.add_daily(time="20:00")
    broken = await world.add_daily(time="12:00")
    await world.command("schedule pause", id=held, reason="holiday week")
    await world.bot.store.pause_schedule(broken, "the channel no longer exists", "error")

    listing = await world.command("schedule list")

    assert listing.ephemeral
    text = description(listing)
    assert f"**#{active}** daily-prompt in <#{world.prompts.id}>" in text
    assert "09:00 Europe/London, weekdays" in text
    assert "↳ active · next: Mon 26 Oct 09:00 GMT" in text
    assert f"↳ paused: holiday week (by <@{world.moderator.user.id}>) · next: none" in text
    assert "↳ paused: the channel no longer exists · next: none while paused" in text


async def test_id_autocomplete_and_an_id_from_elsewhere(world: World) -> None:
    mine = await world.add_daily()
    other = await world.bot.store.create_schedule(
        NewSchedule(
            guild_id=world.guild.id + 1,
            kind="daily-prompt",
            channel_id=1,
            local_time="09:00",
            timezone="UTC",
        ),
        SAT_0900,
    )

    record = await world.emu.autocomplete(
        "schedule skip", channel=world.general, user=world.moderator, focused="id", value=""
    )
    await world.emu.wait_for_response(record)
    assert record.choices == [
        {"name": f"#{mine} daily-prompt 09:00 Europe/London in #prompts", "value": mine}
    ]

    reply = await world.command("schedule skip", id=other.id)
    assert reply.ephemeral
    assert reply.content == (
        f"There's no schedule #{other.id} in this server. `/schedule list` shows them."
    )


# -- pause, resume, skip, remove -------------------------------------------------------------


async def test_paused_posts_nothing_and_resume_does_not_make_up_missed_posts(
    world: World,
) -> None:
    schedule_id = await world.add_daily()
    paused = await world.command("schedule pause", id=schedule_id)
    assert "Paused schedule" in (paused.content or "")

    await world.tick_at(SAT_0900 + timedelta(minutes=1))
    assert world.posts() == []

    resumed = await world.command("schedule resume", id=schedule_id)
    assert "Its next post is Sun 25 Oct 09:00 GMT" in (resumed.content or "")
    await world.bot.engine.tick()
    await world.bot.engine.drain()
    assert world.posts() == []  # Saturday's slot passed while paused: not posted late

    await world.tick_at(SUN_0900 + timedelta(seconds=30))
    posts = world.posts()
    assert len(posts) == 1
    assert posts[0].nonce == nonce_for(schedule_id, date(2026, 10, 25))


async def test_resume_forgets_the_paused_notice(world: World) -> None:
    schedule_id = await world.add_daily()
    store = world.bot.store
    await store.pause_schedule(schedule_id, "I can't see that channel", "error")
    assert await store.claim_notice(world.guild.id, f"paused:{schedule_id}", START.isoformat())

    await world.command("schedule resume", id=schedule_id)

    assert await store.claim_notice(world.guild.id, f"paused:{schedule_id}", START.isoformat())


async def test_skip_skips_the_next_post_only(world: World) -> None:
    schedule_id = await world.add_daily()

    reply = await world.command("schedule skip", id=schedule_id)
    assert reply.ephemeral
    assert "will skip its post on Sat 24 Oct" in (reply.content or "")
    assert "The post after that is Sun 25 Oct 09:00 GMT" in (reply.content or "")

    await world.tick_at(SAT_0900 + timedelta(minutes=1))
    assert world.posts() == []
    await world.tick_at(SUN_0900 + timedelta(minutes=1))
    assert [m.nonce for m in world.posts()] == [nonce_for(schedule_id, date(2026, 10, 25))]


async def test_remove_stops_posting_and_forgets_the_id(world: World) -> None:
    schedule_id = await world.add_daily()

    reply = await world.command("schedule remove", id=schedule_id)
    assert f"Removed schedule #{schedule_id}" in (reply.content or "")

    await world.tick_at(SAT_0900 + timedelta(minutes=1))
    assert world.posts() == []
    again = await world.command("schedule pause", id=schedule_id)
    assert f"There's no schedule #{schedule_id} in this server" in (again.content or "")
    listing = await world.command("schedule list")
    assert "No schedules yet" in description(listing)


# -- post-now, preview -----------------------------------------------------------------------


async def test_post_now_posts_once_and_the_regular_slot_does_not_repeat_it(
    world: World,
) -> None:
    schedule_id = await world.add_daily()
    world.clock.set(SAT_0900 - timedelta(hours=1))

    reply = await world.command("schedule post-now", id=schedule_id)

    posts = world.posts()
    assert len(posts) == 1
    assert posts[0].nonce == nonce_for(schedule_id, date(2026, 10, 24))
    assert posts[0].embeds and posts[0].author.bot
    text = reply.content or ""
    assert reply.ephemeral
    assert f"/{world.prompts.id}/{posts[0].id}" in text
    assert "The next regular post is Sun 25 Oct 09:00 GMT" in text

    await world.tick_at(SAT_0900 + timedelta(minutes=1))
    assert len(world.posts()) == 1

    again = await world.command("schedule post-now", id=schedule_id)
    assert "already posted today (Sat 24 Oct)" in (again.content or "")
    assert len(world.posts()) == 1

    await world.tick_at(SUN_0900 + timedelta(minutes=1))
    assert len(world.posts()) == 2


async def test_preview_shows_what_will_be_posted_and_posts_nothing(world: World) -> None:
    schedule_id = await world.add_daily()
    creates_before = world.message_creates()

    reply = await world.command("schedule preview", id=schedule_id, days=3)

    assert reply.ephemeral
    lines = [line for line in description(reply).splitlines() if line.startswith("• ")]
    assert [line.split(":")[0] for line in lines] == [
        "• Sat 24 Oct 09",
        "• Sun 25 Oct 09",
        "• Mon 26 Oct 09",
    ]
    assert world.message_creates() == creates_before
    assert world.posts() == []
    assert await world.bot.store.deliveries_for(schedule_id) == []

    # What the preview promised is what gets posted.
    promised = [re.search(r"\(([\w-]+)\)$", line)[1] for line in lines]  # type: ignore[index]
    for moment in (SAT_0900, SUN_0900, MON_0900):
        await world.tick_at(moment + timedelta(seconds=5))
    posted = [m.embeds[0]["footer"]["text"].rsplit(" · ", 1)[1] for m in world.posts()]
    assert posted == promised


async def test_a_long_list_is_split_into_pages_that_fit(world: World) -> None:
    store = world.bot.store
    for hour in range(120):
        new = NewSchedule(
            guild_id=world.guild.id,
            kind="daily-prompt",
            channel_id=world.prompts.id,
            local_time=f"{hour % 24:02d}:{hour // 24:02d}",
            timezone="Europe/London",
            types=("emotional", "intellectual"),
        )
        await store.create_schedule(new, SAT_0900)

    first = await world.command("schedule list")
    footer = first.embeds[0]["footer"]["text"]
    pages = int(re.search(r"page 1 of (\d+)", footer)[1])  # type: ignore[index]
    assert pages > 1
    assert "/schedule list page:2 for more" in footer
    seen: list[str] = []
    for page in range(1, pages + 1):
        reply = await world.command("schedule list", page=page)
        text = description(reply)
        assert len(text) <= 4096
        seen += re.findall(r"\*\*#(\d+)\*\*", text)
    assert seen == [str(i) for i in range(1, 121)]


async def test_resume_checks_the_channel_again(world: World) -> None:
    schedule_id = await world.add_daily()
    await world.bot.store.pause_schedule(schedule_id, "I'm missing a permission there", "error")
    world.emu.set_overwrite(world.prompts, world.emu.bot_role(world.guild), deny=EMBED_LINKS)
    await world.emu.gateway.flush()

    reply = await world.command("schedule resume", id=schedule_id)

    assert "I'm missing **Embed Links**" in (reply.content or "")
    stored = await world.bot.store.get_schedule(schedule_id)
    assert stored is not None and stored.paused_reason == "I'm missing a permission there"


async def test_post_now_on_a_paused_schedule_says_to_resume_first(world: World) -> None:
    schedule_id = await world.add_daily()
    await world.command("schedule pause", id=schedule_id)

    reply = await world.command("schedule post-now", id=schedule_id)

    assert f"Resume it with `/schedule resume id:{schedule_id}` first" in (reply.content or "")
    assert world.posts() == []


async def test_a_ping_role_is_stored_and_everyone_is_refused(world: World) -> None:
    pinged = world.emu.create_role(world.guild, "daily-prompts")
    pinged.mentionable = True
    await world.emu.gateway.flush()

    everyone = await world.command(
        "schedule add",
        kind="daily-prompt",
        channel=world.prompts,
        time="09:00",
        timezone="UTC",
        ping_role=world.guild.everyone_role,
    )
    assert "@everyone can't be the ping role" in (everyone.content or "")

    schedule_id = await world.add_daily(ping_role=pinged)
    await world.tick_at(SAT_0900 + timedelta(minutes=1))
    (post,) = world.posts()
    assert post.content == f"<@&{pinged.id}>"
    # Discord pings exactly that role, and nobody else.
    assert resolve_mentions(post, world.guild) == ([], [str(pinged.id)], False)
    stored = await world.bot.store.get_schedule(schedule_id)
    assert stored is not None and stored.ping_role_id == pinged.id
