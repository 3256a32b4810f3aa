"""Pairing rounds end to end: the real bot on the Discord emulator, the clock moved to each round.

What members see: a private thread per pair or trio in #pairs with exactly its members and an
intro; one round per week, exactly once, even across crashes; direct messages when private
threads are impossible, with the moderators told once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.pairs_spaces import thread_name
from tests.emulator.permissions import CREATE_PRIVATE_THREADS
from tests.harness import Harness
from tests.pairs_world import PRIVATE_THREAD, ROUND1, WEEK, PairsWorld, make_world

THREADS = "/channels/{channel_id}/threads"


@pytest.fixture
async def world(world_harness: Harness) -> PairsWorld:
    return await make_world(world_harness)


async def five_opted_in(world: PairsWorld, **setup: Any) -> None:
    await world.setup(**setup)
    await world.join(*world.people)


# -- a round ----------------------------------------------------------------------------------


async def test_five_members_make_a_pair_and_a_trio_each_with_a_private_thread_and_intro(
    world: PairsWorld,
) -> None:
    await five_opted_in(world)

    await world.tick_at(ROUND1)

    groups = await world.live_groups()
    assert sorted(len(g.members) for g in groups) == [2, 3]
    assert {u for g in groups for u in g.user_ids} == {p.id for p in world.people}
    assert len(world.threads()) == 2
    bot_id = world.emu.bot.id
    for group in groups:
        thread = world.thread_of(group)
        assert thread.type == PRIVATE_THREAD and not thread.invitable
        assert thread.name == thread_name(group.id)
        assert world.emu.thread_members(thread) == sorted([*group.user_ids, bot_id])
        (intro,) = world.intros(thread)
        mentions = [f"<@{u}>" for u in group.user_ids]
        assert all(m in intro.content for m in mentions)
        assert "4 weeks" in intro.content
        assert group.ends_at == ROUND1 + 4 * WEEK
        assert group.space_ready
    # Only the members named in the intro may be pinged.
    sends = [
        r
        for r in world.emu.requests
        if r.method == "POST" and r.route == "/channels/{channel_id}/messages"
    ]
    assert all(r.json["allowed_mentions"]["parse"] == ["users"] for r in sends)


async def test_rounds_are_weekly_once_each_and_pairs_stay_for_their_term(
    world: PairsWorld,
) -> None:
    await five_opted_in(world)
    await world.tick_at(ROUND1)
    first = await world.groups_as_sets()

    await world.harness.tick()  # the same minute again
    await world.tick_at(ROUND1 + timedelta(days=3))  # mid-week
    await world.tick_at(ROUND1 + WEEK)  # next Monday: the term runs on

    assert await world.groups_as_sets() == first
    assert len(world.threads()) == 2
    assert world.requests("POST", THREADS) == 2
    counts = await world.bot.store.pair_round_counts(world.harness.guild.id)
    assert counts == {"done": 2}
    config = await world.bot.store.get_pairing_config(world.harness.guild.id)
    assert config is not None and config.next_fire_at == ROUND1 + 2 * WEEK


async def test_after_the_term_everyone_meets_someone_new(world: PairsWorld) -> None:
    await five_opted_in(world, term_weeks=1)
    await world.tick_at(ROUND1)
    first = await world.groups_as_sets()

    await world.tick_at(ROUND1 + WEEK)

    second = await world.groups_as_sets()
    met = {frozenset((a, b)) for g in first for a in g for b in g if a != b}
    now = {frozenset((a, b)) for g in second for a in g for b in g if a != b}
    # Five people, a pair and a trio each week: one repeat at most is unavoidable.
    assert len(met & now) <= 1
    assert len(world.threads()) == 4
    ended = [
        g
        for g in await world.bot.store.pair_groups_since(world.harness.guild.id, ROUND1.date())
        if g.ended_at is not None
    ]
    assert {g.end_reason for g in ended} == {"term"}


async def test_a_block_is_honoured_round_after_round(world: PairsWorld) -> None:
    alice, bob, carol, dave = world.people[:4]
    await world.setup(term_weeks=1)
    await world.join(alice, bob, carol, dave)
    await world.slash("pairs block", user=alice, member=bob)

    for week in range(4):
        await world.tick_at(ROUND1 + week * WEEK)
        groups = await world.groups_as_sets()
        assert len(groups) == 2
        assert not any({alice.id, bob.id} <= g for g in groups), (week, groups)


async def test_end_pairing_tells_the_partner_only_that_it_ended_and_repairs_them_apart(
    world: PairsWorld,
) -> None:
    # Three pairs: next round the two who ended can each join one of the other pairs.
    world.people.append(world.emu.create_member(world.harness.guild, "frank"))
    alice = world.people[0]
    await world.setup()
    await world.join(*world.people)
    await world.tick_at(ROUND1)
    group = next(g for g in await world.live_groups() if alice.id in g.user_ids)
    partner = next(u for u in group.user_ids if u != alice.id)

    world.harness.clock.advance(days=2)
    assert await world.bot.pairing.end_group(group.id, reason="ended", by_user=alice.id)
    await world.harness.settle()

    thread = world.thread_of(group)
    (ended,) = world.ended_notices(thread)
    assert world.bot_messages(thread)[-1] == ended  # nothing else: not who, not why
    assert f"<@{alice.id}>" not in ended.content
    assert thread.archived and thread.locked
    assert not await world.bot.pairing.end_group(group.id, reason="ended", by_user=partner)

    await world.tick_at(ROUND1 + WEEK)
    groups = await world.groups_as_sets()
    placed = {u for g in groups for u in g}
    assert {alice.id, partner} <= placed
    assert not any({alice.id, partner} <= g for g in groups)


# -- exactly once across crashes --------------------------------------------------------------


async def test_a_crash_after_the_round_is_written_makes_exactly_one_thread_per_group(
    world: PairsWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    await five_opted_in(world)
    spaces = world.bot.pairing._spaces

    async def dies_before_discord(guild_id: int) -> None:
        return None

    monkeypatch.setattr(spaces, "run", dies_before_discord)
    await world.tick_at(ROUND1)
    assert world.threads() == []
    await world.harness.crash()
    monkeypatch.undo()

    await world.harness.start()

    groups = await world.live_groups()
    assert len(groups) == 2 and len(world.threads()) == 2
    for group in groups:
        assert len(world.intros(world.thread_of(group))) == 1
    assert await world.bot.store.pair_round_counts(world.harness.guild.id) == {"done": 1}


async def test_a_crash_between_making_a_thread_and_recording_it_adopts_that_thread(
    world: PairsWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    await five_opted_in(world)
    store = world.bot.store

    async def dies_after_discord(group_id: int, thread_id: int) -> None:
        raise RuntimeError("killed")

    monkeypatch.setattr(store, "set_group_thread", dies_after_discord)
    await world.tick_at(ROUND1)
    assert len(world.threads()) == 1  # made on Discord, not recorded
    await world.harness.crash()

    await world.harness.start()

    groups = await world.live_groups()
    assert len(world.threads()) == 2
    assert world.requests("POST", THREADS) == 2
    for group in groups:
        thread = world.thread_of(group)
        assert world.emu.thread_members(thread) == sorted([*group.user_ids, world.emu.bot.id])
        assert len(world.intros(thread)) == 1


async def test_a_crash_before_the_round_is_written_runs_the_same_round_on_restart(
    world: PairsWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    await five_opted_in(world)
    store = world.bot.store

    async def dies(*args: object) -> None:
        raise RuntimeError("killed")

    monkeypatch.setattr(store, "record_round", dies)
    await world.tick_at(ROUND1)
    assert [r.status for r in await store.open_rounds()] == ["claimed"]
    await world.harness.crash()

    world.harness.clock.advance(minutes=30)
    await world.harness.start()

    assert sorted(len(g.members) for g in await world.live_groups()) == [2, 3]
    assert len(world.threads()) == 2
    assert await world.bot.store.pair_round_counts(world.harness.guild.id) == {"done": 1}


async def test_a_failed_thread_request_is_retried_at_the_next_tick(world: PairsWorld) -> None:
    await five_opted_in(world)
    world.emu.faults.error(
        r"^/channels/\d+/threads$", status=400, code=0, message="400: Bad Request", count=1
    )

    await world.tick_at(ROUND1)
    assert len(world.threads()) == 1

    await world.tick_at(ROUND1 + timedelta(minutes=1))

    assert len(world.threads()) == 2
    for group in await world.live_groups():
        assert group.space_ready and len(world.intros(world.thread_of(group))) == 1


async def test_a_round_found_later_than_the_grace_is_missed_not_run(world: PairsWorld) -> None:
    await five_opted_in(world)

    await world.tick_at(ROUND1 + timedelta(hours=7))

    assert await world.live_groups() == []
    round_ = await world.bot.store.get_round(world.harness.guild.id, ROUND1.date())
    assert round_ is not None and round_.status == "missed"


# -- no private threads: DMs ------------------------------------------------------------------


def refuse_private_threads(world: PairsWorld) -> None:
    """The bot's role loses Create Private Threads in #pairs (after setup checked it)."""
    world.emu.set_overwrite(
        world.channel, world.emu.bot_role(world.harness.guild), deny=CREATE_PRIVATE_THREADS
    )


