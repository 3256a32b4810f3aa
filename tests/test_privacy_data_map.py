"""The privacy data map covers the live schema, and export/erase follow it across every table.

The map (``bot.store.privacy.USER_COLUMNS``) must name every column that can hold a Discord user
id, so a new table with a user column fails here until it is mapped (or declared not a user id).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.privacy import export_document
from bot.store import Store
from bot.store.privacy import NOT_USER_IDS, USER_COLUMNS, Policy, features

ME, PARTNER, MOD = 111_111_111_111_111_111, 222_222_222_222_222_222, 333_333_333_333_333_333
GUILD, OTHER_GUILD = 900_000_000_000_000_001, 900_000_000_000_000_002
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

# A column looks like it could hold a user when its name says so.
_ID_LIKE = re.compile(r"(_id|_ids|_by)$|user|member|author|owner|partner|reviewer|moderator|block")


def unmapped_columns(schema: dict[str, list[tuple[str, str, bool]]]) -> list[str]:
    """Id-like columns neither in the map nor declared "not a user id"."""
    mapped = {c.name for c in USER_COLUMNS}
    return [
        f"{table}.{name}"
        for table, columns in schema.items()
        for name, _type, _notnull in columns
        if _ID_LIKE.search(name)
        and f"{table}.{name}" not in mapped
        and name not in NOT_USER_IDS
        and f"{table}.{name}" not in NOT_USER_IDS
    ]


async def read_schema(store: Store) -> dict[str, list[tuple[str, str, bool]]]:
    return {t: await store.columns_of(t) for t in await store.table_names()}


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "bot.sqlite3")
    try:
        yield opened
    finally:
        await opened.close()


# -- the map against the schema ----------------------------------------------------------------


async def test_every_column_that_can_hold_a_user_id_is_mapped(store: Store) -> None:
    assert unmapped_columns(await read_schema(store)) == []


async def test_a_new_table_with_a_user_column_is_caught_until_it_is_mapped(store: Store) -> None:
    schema = await read_schema(store)
    schema["pair_notes"] = [("guild_id", "INTEGER", True), ("member_id", "INTEGER", True)]
    schema["kudos"] = [("giver", "INTEGER", True), ("thanked_user", "INTEGER", False)]

    assert unmapped_columns(schema) == ["pair_notes.member_id", "kudos.thanked_user"]


async def test_the_map_names_only_real_columns_and_nulls_only_nullable_ones(store: Store) -> None:
    schema = await read_schema(store)
    columns = {
        f"{t}.{name}": (type_, notnull)
        for t, cols in schema.items()
        for name, type_, notnull in cols
    }
    for entry in USER_COLUMNS:
        assert entry.name in columns, f"{entry.name} is mapped but not in the schema"
        type_, notnull = columns[entry.name]
        assert type_ == "INTEGER", entry.name
        if entry.policy is Policy.NULL:
            assert not notnull, f"{entry.name} is NOT NULL: it can't be nulled, delete the row"
    for declared in (n for n in NOT_USER_IDS if "." in n):
        assert declared in columns, f"{declared} is declared but not in the schema"
    assert len({c.name for c in USER_COLUMNS}) == len(USER_COLUMNS)
    assert len({(c.feature, c.key) for c in USER_COLUMNS}) == len(USER_COLUMNS)


# -- export and erase over every mapped column -------------------------------------------------


def seed(path: Path) -> None:
    """One row per mapped column naming ME, beside rows of other members that must stay."""
    db = sqlite3.connect(path)
    t = "2026-11-30T09:00:00Z"
    with db:
        db.executescript(
            f"""
            INSERT INTO pairing_config (guild_id, channel_id, weekday, local_time, timezone,
                created_by) VALUES ({GUILD}, 5, 0, '09:00', 'UTC', {ME});
            INSERT INTO pair_members (guild_id, user_id, timezone, joined_at) VALUES
                ({GUILD}, {ME}, 'Europe/Paris', '{t}'), ({GUILD}, {PARTNER}, NULL, '{t}'),
                ({OTHER_GUILD}, {ME}, NULL, '{t}');
            INSERT INTO pair_blocks (guild_id, user_id, blocked_id, created_at) VALUES
                ({GUILD}, {ME}, {MOD}, '{t}'), ({GUILD}, {PARTNER}, {ME}, '{t}'),
                ({GUILD}, {PARTNER}, {MOD}, '{t}');
            INSERT INTO pair_groups (id, guild_id, round_date, term_weeks, starts_at, ends_at,
                end_reason, ended_at) VALUES
                (1, {GUILD}, '2026-11-30', 4, '{t}', '2026-12-28T09:00:00Z', 'blocked', '{t}');
            INSERT INTO pair_group_members (group_id, user_id) VALUES (1, {ME}), (1, {PARTNER});
            INSERT INTO checkin_weeks (group_id, week, opens_at, closes_at, question_ids,
                claimed_at) VALUES (1, 1, '{t}', '{t}', 'q1', '{t}');
            INSERT INTO checkin_answers (group_id, week, user_id, answers, answered_at) VALUES
                (1, 1, {ME}, '{{"q1": "my own answer"}}', '{t}'),
                (1, 1, {PARTNER}, '{{"q1": "the partner answer"}}', '{t}');
            INSERT INTO checkin_connect (group_id, week, user_id, connected) VALUES
                (1, 1, {ME}, 1), (1, 1, {PARTNER}, 0);
            INSERT INTO guild_prompts (id, guild_id, text, type, depth, author_id, added_by)
                VALUES (1, {GUILD}, 'my approved idea', 'emotional', 1, {ME}, {MOD}),
                       (2, {GUILD}, 'partner idea', 'emotional', 1, {PARTNER}, {ME});
            INSERT INTO suggestions (guild_id, author_id, text, type, status, reviewed_by,
                prompt_id) VALUES
                ({GUILD}, {ME}, 'my approved idea', 'emotional', 'approved', {MOD}, 1),
                ({GUILD}, {ME}, 'my pending idea', 'emotional', 'pending', NULL, NULL),
                ({GUILD}, {PARTNER}, 'partner idea', 'emotional', 'approved', {ME}, 2);
            INSERT INTO schedules (guild_id, kind, channel_id, local_time, timezone, created_by)
                VALUES ({GUILD}, 'daily-prompt', 5, '09:00', 'UTC', {ME});
            INSERT INTO server_resources (guild_id, name, contact, added_by)
                VALUES ({GUILD}, 'Mod team', 'https://example.org', {ME});
            """
        )
    db.close()


def holders(path: Path, user_id: int) -> list[str]:
    """Every table.column of the database file holding ``user_id`` (as a number or in text)."""
    db = sqlite3.connect(path)
    try:
        found = []
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for column in [r[1] for r in db.execute(f"PRAGMA table_info({table})")]:
                (n,) = db.execute(
                    f'SELECT COUNT(*) FROM "{table}" WHERE "{column}" = ?'
                    f' OR CAST("{column}" AS TEXT) LIKE ?',
                    (user_id, f"%{user_id}%"),
                ).fetchone()
                if n:
                    found.append(f"{table}.{column}")
        return found
    finally:
        db.close()


async def test_the_export_holds_every_mapped_row_of_mine_and_nothing_of_anyone_else(
    store: Store,
) -> None:
    seed(store.path)

    export = export_document(
        await store.member_rows(ME),
        user_id=ME,
        now=NOW,
        question_text={"q1": "What made you smile?"}.get,
    )
    data = export.document["data"]
    text = export.to_json()

    assert list(data) == features() == ["pairs", "check-ins", "prompts", "schedules", "resources"]
    assert export.document["user_id"] == str(ME)
    assert [m["guild_id"] for m in data["pairs"]["membership"]] == [str(GUILD), str(OTHER_GUILD)]
    assert [b["blocked_id"] for b in data["pairs"]["blocks"]] == [str(MOD)]
    assert "blocked_by" not in data["pairs"]  # a block on me is the blocker's to know
    [group] = data["pairs"]["groups"]
    assert group["guild_id"] == str(GUILD) and "end_reason" not in group
    [answer] = data["check-ins"]["answers"]
    assert answer["answers"] == [
        {"question_id": "q1", "question": "What made you smile?", "answer": "my own answer"}
    ]
    assert data["check-ins"]["did_you_connect"][0]["connected"] == 1
    assert [s["text"] for s in data["prompts"]["suggestions_written"]] == [
        "my approved idea",
        "my pending idea",
    ]
    assert [s["text"] for s in data["prompts"]["suggestions_reviewed"]] == ["partner idea"]
    assert [p["id"] for p in data["prompts"]["prompts_written"]] == ["1"]
    assert [p["id"] for p in data["prompts"]["prompts_added"]] == ["2"]
    assert len(data["schedules"]["schedules_created"]) == 1
    assert data["resources"]["resources_added"][0]["name"] == "Mod team"
    assert data["pairs"]["pairing_set_up"][0]["created_by"] == str(ME)
    # Nobody else's id, answers or reasons.
    assert str(PARTNER) not in text and "the partner answer" not in text
    assert "blocked" not in json.dumps(group)
    assert export.counts == {
        "pairs": 5,
        "check-ins": 2,
        "prompts": 5,
        "schedules": 1,
        "resources": 1,
    }


async def test_erase_leaves_no_trace_of_me_keeps_shared_rows_and_is_idempotent(
    store: Store,
) -> None:
    seed(store.path)
    # The seed puts my id in every mapped column (a new map entry needs a seed row too).
    assert set(holders(store.path, ME)) == {c.name for c in USER_COLUMNS}
    partner_before = holders(store.path, PARTNER)

    counts = await store.erase_member(ME)

    assert holders(store.path, ME) == []
    assert counts.deleted == {"pairs": 5, "check-ins": 2, "prompts": 2}
    assert counts.unlinked == {"pairs": 1, "prompts": 3, "schedules": 1, "resources": 1}
    # The partner's own rows stay (their answers, membership, suggestion); shared rows stay.
    assert sorted(holders(store.path, PARTNER)) == sorted(partner_before)
    db = sqlite3.connect(store.path)
    try:
        assert db.execute("SELECT COUNT(*) FROM guild_prompts").fetchone() == (2,)
        assert db.execute("SELECT COUNT(*) FROM schedules").fetchone() == (1,)
        assert db.execute("SELECT answers FROM checkin_answers").fetchall() == [
            ('{"q1": "the partner answer"}',)
        ]
        assert db.execute("SELECT blocked_id FROM pair_blocks").fetchall() == [(MOD,)]
    finally:
        db.close()

    again = await store.erase_member(ME)
    assert again.total == 0
    assert [r.rows for r in await store.member_rows(ME)] == [[]] * sum(
        1 for c in USER_COLUMNS if c.exported
    )
