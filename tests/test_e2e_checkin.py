"""Weekly check-ins end to end: the real bot on the Discord emulator, with the clock moved.

Each test makes a pair (alice and bob) the way the pairing feature leaves it (a group row with a
private thread and its intro sent), then plays the members: pressing the buttons in the thread,
filling the Answer modal, and reading what each of them would see.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.checkin_flow import ANSWER_MAX_LENGTH, WEEK
from bot.client import CommunityBot
from bot.content import FlowKey, checkin_depth
from bot.store.schedules import iso
from bot.texts import NOT_THERAPY
from tests.emulator.interactions import InteractionRecord
from tests.emulator.models import Channel, Member, Message
from tests.harness import Harness

DAY = timedelta(days=1)
# Tests that move through whole weeks post more than Discord's 5 messages per 5 s into one thread
# within a second of real time; without this, discord.py would really wait out the bucket.
WEEKS_AT_ONCE = pytest.mark.emulator(rate_limits=False)


async def insert_group(
    bot: CommunityBot,
    members: list[Member],
    *,
    starts_at: datetime,
    term_weeks: int = 4,
    thread_id: int | None = None,
    use_dms: bool = False,
) -> int:
    """A live group as the pairing feature leaves it: space made, members added, intro sent."""
    store = bot.store
    async with store._transaction() as conn:
        cur = await conn.execute(
            "INSERT INTO pair_groups (guild_id, round_date, term_weeks, starts_at, ends_at,"
            " thread_id, use_dms, intro_sent) VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
            (
                members[0].guild_id,
                starts_at.date().isoformat(),
                term_weeks,
                iso(starts_at),
                iso(starts_at + term_weeks * WEEK),
                thread_id,
                int(use_dms),
            ),
        )
        group_id = cur.lastrowid
        assert group_id is not None
        await conn.executemany(
            "INSERT INTO pair_group_members (group_id, user_id, added) VALUES (?, ?, 1)",
            [(group_id, m.user.id) for m in members],
        )
    return group_id


@dataclass
class Pair:
    harness: Harness
    thread: Channel
    group_id: int
    starts_at: datetime

    @property
    def bot(self) -> CommunityBot:
        return self.harness.live

    @property
    def alice(self) -> Member:
        return self.harness.member

    @property
    def bob(self) -> Member:
        return self.harness.other

    def posts(self) -> list[Message]:
        return self.harness.posts(self.thread)

    def week_message(self, week: int) -> Message:
        found = [p for p in self.posts() if f"checkin:answer:{self.group_id}:{week}" in ids(p)]
        assert found, f"no week {week} message"
        return found[0]

    async def at(self, moment: datetime) -> None:
        self.harness.clock.set(moment)
        await self.harness.tick()

    async def click(self, message: Message, custom_id: str, user: Member) -> InteractionRecord:
        return await self.harness.click(message, custom_id, user=user)

    async def open_modal(self, user: Member, week: int = 1) -> InteractionRecord:
        click = await self.click(
            self.week_message(week), f"checkin:answer:{self.group_id}:{week}", user
        )
        assert click.modal is not None, click.content
        return click

    async def answer(self, user: Member, text: str, week: int = 1) -> Message:
        """Fill every question of the week's modal with ``text`` and submit it."""
        click = await self.open_modal(user, week)
        values = {i: f"{text} ({n})" for n, i in enumerate(modal_inputs(click), start=1)}
        submit = await self.harness.emu.submit_modal(click, values, user=user)
        reply = await self.harness.emu.wait_for_reply(submit)
        await self.harness.settle()
        return reply

    async def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in await self.bot.store._fetchall(sql, params)]


def ids(message: Message | InteractionRecord) -> list[str]:
    components = message.components
    return [c["custom_id"] for row in components for c in row.get("components", [])]


def labels(message: Message) -> list[str]:
    return [c["label"] for row in message.components for c in row.get("components", [])]


def text_inputs(record: InteractionRecord) -> list[dict[str, Any]]:
    assert record.modal is not None
    return [c["component"] for c in record.modal["components"]]


