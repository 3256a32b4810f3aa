"""Pickers: no-repeat rotation (property tests), pool filters, check-in question choice."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content import (
    Characteristic,
    CheckinQuestion,
    ContentLibrary,
    Depth,
    IntimacyType,
    StarterFormat,
    checkin_depth,
    checkin_questions,
    daily_pool,
    load_library,
    pick_unused,
    starter_pool,
)
from tests.fixtures.content.helpers import MINI

ids = st.lists(st.from_regex(r"[a-z]{1,3}-[0-9]{1,3}", fullmatch=True), min_size=1, max_size=30)
seeds = st.integers(min_value=0, max_value=2**32)


@given(pool=ids, seed=seeds)
def test_no_repeat_until_exhausted_then_restart(pool: list[str], seed: int) -> None:
    rng = random.Random(seed)
    distinct = set(pool)
    used: set[str] = set()
    for step in range(len(distinct)):
        result = pick_unused(pool, used, rng)
        assert result.id in distinct and result.id not in used
        assert not result.restarted
        assert result.remaining == len(distinct) - step - 1
        used.add(result.id)
    again = pick_unused(pool, used, rng)
    assert again.restarted and again.remaining == len(distinct) - 1


@given(pool=ids, data=st.data(), seed=seeds)
def test_restart_flagged_exactly_when_exhausted(
    pool: list[str], data: st.DataObject, seed: int
) -> None:
    used = data.draw(st.sets(st.sampled_from(pool) | st.just("retired-1")))
    result = pick_unused(pool, used, random.Random(seed))
    assert result.restarted == set(pool).issubset(used)
    if not result.restarted:
        assert result.id not in used


@given(pool=ids, data=st.data(), seed=seeds)
def test_deterministic_per_seed(pool: list[str], data: st.DataObject, seed: int) -> None:
    used = data.draw(st.sets(st.sampled_from(pool)))
    assert pick_unused(pool, used, random.Random(seed)) == pick_unused(
        pool, used, random.Random(seed)
    )


@given(pool=st.lists(st.text(min_size=1), min_size=2, unique=True), seed=seeds)
def test_restart_avoids_repeating_the_last_pick(pool: list[str], seed: int) -> None:
    result = pick_unused(pool, set(pool), random.Random(seed), last_id=pool[0])
    assert result.restarted and result.id != pool[0]


def test_empty_pool_is_an_error() -> None:
    with pytest.raises(ValueError, match="empty pool"):
        pick_unused([], set(), random.Random(1))


@pytest.fixture(scope="module")
def library() -> ContentLibrary:
    return load_library(MINI)


@dataclass(frozen=True)
class ServerPrompt:
    id: str
    type: IntimacyType
    depth: int


def test_daily_pool_filters(library: ContentLibrary) -> None:
    assert daily_pool(library, [IntimacyType.PHYSICAL], max_depth=1) == ["phy-0001"]
    assert len(daily_pool(library)) == 8
    assert daily_pool(library, {IntimacyType.EMOTIONAL}, 2) == ["emo-0001", "emo-0002"]
    extra = [
        ServerPrompt("srv-1", IntimacyType.EMOTIONAL, 1),
        ServerPrompt("srv-2", IntimacyType.EMOTIONAL, 3),
        ServerPrompt("srv-3", IntimacyType.PHYSICAL, 1),
    ]
    pool = daily_pool(library, [IntimacyType.EMOTIONAL], 2, extra=extra)
    assert pool == ["emo-0001", "emo-0002", "srv-1"]


def test_starter_pool_filters(library: ContentLibrary) -> None:
    assert starter_pool(library, StarterFormat.RESPECTFUL_DEBATE) == ["st-0002"]
    assert len(starter_pool(library)) == 10
    assert "st-0001" not in starter_pool(library, max_depth=1)


def _checkin_library(base: ContentLibrary, per_cell: int = 3) -> ContentLibrary:
    questions = [
        CheckinQuestion(
            f"ci-{c.value[:3]}-{d.value}-{n}",
            f"Question {c} {d} {n}",
            "Label",
            c,
            d,
            True,
            "checkin",
        )
        for c in Characteristic
        for d in Depth
        for n in range(per_cell)
    ]
    return ContentLibrary(
        decks=base.decks,
        prompts=base.prompts,
        starters=base.starters,
        checkin_questions=questions,
        flow_texts=base.flow_texts,
        sources=base.sources,
        intimacy_types=base.intimacy_types,
        characteristics=base.characteristics,
        scale=base.scale,
        barriers=base.barriers,
        countries=base.countries,
        resources=base.resources,
    )


@pytest.fixture(scope="module")
def full(library: ContentLibrary) -> ContentLibrary:
    return _checkin_library(library)


@pytest.mark.parametrize(
    ("term", "depths"),
    [(1, [1]), (2, [1, 3]), (4, [1, 2, 2, 3]), (6, [1, 1, 2, 2, 3, 3])],
)
def test_checkin_depth_rises_over_the_term(term: int, depths: list[int]) -> None:
    assert [checkin_depth(week, term) for week in range(1, term + 1)] == depths


def test_checkin_depth_rejects_weeks_outside_the_term() -> None:
    with pytest.raises(ValueError):
        checkin_depth(5, 4)


@given(term=st.integers(1, 12), data=st.data(), count=st.sampled_from([2, 3]), seed=seeds)
def test_checkin_questions_properties(
    full: ContentLibrary, term: int, data: st.DataObject, count: int, seed: int
) -> None:
    week = data.draw(st.integers(1, term))
    chosen = checkin_questions(full, week, term, random.Random(seed), count=count)
    assert len(chosen) == count
    assert len({q.characteristic for q in chosen}) == count
    assert all(q.depth == checkin_depth(week, term) for q in chosen)
    again = checkin_questions(full, week, term, random.Random(seed), count=count)
    assert chosen == again


def test_checkin_avoids_used_until_nothing_else_fits(full: ContentLibrary) -> None:
    rng = random.Random(3)
    used: set[str] = set()
    # 5 characteristics x 3 deep questions = 15: five weeks of 3 without a repeat.
    for _ in range(5):
        chosen = checkin_questions(full, 4, 4, rng, used_ids=used)
        assert not {q.id for q in chosen} & used
        used |= {q.id for q in chosen}
    # Every deep question is used: lighter unused ones come next, never deeper ones.
    chosen = checkin_questions(full, 4, 4, rng, used_ids=used)
    assert all(q.depth == Depth.MEDIUM and q.id not in used for q in chosen)


def test_checkin_reuses_when_the_library_is_exhausted(library: ContentLibrary) -> None:
    all_ids = {q.id for q in library.checkin_questions}
    chosen = checkin_questions(library, 1, 4, random.Random(1), count=2, used_ids=all_ids)
    assert len(chosen) == 2 and all(q.depth == Depth.LIGHT for q in chosen)


def test_checkin_lightest_first_and_count_bounds(library: ContentLibrary) -> None:
    chosen = checkin_questions(library, 4, 4, random.Random(2), count=3)
    assert [q.depth for q in chosen] == sorted(q.depth for q in chosen)
    with pytest.raises(ValueError, match="count must be 2-3"):
        checkin_questions(library, 1, 4, random.Random(2), count=4)
