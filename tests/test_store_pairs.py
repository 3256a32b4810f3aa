"""The store's pairing queries: the round ledger is claimed once and written atomically; a
member's rows can all be found by user id and erased."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import aiosqlite
import pytest

from bot.store import Store
from bot.store.pairs import RoundWrite

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
MONDAY = date(2026, 11, 30)
GUILD = 10


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "db.sqlite3")
    yield opened
    await opened.close()


async def configured(store: Store) -> None:
    await store.upsert_pairing_config(
        GUILD,
        channel_id=5,
        weekday=0,
        local_time="09:00",
        timezone="UTC",
        term_weeks=4,
        next_fire_at=NOW,
        created_by=7,
        now=NOW,
    )


def write(*groups: tuple[int, ...], **extra: object) -> RoundWrite:
    return RoundWrite(
        guild_id=GUILD,
        round_date=MONDAY,
        starts_at=NOW,
        ends_at=NOW + timedelta(weeks=4),
        term_weeks=4,
        new_groups=list(groups),
        **extra,  # type: ignore[arg-type]
    )


async def test_a_round_is_claimed_once_and_moves_the_next_round_on(store: Store) -> None:
    await configured(store)
    later = NOW + timedelta(weeks=1)

    first = await store.claim_round(
        GUILD, MONDAY, NOW, status="claimed", now=NOW, next_fire_at=later
    )
    second = await store.claim_round(
        GUILD, MONDAY, NOW, status="claimed", now=NOW, next_fire_at=later
    )

    assert (first, second) == (True, False)
    config = await store.get_pairing_config(GUILD)
    assert config is not None and config.next_fire_at == later
    assert await store.due_pairing_configs(NOW) == []
    assert [r.round_date for r in await store.open_rounds()] == [MONDAY]


async def test_a_round_is_written_once_with_its_groups(store: Store) -> None:
    await configured(store)
    await store.claim_round(GUILD, MONDAY, NOW, status="claimed", now=NOW, next_fire_at=None)

    ids = await store.record_round(write((1, 2), (3, 4, 5), unpaired=[6]), NOW)
    again = await store.record_round(write((1, 2)), NOW)

    assert ids is not None and len(ids) == 2
    assert again is None
    groups = await store.live_pair_groups(GUILD, NOW)
    assert [g.user_ids for g in groups] == [(1, 2), (3, 4, 5)]
    assert all(not g.intro_sent and g.thread_id is None for g in groups)
    round_ = await store.get_round(GUILD, MONDAY)
    assert round_ is not None
    assert (round_.status, round_.groups_made, round_.unpaired) == ("done", 2, 1)
    assert await store.open_rounds() == []


async def test_a_failing_round_write_leaves_the_round_claimed_and_nothing_written(
    store: Store,
) -> None:
    await configured(store)
    await store.claim_round(GUILD, MONDAY, NOW, status="claimed", now=NOW, next_fire_at=None)

    with pytest.raises(aiosqlite.IntegrityError):
        await store.record_round(write((1, 2), (3, 3)), NOW)  # a member twice in one group

    assert await store.live_pair_groups(GUILD, NOW) == []
    assert [r.status for r in await store.open_rounds()] == ["claimed"]


async def test_joins_and_ends_are_part_of_the_round(store: Store) -> None:
    await configured(store)
    await store.claim_round(GUILD, MONDAY, NOW, status="claimed", now=NOW, next_fire_at=None)
    first = await store.record_round(write((1, 2), (3, 4)), NOW)
    assert first is not None
    nxt = MONDAY + timedelta(weeks=1)
    await store.claim_round(GUILD, nxt, NOW, status="claimed", now=NOW, next_fire_at=None)

    await store.record_round(
        RoundWrite(
            guild_id=GUILD,
            round_date=nxt,
            starts_at=NOW,
            ends_at=NOW + timedelta(weeks=4),
            term_weeks=4,
            joins=[(first[0], 9)],
            ended=[(first[1], "term")],
        ),
        NOW,
    )

    joined = await store.get_pair_group(first[0])
    ended = await store.get_pair_group(first[1])
    assert joined is not None and joined.user_ids == (1, 2, 9)
    assert ended is not None and ended.end_reason == "term" and ended.end_notified


async def test_members_join_leave_and_rejoin_keeping_their_timezone(store: Store) -> None:
    await store.join_pairing(GUILD, 1, timezone="Europe/London", now=NOW)
    await store.set_pair_status(GUILD, 1, "left")
    assert await store.pair_members(GUILD) == []

    await store.join_pairing(GUILD, 1, timezone=None, now=NOW)

    member = await store.get_pair_member(GUILD, 1)
    assert member is not None
    assert (member.status, member.timezone) == ("active", "Europe/London")


async def test_blocks_are_unordered_pairs(store: Store) -> None:
    assert await store.add_pair_block(GUILD, 1, 2, NOW)
    assert not await store.add_pair_block(GUILD, 1, 2, NOW)
    await store.add_pair_block(GUILD, 2, 1, NOW)
    await store.add_pair_block(GUILD + 1, 3, 4, NOW)

    assert await store.pair_blocks(GUILD) == [frozenset({1, 2})]
    assert await store.pair_block_count(GUILD, 1) == 1
    assert await store.remove_pair_block(GUILD, 1, 2)
    assert not await store.remove_pair_block(GUILD, 1, 2)


async def test_space_work_is_found_until_each_step_is_recorded(store: Store) -> None:
    await configured(store)
    await store.claim_round(GUILD, MONDAY, NOW, status="claimed", now=NOW, next_fire_at=None)
    ids = await store.record_round(write((1, 2)), NOW)
    assert ids is not None
    (group_id,) = ids
    assert await store.guilds_with_space_work(NOW) == [GUILD]

    await store.set_group_thread(group_id, 555)
    await store.mark_group_intro_sent(group_id, (1, 2))

    assert await store.guilds_with_space_work(NOW) == []
    await store.end_pair_group(group_id, "ended", NOW)
    assert await store.guilds_with_space_work(NOW) == [GUILD]
    assert [g.id for g in await store.ended_groups_to_notify(GUILD)] == [group_id]
    await store.mark_group_end_notified(group_id)
    assert await store.guilds_with_space_work(NOW) == []
    assert not await store.end_pair_group(group_id, "left", NOW)


async def test_counts_never_need_content(store: Store) -> None:
    await configured(store)
    for user in (1, 2, 3, 4, 5):
        await store.join_pairing(GUILD, user, timezone=None, now=NOW)
    await store.set_pair_status(GUILD, 5, "paused", paused_until=MONDAY + timedelta(weeks=2))
    await store.claim_round(GUILD, MONDAY, NOW, status="claimed", now=NOW, next_fire_at=None)
    await store.record_round(write((1, 2), (3, 4, 6)), NOW)

    counts = await store.pairing_counts(GUILD, NOW)

    assert (counts.active, counts.paused) == (4, 1)
    assert (counts.live_pairs, counts.live_trios, counts.rounds_done) == (1, 1, 1)
    assert counts.answered in (0, None) and counts.expected in (0, None)  # no check-ins yet


async def test_a_member_can_be_found_and_erased_everywhere(store: Store) -> None:
    me = 424242424242424242
    await configured(store)
    await store.join_pairing(GUILD, me, timezone="UTC", now=NOW)
    await store.join_pairing(GUILD + 1, me, timezone=None, now=NOW)
    await store.add_pair_block(GUILD, me, 2, NOW)
    await store.add_pair_block(GUILD, 3, me, NOW)
    await store.claim_round(GUILD, MONDAY, NOW, status="claimed", now=NOW, next_fire_at=None)
    await store.record_round(write((me, 2)), NOW)

    exported = await store.pair_data_of(me)
    await store.erase_pair_member(me)

    assert len(exported["pair_members"]) == 2
    assert [b["blocked_id"] for b in exported["pair_blocks"]] == [2]  # not who blocked me
    assert len(exported["pair_groups"]) == 1
    for table in await store.table_names():
        rows = await store._fetchall(f"SELECT * FROM {table}")
        assert all(me not in tuple(row) for row in rows), table