def modal_inputs(record: InteractionRecord) -> list[str]:
    return [c["custom_id"] for c in text_inputs(record)]


def flow(bot: CommunityBot, key: FlowKey, **values: Any) -> str:
    return bot.content.flow_texts.render(key, **values)


@pytest.fixture
async def pair(harness: Harness) -> Pair:
    await harness.live.tree.sync()
    thread = harness.emu.create_thread(
        harness.general, "pair", private=True, members=[harness.member, harness.other]
    )
    starts_at = harness.clock.now()
    group_id = await insert_group(
        harness.live, [harness.member, harness.other], starts_at=starts_at, thread_id=thread.id
    )
    await harness.tick()
    return Pair(harness, thread, group_id, starts_at)


# -- the week's questions ----------------------------------------------------------------------


async def test_week_one_posts_two_questions_with_four_buttons(pair: Pair) -> None:
    [post] = pair.posts()
    embed = post.embeds[0]
    assert embed["title"] == "Check-in: week 1 of 4"
    assert flow(pair.bot, FlowKey.WEEK_OPEN, week=1, weeks=4) in embed["description"]
    [(question_ids,)] = await pair.rows("SELECT question_ids FROM checkin_weeks")
    questions = [pair.bot.content.checkin_question(i) for i in question_ids.split(",")]
    assert len(questions) == 2
    for number, question in enumerate(questions, start=1):
        assert question is not None and question.depth == 1
        assert f"**{number}.** {question.text}" in embed["description"]
    assert len({q.characteristic for q in questions if q}) == 2
    g = pair.group_id
    assert labels(post) == ["Answer", "Skip this week", "Need support", "End pairing"]
    assert ids(post) == [
        f"checkin:answer:{g}:1",
        f"checkin:skip:{g}:1",
        f"checkin:support:{g}",
        f"checkin:end:{g}",
    ]
    assert post.raw["allowed_mentions"] == {"parse": []}
    # Another tick in the same week posts nothing more.
    await pair.at(pair.starts_at + timedelta(hours=1))
    assert len(pair.posts()) == 1


async def test_answers_are_revealed_only_once_both_have_answered(pair: Pair) -> None:
    click = await pair.open_modal(pair.alice)
    inputs = text_inputs(click)
    [(question_ids,)] = await pair.rows("SELECT question_ids FROM checkin_weeks")
    for component, question_id in zip(inputs, question_ids.split(","), strict=True):
        question = pair.bot.content.checkin_question(question_id)
        assert question is not None
        assert component["custom_id"] == question_id
        assert component["placeholder"] == question.text
        assert component["max_length"] == ANSWER_MAX_LENGTH
        assert component["required"] is True and component["style"] == 2
    assert [c["label"] for c in click.modal["components"]] == [  # type: ignore[index]
        pair.bot.content.checkin_question(i).label  # type: ignore[union-attr]
        for i in question_ids.split(",")
    ]

    first = await pair.answer(pair.alice, "@everyone first draft")
    assert first.ephemeral and "stay hidden" in first.content
    second = await pair.answer(pair.alice, "@everyone alice's answer")
    assert "replace your earlier ones" in second.content
    # The modal opens filled with what she gave, so changing an answer loses nothing.
    again = await pair.open_modal(pair.alice)
    assert text_inputs(again)[0]["value"] == "@everyone alice's answer (1)"
    assert len(pair.posts()) == 1  # nothing revealed yet

    done = await pair.answer(pair.bob, "bob's answer")
    assert "everyone has answered" in done.content

    reveal = pair.posts()[-1]
    assert reveal.content == flow(pair.bot, FlowKey.REVEAL)
    assert reveal.raw["allowed_mentions"] == {"parse": []}
    assert [e["title"] for e in reveal.embeds] == ["alice", "bob"]
    alice_fields = [f["value"] for f in reveal.embeds[0]["fields"]]
    assert alice_fields == ["@everyone alice's answer (1)", "@everyone alice's answer (2)"]
    assert reveal.embeds[1]["fields"][0]["value"] == "bob's answer (1)"
    assert (
        reveal.embeds[-1]["footer"]["text"] == f"Week 1 of 4 · check-in {pair.group_id} · answers"
    )
    # Revealed means closed to changes until the week ends.
    late = await pair.click(pair.week_message(1), f"checkin:answer:{pair.group_id}:1", pair.alice)
    assert late.modal is None and "Everyone has answered this week" in (late.content or "")