async def test_refused_private_threads_tell_the_moderators_once_and_use_dms(
    world: PairsWorld,
) -> None:
    await five_opted_in(world, term_weeks=1)
    refuse_private_threads(world)

    await world.tick_at(ROUND1)
    await world.tick_at(ROUND1 + WEEK)

    notices = [
        m for m in world.bot_messages(world.harness.general) if "private pair threads" in m.content
    ]
    assert len(notices) == 1
    assert "Create Private Threads" in notices[0].content and "/pairing setup" in notices[0].content
    assert world.threads() == []
    assert world.requests("POST", THREADS) == 1  # after the refusal, straight to DMs
    for person in world.people:
        intros = world.dm_intros(person)
        assert len(intros) == 2  # one per round
        assert f"<@{person.id}>" in intros[0].content
    for group in await world.live_groups():
        assert group.use_dms and group.thread_id is None and group.space_ready
    config = await world.bot.store.get_pairing_config(world.harness.guild.id)
    assert config is not None and config.use_dms


async def test_closed_dms_are_logged_and_the_moderators_told_once(world: PairsWorld) -> None:
    await five_opted_in(world, term_weeks=1)
    refuse_private_threads(world)
    closed = world.people[0]
    closed.user.accepts_dms = False

    await world.tick_at(ROUND1)
    await world.tick_at(ROUND1 + WEEK)

    notices = [m for m in world.bot_messages(world.harness.general) if "DMs" in m.content]
    assert len([m for m in notices if "direct message to at least one member" in m.content]) == 1
    assert world.dms(closed) == []
    assert all(len(world.dm_intros(p)) == 2 for p in world.people[1:])
    assert all(g.space_ready for g in await world.live_groups())


