"""``/starter`` end to end: a public starter with "Another" and "Open a thread" buttons that keep
working after the bot restarts."""

from __future__ import annotations

import pytest

from bot.content.vocab import StarterFormat
from tests.emulator import permissions as p
from tests.emulator.interactions import InteractionRecord
from tests.emulator.models import Message
from tests.harness import Harness

THREAD = "starter:thread"


@pytest.fixture(autouse=True)
async def synced(harness: Harness) -> None:
    await harness.live.tree.sync()


async def starter(harness: Harness, **options: str) -> Message:
    record = await harness.emu.slash_command(
        "starter", channel=harness.general, user=harness.member, options=options
    )
    return await harness.emu.wait_for_reply(record)


def button_ids(message: Message) -> list[str]:
    return [b["custom_id"] for row in message.components for b in row["components"]]


def labels(message: Message) -> list[str]:
    return [b["label"] for row in message.components for b in row["components"]]


def another_id(message: Message) -> str:
    return next(i for i in button_ids(message) if i.startswith("starter:another:"))


def item_id(message: Message) -> str:
    """The starter's id, which ends the embed footer."""
    return str(message.embeds[0]["footer"]["text"]).rsplit(" · ", 1)[1]


async def reply_to(harness: Harness, record: InteractionRecord) -> Message:
    return await harness.emu.wait_for_reply(record)


async def test_starter_is_posted_publicly_with_both_buttons(harness: Harness) -> None:
    post = await starter(harness)

    assert not post.ephemeral
    assert post in harness.emu.messages(harness.general)
    embed = post.embeds[0]
    assert embed["title"].startswith("Conversation starter: ")
    assert 10 <= len(embed["description"]) <= 300
    assert labels(post) == ["Another", "Open a thread"]
    assert another_id(post) == f"starter:another:all:{item_id(post)}"
    assert THREAD in button_ids(post)
    assert post.raw.get("allowed_mentions") == {"parse": []}


async def test_format_choice_gives_a_starter_of_that_format(harness: Harness) -> None:
    post = await starter(harness, format="respectful-debate")

    assert post.embeds[0]["title"] == "Conversation starter: Respectful debate"
    starter_id = item_id(post)
    found = harness.live.content.starter(starter_id)
    assert found is not None and found.format is StarterFormat.RESPECTFUL_DEBATE
    assert found.depth <= 2
    assert another_id(post) == f"starter:another:respectful-debate:{starter_id}"


async def test_another_posts_a_different_starter_with_the_same_buttons(harness: Harness) -> None:
    first = await starter(harness, format="brainstorming")

    click = await harness.click(first, another_id(first))
    second = await reply_to(harness, click)

    assert not second.ephemeral
    assert second.id != first.id
    assert item_id(second) != item_id(first)
    assert second.embeds[0]["title"] == "Conversation starter: Brainstorming"
    assert labels(second) == ["Another", "Open a thread"]
    assert another_id(second) == f"starter:another:brainstorming:{item_id(second)}"
    assert len(harness.emu.messages(harness.general)) == 2


async def test_open_a_thread_creates_it_once_and_links_it(harness: Harness) -> None:
    post = await starter(harness)

    click = await harness.click(post, THREAD)
    reply = await reply_to(harness, click)

    threads = harness.emu.threads(harness.general)
    assert len(threads) == 1
    thread = threads[0]
    assert thread.id == post.id
    assert 1 <= len(thread.name) <= 100
    assert post.embeds[0]["description"].startswith(thread.name.removesuffix("…"))
    assert reply.ephemeral
    assert f"https://discord.com/channels/{harness.guild.id}/{thread.id}" in reply.content

    again = await reply_to(harness, await harness.click(post, THREAD, user=harness.other))
    assert again.ephemeral
    assert "already has a thread" in again.content
    assert f"https://discord.com/channels/{harness.guild.id}/{post.id}" in again.content
    assert len(harness.emu.threads(harness.general)) == 1


async def test_open_a_thread_without_permission_says_what_is_missing(harness: Harness) -> None:
    post = await starter(harness)
    bot_role = harness.emu.bot_role(harness.guild)
    harness.emu.set_overwrite(harness.general, bot_role, deny=p.CREATE_PUBLIC_THREADS)

    reply = await reply_to(harness, await harness.click(post, THREAD))

    assert reply.ephemeral
    assert "Create Public Threads" in reply.content
    assert harness.emu.threads(harness.general) == []


async def test_buttons_on_an_old_message_still_work_after_a_restart(harness: Harness) -> None:
    post = await starter(harness, format="book-article")

    await harness.restart()

    second = await reply_to(harness, await harness.click(post, another_id(post)))
    assert second.embeds[0]["title"] == "Conversation starter: Book or article discussion"
    assert item_id(second) != item_id(post)
    reply = await reply_to(harness, await harness.click(post, THREAD))
    assert reply.ephemeral and "Thread opened" in reply.content
    assert [t.id for t in harness.emu.threads(harness.general)] == [post.id]