@WEEKS_AT_ONCE
async def test_reminder_then_not_answered_at_close_then_the_follow_up(pair: Pair) -> None:
    await pair.answer(pair.alice, "alice's answer")
    await pair.at(pair.starts_at + 5 * DAY - timedelta(minutes=1))
    assert len(pair.posts()) == 1

    await pair.at(pair.starts_at + 5 * DAY)  # two days before the week closes
    reminder = pair.posts()[-1]
    assert reminder.content == f"<@{pair.bob.user.id}>"
    assert reminder.raw["allowed_mentions"] == {"parse": ["users"]}
    assert reminder.embeds[0]["description"] == flow(pair.bot, FlowKey.REMINDER, days=2)
    assert ids(reminder) == [f"checkin:answer:{pair.group_id}:1", f"checkin:skip:{pair.group_id}:1"]
    await pair.at(pair.starts_at + 6 * DAY)
    assert len(pair.posts()) == 2  # reminded once

    await pair.at(pair.starts_at + WEEK)
    reveal, followup, week_two = pair.posts()[2:]
    assert reveal.content == flow(pair.bot, FlowKey.NOT_ANSWERED)
    assert [e["title"] for e in reveal.embeds] == ["alice", "bob"]
    assert reveal.embeds[0]["fields"][0]["value"] == "alice's answer (1)"
    assert reveal.embeds[1]["description"] == "Not answered this week."
    assert followup.embeds[0]["description"] == flow(pair.bot, FlowKey.CONNECT_FOLLOWUP)
    assert labels(followup) == ["Yes", "Not this week"]
    assert week_two.embeds[0]["title"] == "Check-in: week 2 of 4"

    yes = await pair.click(followup, f"checkin:connect:{pair.group_id}:1:yes", pair.alice)
    assert yes.ephemeral and "Glad" in (yes.content or "")
    no = await pair.click(followup, f"checkin:connect:{pair.group_id}:1:no", pair.bob)
    assert no.ephemeral
    assert await pair.rows("SELECT user_id, connected FROM checkin_connect ORDER BY connected") == [
        (pair.bob.user.id, 0),
        (pair.alice.user.id, 1),
    ]
    stats = await pair.bot.store.checkin_stats(pair.harness.guild.id)
    assert (stats.weeks_closed, stats.answers_expected, stats.answers_given) == (1, 2, 1)

    # Bob's late answer is refused, with his text handed back.
    late = await pair.click(pair.week_message(1), f"checkin:answer:{pair.group_id}:1", pair.bob)
    assert late.modal is None and "has closed" in (late.content or "")


async def test_answers_are_deleted_seven_days_after_the_reveal(pair: Pair) -> None:
    await pair.answer(pair.alice, "a secret only bob should read")
    await pair.answer(pair.bob, "another private thought")
    [(revealed_at,)] = await pair.rows("SELECT revealed_at FROM checkin_weeks")
    revealed = datetime.fromisoformat(revealed_at)
    assert len(await pair.rows("SELECT * FROM checkin_answers")) == 2

    await pair.at(revealed + 7 * DAY - timedelta(minutes=1))
    assert len(await pair.rows("SELECT * FROM checkin_answers")) == 2
    await pair.at(revealed + 7 * DAY)
    assert await pair.rows("SELECT * FROM checkin_answers") == []
    for table in await pair.bot.store.table_names():
        for row in await pair.rows(f"SELECT * FROM {table}"):
            text = json.dumps(row, default=str)
            assert "secret only bob" not in text and "private thought" not in text, table


