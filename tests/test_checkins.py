"""Check-ins without Discord: the week arithmetic and ids (pure), and the store's exactly-once
claims, answer rules, reveal, purge and cancellation (a real SQLite file)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import checkin_flow as flow
from bot.slots import slot_nonce
from bot.store import Store
from bot.store.checkins import AnswerStatus
from bot.store.schedules import iso

START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
END = START + 4 * flow.WEEK
DAY = timedelta(days=1)
ALICE, BOB, CAROL = 11, 22, 33


# -- pure ----------------------------------------------------------------------------------------


def test_weeks_follow_the_term_and_the_last_ends_with_it() -> None:
    first = flow.week_window(START, END, 1)
    assert (first.opens_at, first.closes_at) == (START, START + flow.WEEK)
    assert first.remind_at == START + 5 * DAY
    short_end = START + 3 * flow.WEEK + 3 * DAY
    last = flow.week_window(START, short_end, 4)
    assert last.opens_at == START + 3 * flow.WEEK
    assert last.closes_at == short_end
    with pytest.raises(ValueError):
        flow.week_window(START, END, 0)


@pytest.mark.parametrize(
    ("now", "last_week", "expected"),
    [
        (START - timedelta(seconds=1), 0, None),
        (START, 0, 1),
        (START + 6 * DAY, 1, None),
        (START + flow.WEEK, 1, 2),
        (START + 2 * flow.WEEK + DAY, 1, 3),  # week 2 passed while the bot was down: skipped
        (END - timedelta(seconds=1), 3, 4),
        (END, 3, None),
    ],
)
def test_due_week(now: datetime, last_week: int, expected: int | None) -> None:
    assert flow.due_week(now, START, END, 4, last_week) == expected


def test_a_week_opened_after_its_reminder_time_is_not_reminded() -> None:
    window = flow.week_window(START, END, 1)
    assert flow.reminder_time(window, START) == window.remind_at
    assert flow.reminder_time(window, window.remind_at) is None


def test_two_questions_in_the_first_week_then_three() -> None:
    assert [flow.question_count(w) for w in (1, 2, 3, 4)] == [2, 3, 3, 3]
    assert flow.question_seed(7, 2) == flow.question_seed(7, 2) != flow.question_seed(7, 3)


def test_custom_ids_match_their_templates_and_fit_discord() -> None:
    big = 2**53
    pairs = [
        (flow.ANSWER_TEMPLATE, flow.answer_id(big, 12)),
        (flow.SKIP_TEMPLATE, flow.skip_id(big, 12)),
        (flow.SKIP_AS_TEMPLATE, flow.skip_as_id(big, 12, "rough")),
        (flow.SUPPORT_TEMPLATE, flow.support_id(big)),
        (flow.TELL_SUPPORT_TEMPLATE, flow.tell_support_id(big)),
        (flow.END_TEMPLATE, flow.end_id(big)),
        (flow.END_CONFIRM_TEMPLATE, flow.end_confirm_id(big)),
        (flow.CONNECT_TEMPLATE, flow.connect_id(big, 12, False)),
    ]
    for template, custom_id in pairs:
        assert re.fullmatch(template, custom_id), custom_id
        assert len(custom_id) <= 100
    others = [t for t, _ in pairs]
    for i, (_, custom_id) in enumerate(pairs):
        assert [t for t in others if re.fullmatch(t, custom_id)] == [others[i]]
    assert flow.parse_modal_id(flow.modal_id(5, 2)) == (5, 2)
    assert flow.parse_modal_id("checkin:answer:5:2") is None


def test_markers_and_nonces_name_each_message_of_a_week() -> None:
    assert flow.marker(17, 2, 4, flow.REMINDER) == "Week 2 of 4 · check-in 17 · reminder"
    assert flow.part_kind(1, 1) == "answers"
    assert flow.part_kind(2, 3) == "answers 2/3"
    kinds = [flow.QUESTIONS, flow.REMINDER, flow.FOLLOW_UP, "answers", "answers 2/3", "answers 3/3"]
    words = [flow.nonce_word(k) for k in kinds]
    assert words == ["q", "r", "f", "a1", "a2", "a3"]
    assert len(slot_nonce("ck", 2**40, 12, "a10")) <= 25


def test_pack_sizes_keeps_order_and_limits() -> None:
    assert flow.pack_sizes([3000, 2500, 3400], budget=6000, max_items=10) == [[0, 1], [2]]
    assert flow.pack_sizes([10] * 5, budget=6000, max_items=2) == [[0, 1], [2, 3], [4]]
    assert flow.pack_sizes([7000, 10], budget=6000, max_items=10) == [[0], [1]]
    assert flow.pack_sizes([], budget=6000, max_items=10) == []


def test_stored_instants_parse_with_either_suffix() -> None:
    assert flow.parse_instant("2026-11-23T12:00:00Z") == START
    assert flow.parse_instant("2026-11-23T12:00:00+00:00") == START
    assert flow.parse_instant("2026-11-23T12:00:00") == START


# -- the store -------------------------------------------------------------------------------------


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "bot.sqlite3")
    try:
        yield opened
    finally:
        await opened.close()


async def add_group(
    store: Store,
    members: tuple[int, ...] = (ALICE, BOB),
    *,
    thread_id: int | None = 900,
    intro_sent: bool = True,
    ended_at: datetime | None = None,
) -> int:
    async with store._transaction() as conn:
        cur = await conn.execute(
            "INSERT INTO pair_groups (guild_id, round_date, term_weeks, starts_at, ends_at,"
            " thread_id, intro_sent, ended_at) VALUES (1, '2026-11-23', 4, ?, ?, ?, ?, ?)",
            (iso(START), iso(END), thread_id, int(intro_sent), iso(ended_at) if ended_at else None),
        )
        assert cur.lastrowid is not None
        await conn.executemany(
            "INSERT INTO pair_group_members (group_id, user_id) VALUES (?, ?)",
            [(cur.lastrowid, m) for m in members],
        )
    return cur.lastrowid


async def open_week(store: Store, group_id: int, week: int = 1) -> bool:
    window = flow.week_window(START, END, week)
    return await store.claim_checkin_week(
        group_id,
        week,
        opens_at=window.opens_at,
        closes_at=window.closes_at,
        remind_at=window.remind_at,
        question_ids=["ci-0001", "ci-0006"],
        now=window.opens_at,
    )


async def test_a_week_is_claimed_once(store: Store) -> None:
    group = await add_group(store)
    assert await open_week(store, group)
    assert not await open_week(store, group)
    week = await store.checkin_week(group, 1)
    assert week is not None and week.question_ids == ("ci-0001", "ci-0006")
    assert week.posted_at is None and week.accepting
    assert await store.checkin_used_question_ids(group) == {"ci-0001", "ci-0006"}


async def test_only_live_groups_with_a_space_and_an_intro_await_weeks(store: Store) -> None:
    ready = await add_group(store)
    await add_group(store, thread_id=None)  # no space yet
    await add_group(store, intro_sent=False)
    await add_group(store, ended_at=START + DAY)
    due = await store.checkin_groups_awaiting_week(START + DAY)
    assert [(g.id, last) for g, last in due] == [(ready, 0)]
    assert await store.checkin_groups_awaiting_week(START - DAY) == []
    assert await store.checkin_groups_awaiting_week(END) == []
    await open_week(store, ready)
    assert [last for _, last in await store.checkin_groups_awaiting_week(START + DAY)] == [1]


async def test_answers_replace_until_everyone_has_answered_then_reveal(store: Store) -> None:
    group = await add_group(store)
    await open_week(store, group)
    now = START + DAY

    first = await store.save_checkin_answers(group, 1, ALICE, {"ci-0001": "a"}, now)
    assert (first.status, first.complete) == (AnswerStatus.SAVED, False)
    again = await store.save_checkin_answers(group, 1, ALICE, {"ci-0001": "b"}, now)
    assert again.status is AnswerStatus.REPLACED
    outsider = await store.save_checkin_answers(group, 1, CAROL, {"ci-0001": "c"}, now)
    assert outsider.status is AnswerStatus.NOT_MEMBER
    skip = await store.record_checkin_skip(group, 1, BOB, rough_week=False, now=now)
    assert skip.stored and not skip.complete  # a skip is not an answer

    last = await store.save_checkin_answers(group, 1, BOB, {"ci-0001": "d"}, now)
    assert last.complete
    week = await store.checkin_week(group, 1)
    assert week is not None and week.revealed_at == now and not week.accepting
    given = {a.user_id: a.answers for a in await store.checkin_answers_for(group, 1)}
    assert given == {ALICE: {"ci-0001": "b"}, BOB: {"ci-0001": "d"}}
    late = await store.save_checkin_answers(group, 1, ALICE, {"ci-0001": "e"}, now)
    assert late.status is AnswerStatus.NOT_OPEN

    assert await store.purge_checkin_answers(now + 7 * DAY - timedelta(seconds=1)) == 0
    assert await store.purge_checkin_answers(now + 7 * DAY) == 2
    assert await store.checkin_answers_for(group, 1) == []


async def test_closing_reveals_once_and_counts(store: Store) -> None:
    group = await add_group(store, (ALICE, BOB, CAROL))
    await open_week(store, group)
    await store.save_checkin_answers(group, 1, ALICE, {"ci-0001": "a"}, START + DAY)
    await store.record_checkin_skip(group, 1, BOB, rough_week=True, now=START + DAY)
    close = START + flow.WEEK
    assert await store.claim_checkin_close(group, 1, close)
    assert not await store.claim_checkin_close(group, 1, close)
    week = await store.checkin_week(group, 1)
    assert week is not None and week.revealed_at == close and week.closed_at == close
    assert not await store.claim_checkin_reminder(group, 1, close)
    await store.record_checkin_connect(group, 1, ALICE, True)
    await store.record_checkin_connect(group, 1, BOB, True)
    await store.record_checkin_connect(group, 1, BOB, False)
    stats = await store.checkin_stats(1)
    assert (stats.weeks_closed, stats.answers_expected, stats.answers_given) == (1, 3, 1)
    assert (stats.connected_yes, stats.connected_no) == (1, 1)
    assert stats.answer_rate == pytest.approx(1 / 3)
    assert await store.purge_checkin_answers(close + 7 * DAY) == 2


async def test_steps_with_work(store: Store) -> None:
    group = await add_group(store)
    await open_week(store, group)
    [week] = await store.checkin_weeks_with_work(START)
    assert week.posted_at is None
    await store.mark_checkin_posted(group, 1, 555, START)
    assert await store.checkin_weeks_with_work(START + DAY) == []
    assert len(await store.checkin_weeks_with_work(START + 5 * DAY)) == 1  # the reminder
    assert await store.claim_checkin_reminder(group, 1, START + 5 * DAY)
    assert not await store.claim_checkin_reminder(group, 1, START + 5 * DAY)
    await store.mark_checkin_reminder_sent(group, 1, START + 5 * DAY)
    assert await store.checkin_weeks_with_work(START + 6 * DAY) == []
    assert len(await store.checkin_weeks_with_work(START + flow.WEEK)) == 1  # the close
    await store.claim_checkin_close(group, 1, START + flow.WEEK)
    await store.mark_checkin_reveal_posted(group, 1, START + flow.WEEK)
    await store.mark_checkin_followup_posted(group, 1, START + flow.WEEK)
    assert await store.checkin_weeks_with_work(START + flow.WEEK) == []
    assert await store.unfinished_checkin_weeks(group) == []


async def test_a_pairing_ended_early_drops_its_open_week_unrevealed(store: Store) -> None:
    early = await add_group(store)
    term = await add_group(store, (CAROL, 44))
    await open_week(store, early)
    await open_week(store, term, 4)
    await store.save_checkin_answers(early, 1, ALICE, {"ci-0001": "never shown"}, START + DAY)
    await store.save_checkin_answers(term, 4, CAROL, {"ci-0001": "shown at close"}, END - DAY)
    await store._execute(
        "UPDATE pair_groups SET ended_at = ? WHERE id = ?", (iso(START + 2 * DAY), early)
    )
    await store._execute("UPDATE pair_groups SET ended_at = ? WHERE id = ?", (iso(END), term))

    assert await store.cancel_cut_short_checkin_weeks() == 1
    cut = await store.checkin_week(early, 1)
    assert cut is not None and cut.cancelled
    assert await store.checkin_answers_for(early, 1) == []
    assert len(await store.checkin_answers_for(term, 4)) == 1  # the term's last week still closes
    assert await store.cancel_cut_short_checkin_weeks() == 0
    skip = await store.record_checkin_skip(early, 1, BOB, rough_week=False, now=START + 3 * DAY)
    assert skip.status is AnswerStatus.NOT_OPEN


async def test_a_week_never_posted_before_it_closed_is_dropped(store: Store) -> None:
    group = await add_group(store)
    await open_week(store, group)
    await store.drop_checkin_week(group, 1)
    week = await store.checkin_week(group, 1)
    assert week is not None and week.cancelled
    assert await store.checkin_weeks_with_work(START + flow.WEEK) == []
