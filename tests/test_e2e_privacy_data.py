"""`/privacy export` and `/privacy delete` end to end, over data from every feature.

A moderator who uses everything (pairs, a block, check-in answers, a suggestion, an approved
suggestion of someone else's, a server resource, a schedule, the pairing setup) exports a JSON
file holding each piece and nothing of anyone else's, then deletes: afterwards no table and no
column of the database file holds their id, and their partner is paired again at the next round.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.emulator.interactions import InteractionRecord
from tests.emulator.models import Member, Message
from tests.harness import Harness
from tests.pairs_world import ROUND1, WEEK, PairsWorld, make_world

MY_ANSWER = "I finally called my grandmother back."
PARTNER_ANSWER = "A long walk with my dog in the rain."
MY_IDEA = "What is a small kindness you still remember?"
PARTNER_IDEA = "Which song takes you straight back to being twelve?"


@pytest.fixture
async def world(world_harness: Harness) -> PairsWorld:
    world = await make_world(world_harness)
    await world.bot.store.set_review_channel(world_harness.guild.id, world_harness.review.id)
    return world


async def reply(harness: Harness, command: str, user: Member, **options: Any) -> Message:
    record = await harness.emu.slash_command(
        command, channel=harness.general, user=user, options=options or None
    )
    message = await harness.emu.wait_for_reply(record)
    await harness.settle()
    return message


async def click(harness: Harness, message: Message, custom_id: str, user: Member) -> Message:
    record: InteractionRecord = await harness.click(message, custom_id, user=user)
    assert record.acknowledged, record.errors
    return message if record.callback_type == 7 else await harness.emu.wait_for_reply(record)


def sql(path: Path, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(path, timeout=5)
    try:
        with db:
            return db.execute(statement, params).fetchall()
    finally:
        db.close()


def holders(path: Path, user_id: int) -> list[str]:
    """Every table.column of the database file holding ``user_id``, as a number or as text."""
    found = []
    for (table,) in sql(path, "SELECT name FROM sqlite_master WHERE type = 'table'"):
        for column in [row[1] for row in sql(path, f'PRAGMA table_info("{table}")')]:
            [(n,)] = sql(
                path,
                f'SELECT COUNT(*) FROM "{table}" WHERE "{column}" = ? OR "{column}" = ?'
                f' OR CAST("{column}" AS TEXT) LIKE ?',
                (user_id, str(user_id), f"%{user_id}%"),
            )
            if n:
                found.append(f"{table}.{column}")
    return found


async def everything_used_by_the_moderator(world: PairsWorld) -> int:
    """The moderator uses every feature, with alice as partner; the pair group's id."""
    h = world.harness
    mod, alice, bob = h.moderator, h.member, h.other
    await world.setup()
    await world.join(mod, alice)
    await reply(h, "pairs block", mod, member=bob)
    await reply(h, "pairs block", bob, member=mod)  # bob's block on the moderator
    await reply(h, "prompt suggest", mod, text=MY_IDEA, type="emotional")
    await reply(h, "prompt suggest", alice, text=PARTNER_IDEA, type="physical")
    review = await reply(h, "deck review", mod)
    await click(h, review, "suggest:approve:2", mod)  # alice's suggestion, approved by mod
    added = await reply(h, "settings resource-add", mod, name="Mod team", contact="https://x.org")
    assert "Added resource" in added.content
    scheduled = await reply(
        h,
        "schedule add",
        mod,
        kind="daily-prompt",
        channel=h.general,
        time="21:00",
        timezone="Europe/London",
    )
    assert re.search(r"#\d+", scheduled.content), scheduled.content

    await world.tick_at(ROUND1)
    [group] = await world.live_groups()
    assert set(group.user_ids) == {mod.id, alice.id}
    # Check-in answers of both (the check-in commands are driven by other tests).
    path = h.settings.database
    for user, text in ((mod, MY_ANSWER), (alice, PARTNER_ANSWER)):
        sql(
            path,
            "INSERT OR REPLACE INTO checkin_answers (group_id, week, user_id, answers, answered_at)"
            " VALUES (?, 1, ?, ?, '2026-11-30T10:00:00Z')",
            (group.id, user.id, json.dumps({"q-any": text})),
        )
        sql(
            path,
            "INSERT OR REPLACE INTO checkin_connect (group_id, week, user_id, connected)"
            " VALUES (?, 1, ?, 1)",
            (group.id, user.id),
        )
    return group.id


