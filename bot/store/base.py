"""The connection-owning base of the store: opening, pragmas, migrations, small query helpers.

Migrations are the numbered ``migrations/NNNN_name.sql`` files beside this module, applied in order
at open, each in one transaction together with the row that records it, so a crash or an error
leaves the database at the previous version, never half-way.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import aiosqlite

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class MigrationError(Exception):
    """A migration failed; the database was left at the version named in the message."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    path: Path


def discover_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migrations in ``directory``, by version; gaps and duplicates are programming errors."""
    found: list[Migration] = []
    for path in sorted(directory.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise MigrationError(f"migration file {path.name} is not named NNNN_name.sql")
        found.append(Migration(int(match.group(1)), match.group(2), path))
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise MigrationError(
                f"migration {migration.path.name}: expected version {expected:04d} (no gaps)"
            )
    return found


class StoreBase:
    """An open SQLite database (WAL, foreign keys, busy timeout) at the newest schema."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        # One connection serves every coroutine: writes and transactions take turns, or one
        # coroutine's statement could land inside (and roll back with) another's transaction.
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str, *, migrations_dir: Path = MIGRATIONS_DIR) -> Self:
        """Open (creating if needed) the database and bring its schema up to date."""
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so transactions are explicit.
        conn = await aiosqlite.connect(path, isolation_level=None)
        try:
            conn.row_factory = aiosqlite.Row
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA busy_timeout = 5000")
            await conn.execute("PRAGMA synchronous = NORMAL")
            store = cls(conn, path)
            await store._migrate(discover_migrations(migrations_dir))
        except BaseException:
            await conn.close()
            raise
        return store

    async def close(self) -> None:
        """Checkpoint and close the connection."""
        await self._conn.close()

    async def _migrate(self, migrations: list[Migration]) -> None:
        await self._conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))"
        )
        current = await self.schema_version()
        known = len(migrations)
        if current > known:
            raise MigrationError(
                f"the database is at schema version {current}, newer than this bot ({known}): "
                "run a newer version of the bot"
            )
        for migration in migrations[current:]:
            sql = migration.path.read_text(encoding="utf-8")
            # executescript runs the whole file; wrapping it in BEGIN ... COMMIT keeps the
            # migration and its record atomic (executescript commits anything pending first).
            script = (
                "BEGIN IMMEDIATE;\n"
                f"{sql}\n;\n"
                "INSERT INTO schema_migrations (version, name) "
                f"VALUES ({migration.version}, '{migration.name}');\n"
                f"PRAGMA user_version = {migration.version};\n"
                "COMMIT;"
            )
            try:
                await self._conn.executescript(script)
            except Exception as exc:
                if self._conn.in_transaction:
                    await self._conn.execute("ROLLBACK")
                raise MigrationError(
                    f"migration {migration.path.name} failed ({exc}); "
                    f"the database stays at version {migration.version - 1}"
                ) from exc
            log.info("applied migration %s", migration.path.name)

    async def schema_version(self) -> int:
        """The newest applied migration's version (0 for a fresh database)."""
        async with self._conn.execute("SELECT MAX(version) FROM schema_migrations") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    async def table_names(self) -> list[str]:
        """Every user table, for privacy scans and tests."""
        async with self._conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        ) as cur:
            return [str(row[0]) for row in await cur.fetchall()]

    async def _fetchone(self, sql: str, params: tuple[Any, ...] = ()) -> aiosqlite.Row | None:
        async with self._conn.execute(sql, params) as cur:
            return await cur.fetchone()

    async def _fetchall(self, sql: str, params: tuple[Any, ...] = ()) -> list[aiosqlite.Row]:
        async with self._conn.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def _execute(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        """Run one write statement on its own; the number of rows it changed."""
        async with self._write_lock, self._conn.execute(sql, params) as cur:
            return cur.rowcount

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error), holding the write lock throughout."""
        async with self._write_lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")
