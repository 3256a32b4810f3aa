"""From stored rows to a round: deterministic, terms kept, ends honoured, newcomers join."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.pairs_plan import next_round_after, plan_round, round_seed
from bot.store.pairs import GroupMember, PairGroup, PairingConfig, PairMember

GUILD = 1
MONDAY = date(2026, 11, 30)
FIRE = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
CONFIG = PairingConfig(
    guild_id=GUILD,
    channel_id=2,
    weekday=0,
    local_time="09:00",
    timezone="Europe/London",
    term_weeks=4,
    enabled=True,
    next_fire_at=FIRE,
    use_dms=False,
    created_by=None,
)


def member(user_id: int, status: str = "active", paused_until: date | None = None) -> PairMember:
    return PairMember(
        guild_id=GUILD,
        user_id=user_id,
        timezone=None,
        status=status,
        paused_until=paused_until,
        joined_at=FIRE - timedelta(days=30),
        unpaired_round=None,
    )


def group(
    group_id: int,
    *users: int,
    round_date: date = MONDAY - timedelta(weeks=1),
    ended_at: datetime | None = None,
    reason: str | None = None,
) -> PairGroup:
    start = datetime.combine(round_date, FIRE.timetz())
    return PairGroup(
        id=group_id,
        guild_id=GUILD,
        round_date=round_date,
        term_weeks=4,
        starts_at=start,
        ends_at=start + timedelta(weeks=4),
        thread_id=None,
        use_dms=False,
        intro_sent=True,
        ended_at=ended_at,
        end_reason=reason,
        end_notified=True,
        members=tuple(GroupMember(u, True) for u in users),
    )


def test_the_same_rows_plan_the_same_round() -> None:
    members = [member(u) for u in range(1, 12)]
    first = plan_round(
        CONFIG, MONDAY, FIRE, members=members, blocks=[], groups=[], previous_round_at=None
    )
    again = plan_round(
        CONFIG,
        MONDAY,
        FIRE,
        members=list(reversed(members)),
        blocks=[],
        groups=[],
        previous_round_at=None,
    )

    assert first.write == again.write
    assert (first.new_pairs, first.new_trios) == (4, 1)
    assert round_seed(GUILD, MONDAY) != round_seed(GUILD, MONDAY + timedelta(weeks=1))


def test_groups_in_their_term_stay_and_a_newcomer_joins_one() -> None:
    members = [member(u) for u in (1, 2, 3, 4, 5)]
    plan = plan_round(
        CONFIG,
        MONDAY,
        FIRE,
        members=members,
        blocks=[],
        groups=[group(10, 1, 2), group(11, 3, 4)],
        previous_round_at=FIRE - timedelta(weeks=1),
    )

    assert plan.write.new_groups == []
    assert len(plan.write.joins) == 1 and plan.write.joins[0][1] == 5
    assert plan.write.ended == []


def test_a_finished_term_is_ended_and_everyone_regrouped() -> None:
    old = MONDAY - timedelta(weeks=4)
    plan = plan_round(
        CONFIG,
        MONDAY,
        FIRE,
        members=[member(u) for u in (1, 2, 3, 4)],
        blocks=[],
        groups=[group(10, 1, 2, round_date=old), group(11, 3, 4, round_date=old)],
        previous_round_at=FIRE - timedelta(weeks=1),
    )

    assert sorted(plan.write.ended) == [(10, "term"), (11, "term")]
    new = {frozenset(g) for g in plan.write.new_groups}
    assert len(new) == 2 and not new & {frozenset({1, 2}), frozenset({3, 4})}  # no repeats


def test_a_pairing_ended_since_the_last_round_is_not_put_back_together() -> None:
    ended = group(10, 1, 2, ended_at=FIRE - timedelta(days=2), reason="ended")
    plan = plan_round(
        CONFIG,
        MONDAY,
        FIRE,
        members=[member(1), member(2)],
        blocks=[],
        groups=[ended],
        previous_round_at=FIRE - timedelta(weeks=1),
    )
    later = plan_round(
        CONFIG,
        MONDAY + timedelta(weeks=1),
        FIRE + timedelta(weeks=1),
        members=[member(1), member(2)],
        blocks=[],
        groups=[ended],
        previous_round_at=FIRE,
    )

    assert plan.write.new_groups == [] and sorted(plan.write.unpaired) == [1, 2]
    assert later.write.new_groups == [(1, 2)]  # only the next round is kept apart


def test_paused_members_wait_and_an_ended_pause_counts_as_active() -> None:
    plan = plan_round(
        CONFIG,
        MONDAY,
        FIRE,
        members=[
            member(1),
            member(2, "paused", MONDAY),
            member(3, "paused", MONDAY + timedelta(days=1)),
        ],
        blocks=[],
        groups=[],
        previous_round_at=None,
    )

    assert plan.write.new_groups == [(1, 2)]
    assert plan.write.resumed == [2]
    assert plan.write.unpaired == []


def test_next_round_follows_local_time_across_the_clock_change() -> None:
    config = CONFIG
    autumn = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)  # Tuesday; clocks go back on the 25th

    first = next_round_after(config, autumn)

    assert first == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)  # 09:00 GMT
    assert next_round_after(config, first) == datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    summer = datetime(2026, 6, 2, 12, 0, tzinfo=UTC)
    assert next_round_after(config, summer) == datetime(2026, 6, 8, 8, 0, tzinfo=UTC)  # BST


def test_when_someone_leaves_a_trio_the_other_two_are_simply_free_again() -> None:
    left = group(10, 1, 2, 3, ended_at=FIRE - timedelta(days=2), reason="left")

    plan = plan_round(
        CONFIG,
        MONDAY,
        FIRE,
        members=[member(1), member(2)],
        blocks=[],
        groups=[left],
        previous_round_at=FIRE - timedelta(weeks=1),
    )

    assert plan.write.new_groups == [(1, 2)]  # a repeat, but the only way to pair them