async def export(harness: Harness, user: Member) -> tuple[Message, dict[str, Any], str]:
    message = await reply(harness, "privacy export", user)
    assert message.ephemeral
    [attachment] = message.attachments
    assert attachment.filename.endswith(".json")
    text = attachment.data.decode("utf-8")
    return message, json.loads(text), text


async def test_export_then_delete_covers_every_feature_and_leaves_no_trace(
    world: PairsWorld,
) -> None:
    h = world.harness
    mod, alice, bob = h.moderator, h.member, h.other
    group_id = await everything_used_by_the_moderator(world)
    path = h.settings.database
    assert holders(path, mod.id)

    # -- export: each piece, nothing of anyone else's ---------------------------------------
    message, document, text = await export(h, mod)
    assert "everything I store under your Discord id" in message.content
    data = document["data"]
    assert document["user_id"] == str(mod.id)
    assert [m["guild_id"] for m in data["pairs"]["membership"]] == [str(h.guild.id)]
    assert [b["blocked_id"] for b in data["pairs"]["blocks"]] == [str(bob.id)]
    assert [g["group_id"] for g in data["pairs"]["groups"]] == [str(group_id)]
    assert data["pairs"]["pairing_set_up"][0]["created_by"] == str(mod.id)
    [answers] = data["check-ins"]["answers"]
    assert answers["answers"][0]["answer"] == MY_ANSWER
    assert [s["text"] for s in data["prompts"]["suggestions_written"]] == [MY_IDEA]
    assert [s["text"] for s in data["prompts"]["suggestions_reviewed"]] == [PARTNER_IDEA]
    assert [p["text"] for p in data["prompts"]["prompts_added"]] == [PARTNER_IDEA]
    assert data["resources"]["resources_added"][0]["name"] == "Mod team"
    assert data["schedules"]["schedules_created"][0]["local_time"] == "21:00"
    assert PARTNER_ANSWER not in text  # never the partner's answers
    assert str(alice.id) not in text  # nor anyone else's id, except whom I blocked
    assert "blocked_by" not in data["pairs"]  # bob's block on me is bob's to know

    # -- a different member can't confirm; Cancel deletes nothing ---------------------------
    first = await reply(h, "privacy delete", mod)
    assert first.ephemeral
    assert "can't be undone" in first.content
    ids = [b["custom_id"] for row in first.components for b in row["components"]]
    assert ids == [f"privacy:delete:{mod.id}", f"privacy:cancel:{mod.id}"]
    refused = await h.click(first, f"privacy:delete:{mod.id}", user=alice)
    refusal = await h.emu.wait_for_reply(refused)
    assert refusal.ephemeral
    assert "Only the member who asked" in refusal.content
    await click(h, first, f"privacy:cancel:{mod.id}", mod)
    assert first.content == "Cancelled: nothing was deleted."
    assert first.components == []
    assert holders(path, mod.id)

    # -- delete ------------------------------------------------------------------------------
    confirm = await reply(h, "privacy delete", mod)
    await h.restart()  # the buttons are persistent
    await click(h, confirm, f"privacy:delete:{mod.id}", mod)
    await h.settle()
    assert confirm.content.startswith("Your data is deleted.")
    assert "Removed" in confirm.content and "Ended 1 live pairing" in confirm.content
    assert confirm.components == []

    assert holders(path, mod.id) == []
    # What was alice's stays alice's: her answers, her (approved) suggestion, now unattributed.
    assert sql(path, "SELECT user_id FROM checkin_answers") == [(alice.id,)]
    assert sql(path, "SELECT author_id, reviewed_by FROM suggestions") == [(alice.id, None)]
    # Her pairing ended, and she is told only that.
    ended = await world.bot.store.get_pair_group(group_id)
    assert ended is not None and ended.ended_at is not None
    thread = world.thread_of(ended)
    ending = world.bot_messages(thread)[-1].content
    assert "pairing has ended" in ending and "delet" not in ending.lower()

    # -- again: nothing left, and the export is empty ------------------------------------------
    again = await reply(h, "privacy delete", mod)
    await click(h, again, f"privacy:delete:{mod.id}", mod)
    assert again.content == "Done already: I hold nothing under your Discord id."
    message, document, _ = await export(h, mod)
    assert "I store nothing under your Discord id" in message.content
    assert all(rows == [] for feature in document["data"].values() for rows in feature.values())

    # -- the partner is paired again at the next round -------------------------------------------
    carol = world.people[2]
    await world.join(carol)
    await world.tick_at(ROUND1 + WEEK)
    groups = await world.groups_as_sets()
    assert frozenset({alice.id, carol.id}) in groups
    assert holders(path, mod.id) == []
