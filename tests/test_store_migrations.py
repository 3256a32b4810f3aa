"""Migrations: fresh databases reach the newest version; old ones upgrade; failures roll back."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.store import MIGRATIONS_DIR, MigrationError, Store, discover_migrations


async def test_fresh_database_gets_every_migration(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite3")
    try:
        assert await store.schema_version() == len(discover_migrations())
        assert "guild_settings" in await store.table_names()
    finally:
        await store.close()
    conn = sqlite3.connect(tmp_path / "db.sqlite3")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


async def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    for _ in range(2):
        store = await Store.open(tmp_path / "db.sqlite3")
        await store.record_guild(42)
        await store.close()
    conn = sqlite3.connect(tmp_path / "db.sqlite3")
    versions = [row[0] for row in conn.execute("SELECT version FROM schema_migrations")]
    conn.close()
    assert versions == list(range(1, len(discover_migrations()) + 1))


def _migrations_copy(tmp_path: Path) -> Path:
    directory = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, directory)
    return directory


async def test_upgrade_keeps_data_and_applies_new_migration(tmp_path: Path) -> None:
    directory = _migrations_copy(tmp_path)
    db = tmp_path / "db.sqlite3"
    store = await Store.open(db, migrations_dir=directory)
    await store.record_guild(7)
    old_version = await store.schema_version()
    await store.close()

    (directory / f"{old_version + 1:04d}_add_note.sql").write_text(
        "ALTER TABLE guild_settings ADD COLUMN note TEXT;\n"
        "UPDATE guild_settings SET note = 'kept';\n",
        encoding="utf-8",
    )
    store = await Store.open(db, migrations_dir=directory)
    try:
        assert await store.schema_version() == old_version + 1
        assert await store.guild_count() == 1
    finally:
        await store.close()
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT note FROM guild_settings WHERE guild_id = 7").fetchone() == (
        "kept",
    )
    conn.close()


async def test_failed_migration_rolls_back_whole(tmp_path: Path) -> None:
    directory = _migrations_copy(tmp_path)
    db = tmp_path / "db.sqlite3"
    store = await Store.open(db, migrations_dir=directory)
    version = await store.schema_version()
    await store.close()

    (directory / f"{version + 1:04d}_broken.sql").write_text(
        "CREATE TABLE half_done (x INTEGER);\nINSERT INTO no_such_table VALUES (1);\n",
        encoding="utf-8",
    )
    with pytest.raises(MigrationError, match=f"stays at version {version}"):
        await Store.open(db, migrations_dir=directory)
    conn = sqlite3.connect(db)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    (applied,) = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
    conn.close()
    assert "half_done" not in tables
    assert applied == version


async def test_database_newer_than_code_is_refused(tmp_path: Path) -> None:
    directory = _migrations_copy(tmp_path)
    extra = directory / f"{len(discover_migrations()) + 1:04d}_future.sql"
    extra.write_text("CREATE TABLE future (x INTEGER);\n", encoding="utf-8")
    db = tmp_path / "db.sqlite3"
    await (await Store.open(db, migrations_dir=directory)).close()
    extra.unlink()
    with pytest.raises(MigrationError, match="newer than this bot"):
        await Store.open(db, migrations_dir=directory)


def test_migration_names_have_no_gaps(tmp_path: Path) -> None:
    directory = tmp_path / "m"
    directory.mkdir()
    (directory / "0001_a.sql").write_text("", encoding="utf-8")
    (directory / "0003_c.sql").write_text("", encoding="utf-8")
    with pytest.raises(MigrationError, match="no gaps"):
        discover_migrations(directory)