async def test_setting_up_again_retries_private_threads(world: PairsWorld) -> None:
    await five_opted_in(world, term_weeks=1)
    refuse_private_threads(world)
    await world.tick_at(ROUND1)
    world.emu.set_overwrite(world.channel, world.emu.bot_role(world.harness.guild))

    await world.setup(term_weeks=1)
    await world.tick_at(ROUND1 + WEEK)

    assert len(world.threads()) == 2


# -- /pairing ---------------------------------------------------------------------------------


async def test_setup_replies_with_the_next_round(world: PairsWorld) -> None:
    reply = await world.setup(term_weeks=6)

    assert reply.ephemeral
    text = reply.content or ""
    assert "every **Monday at 09:00** (Europe/London)" in text
    assert "**6 weeks**" in text
    assert f"<t:{int(ROUND1.timestamp())}:F>" in text
    assert f"<#{world.channel.id}>" in text


async def test_setup_refuses_a_channel_without_private_thread_permissions(
    world: PairsWorld,
) -> None:
    refuse_private_threads(world)

    reply = await world.setup()

    assert reply.ephemeral
    assert "I'm missing **Create Private Threads**" in (reply.content or "")
    assert await world.bot.store.get_pairing_config(world.harness.guild.id) is None


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"timezone": "Mars/Olympus"}, "I don't know the timezone 'Mars/Olympus'"),
        ({"time": "9pm"}, "'9pm' is not a time I can use"),
    ],
)
async def test_setup_explains_bad_input(
    world: PairsWorld, options: dict[str, str], expected: str
) -> None:
    reply = await world.setup(**options)

    assert reply.ephemeral and expected in (reply.content or "")


@pytest.mark.parametrize("sub", ["setup", "run-now", "stats", "disable"])
async def test_members_cannot_use_pairing(world: PairsWorld, sub: str) -> None:
    options: dict[str, Any] = (
        {"channel": world.channel, "day": 0, "time": "09:00", "timezone": "UTC"}
        if sub == "setup"
        else {}
    )

    reply = await world.harness.slash(f"pairing {sub}", user=world.people[0], **options)

    assert reply.ephemeral
    assert "You need the Manage Server permission" in (reply.content or "")
    assert await world.bot.store.get_pairing_config(world.harness.guild.id) is None


async def test_run_now_runs_todays_round_once(world: PairsWorld) -> None:
    await five_opted_in(world)

    first = await world.harness.slash("pairing run-now")
    await world.harness.settle()
    again = await world.harness.slash("pairing run-now")

    assert "Round done: 1 new pair, 1 new trio" in (first.content or "")
    assert "A round already ran today" in (again.content or "")
    assert len(world.threads()) == 2
    # The scheduled round a week later keeps the run-now pairs together for their term.
    await world.tick_at(ROUND1)
    assert len(world.threads()) == 2


async def test_run_now_needs_setup(world: PairsWorld) -> None:
    reply = await world.harness.slash("pairing run-now")

    assert "Start with `/pairing setup`" in (reply.content or "")


async def test_stats_are_counts_only(world: PairsWorld) -> None:
    await five_opted_in(world)
    await world.slash("pairs pause", user=world.people[4], weeks=2)
    await world.tick_at(ROUND1)

    reply = await world.harness.slash("pairing stats")

    text = reply.content or ""
    assert reply.ephemeral
    assert "**Opted in:** 4 active, 1 paused" in text
    assert "**Live now:** 2 pairs, 0 trios" in text
    assert "**Rounds run:** 1" in text
    assert not any(f"<@{p.id}>" in text for p in world.people)


async def test_disable_stops_new_rounds_and_lets_live_pairs_finish(world: PairsWorld) -> None:
    await five_opted_in(world, term_weeks=1)
    await world.tick_at(ROUND1)

    reply = await world.harness.slash("pairing disable")
    again = await world.harness.slash("pairing disable")
    await world.tick_at(ROUND1 + WEEK)

    assert "no new rounds" in (reply.content or "")
    assert "The 2 live pairings" in (reply.content or "")
    assert "already off" in (again.content or "")
    assert await world.bot.store.pair_round_counts(world.harness.guild.id) == {"done": 1}
    assert len(world.threads()) == 2
