"""Pure choosers: no-repeat rotation over a pool, pool filters, and check-in question picks.

Everything here takes its randomness from a caller's `random.Random`, so a seeded rng gives the
same picks every time (tests, `/schedule preview`).
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.content.library import ContentLibrary
from bot.content.models import CheckinQuestion
from bot.content.vocab import Characteristic, Depth, IntimacyType, StarterFormat

CHECKIN_COUNT_RANGE = (2, 3)


@dataclass(frozen=True, slots=True)
class PickResult:
    """One pick from a pool.

    `restarted` is true when every id in the pool had been used, so this pick begins a new cycle
    (the caller clears its used set down to this id and tells the moderators); `remaining` is how
    many ids are still unused after this pick, in the current cycle.
    """

    id: str
    restarted: bool
    remaining: int


def pick_unused(
    pool_ids: Sequence[str],
    used_ids: Collection[str],
    rng: random.Random,
    *,
    last_id: str | None = None,
) -> PickResult:
    """Pick an id not in `used_ids`; when none is left, restart the cycle over the whole pool.

    Ids in `used_ids` that are not in the pool (retired prompts) are ignored. On a restart,
    `last_id` (the previous pick) is avoided when the pool has another id, so the end of one cycle
    does not repeat as the start of the next. Raises ValueError for an empty pool.
    """
    pool = list(dict.fromkeys(pool_ids))  # de-duplicated, order kept for determinism
    if not pool:
        raise ValueError("cannot pick from an empty pool")
    unused = [i for i in pool if i not in used_ids]
    restarted = not unused
    if restarted:
        unused = [i for i in pool if i != last_id] or pool
        remaining_after = len(pool) - 1
    else:
        remaining_after = len(unused) - 1
    return PickResult(rng.choice(unused), restarted, remaining_after)


class DailyCandidate(Protocol):
    """Anything that can join a daily pool: a library `Prompt` or a server's own prompt."""

    @property
    def id(self) -> str: ...

    @property
    def type(self) -> IntimacyType: ...

    @property
    def depth(self) -> int: ...


def daily_pool(
    library: ContentLibrary,
    types: Collection[IntimacyType] | None = None,
    max_depth: int = Depth.MEDIUM,
    extra: Iterable[DailyCandidate] = (),
) -> list[str]:
    """Ids of audience-safe daily prompts of `types` (all when None or empty) up to `max_depth`.

    `extra` adds a server's own prompts under the same filters, after the library's.
    """
    wanted = set(types) if types else set(IntimacyType)
    ids = [
        p.id
        for p in library.prompts
        if p.audience_safe and p.type in wanted and p.depth <= max_depth
    ]
    ids += [c.id for c in extra if c.type in wanted and c.depth <= max_depth]
    return ids


def starter_pool(
    library: ContentLibrary, format: StarterFormat | None = None, max_depth: int = Depth.MEDIUM
) -> list[str]:
    """Ids of audience-safe starters of one format (any when None) up to `max_depth`."""
    return [
        s.id
        for s in library.starters
        if s.audience_safe and (format is None or s.format is format) and s.depth <= max_depth
    ]


def checkin_depth(week: int, term_weeks: int) -> Depth:
    """The deepest depth for `week` (1-based) of a term: 1 in week 1 rising to 3 in the last."""
    if term_weeks < 1 or not 1 <= week <= term_weeks:
        raise ValueError(f"week must be 1..{term_weeks}, got {week}")
    if term_weeks == 1:
        return Depth.LIGHT  # a one-week pairing stays light: the two barely know each other
    progress = (week - 1) / (term_weeks - 1)
    return Depth(1 + int(2 * progress + 0.5))


def checkin_questions(
    library: ContentLibrary,
    week: int,
    term_weeks: int,
    rng: random.Random,
    *,
    count: int = 3,
    used_ids: Collection[str] = frozenset(),
) -> list[CheckinQuestion]:
    """`count` (2-3) questions for one pair's week, each from a different characteristic.

    Each question is as deep as the week allows (`checkin_depth`) and never deeper; when a
    characteristic has nothing unused at that depth a lighter one is taken. Questions the pair
    already had (`used_ids`) are avoided and reused only when nothing else fits. Returned
    lightest first. Fewer than `count` only if the library has fewer characteristics.
    """
    low, high = CHECKIN_COUNT_RANGE
    if not low <= count <= high:
        raise ValueError(f"count must be {low}-{high}, got {count}")
    target = checkin_depth(week, term_weeks)
    chosen: list[CheckinQuestion] = []
    # First pass avoids used questions; the second lets them back in for what is still missing.
    for allow_used in (False, True):
        candidates = {
            c: [
                q
                for q in library.checkin_of_characteristic(c)
                if q.depth <= target and (allow_used or q.id not in used_ids)
            ]
            for c in Characteristic
            if not any(q.characteristic is c for q in chosen)
        }
        order = list(candidates)
        rng.shuffle(order)
        # Characteristics that still reach the week's depth go first, and among those the ones
        # with most questions left at it, so use spreads evenly and later weeks stay as deep as
        # the term intends. The sort is stable: the shuffle decides among equals.
        order.sort(key=lambda c: _depth_supply(candidates[c]), reverse=True)
        for characteristic in order[: count - len(chosen)]:
            pool = candidates[characteristic]
            if pool:
                deepest = max(q.depth for q in pool)
                chosen.append(rng.choice([q for q in pool if q.depth == deepest]))
        if len(chosen) == count:
            break
    return sorted(chosen, key=lambda q: q.depth)


def _depth_supply(pool: Sequence[CheckinQuestion]) -> tuple[int, int]:
    """(deepest depth available, how many questions have it); (0, 0) for an empty pool."""
    if not pool:
        return (0, 0)
    deepest = max(q.depth for q in pool)
    return (deepest, sum(1 for q in pool if q.depth == deepest))
