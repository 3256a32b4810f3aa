"""``/deck`` end to end: moderators add, remove, import, export, review and count prompts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.content import ContentLibrary, IntimacyType
from bot.posts import pool_for
from bot.store.schedules import NewSchedule
from tests.emulator.interactions import InteractionRecord
from tests.emulator.models import Member, Message
from tests.harness import Harness

NINE_AM = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
IDEA = "What is a walk you could take again and again?"


@pytest.fixture(autouse=True)
async def synced(harness: Harness) -> None:
    await harness.live.tree.sync()
    # Suggestion notices go to #mod-review, so #general holds only what schedules post.
    await harness.live.store.set_review_channel(harness.guild.id, harness.review.id)


async def deck(
    harness: Harness, sub: str, *, user: Member | None = None, **options: Any
) -> Message:
    """Run ``/deck sub`` (as the moderator by default); every reply must be private."""
    record = await harness.emu.slash_command(
        f"deck {sub}", channel=harness.general, user=user or harness.moderator, options=options
    )
    reply = await harness.emu.wait_for_reply(record)
    assert reply.ephemeral, f"/deck {sub} replied publicly: {reply.content!r}"
    return reply


async def suggest(harness: Harness, text: str = IDEA, type: str = "physical") -> None:
    record = await harness.emu.slash_command(
        "prompt suggest",
        channel=harness.general,
        user=harness.member,
        options={"text": text, "type": type},
    )
    reply = await harness.emu.wait_for_reply(record)
    assert "Thanks" in reply.content


async def click(
    harness: Harness, message: Message, custom_id: str, user: Member | None = None
) -> InteractionRecord:
    record = await harness.emu.click_button(message, custom_id, user=user or harness.moderator)
    await harness.emu.wait_for_response(record)
    return record


def without_builtin(library: ContentLibrary, type_: IntimacyType) -> ContentLibrary:
    """The same library minus its daily prompts of one type."""
    return ContentLibrary(
        decks=library.decks,
        prompts=[p for p in library.prompts if p.type is not type_],
        starters=library.starters,
        checkin_questions=library.checkin_questions,
        flow_texts=library.flow_texts,
        sources=library.sources,
        intimacy_types=library.intimacy_types,
        characteristics=library.characteristics,
        scale=library.scale,
        barriers=library.barriers,
        countries=library.countries,
        resources=library.resources,
    )


def button_ids(message: Message) -> list[str]:
    return [b["custom_id"] for row in message.components for b in row["components"]]


async def upload(
    harness: Harness, filename: str, text: str, content_type: str | None = None
) -> Message:
    attachment = harness.emu.store_attachment(filename, text.encode("utf-8"), content_type)
    return await deck(harness, "import", file=attachment)


async def export(harness: Harness) -> dict[str, Any]:
    reply = await deck(harness, "export")
    [attachment] = reply.attachments
    assert attachment.filename.endswith(".json")
    document: dict[str, Any] = json.loads(attachment.data)
    return document


# -- review ------------------------------------------------------------------------------------


async def test_approved_suggestion_joins_the_deck_and_is_posted_later(harness: Harness) -> None:
    await suggest(harness)
    review = await deck(harness, "review")
    assert "1 suggestion waiting for review" in review.content
    assert review.embeds[0]["title"] == "Suggestion #1"
    assert review.embeds[0]["description"] == IDEA
    assert button_ids(review) == ["suggest:approve:1", "suggest:reject:1"]

    # The buttons are persistent: they still work after a restart.
    await harness.restart()
    await click(harness, review, "suggest:approve:1")

    assert "Approved by" in review.embeds[0]["fields"][2]["value"]
    assert "g-1" in review.embeds[0]["fields"][2]["value"]
    assert review.components == []
    assert "No suggestions are waiting" in review.content
    document = await export(harness)
    [prompt] = document["prompts"]
    assert (prompt["id"], prompt["text"], prompt["type"], prompt["depth"]) == (
        "g-1",
        IDEA,
        "physical",
        1,
    )
    assert prompt["author_id"] == str(harness.member.user.id)
    assert document["suggestions"][0]["status"] == "approved"

    # A schedule whose pool is only this prompt (no built-in physical prompts) posts it.
    bot = harness.live
    bot.content = without_builtin(bot.content, IntimacyType.PHYSICAL)
    schedule = await bot.store.create_schedule(
        NewSchedule(
            guild_id=harness.guild.id,
            kind="daily-prompt",
            channel_id=harness.general.id,
            local_time="09:00",
            timezone="UTC",
            types=("physical",),
        ),
        NINE_AM,
    )
    assert await pool_for(bot, schedule) == ["g-1"]
    harness.clock.set(NINE_AM)
    await harness.tick()
    [post] = harness.posts()
    assert post.embeds[0]["description"] == IDEA
    assert post.embeds[0]["title"] == "Server prompt"
    assert post.raw["allowed_mentions"]["parse"] == []


async def test_rejected_suggestion_leaves_the_queue_and_the_deck_alone(harness: Harness) -> None:
    await suggest(harness)
    await suggest(harness, "What is a smell that takes you straight back?", "emotional")
    review = await deck(harness, "review")
    assert "2 suggestions waiting" in review.content

    await click(harness, review, "suggest:reject:1")

    assert review.embeds[0]["fields"][2]["value"].startswith("❌ Rejected by")
    assert button_ids(review) == ["suggest:approve:2", "suggest:reject:2"]
    assert "1 suggestion waiting" in review.content
    assert await harness.live.store.guild_prompts(harness.guild.id) == []
    document = await export(harness)
    assert [s["status"] for s in document["suggestions"]] == ["rejected", "pending"]


async def test_a_member_clicking_approve_is_refused(harness: Harness) -> None:
    await suggest(harness)
    review = await deck(harness, "review")

    record = await click(harness, review, "suggest:approve:1", user=harness.member)
    reply = await harness.emu.wait_for_reply(record)

    assert reply.ephemeral
    assert "Manage Server" in reply.content
    assert await harness.live.store.pending_suggestion_count(harness.guild.id) == 1
    assert button_ids(review) == ["suggest:approve:1", "suggest:reject:1"]


async def test_a_second_click_on_a_reviewed_suggestion_says_so(harness: Harness) -> None:
    await suggest(harness)
    first = await deck(harness, "review")
    second = await deck(harness, "review")
    await click(harness, first, "suggest:approve:1")

    record = await click(harness, second, "suggest:reject:1")
    note = await harness.emu.wait_for_followup(record)

    assert note.ephemeral
    assert "was already reviewed" in note.content and "Approved by" in note.content
    assert "Approved by" in second.embeds[0]["fields"][2]["value"]
    assert len(await harness.live.store.guild_prompts(harness.guild.id)) == 1


async def test_members_cannot_use_deck_commands(harness: Harness) -> None:
    reply = await deck(harness, "review", user=harness.member)
    assert "permission to use this command" in reply.content
    assert await harness.live.store.pending_suggestion_count(harness.guild.id) == 0


# -- add / remove ------------------------------------------------------------------------------


async def test_add_then_remove_with_autocomplete(harness: Harness) -> None:
    added = await deck(harness, "add", text=IDEA, type="experiential", depth=2)
    assert "Added **g-1** (Experiential, depth 2)" in added.content

    duplicate = await deck(harness, "add", text=IDEA.upper(), type="emotional", depth=1)
    assert "already in this server's deck as g-1" in duplicate.content

    record = await harness.emu.autocomplete(
        "deck remove", channel=harness.general, user=harness.moderator, focused="id", value="walk"
    )
    answered = await harness.emu.wait_for_response(record)
    assert answered.choices == [{"name": f"g-1 · experiential · {IDEA}", "value": 1}]

    removed = await deck(harness, "remove", id=1)
    assert "Removed **g-1**" in removed.content
    assert await harness.live.store.guild_prompts(harness.guild.id) == []
    again = await deck(harness, "remove", id=1)
    assert "There's no prompt g-1 in this server's deck" in again.content


async def test_another_servers_prompt_cannot_be_removed(harness: Harness) -> None:
    theirs = await harness.live.store.add_guild_prompt(
        harness.guild.id + 1, IDEA, "emotional", 1, added_by=None
    )

    reply = await deck(harness, "remove", id=theirs.id)

    assert f"There's no prompt g-{theirs.id} in this server's deck" in reply.content
    assert await harness.live.store.get_guild_prompt(harness.guild.id + 1, theirs.id) is not None


async def test_add_refuses_mentions(harness: Harness) -> None:
    reply = await deck(harness, "add", text="Ping <@1234> and ask them!", type="emotional", depth=1)
    assert "contains a mention" in reply.content
    assert await harness.live.store.guild_prompts(harness.guild.id) == []


# -- import / export ---------------------------------------------------------------------------


async def test_import_adds_good_rows_and_reports_bad_ones(harness: Harness) -> None:
    await deck(harness, "add", text=IDEA, type="physical", depth=1)

    reply = await upload(
        harness,
        "ours.csv",
        "text,type,depth\n"
        "What song would you put on a road trip playlist?,experiential,1\n"
        "What is a question you love being asked?,emo,1\n"
        f"{IDEA},physical,1\n"
        "Which idea changed your mind this year?,intellectual,2\n"
        "Hey @here who wants to share a secret?,emotional,1\n",
    )

    assert "Added **2** prompts from `ours.csv` (g-2 to g-3)" in reply.content
    assert "Skipped **3** rows" in reply.content
    assert "row 3: type 'emo' isn't one of emotional, intellectual" in reply.content
    assert "row 4: already in this server's deck as g-1" in reply.content
    assert "row 6: the text contains a mention (@here)" in reply.content
    texts = [p.text for p in await harness.live.store.guild_prompts(harness.guild.id)]
    assert texts == [
        IDEA,
        "What song would you put on a road trip playlist?",
        "Which idea changed your mind this year?",
    ]


async def test_a_long_error_list_comes_as_a_file(harness: Harness) -> None:
    rows = [
        {"text": f"Question number {n} about the world?", "type": "x", "depth": 1}
        for n in range(40)
    ]
    rows.append({"text": "What game did you love as a child?", "type": "experiential", "depth": 1})

    reply = await upload(harness, "many.json", json.dumps(rows))

    assert "Added **1** prompt from `many.json` (g-1)" in reply.content
    assert "Skipped **40** rows" in reply.content
    assert "…and 30 more" in reply.content
    [errors] = reply.attachments
    assert errors.filename == "import-errors.txt"
    assert len(errors.data.decode().splitlines()) == 40


async def test_a_malformed_file_adds_nothing(harness: Harness) -> None:
    reply = await upload(harness, "broken.toml", '[[entry]]\ntext = "unterminated\n')

    assert "isn't valid TOML" in reply.content
    assert "Nothing was added" in reply.content
    assert await harness.live.store.guild_prompts(harness.guild.id) == []


async def test_an_unknown_file_type_is_refused(harness: Harness) -> None:
    reply = await upload(harness, "deck.xlsx", "whatever", "application/vnd.ms-excel")
    assert "`.toml`, `.json` or `.csv`" in reply.content


async def test_export_has_prompts_schedules_suggestions_and_history(harness: Harness) -> None:
    bot = harness.live
    await deck(harness, "add", text=IDEA, type="physical", depth=1)
    await suggest(harness, "What is a smell that takes you straight back?", "emotional")
    schedule = await bot.store.create_schedule(
        NewSchedule(
            guild_id=harness.guild.id,
            kind="daily-prompt",
            channel_id=harness.general.id,
            local_time="09:00",
            timezone="UTC",
            weekdays=frozenset({0, 1}),
            types=("physical", "emotional"),
            thread=True,
        ),
        NINE_AM,
    )
    harness.clock.set(NINE_AM)
    await harness.tick()
    [post] = harness.posts()

    document = await export(harness)

    assert document["format"] == "closeness-server-export"
    assert document["guild_id"] == str(harness.guild.id)
    assert [p["id"] for p in document["prompts"]] == ["g-1"]
    [exported] = document["schedules"]
    assert exported["id"] == schedule.id
    assert exported["channel_id"] == str(harness.general.id)
    assert exported["weekdays"] == ["mon", "tue"]
    assert exported["types"] == ["physical", "emotional"]
    assert exported["thread"] is True
    assert exported["local_time"] == "09:00" and exported["timezone"] == "UTC"
    [suggestion] = document["suggestions"]
    assert suggestion["author_id"] == str(harness.member.user.id)
    assert suggestion["status"] == "pending"
    [delivery] = document["deliveries"]
    assert delivery["schedule_id"] == schedule.id
    assert delivery["local_date"] == "2026-11-24"
    assert delivery["status"] == "sent"
    assert delivery["message_id"] == str(post.id)
    assert delivery["item_id"] == post.embeds[0]["footer"]["text"].rsplit(" · ", 1)[1]


async def test_an_export_imports_back_into_another_server_deck(harness: Harness) -> None:
    await deck(harness, "add", text=IDEA, type="physical", depth=2)
    document = await export(harness)
    await deck(harness, "remove", id=1)

    reply = await upload(harness, "export.json", json.dumps(document))

    assert "Added **1** prompt" in reply.content
    [prompt] = await harness.live.store.guild_prompts(harness.guild.id)
    assert (prompt.text, prompt.type, prompt.depth) == (IDEA, "physical", 2)


# -- stats -------------------------------------------------------------------------------------


async def test_stats_counts_unused_prompts_per_type(harness: Harness) -> None:
    bot = harness.live
    await deck(harness, "add", text=IDEA, type="physical", depth=1)
    await suggest(harness, "What is a smell that takes you straight back?", "emotional")
    await bot.store.create_schedule(
        NewSchedule(
            guild_id=harness.guild.id,
            kind="daily-prompt",
            channel_id=harness.general.id,
            local_time="09:00",
            timezone="UTC",
            types=("physical",),
            max_depth=1,
        ),
        NINE_AM,
    )
    physical = sum(
        1
        for p in bot.content.prompts
        if p.type.value == "physical" and p.depth == 1 and p.audience_safe
    )
    harness.clock.set(NINE_AM)
    await harness.tick()

    reply = await deck(harness, "stats")

    embed = reply.embeds[0]
    assert "**1** server prompt (Physical 1)" in embed["description"]
    assert "**1** suggestion waiting for review" in embed["description"]
    [field] = embed["fields"]
    assert field["name"] == "Schedule #1"
    assert f"Physical: **{physical}** of {physical + 1} unused" in field["value"]
