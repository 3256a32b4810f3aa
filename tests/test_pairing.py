"""Pairing rounds: blocks hold, nobody is left out or doubled, repeats only when unavoidable."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.pairing import (
    EXACT_POOL_LIMIT,
    CurrentGroup,
    Group,
    Member,
    PastGroup,
    RoundResult,
    Unpaired,
    UnpairedReason,
    pair_round,
    tz_distance,
    week_index,
)

ROUND = 100
# Each example runs the round once or twice plus checks; n <= 30 keeps this to a few seconds.
PROPERTY = settings(max_examples=120, deadline=None, database=None)


@dataclass(frozen=True)
class Scenario:
    members: tuple[Member, ...]
    history: tuple[PastGroup, ...]
    blocks: tuple[frozenset[int], ...]
    current: tuple[CurrentGroup, ...]
    seed: int

    def run(self, **options: int) -> RoundResult:
        return pair_round(
            self.members,
            round_index=ROUND,
            history=self.history,
            blocks=self.blocks,
            current_groups=self.current,
            seed=self.seed,
            **options,
        )


@dataclass(frozen=True)
class Facts:
    """What the rules say about a scenario, derived here independently of bot.pairing."""

    active: frozenset[int]
    paused: frozenset[int]
    hard: frozenset[frozenset[int]]  # blocks, plus pairs that ended their pairing
    met: frozenset[frozenset[int]]  # history in the window, plus current partners
    kept: tuple[Group, ...]
    pool: tuple[int, ...]

    def compatible(self, a: int, b: int) -> bool:
        return frozenset({a, b}) not in self.hard

    def fits(self, group: Iterable[int]) -> bool:
        return all(self.compatible(a, b) for a, b in combinations(group, 2))

    def repeats(self, group: Iterable[int]) -> int:
        return sum(frozenset(pair) in self.met for pair in combinations(group, 2))


def facts(scenario: Scenario) -> Facts:
    roster = {m.id: m for m in scenario.members}
    hard = set(scenario.blocks)
    met = {
        frozenset(pair)
        for past in scenario.history
        if ROUND - 12 <= past.round_index < ROUND
        for pair in combinations(past.members, 2)
    }
    kept = []
    for group in scenario.current:
        met |= {frozenset(pair) for pair in combinations(group.members, 2)}
        if group.ended:
            hard |= {frozenset(pair) for pair in combinations(group.members, 2)}
    for group in scenario.current:
        everyone_here = all(m in roster and roster[m].active for m in group.members)
        no_block = all(frozenset(p) not in scenario.blocks for p in combinations(group.members, 2))
        if group.term_end > ROUND and not group.ended and everyone_here and no_block:
            kept.append(tuple(sorted(group.members)))
    in_kept = {m for group in kept for m in group}
    active = frozenset(m for m in roster if roster[m].active)
    return Facts(
        active=active,
        paused=frozenset(roster) - active,
        hard=frozenset(hard),
        met=frozenset(met),
        kept=tuple(sorted(kept)),
        pool=tuple(sorted(active - in_kept)),
    )


@st.composite
def scenarios(draw: st.DrawFn, min_size: int = 2, max_size: int = 30) -> Scenario:
    """Random rosters with pauses, history, blocks and current groups (some broken)."""
    n = draw(st.integers(min_size, max_size))
    ids = draw(st.lists(st.integers(1, 10_000), min_size=n + 3, max_size=n + 3, unique=True))
    ids, departed = ids[:n], ids[n:]  # departed members can still sit in current groups
    offsets = st.sampled_from([-600, -300, -240, 0, 0, 0, 60, 330, 345, 600, 780, 840])
    members = tuple(
        Member(i, draw(offsets), active=draw(st.integers(0, 9)) > 0)  # ~10% paused
        for i in ids
    )
    everyone = ids + departed
    pick = st.sampled_from(everyone)
    past_groups = draw(
        st.lists(st.lists(pick, min_size=2, max_size=3, unique=True), max_size=3 * n)
    )
    history = tuple(
        PastGroup(frozenset(group), draw(st.integers(ROUND - 14, ROUND - 1)))  # some too old
        for group in past_groups
    )
    density = draw(st.sampled_from([0.0, 0.05, 0.2, 0.5]))
    all_pairs = list(combinations(ids, 2))
    chosen = draw(st.lists(st.sampled_from(all_pairs), max_size=int(density * len(all_pairs))))
    blocks = tuple(frozenset(pair) for pair in chosen)
    order = draw(st.permutations(everyone))
    current = []
    start = 0
    for _ in range(draw(st.integers(0, len(everyone) // 2))):
        size = draw(st.integers(2, 3))
        if start + size > len(order):
            break
        current.append(
            CurrentGroup(
                frozenset(order[start : start + size]),
                term_end=draw(st.sampled_from([ROUND - 1, ROUND, *[ROUND + 1] * 6, ROUND + 3])),
                ended=draw(st.integers(0, 6)) == 0,
            )
        )
        start += size
    return Scenario(members, history, blocks, tuple(current), draw(st.integers(0, 2**32)))


# ------------------------------------------------------------------------------------------
# Invariants every round satisfies, whichever solver ran


def check_invariants(scenario: Scenario, result: RoundResult) -> None:
    f = facts(scenario)
    placed = [m for group in result.groups for m in group]
    # Everyone appears exactly once: in one group or in unpaired, with a reason.
    assert len(placed) == len(set(placed)), "someone is in two groups"
    unpaired = {u.member_id: u.reason for u in result.unpaired}
    assert not set(placed) & set(unpaired)
    assert set(placed) | set(unpaired) == {m.id for m in scenario.members}
    assert {m for m, why in unpaired.items() if why == UnpairedReason.PAUSED} == f.paused
    assert not set(placed) & f.paused
    # Shapes and hard rules.
    assert result.groups == result.kept + result.new
    assert all(len(group) in (2, 3) and group == tuple(sorted(group)) for group in result.groups)
    assert all(f.fits(group) for group in result.groups), "a block (or an ended pair) was broken"
    # Current groups: kept exactly when the rules say so, unless a newcomer joined the pair.
    joined_pairs = set(result.joined.values())
    assert sorted([*result.kept, *joined_pairs]) == list(f.kept)
    for member, pair in result.joined.items():
        assert len(pair) == 2 and tuple(sorted((*pair, member))) in result.new
    # Reported repeats are the real ones (a pair that took in a newcomer is not a new meeting).
    expected_repeats = sorted(
        (a, b)
        for group in result.new
        for a, b in combinations(group, 2)
        if frozenset({a, b}) in f.met and (a, b) not in joined_pairs
    )
    assert result.repeats == expected_repeats


def check_local_optimality(scenario: Scenario, result: RoundResult) -> None:
    """No single obvious move would place a left-out member, drop a trio or drop a repeat."""
    f = facts(scenario)
    left = [
        u.member_id for u in result.unpaired if u.reason == UnpairedReason.NO_COMPATIBLE_PARTNER
    ]
    joined = {tuple(sorted((*pair, m))) for m, pair in result.joined.items()}
    free = [list(group) for group in result.new if group not in joined]
    unused_pairs = [pair for pair in result.kept if len(pair) == 2]
    for u in left:
        assert not any(f.compatible(u, x) for x in left if x != u), "two left-outs could pair"
        for group in free:
            assert not (len(group) == 2 and f.fits([*group, u])), "could join a pair"
            assert not (len(group) == 3 and any(f.compatible(u, v) for v in group)), "could swap"
            if len(group) == 2:
                for keep, release in (group, group[::-1]):
                    assert not (
                        f.compatible(u, keep)
                        and any(f.compatible(release, x) for x in left if x != u)
                    ), "an augmenting path of length three was missed"
        assert not any(f.fits([*pair, u]) for pair in unused_pairs), "could join a current pair"
    trios = [group for group in free if len(group) == 3]
    for t1, t2 in combinations(trios, 2):
        assert not any(
            all(f.compatible(*pair) for pair in split) for split in pairings([*t1, *t2])
        ), "two trios could have been three pairs"
    for g, h in combinations(free, 2):
        before = f.repeats(g) + f.repeats(h)
        if before:
            for mine, theirs in exchanges(g, h):
                assert not (
                    f.fits(mine) and f.fits(theirs) and f.repeats(mine) + f.repeats(theirs) < before
                ), f"swapping between {g} and {h} would avoid a repeat"


def pairings(members: list[int]) -> list[list[tuple[int, int]]]:
    if not members:
        return [[]]
    first, rest = members[0], members[1:]
    return [
        [(first, partner), *more]
        for i, partner in enumerate(rest)
        for more in pairings(rest[:i] + rest[i + 1 :])
    ]


def exchanges(g: list[int], h: list[int]) -> list[tuple[list[int], list[int]]]:
    moves = [([m for m in g if m != x] + [y], [m for m in h if m != y] + [x]) for x in g for y in h]
    if len(g) == 3 and len(h) == 2:
        moves += [([m for m in g if m != x], [*h, x]) for x in g]
    if len(g) == 2 and len(h) == 3:
        moves += [([*g, y], [m for m in h if m != y]) for y in h]
    return moves


def score(scenario: Scenario, result: RoundResult) -> tuple[int, int, int]:
    """(left out, trios, repeats): what the rules minimise, in that order."""
    left = sum(u.reason == UnpairedReason.NO_COMPATIBLE_PARTNER for u in result.unpaired)
    trios = sum(len(group) == 3 for group in result.new)
    return left, trios, len(result.repeats)


def best_possible(scenario: Scenario) -> tuple[int, int, int]:
    """Brute force over every grouping of the pool (current pairs may take one newcomer)."""
    f = facts(scenario)
    current_pairs = [pair for pair in f.kept if len(pair) == 2]

    @cache
    def best(rest: frozenset[int], used: frozenset[Group]) -> tuple[int, int, int]:
        if not rest:
            return (0, 0, 0)
        u = min(rest)
        others = rest - {u}
        options = [add((1, 0, 0), best(others, used))]
        for v in others:
            if f.compatible(u, v):
                options.append(add((0, 0, f.repeats([u, v])), best(others - {v}, used)))
        for v, w in combinations(sorted(others), 2):
            if f.fits([u, v, w]):
                options.append(add((0, 1, f.repeats([u, v, w])), best(others - {v, w}, used)))
        for pair in current_pairs:
            if pair not in used and f.fits([*pair, u]):
                new_meetings = f.repeats([u, pair[0]]) + f.repeats([u, pair[1]])
                options.append(add((0, 1, new_meetings), best(others, used | {pair})))
        return min(options)

    return best(frozenset(f.pool), frozenset())


def add(a: tuple[int, int, int], b: tuple[int, int, int]) -> tuple[int, int, int]:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


# ------------------------------------------------------------------------------------------
# Properties


@PROPERTY
@given(scenarios())
def test_rules_hold_for_random_rounds(scenario: Scenario) -> None:
    result = scenario.run()
    check_invariants(scenario, result)
    check_local_optimality(scenario, result)


@PROPERTY
@given(scenarios(max_size=16))
def test_rules_hold_for_the_large_pool_solver_on_small_rounds(scenario: Scenario) -> None:
    result = scenario.run(exact_limit=0)
    check_invariants(scenario, result)
    check_local_optimality(scenario, result)


@settings(max_examples=150, deadline=None, database=None)
@given(scenarios(max_size=10))
def test_small_rounds_are_optimal_no_avoidable_repeat(scenario: Scenario) -> None:
    """Nobody left out unless impossible, extra trios only when forced, no avoidable repeat."""
    assert len(facts(scenario).pool) <= EXACT_POOL_LIMIT
    result = scenario.run()
    check_invariants(scenario, result)
    assert score(scenario, result) == best_possible(scenario)


@settings(max_examples=60, deadline=None, database=None)
@given(scenarios(), st.randoms(use_true_random=False))
def test_same_seed_same_round_whatever_the_input_order(
    scenario: Scenario, shuffler: random.Random
) -> None:
    shuffled = Scenario(
        members=tuple(shuffler.sample(scenario.members, len(scenario.members))),
        history=tuple(shuffler.sample(scenario.history, len(scenario.history))),
        blocks=tuple(shuffler.sample(scenario.blocks, len(scenario.blocks))),
        current=tuple(shuffler.sample(scenario.current, len(scenario.current))),
        seed=scenario.seed,
    )
    assert shuffled.run() == scenario.run()


@settings(max_examples=60, deadline=None, database=None)
@given(st.integers(2, 40), st.integers(0, 2**32))
def test_without_blocks_everyone_is_placed_with_at_most_one_trio(n: int, seed: int) -> None:
    members = [Member(i, random.Random(seed + i).choice([0, 60, 330])) for i in range(n)]
    result = pair_round(members, round_index=ROUND, seed=seed)
    assert not result.unpaired
    assert sorted(len(group) for group in result.groups) == [2] * (n // 2 - n % 2) + [3] * (n % 2)


# ------------------------------------------------------------------------------------------
# Examples


def members(*offsets: int) -> list[Member]:
    return [Member(i, offset) for i, offset in enumerate(offsets, start=1)]


def test_five_members_make_one_pair_and_one_trio() -> None:
    for exact_limit in (EXACT_POOL_LIMIT, 0):
        result = pair_round(members(0, 0, 0, 0, 0), round_index=ROUND, exact_limit=exact_limit)
        assert sorted(len(group) for group in result.groups) == [2, 3]
        assert not result.unpaired


def test_a_pause_releases_the_partner_for_re_pairing() -> None:
    roster = [Member(1, 0), Member(2, 0, active=False), Member(3, 0), Member(4, 0), Member(5, 0)]
    current = [
        CurrentGroup(frozenset({1, 2}), term_end=ROUND + 2),
        CurrentGroup(frozenset({3, 4}), term_end=ROUND + 2),
    ]
    result = pair_round(roster, round_index=ROUND, current_groups=current)
    assert result.kept == [(3, 4)]
    assert result.new == [(1, 5)]
    assert result.unpaired == [Unpaired(2, UnpairedReason.PAUSED)]


def test_leaving_blocking_or_ending_breaks_a_group_and_term_end_releases_it() -> None:
    roster = members(*[0] * 9)  # member 10 has left
    current = [
        CurrentGroup(frozenset({1, 2}), term_end=ROUND + 2),  # stays
        CurrentGroup(frozenset({3, 10}), term_end=ROUND + 2),  # 10 left
        CurrentGroup(frozenset({4, 5}), term_end=ROUND + 2),  # 4 blocked 5
        CurrentGroup(frozenset({6, 7}), term_end=ROUND + 2, ended=True),
        CurrentGroup(frozenset({8, 9}), term_end=ROUND),  # term over
    ]
    result = pair_round(
        roster, round_index=ROUND, current_groups=current, blocks=[frozenset({4, 5})]
    )
    assert result.kept == [(1, 2)]
    new_pairs = {frozenset(group) for group in result.new}
    assert not {frozenset({4, 5}), frozenset({6, 7}), frozenset({8, 9})} & new_pairs
    assert sorted(m for group in result.new for m in group) == [3, 4, 5, 6, 7, 8, 9]


def test_blocks_are_honoured_even_against_timezone_and_history() -> None:
    roster = members(0, 0, 600, 600)
    blocks = [frozenset({1, 2}), frozenset({3, 4})]
    result = pair_round(roster, round_index=ROUND, blocks=blocks)
    assert {frozenset(group) for group in result.groups} in (
        {frozenset({1, 3}), frozenset({2, 4})},
        {frozenset({1, 4}), frozenset({2, 3})},
    )


def test_someone_blocked_by_everyone_is_reported_not_silently_dropped() -> None:
    roster = members(0, 0, 0, 0, 0)
    blocks = [frozenset({5, other}) for other in range(1, 5)]
    result = pair_round(roster, round_index=ROUND, blocks=blocks)
    assert result.unpaired == [Unpaired(5, UnpairedReason.NO_COMPATIBLE_PARTNER)]
    assert sorted(len(group) for group in result.groups) == [2, 2]


def test_a_second_trio_only_when_blocks_force_it() -> None:
    roster = members(*[0] * 6)
    across = [frozenset({a, b}) for a in (1, 2, 3) for b in (4, 5, 6)]
    for exact_limit in (EXACT_POOL_LIMIT, 0):
        result = pair_round(roster, round_index=ROUND, blocks=across, exact_limit=exact_limit)
        assert result.groups == [(1, 2, 3), (4, 5, 6)]
        result = pair_round(roster, round_index=ROUND, blocks=across[1:], exact_limit=exact_limit)
        assert sorted(len(group) for group in result.groups) == [2, 2, 2]


def test_two_newcomers_never_share_the_pair_they_join() -> None:
    roster = members(0, 0, 600, 600, 0, 0)
    current = [
        CurrentGroup(frozenset({1, 2}), term_end=ROUND + 2),
        CurrentGroup(frozenset({3, 4}), term_end=ROUND + 2),
    ]
    # 5 and 6 blocked each other; both would rather join (1, 2), which sits in their timezone.
    result = pair_round(
        roster, round_index=ROUND, current_groups=current, blocks=[frozenset({5, 6})]
    )
    assert sorted(result.joined.values()) == [(1, 2), (3, 4)]
    assert result.new == [(1, 2, 5), (3, 4, 6)] or result.new == [(1, 2, 6), (3, 4, 5)]
    assert result.unpaired == []


def test_nobody_meets_a_recent_partner_when_another_choice_exists() -> None:
    roster = members(0, 0, 0, 0)
    history = [PastGroup(frozenset({1, 2}), ROUND - 1), PastGroup(frozenset({3, 4}), ROUND - 12)]
    result = pair_round(roster, round_index=ROUND, history=history)
    assert not {frozenset({1, 2}), frozenset({3, 4})} & {frozenset(g) for g in result.groups}
    assert result.repeats == []


def test_an_unavoidable_repeat_is_made_and_reported() -> None:
    result = pair_round(
        members(0, 0), round_index=ROUND, history=[PastGroup(frozenset({1, 2}), ROUND - 3)]
    )
    assert result.groups == [(1, 2)]
    assert result.repeats == [(1, 2)]


def test_history_older_than_twelve_weeks_is_forgotten() -> None:
    roster = members(0, 0, 600, 600)
    history = [PastGroup(frozenset({1, 2}), ROUND - 13), PastGroup(frozenset({3, 4}), ROUND - 13)]
    result = pair_round(roster, round_index=ROUND, history=history)
    assert result.groups == [(1, 2), (3, 4)]  # nearest timezones win again
    assert result.repeats == []


def test_nearby_timezones_are_preferred_round_the_clock() -> None:
    roster = members(-600, 0, 840, 60)  # UTC-10 and UTC+14 share a wall clock
    for exact_limit in (EXACT_POOL_LIMIT, 0):
        result = pair_round(roster, round_index=ROUND, exact_limit=exact_limit)
        assert result.groups == [(1, 3), (2, 4)]
    assert tz_distance(-600, 840) == 0
    assert tz_distance(-720, 720) == 0
    assert tz_distance(330, -300) == 630


def test_a_newcomer_mid_term_joins_a_current_pair() -> None:
    roster = members(0, 0, 0, 0, 60)
    current = [
        CurrentGroup(frozenset({1, 2}), term_end=ROUND + 2),
        CurrentGroup(frozenset({3, 4}), term_end=ROUND + 2),
    ]
    blocks = [frozenset({5, 1})]
    result = pair_round(roster, round_index=ROUND, current_groups=current, blocks=blocks)
    assert result.kept == [(1, 2)]
    assert result.new == [(3, 4, 5)]
    assert result.joined == {5: (3, 4)}
    assert result.repeats == []


def test_ended_partners_are_not_put_straight_back_together() -> None:
    roster = members(0, 0, 0, 0)
    current = [
        CurrentGroup(frozenset({1, 2}), term_end=ROUND + 2, ended=True),
        CurrentGroup(frozenset({3, 4}), term_end=ROUND),
    ]
    result = pair_round(roster, round_index=ROUND, current_groups=current)
    assert result.kept == []
    assert {frozenset(group) for group in result.new} in (
        {frozenset({1, 3}), frozenset({2, 4})},
        {frozenset({1, 4}), frozenset({2, 3})},
    )
    # With nobody else free, one of them joins a current pair; the other waits, and is told.
    current[1] = CurrentGroup(frozenset({3, 4}), term_end=ROUND + 2)
    result = pair_round(roster, round_index=ROUND, current_groups=current)
    assert result.kept == []
    assert list(result.joined.values()) == [(3, 4)]
    assert [u.reason for u in result.unpaired] == [UnpairedReason.NO_COMPATIBLE_PARTNER]


def test_the_seed_only_breaks_ties() -> None:
    roster = members(*[0] * 8)
    outcomes = {tuple(pair_round(roster, round_index=ROUND, seed=s).groups) for s in range(20)}
    assert len(outcomes) > 1
    assert pair_round(roster, round_index=ROUND, seed=3) == pair_round(
        roster, round_index=ROUND, seed=3
    )


def test_a_large_round_has_no_repeats_and_leaves_nobody_out() -> None:
    rng = random.Random(7)
    roster = [Member(i, rng.choice([-300, 0, 60, 330, 480])) for i in range(1, 2002)]
    blocks = {frozenset(rng.sample(range(1, 2002), 2)) for _ in range(200)}
    history: list[PastGroup] = []
    for week in range(ROUND - 12, ROUND):
        result = pair_round(roster, round_index=week, history=history, blocks=blocks, seed=week)
        history += [PastGroup(frozenset(group), week) for group in result.groups]
    result = pair_round(roster, round_index=ROUND, history=history, blocks=blocks)
    assert not result.unpaired
    assert result.repeats == []
    assert sorted(len(group) for group in result.groups) == [2] * 999 + [3]


def test_rejects_inconsistent_input() -> None:
    with pytest.raises(ValueError, match="listed twice"):
        pair_round([Member(1), Member(1)], round_index=ROUND)
    with pytest.raises(ValueError, match="two groups"):
        pair_round(
            members(0, 0, 0),
            round_index=ROUND,
            current_groups=[
                CurrentGroup(frozenset({1, 2}), ROUND + 1),
                CurrentGroup(frozenset({2, 3}), ROUND + 1),
            ],
        )
    with pytest.raises(ValueError, match="two different members"):
        pair_round(members(0), round_index=ROUND, blocks=[frozenset({1})])


def test_week_index_counts_monday_to_sunday_weeks() -> None:
    monday = date(2026, 3, 30)
    assert week_index(monday) == week_index(date(2026, 4, 5)) == week_index(date(2026, 4, 6)) - 1
    assert week_index(monday) - week_index(date(2026, 1, 5)) == 12