@WEEKS_AT_ONCE
async def test_depth_rises_over_a_four_week_term(pair: Pair) -> None:
    for week in (2, 3, 4):
        await pair.at(pair.starts_at + (week - 1) * WEEK)
    rows = await pair.rows("SELECT week, question_ids FROM checkin_weeks ORDER BY week")
    assert [r[0] for r in rows] == [1, 2, 3, 4]
    library = pair.bot.content
    depths = []
    seen: set[str] = set()
    for week, question_ids in rows:
        picked = [library.checkin_question(i) for i in question_ids.split(",")]
        assert all(q is not None for q in picked)
        assert len(picked) == (2 if week == 1 else 3)
        assert not seen & set(question_ids.split(","))  # never the same question twice
        seen |= set(question_ids.split(","))
        depths.append(max(q.depth for q in picked if q))
        assert depths[-1] == checkin_depth(week, 4)
    assert depths == sorted(depths) and depths[0] == 1 and depths[-1] == 3
    titles = [p.embeds[0].get("title") for p in pair.posts() if p.embeds]
    assert [t for t in titles if t and t.startswith("Check-in")] == [
        f"Check-in: week {w} of 4" for w in (1, 2, 3, 4)
    ]
    # The term's end closes the last week; nothing opens after it.
    await pair.at(pair.starts_at + 4 * WEEK)
    await pair.at(pair.starts_at + 5 * WEEK)
    assert len(await pair.rows("SELECT * FROM checkin_weeks")) == 4
    assert len(await pair.rows("SELECT * FROM checkin_weeks WHERE followup_posted_at IS NULL")) == 0


# -- skipping and support ---------------------------------------------------------------------


async def test_skip_with_a_rough_week_shows_private_resources(pair: Pair) -> None:
    g = pair.group_id
    ask = await pair.click(pair.week_message(1), f"checkin:skip:{g}:1", pair.alice)
    assert ask.ephemeral and labels(ask.original) == ["Just busy", "Rough week"]  # type: ignore[arg-type]

    rough = await pair.click(ask.original, f"checkin:skipas:{g}:1:rough", pair.alice)  # type: ignore[arg-type]
    assert rough.ephemeral
    assert rough.content == flow(pair.bot, FlowKey.ROUGH_WEEK)
    assert rough.embeds and rough.embeds[-1]["footer"]["text"] == NOT_THERAPY
    assert "local emergency number" in rough.embeds[0]["description"]
    assert await pair.rows("SELECT user_id, answers, skipped, rough_week FROM checkin_answers") == [
        (pair.alice.user.id, None, 1, 1)
    ]

    busy = await pair.click(ask.original, f"checkin:skipas:{g}:1:busy", pair.bob)  # type: ignore[arg-type]
    assert busy.ephemeral and busy.content == flow(pair.bot, FlowKey.SKIP_CONFIRM)
    # Nothing is said in the pair's space or to moderators; skippers are not reminded.
    assert len(pair.posts()) == 1
    assert pair.harness.posts(pair.harness.review) == []
    await pair.at(pair.starts_at + 5 * DAY)
    assert len(pair.posts()) == 1
    # At close a skip reads as "not answered", never why.
    await pair.at(pair.starts_at + WEEK)
    reveal = pair.posts()[1]
    assert reveal.content == flow(pair.bot, FlowKey.NOT_ANSWERED)
    assert all("rough" not in json.dumps(e).lower() for e in reveal.embeds)


async def test_need_support_with_consent_pings_only_the_support_role(pair: Pair) -> None:
    h = pair.harness
    role = h.emu.create_role(h.guild, "Support team")
    await pair.bot.store.set_support_role(h.guild.id, role.id)
    await pair.bot.store.set_review_channel(h.guild.id, h.review.id)

    support = await pair.click(pair.week_message(1), f"checkin:support:{pair.group_id}", pair.bob)
    assert support.ephemeral
    assert support.content == flow(pair.bot, FlowKey.NEED_SUPPORT)
    assert support.embeds[-1]["footer"]["text"] == NOT_THERAPY
    assert ids(support) == [f"checkin:tell:{pair.group_id}"]
    assert h.posts(h.review) == []  # nobody is told without the member's yes

    told = await pair.click(support.original, f"checkin:tell:{pair.group_id}", pair.bob)  # type: ignore[arg-type]
    reply = await h.emu.wait_for_reply(told)
    assert reply.ephemeral and "support team know" in reply.content
    [notice] = h.posts(h.review)
    assert notice.content.startswith(f"<@&{role.id}> A member asked for support")
    assert f"<@{pair.bob.user.id}>" in notice.content
    assert notice.raw["allowed_mentions"] == {"parse": ["roles"]}
    assert "@everyone" not in notice.content and "@here" not in notice.content
    assert len(pair.posts()) == 1  # nothing in the pair's space

    again = await pair.click(support.original, f"checkin:tell:{pair.group_id}", pair.bob)  # type: ignore[arg-type]
    assert "haven't pinged them again" in (await h.emu.wait_for_reply(again)).content
    assert len(h.posts(h.review)) == 1


