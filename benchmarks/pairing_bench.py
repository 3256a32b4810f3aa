"""Benchmark: one pairing round for 10,000 members with 12 weeks of history and 1% blockers.

Run from the repository root: ``.venv/bin/python benchmarks/pairing_bench.py``.

Scenario (all parameters below, all seeded):

* MEMBERS members with UTC offsets drawn from a rough world distribution of a Discord community
  (clusters at the Americas, Europe, India, East Asia, Oceania; a few at odd offsets such as
  +05:45 and +12:45, and at both ends of the clock).
* Blocks: 1% of members (BLOCKER_SHARE) each block BLOCKS_PER_BLOCKER others, chosen among their
  200 nearest neighbours by offset, where the blocks actually compete with the greedy choice:
  100 blockers x 10 = ~1,000 blocked pairs, i.e. 1% of members x 10.
* History: HISTORY_WEEKS rounds, each a full re-pairing produced by ``pair_round`` itself (a
  one-week term, the hardest case for repeats: everyone has 12 recent partners, mostly in their
  own timezone). Paused members are not modelled; everyone is active.
* Timed: round HISTORY_WEEKS + 1, RUNS times, wall-clock. Each run pauses a different random
  PAUSED_SHARE of members plus the run number (so the active count alternates even and odd)
  and uses its own seed.

Checks printed for the timed round: groups, repeats, avoidable repeats (a repeat is avoidable
if swapping or moving one member between its group and any other new group, or replacing a
member with a left-out member, gives fewer repeats without breaking a block), blocks broken,
members in two groups, active members left out.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.pairing import Member, PastGroup, RoundResult, UnpairedReason, pair_round, tz_distance

MEMBERS = 10_000
HISTORY_WEEKS = 12
BLOCKER_SHARE = 0.01
BLOCKS_PER_BLOCKER = 10
PAUSED_SHARE = 0.02
RUNS = 7
SEED = 2026

# (offset minutes, weight): where members of a large English-speaking community tend to live.
OFFSETS = [
    (-600, 1), (-540, 1), (-480, 12), (-420, 6), (-360, 10), (-300, 16), (-240, 3),
    (-180, 5), (0, 9), (60, 14), (120, 6), (180, 3), (210, 1), (240, 1), (300, 2),
    (330, 5), (345, 0.2), (420, 2), (480, 6), (540, 3), (570, 0.5), (600, 3),
    (660, 1), (765, 0.1), (780, 1), (840, 0.1),
]  # fmt: skip


def build_members(rng: random.Random) -> list[Member]:
    offsets, weights = zip(*OFFSETS, strict=True)
    return [
        Member(member_id, rng.choices(offsets, weights)[0]) for member_id in range(1, MEMBERS + 1)
    ]


def build_blocks(members: list[Member], rng: random.Random) -> set[frozenset[int]]:
    by_offset = sorted(members, key=lambda m: (m.tz_offset_minutes, rng.random()))
    position = {m.id: i for i, m in enumerate(by_offset)}
    blocks: set[frozenset[int]] = set()
    for blocker in rng.sample(members, int(MEMBERS * BLOCKER_SHARE)):
        at = position[blocker.id]
        near = by_offset[max(0, at - 100) : at + 100]
        for other in rng.sample([m for m in near if m.id != blocker.id], BLOCKS_PER_BLOCKER):
            blocks.add(frozenset({blocker.id, other.id}))
    return blocks


def met(history: list[PastGroup], now: int) -> dict[int, set[int]]:
    seen: dict[int, set[int]] = {}
    for past in history:
        if now - HISTORY_WEEKS <= past.round_index < now:
            for a, b in combinations(past.members, 2):
                seen.setdefault(a, set()).add(b)
                seen.setdefault(b, set()).add(a)
    return seen


def repeats_in(group: list[int] | tuple[int, ...], seen: dict[int, set[int]]) -> int:
    return sum(b in seen.get(a, ()) for a, b in combinations(group, 2))


def allowed(group: list[int], blocks: set[frozenset[int]]) -> bool:
    return all(frozenset(pair) not in blocks for pair in combinations(group, 2))


def avoidable_repeats(
    result: RoundResult, seen: dict[int, set[int]], blocks: set[frozenset[int]]
) -> int:
    """Repeat groups that one swap/move with another group (or a left-out member) would fix."""
    groups = [list(group) for group in result.new]
    left = [
        u.member_id for u in result.unpaired if u.reason == UnpairedReason.NO_COMPATIBLE_PARTNER
    ]
    avoidable = 0
    for g in groups:
        before_g = repeats_in(g, seen)
        if not before_g:
            continue
        found = any(
            allowed(mine, blocks)
            and allowed(theirs, blocks)
            and repeats_in(mine, seen) + repeats_in(theirs, seen) < before_g + repeats_in(h, seen)
            for h in groups
            if h is not g
            for mine, theirs in exchanges(g, h)
        ) or any(
            allowed([*(m for m in g if m != x), u], blocks)
            and repeats_in([*(m for m in g if m != x), u], seen) < before_g
            for u in left
            for x in g
        )
        avoidable += found
    return avoidable


def exchanges(g: list[int], h: list[int]) -> list[tuple[list[int], list[int]]]:
    moves = [([m for m in g if m != x] + [y], [m for m in h if m != y] + [x]) for x in g for y in h]
    if len(g) == 3 and len(h) == 2:
        moves += [([m for m in g if m != x], [*h, x]) for x in g]
    if len(g) == 2 and len(h) == 3:
        moves += [([*g, y], [m for m in h if m != y]) for y in h]
    return moves


def main() -> None:
    rng = random.Random(SEED)
    members = build_members(rng)
    blocks = build_blocks(members, rng)
    history: list[PastGroup] = []
    started = time.perf_counter()
    for week in range(HISTORY_WEEKS):
        result = pair_round(members, round_index=week, history=history, blocks=blocks, seed=week)
        history += [PastGroup(frozenset(group), week) for group in result.groups]
    built = time.perf_counter() - started

    now = HISTORY_WEEKS
    timings = []
    results: list[tuple[RoundResult, set[int]]] = []
    for run in range(RUNS):
        paused = set(
            random.Random(run).sample(range(1, MEMBERS + 1), int(MEMBERS * PAUSED_SHARE) + run)
        )
        roster = [Member(m.id, m.tz_offset_minutes, m.id not in paused) for m in members]
        started = time.perf_counter()
        result = pair_round(roster, round_index=now, history=history, blocks=blocks, seed=run)
        timings.append(time.perf_counter() - started)
        results.append((result, paused))

    seen = met(history, now)
    print(
        f"members {MEMBERS}, history {HISTORY_WEEKS} weeks ({len(history)} past groups, "
        f"built in {built:.1f} s), blocked pairs {len(blocks)} "
        f"({int(MEMBERS * BLOCKER_SHARE)} blockers x {BLOCKS_PER_BLOCKER})"
    )
    print(
        f"round {now + 1} over {RUNS} runs: median {statistics.median(timings):.3f} s, "
        f"min {min(timings):.3f} s, max {max(timings):.3f} s"
    )
    for run, (result, paused) in enumerate(results):
        placed = [m for group in result.groups for m in group]
        left_out = [
            u.member_id for u in result.unpaired if u.reason == UnpairedReason.NO_COMPATIBLE_PARTNER
        ]
        active = MEMBERS - len(paused)
        sizes = [len(group) for group in result.groups]
        broken = sum(not allowed(list(group), blocks) for group in result.groups)
        repeat_pairs = sum(repeats_in(group, seen) for group in result.new)
        assert repeat_pairs == len(result.repeats)
        distance = statistics.mean(
            tz_distance(members[a - 1].tz_offset_minutes, members[b - 1].tz_offset_minutes)
            for group in result.groups
            for a, b in combinations(group, 2)
        )
        print(
            f"  seed {run}: active {active}, pairs {sizes.count(2)}, trios {sizes.count(3)}, "
            f"repeats {repeat_pairs}, avoidable repeats "
            f"{avoidable_repeats(result, seen, blocks)}, blocks broken {broken}, "
            f"in two groups {len(placed) - len(set(placed))}, "
            f"paused paired {len(paused & set(placed))}, left out {len(left_out)}, "
            f"mean offset gap {distance:.1f} min"
        )


if __name__ == "__main__":
    main()
