"""The store's server resources and support role: per server, bounded, never another server's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.store import Store

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "db.sqlite3")
    yield opened
    await opened.close()


async def add(store: Store, guild_id: int, name: str, *, limit: int = 25) -> int | None:
    added = await store.add_server_resource(
        guild_id,
        name=name,
        contact="https://example.org",
        description=None,
        country=None,
        added_by=7,
        created_at=NOW,
        limit=limit,
    )
    return added.id if added else None


async def test_add_list_and_remove_within_one_server(store: Store) -> None:
    first = await store.add_server_resource(
        10,
        name="Mod team",
        contact="+64 21 000 000",
        description="Message us any time",
        country="NZ",
        added_by=7,
        created_at=NOW,
        limit=25,
    )
    assert first is not None
    assert (first.name, first.contact, first.country, first.added_by) == (
        "Mod team",
        "+64 21 000 000",
        "NZ",
        7,
    )
    assert first.created_at == "2026-11-23T12:00:00Z"
    second = await add(store, 10, "Peer line")
    other = await add(store, 99, "Elsewhere")
    assert [r.name for r in await store.server_resources(10)] == ["Mod team", "Peer line"]
    assert other is not None
    # Another server's id is neither visible nor removable from here.
    assert await store.server_resource(10, other) is None
    assert not await store.remove_server_resource(10, other)
    assert await store.server_resource(99, other) is not None
    assert await store.remove_server_resource(10, first.id)
    assert [r.id for r in await store.server_resources(10)] == [second]


async def test_ids_are_never_reused(store: Store) -> None:
    first = await add(store, 10, "One")
    assert first is not None
    await store.remove_server_resource(10, first)
    assert await add(store, 10, "Two") == first + 1


async def test_limit_per_server(store: Store) -> None:
    assert await add(store, 10, "One", limit=2) is not None
    assert await add(store, 10, "Two", limit=2) is not None
    assert await add(store, 10, "Three", limit=2) is None
    assert await add(store, 11, "Other server", limit=2) is not None


async def test_author_export_and_forget(store: Store) -> None:
    await add(store, 10, "One")
    assert [r.name for r in await store.server_resources_added_by(7)] == ["One"]
    assert await store.forget_resource_author(7) == 1
    assert await store.server_resources_added_by(7) == []
    assert [r.added_by for r in await store.server_resources(10)] == [None]


async def test_support_role_set_and_clear(store: Store) -> None:
    assert await store.support_role_id(10) is None
    await store.set_support_role(10, 555)
    assert await store.support_role_id(10) == 555
    await store.set_review_channel(10, 777)
    assert await store.support_role_id(10) == 555
    await store.set_support_role(10, None)
    assert await store.support_role_id(10) is None
    assert await store.review_channel_id(10) == 777