async def test_need_support_without_a_support_role_offers_no_ping(pair: Pair) -> None:
    support = await pair.click(pair.week_message(1), f"checkin:support:{pair.group_id}", pair.alice)
    assert support.ephemeral and support.embeds
    assert ids(support) == []
    assert pair.harness.posts(pair.harness.review) == []


# -- who may press, and when ------------------------------------------------------------------


async def test_a_non_member_is_refused_by_every_button(pair: Pair) -> None:
    outsider = pair.harness.moderator
    g = pair.group_id
    for custom_id in (
        f"checkin:answer:{g}:1",
        f"checkin:skip:{g}:1",
        f"checkin:support:{g}",
        f"checkin:end:{g}",
    ):
        click = await pair.click(pair.week_message(1), custom_id, outsider)
        assert click.modal is None, custom_id
        assert click.ephemeral and "isn't your check-in" in (click.content or ""), custom_id
    assert await pair.rows("SELECT * FROM checkin_answers") == []
    assert len(pair.posts()) == 1


async def test_buttons_and_an_open_modal_work_after_a_restart(pair: Pair) -> None:
    opened_before = await pair.open_modal(pair.alice)

    await pair.harness.restart()

    values = {i: "typed before the restart" for i in modal_inputs(opened_before)}
    submit = await pair.harness.emu.submit_modal(opened_before, values, user=pair.alice)
    assert "stay hidden" in (await pair.harness.emu.wait_for_reply(submit)).content
    done = await pair.answer(pair.bob, "after the restart")
    assert "everyone has answered" in done.content
    assert pair.posts()[-1].content == flow(pair.bot, FlowKey.REVEAL)
    support = await pair.click(pair.week_message(1), f"checkin:support:{pair.group_id}", pair.bob)
    assert support.ephemeral and support.embeds
    assert (
        len([p for p in pair.posts() if p.embeds[0].get("title", "").startswith("Check-in")]) == 1
    )


async def test_an_over_long_answer_is_refused_and_handed_back(pair: Pair) -> None:
    click = await pair.open_modal(pair.alice)
    too_long = "x" * (ANSWER_MAX_LENGTH + 1)
    first, *rest = modal_inputs(click)
    values = {first: too_long, **{i: "fine" for i in rest}}
    # Discord's client enforces the modal's limits: the submit never leaves the box.
    with pytest.raises(ValueError, match=f"must be 1-{ANSWER_MAX_LENGTH} characters"):
        await pair.harness.emu.submit_modal(click, values, user=pair.alice)

    # Should one arrive anyway, the bot refuses it and returns the text.
    for component in text_inputs(click):
        component["max_length"] = 4000
    submit = await pair.harness.emu.submit_modal(click, values, user=pair.alice)
    reply = await pair.harness.emu.wait_for_reply(submit)
    assert reply.ephemeral
    assert f"up to {ANSWER_MAX_LENGTH:,} characters" in reply.content
    assert "Nothing was saved" in reply.content
    [copy] = reply.attachments
    assert copy.filename == "my-check-in-answers.txt"
    assert await pair.rows("SELECT * FROM checkin_answers") == []


