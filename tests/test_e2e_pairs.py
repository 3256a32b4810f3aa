"""``/pairs`` end to end: members opt in, leave, pause, resume, check their status and block.

Leaving, pausing or blocking a partner ends the pairing no-fault: the others see only the
"pairing ended" text in their thread and are paired again at the next round.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.harness import Harness
from tests.pairs_world import ROUND1, WEEK, PairsWorld, make_world


@pytest.fixture
async def world(world_harness: Harness) -> PairsWorld:
    return await make_world(world_harness)


def text(reply: object) -> str:
    return str(getattr(reply, "content", "") or "")


# -- join -------------------------------------------------------------------------------------


async def test_join_before_setup_says_a_moderator_must_set_it_up(world: PairsWorld) -> None:
    (reply,) = await world.join(world.people[0])

    assert reply.ephemeral
    assert "You're in!" in text(reply)
    assert "a moderator needs to run `/pairing setup`" in text(reply)
    assert "Tip: `/pairs join timezone:`" in text(reply)
    member = await world.bot.store.get_pair_member(world.harness.guild.id, world.people[0].id)
    assert member is not None and member.status == "active"


async def test_join_tells_when_the_next_round_is(world: PairsWorld) -> None:
    await world.setup()

    (reply,) = await world.join(world.people[0], timezone="europe/berlin")
    (again,) = await world.join(world.people[0])

    assert f"The next round is <t:{int(ROUND1.timestamp())}:F>" in text(reply)
    assert "Tip" not in text(reply)
    assert "You're already opted in" in text(again)
    member = await world.bot.store.get_pair_member(world.harness.guild.id, world.people[0].id)
    assert member is not None and member.timezone == "Europe/Berlin"


async def test_a_bad_timezone_gets_a_clear_message_and_nothing_is_stored(
    world: PairsWorld,
) -> None:
    (reply,) = await world.join(world.people[0], timezone="Europe/Londn")

    assert reply.ephemeral
    assert "I don't know the timezone 'Europe/Londn'" in text(reply)
    assert "Did you mean Europe/London" in text(reply)
    assert await world.bot.store.get_pair_member(world.harness.guild.id, world.people[0].id) is None


async def test_timezone_autocomplete(world: PairsWorld) -> None:
    record = await world.emu.autocomplete(
        "pairs join",
        channel=world.harness.general,
        user=world.people[0],
        focused="timezone",
        value="berl",
    )
    await world.emu.wait_for_response(record)

    assert record.choices is not None
    assert record.choices[0] == {"name": "Europe/Berlin", "value": "Europe/Berlin"}


async def test_rejoining_after_leaving_works(world: PairsWorld) -> None:
    alice = world.people[0]
    await world.setup()
    await world.join(alice)
    await world.slash("pairs leave", user=alice)

    (reply,) = await world.join(alice)

    assert "You're in!" in text(reply)
    member = await world.bot.store.get_pair_member(world.harness.guild.id, alice.id)
    assert member is not None and member.status == "active"


# -- leave, pause, resume ---------------------------------------------------------------------


async def four_in_two_pairs(world: PairsWorld, **setup: object) -> None:
    await world.setup(**setup)
    await world.join(*world.people[:4])
    await world.tick_at(ROUND1)


async def test_leave_mid_term_ends_the_pairing_and_the_partner_is_repaired_next_round(
    world: PairsWorld,
) -> None:
    await four_in_two_pairs(world)
    alice = world.people[0]
    group = next(g for g in await world.live_groups() if alice.id in g.user_ids)
    (partner,) = [u for u in group.user_ids if u != alice.id]
    world.harness.clock.advance(days=2)

    reply = await world.slash("pairs leave", user=alice)

    assert reply.ephemeral
    assert "You've left pairing" in text(reply)
    assert "Your current pairing has ended" in text(reply)
    thread = world.thread_of(group)
    (ended,) = world.ended_notices(thread)
    assert world.bot_messages(thread)[-1] == ended
    assert thread.archived
    stored = await world.bot.store.get_pair_group(group.id)
    assert stored is not None and stored.end_reason == "left"

    await world.tick_at(ROUND1 + WEEK)

    # The partner joins the other pair, which becomes a trio in its existing thread.
    groups = await world.live_groups()
    (trio,) = groups
    assert partner in trio.user_ids and alice.id not in trio.user_ids
    other_thread = world.thread_of(trio)
    assert partner in world.emu.thread_members(other_thread)
    assert len(world.threads()) == 2
    assert trio.space_ready
    assert any(f"<@{partner}>" in m.content for m in world.intros(other_thread))


async def test_pause_ends_the_pairing_and_skips_rounds_until_it_is_over(
    world: PairsWorld,
) -> None:
    await four_in_two_pairs(world, term_weeks=1)
    alice = world.people[0]
    world.harness.clock.advance(days=1)  # Tuesday 1 December

    reply = await world.slash("pairs pause", user=alice, weeks=1)

    assert "Paused until Tuesday 08 December 2026" in text(reply)
    assert "Your current pairing has ended" in text(reply)
    await world.tick_at(ROUND1 + WEEK)  # Monday 7th: still paused
    groups = await world.groups_as_sets()
    assert len(groups) == 1 and alice.id not in groups[0]
    await world.tick_at(ROUND1 + 2 * WEEK)  # Monday 14th: the pause is over
    groups = await world.groups_as_sets()
    assert len(groups) == 2 and any(alice.id in g for g in groups)
    member = await world.bot.store.get_pair_member(world.harness.guild.id, alice.id)
    assert member is not None and member.status == "active"


async def test_resume_ends_a_pause_early(world: PairsWorld) -> None:
    alice = world.people[0]
    await world.setup()
    await world.join(alice)
    await world.slash("pairs pause", user=alice, weeks=8)

    reply = await world.slash("pairs resume", user=alice)
    again = await world.slash("pairs resume", user=alice)

    assert "Welcome back" in text(reply)
    assert "The next round is" in text(reply)
    assert "You're not paused" in text(again)


@pytest.mark.parametrize("command", ["pairs leave", "pairs resume"])
async def test_commands_for_members_who_never_joined_say_how_to_join(
    world: PairsWorld, command: str
) -> None:
    reply = await world.slash(command, user=world.people[0])

    assert reply.ephemeral and "`/pairs join` opts you in" in text(reply)


async def test_pause_weeks_must_be_between_one_and_eight(world: PairsWorld) -> None:
    await world.join(world.people[0])

    reply = await world.slash("pairs pause", user=world.people[0], weeks=9)

    assert reply.ephemeral
    assert "You can pause for 1 to 8 weeks" in text(reply)
    member = await world.bot.store.get_pair_member(world.harness.guild.id, world.people[0].id)
    assert member is not None and member.status == "active"


# -- status -----------------------------------------------------------------------------------


async def test_status_shows_partner_space_term_next_round_and_blocks(world: PairsWorld) -> None:
    await four_in_two_pairs(world)
    alice = world.people[0]
    await world.slash("pairs block", user=alice, member=world.people[4])
    group = next(g for g in await world.live_groups() if alice.id in g.user_ids)
    (partner,) = [u for u in group.user_ids if u != alice.id]

    reply = await world.slash("pairs status", user=alice)

    body = text(reply)
    assert reply.ephemeral
    assert "**Status:** opted in and active" in body
    assert f"**Paired with:** <@{partner}> until <t:{int(group.ends_at.timestamp())}:D>" in body
    assert f"**Your space:** <#{group.thread_id}>" in body
    assert f"The next round is <t:{int((ROUND1 + WEEK).timestamp())}:F>" in body
    assert "**Blocked by you:** 1 member" in body


async def test_status_of_someone_not_opted_in(world: PairsWorld) -> None:
    reply = await world.slash("pairs status", user=world.people[0])

    assert "You're not in pairing" in text(reply)


# -- block ------------------------------------------------------------------------------------


async def test_blocking_your_partner_ends_the_pairing_and_they_learn_only_that_it_ended(
    world: PairsWorld,
) -> None:
    await four_in_two_pairs(world)
    alice = world.people[0]
    group = next(g for g in await world.live_groups() if alice.id in g.user_ids)
    (partner_id,) = [u for u in group.user_ids if u != alice.id]
    partner = world.person(partner_id)

    reply = await world.slash("pairs block", user=alice, member=partner)

    assert "you'll never be paired with" in text(reply)
    assert "Your current pairing with them has ended" in text(reply)
    thread = world.thread_of(group)
    (ended,) = world.ended_notices(thread)
    assert "block" not in ended.content.lower()
    stored = await world.bot.store.get_pair_group(group.id)
    assert stored is not None and stored.end_reason == "blocked"
    for week in (1, 2, 3):
        await world.tick_at(ROUND1 + week * WEEK)
        assert not any({alice.id, partner_id} <= g for g in await world.groups_as_sets())


async def test_block_yourself_or_a_bot_is_refused(world: PairsWorld) -> None:
    alice = world.people[0]

    yourself = await world.slash("pairs block", user=alice, member=alice)

    bot = await world.slash("pairs block", user=alice, member=world.emu.bot)

    assert yourself.ephemeral and "You can't block yourself" in text(yourself)
    assert bot.ephemeral and "Bots are never paired" in text(bot)
    assert await world.bot.store.pair_block_count(world.harness.guild.id, alice.id) == 0


async def test_unblock(world: PairsWorld) -> None:
    alice, bob = world.people[:2]
    await world.slash("pairs block", user=alice, member=bob)

    first = await world.slash("pairs unblock", user=alice, member=bob)
    second = await world.slash("pairs unblock", user=alice, member=bob)

    assert "Unblocked" in text(first)
    assert "You haven't blocked" in text(second)
    assert await world.bot.store.pair_blocks(world.harness.guild.id) == []


async def test_a_newcomer_mid_term_joins_a_pair_in_its_thread(world: PairsWorld) -> None:
    await four_in_two_pairs(world)
    erin = world.people[4]
    await world.join(erin)

    await world.tick_at(ROUND1 + WEEK + timedelta(minutes=1))

    groups = await world.live_groups()
    assert sorted(len(g.members) for g in groups) == [2, 3]
    trio = next(g for g in groups if erin.id in g.user_ids)
    assert erin.id in world.emu.thread_members(world.thread_of(trio))
    assert len(world.threads()) == 2
