"""``/prompt today`` and ``/prompt suggest`` end to end, as members see them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.store.schedules import NewSchedule
from tests.emulator.models import Member, Message
from tests.harness import Harness

THANKS = "Thanks — the moderators will review it"
NINE_AM = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
async def synced(harness: Harness) -> None:
    await harness.live.tree.sync()


async def prompt(
    harness: Harness, sub: str, *, user: Member | None = None, **options: str
) -> Message:
    record = await harness.emu.slash_command(
        f"prompt {sub}", channel=harness.general, user=user or harness.member, options=options
    )
    return await harness.emu.wait_for_reply(record)


async def suggest(harness: Harness, text: str, type: str = "emotional", **kw: Member) -> Message:
    return await prompt(harness, "suggest", text=text, type=type, **kw)


async def use_review_channel(harness: Harness) -> None:
    await harness.live.store.set_review_channel(harness.guild.id, harness.review.id)


# -- /prompt today -----------------------------------------------------------------------------


async def test_today_before_any_post_offers_a_fresh_light_prompt(harness: Harness) -> None:
    reply = await prompt(harness, "today")

    assert reply.ephemeral
    assert "No prompt has been posted in this server yet" in reply.content
    embed = reply.embeds[0]
    assert embed["title"] == "Daily connection prompt"
    prompt_id = embed["footer"]["text"].rsplit(" · ", 1)[1]
    found = harness.live.content.prompt(prompt_id)
    assert found is not None and found.depth <= 2 and found.audience_safe
    assert embed["description"] == found.text


async def test_today_shows_the_last_scheduled_post_with_a_link(harness: Harness) -> None:
    bot = harness.live
    await bot.store.create_schedule(
        NewSchedule(
            guild_id=harness.guild.id,
            kind="daily-prompt",
            channel_id=harness.general.id,
            local_time="09:00",
            timezone="UTC",
        ),
        NINE_AM,
    )
    harness.clock.set(NINE_AM)
    await harness.tick()
    [posted] = harness.posts()

    reply = await prompt(harness, "today")

    assert reply.ephemeral
    assert "No prompt has been posted" not in reply.content
    link = f"https://discord.com/channels/{harness.guild.id}/{harness.general.id}/{posted.id}"
    assert link in reply.content
    assert reply.embeds[0]["description"] == posted.embeds[0]["description"]


# -- /prompt suggest ---------------------------------------------------------------------------


async def test_a_suggestion_is_stored_and_the_moderators_are_told(harness: Harness) -> None:
    await use_review_channel(harness)
    text = "What is a small kindness you still remember?"

    reply = await suggest(harness, text, "emotional")

    assert reply.ephemeral
    assert THANKS in reply.content
    [pending] = await harness.live.store.pending_suggestions(harness.guild.id, 10)
    assert (pending.author_id, pending.text, pending.type) == (
        harness.member.user.id,
        text,
        "emotional",
    )
    notice = await harness.emu.wait_for_message(harness.review)
    assert text in notice.content
    assert f"#{pending.id}" in notice.content
    assert "/deck review" in notice.content
    assert notice.raw["allowed_mentions"] == {"parse": []}
    assert harness.posts(harness.general) == []


async def test_a_suggestion_with_mentions_is_refused_and_nothing_is_stored(
    harness: Harness,
) -> None:
    await use_review_channel(harness)

    reply = await suggest(harness, "Hey @everyone, what is your favourite season?")

    assert reply.ephemeral
    assert "can't mention @everyone" in reply.content
    assert "nothing was saved" in reply.content
    assert await harness.live.store.pending_suggestion_count(harness.guild.id) == 0
    assert harness.emu.messages(harness.review) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tell us about <@&123456789> and their best moment", "contains a mention"),
        ("Read [this story](https://example.com) and share why", "markdown link"),
        ("Who was your first kiss and where did it happen?", "'kiss'"),
    ],
)
async def test_unsafe_suggestions_are_refused_with_a_reason(
    harness: Harness, text: str, expected: str
) -> None:
    reply = await suggest(harness, text)

    assert reply.ephemeral
    assert expected in reply.content
    assert await harness.live.store.pending_suggestion_count(harness.guild.id) == 0


async def test_a_member_can_have_five_suggestions_waiting(harness: Harness) -> None:
    for n in range(5):
        reply = await suggest(harness, f"What is a place you would love to visit, number {n}?")
        assert THANKS in reply.content

    refused = await suggest(harness, "What is a sound that makes you feel at home?")

    assert refused.ephemeral
    assert "You already have 5 suggestions waiting" in refused.content
    assert await harness.live.store.pending_suggestion_count(harness.guild.id) == 5
    other = await suggest(
        harness, "What is a sound that makes you feel at home?", user=harness.other
    )
    assert THANKS in other.content


async def test_without_a_review_channel_the_system_channel_gets_the_notice(
    harness: Harness,
) -> None:
    reply = await suggest(
        harness, "What hobby would you pick up if time were free?", "experiential"
    )

    assert THANKS in reply.content
    notice = await harness.emu.wait_for_message(harness.general)
    assert "What hobby would you pick up" in notice.content