async def test_slash_checkin_answer_and_skip(pair: Pair) -> None:
    h = pair.harness
    record = await h.emu.slash_command("checkin answer", channel=h.general, user=pair.alice)
    await h.emu.wait_for_response(record)
    assert record.modal is not None
    assert record.modal["custom_id"] == f"checkin:modal:{pair.group_id}:1"

    skip = await h.slash("checkin skip", user=pair.bob)
    assert skip.ephemeral and labels(skip) == ["Just busy", "Rough week"]

    outsider = await h.slash("checkin answer", user=h.moderator)
    assert outsider.ephemeral and "not in a pair" in outsider.content


async def test_end_pairing_ends_it_through_the_pairing_engine(pair: Pair) -> None:
    await pair.answer(pair.alice, "never to be shown")
    g = pair.group_id
    ask = await pair.click(pair.week_message(1), f"checkin:end:{g}", pair.alice)
    assert ask.ephemeral and "no-fault" in (ask.content or "")
    assert await pair.rows("SELECT ended_at FROM pair_groups") == [(None,)]

    confirm = await pair.click(ask.original, f"checkin:endok:{g}", pair.alice)  # type: ignore[arg-type]
    reply = await pair.harness.emu.wait_for_reply(confirm)
    assert reply.ephemeral and reply.content == flow(pair.bot, FlowKey.PAIRING_ENDED)
    await pair.harness.settle()
    [(ended_at, reason)] = await pair.rows("SELECT ended_at, end_reason FROM pair_groups")
    assert ended_at is not None and reason == "ended"
    # The open week is dropped unshown; nothing more is posted for this pair's check-ins.
    assert await pair.rows("SELECT * FROM checkin_answers") == []
    assert await pair.rows("SELECT cancelled FROM checkin_weeks") == [(1,)]
    await pair.at(pair.starts_at + 2 * WEEK)
    assert not any("never to be shown" in json.dumps(p.embeds) for p in pair.posts())
    titles = [p.embeds[0].get("title") or "" for p in pair.posts() if p.embeds]
    assert not any(t.startswith("Check-in: week 2") for t in titles)
    # The space is told only that the pairing ended (by the pairing engine).
    notices = [p.content for p in pair.posts() if not p.embeds]
    assert notices == [flow(pair.bot, FlowKey.PAIRING_ENDED)]
    again = await pair.click(pair.week_message(1), f"checkin:answer:{g}:1", pair.bob)
    assert again.modal is None and "has ended" in (again.content or "")


# -- crashes and DMs ---------------------------------------------------------------------------


async def test_a_crash_after_claiming_a_week_posts_exactly_one_message(harness: Harness) -> None:
    thread = harness.emu.create_thread(
        harness.general, "pair", private=True, members=[harness.member, harness.other]
    )
    now = harness.clock.now()
    # A run claimed the week and died before posting: stop the bot, then record that claim.
    harness.live.remove_ticker(harness.live.checkins)
    group_id = await insert_group(
        harness.live, [harness.member, harness.other], starts_at=now, thread_id=thread.id
    )
    claimed = await harness.live.store.claim_checkin_week(
        group_id,
        1,
        opens_at=now,
        closes_at=now + WEEK,
        remind_at=now + 5 * DAY,
        question_ids=["ci-0001", "ci-0006"],
        now=now,
    )
    assert claimed
    await harness.crash()

    bot = await harness.start()
    posts = harness.posts(thread)
    assert len(posts) == 1
    [(message_id, questions)] = [
        tuple(r)
        for r in await bot.store._fetchall("SELECT message_id, question_ids FROM checkin_weeks")
    ]
    assert message_id == posts[0].id and questions == "ci-0001,ci-0006"

    # Posted but the run died before recording it: the next run finds it instead of reposting.
    await bot.store._execute("UPDATE checkin_weeks SET posted_at = NULL, message_id = NULL")
    harness.clock.advance(minutes=1)
    await harness.restart()
    await harness.tick()
    assert len(harness.posts(thread)) == 1
    [(found,)] = [
        tuple(r) for r in await harness.live.store._fetchall("SELECT message_id FROM checkin_weeks")
    ]
    assert found == posts[0].id


async def test_a_pair_in_dms_gets_its_check_in_in_each_dm(harness: Harness) -> None:
    alice, bob = harness.member, harness.other
    starts_at = harness.clock.now()
    group_id = await insert_group(harness.live, [alice, bob], starts_at=starts_at, use_dms=True)
    await harness.tick()
    dms = [harness.emu.dm_channel(m.user) for m in (alice, bob)]
    for dm in dms:
        [post] = harness.posts(dm)
        assert post.embeds[0]["title"] == "Check-in: week 1 of 4"

    for member, dm in zip((alice, bob), dms, strict=True):
        click = await harness.click(
            harness.posts(dm)[0], f"checkin:answer:{group_id}:1", user=member
        )
        values = {i: f"{member.user.username} in DMs" for i in modal_inputs(click)}
        submit = await harness.emu.submit_modal(click, values, user=member)
        await harness.emu.wait_for_reply(submit)
        await harness.settle()
    for dm in dms:
        reveal = harness.posts(dm)[-1]
        assert [e["title"] for e in reveal.embeds] == ["alice", "bob"]


async def test_a_week_claimed_before_a_long_outage_is_dropped_not_posted_late(
    harness: Harness,
) -> None:
    thread = harness.emu.create_thread(
        harness.general, "pair", private=True, members=[harness.member, harness.other]
    )
    now = harness.clock.now()
    harness.live.remove_ticker(harness.live.checkins)
    group_id = await insert_group(
        harness.live, [harness.member, harness.other], starts_at=now, thread_id=thread.id
    )
    await harness.live.store.claim_checkin_week(
        group_id,
        1,
        opens_at=now,
        closes_at=now + WEEK,
        remind_at=now + 5 * DAY,
        question_ids=["ci-0001", "ci-0006"],
        now=now,
    )
    await harness.crash()
    harness.clock.set(now + WEEK + timedelta(hours=1))

    await harness.start()
    titles = [p.embeds[0].get("title") for p in harness.posts(thread)]
    assert titles == ["Check-in: week 2 of 4"]


async def test_a_trio_with_long_answers_is_revealed_in_several_messages(harness: Harness) -> None:
    carol = harness.emu.create_member(harness.guild, "carol")
    members = [harness.member, harness.other, carol]
    thread = harness.emu.create_thread(harness.general, "trio", private=True, members=members)
    group_id = await insert_group(
        harness.live, members, starts_at=harness.clock.now(), thread_id=thread.id
    )
    await harness.tick()
    [week] = harness.posts(thread)
    for member in members:
        click = await harness.click(week, f"checkin:answer:{group_id}:1", user=member)
        values = {i: member.user.username[0] * ANSWER_MAX_LENGTH for i in modal_inputs(click)}
        await harness.emu.wait_for_reply(await harness.emu.submit_modal(click, values, user=member))
        await harness.settle()
    parts = harness.posts(thread)[1:]
    assert len(parts) >= 2
    assert parts[0].content == flow(harness.live, FlowKey.REVEAL)
    assert [p.content for p in parts[1:]] == [""] * (len(parts) - 1)
    assert [e["title"] for p in parts for e in p.embeds] == ["alice", "bob", "carol"]
    footers = [p.embeds[-1]["footer"]["text"] for p in parts]
    assert footers == [
        f"Week 1 of 4 · check-in {group_id} · answers {n}/{len(parts)}"
        for n in range(1, len(parts) + 1)
    ]
    for part in parts:
        assert sum(len(json.dumps(e)) for e in part.embeds) < 7000
        for embed in part.embeds:
            assert all(len(f["value"]) == ANSWER_MAX_LENGTH for f in embed["fields"])


async def test_moderators_see_the_answer_rate_as_counts_only(pair: Pair) -> None:
    await pair.answer(pair.alice, "something only bob may read")
    await pair.answer(pair.bob, "and my reply")
    h = pair.harness
    setup = await h.slash(
        "pairing setup", channel=h.general.id, day=0, time="18:00", timezone="Europe/London"
    )
    assert setup.ephemeral
    reply = await h.slash("pairing stats")
    shown = json.dumps({"content": reply.content, "embeds": reply.embeds})
    assert reply.ephemeral
    assert "answer rate:** 100% (2 of 2" in shown
    assert "only bob may read" not in shown and "my reply" not in shown
