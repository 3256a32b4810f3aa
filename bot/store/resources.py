"""A server's own help resources and the role "Need support" may notify."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.store.base import StoreBase


@dataclass(frozen=True, slots=True)
class ServerResource:
    """A help resource a server's moderators added; shown first in that server's `/resources`."""

    id: int
    guild_id: int
    name: str
    contact: str
    description: str | None
    country: str | None  # None: for everyone in the server, whatever their country
    added_by: int | None
    created_at: str

    @classmethod
    def from_row(cls, row: aiosqlite.Row) -> ServerResource:
        return cls(
            id=row["id"],
            guild_id=row["guild_id"],
            name=row["name"],
            contact=row["contact"],
            description=row["description"],
            country=row["country"],
            added_by=row["added_by"],
            created_at=row["created_at"],
        )


class ResourceQueries(StoreBase):
    """Server resources and the support role."""

    async def add_server_resource(
        self,
        guild_id: int,
        *,
        name: str,
        contact: str,
        description: str | None,
        country: str | None,
        added_by: int | None,
        created_at: datetime,
        limit: int,
    ) -> ServerResource | None:
        """Add a resource, or None when the server already has ``limit`` of them.

        The count and the insert share one transaction, so two moderators adding at once cannot
        both squeeze past the limit.
        """
        async with self._transaction() as conn:
            async with conn.execute(
                "SELECT COUNT(*) FROM server_resources WHERE guild_id = ?", (guild_id,)
            ) as cur:
                row = await cur.fetchone()
            if row is not None and int(row[0]) >= limit:
                return None
            cur = await conn.execute(
                "INSERT INTO server_resources"
                " (guild_id, name, contact, description, country, added_by, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    guild_id,
                    name,
                    contact,
                    description,
                    country,
                    added_by,
                    created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                ),
            )
            new_id = cur.lastrowid
        return await self.server_resource(guild_id, new_id or 0)

    async def server_resource(self, guild_id: int, resource_id: int) -> ServerResource | None:
        """One of this server's resources (never another server's)."""
        row = await self._fetchone(
            "SELECT * FROM server_resources WHERE id = ? AND guild_id = ?", (resource_id, guild_id)
        )
        return ServerResource.from_row(row) if row else None

    async def server_resources(self, guild_id: int) -> list[ServerResource]:
        """Every resource of a server, oldest first."""
        rows = await self._fetchall(
            "SELECT * FROM server_resources WHERE guild_id = ? ORDER BY id", (guild_id,)
        )
        return [ServerResource.from_row(row) for row in rows]

    async def remove_server_resource(self, guild_id: int, resource_id: int) -> bool:
        """Delete one of this server's resources; False when it has no resource with that id."""
        changed = await self._execute(
            "DELETE FROM server_resources WHERE id = ? AND guild_id = ?", (resource_id, guild_id)
        )
        return changed == 1

    async def server_resources_added_by(self, user_id: int) -> list[ServerResource]:
        """Resources a member added as a moderator, in any server (for a privacy export)."""
        rows = await self._fetchall(
            "SELECT * FROM server_resources WHERE added_by = ? ORDER BY id", (user_id,)
        )
        return [ServerResource.from_row(row) for row in rows]

    async def forget_resource_author(self, user_id: int) -> int:
        """Drop a member's id from the resources they added (privacy delete); how many changed.

        The resources themselves stay: they belong to the server, not to the moderator.
        """
        return await self._execute(
            "UPDATE server_resources SET added_by = NULL WHERE added_by = ?", (user_id,)
        )

    async def support_role_id(self, guild_id: int) -> int | None:
        """The role "Need support" may notify (only with the member's consent), if one is set."""
        row = await self._fetchone(
            "SELECT support_role_id FROM guild_settings WHERE guild_id = ?", (guild_id,)
        )
        return int(row[0]) if row and row[0] is not None else None

    async def set_support_role(self, guild_id: int, role_id: int | None) -> None:
        """Set (or, with None, clear) the server's support role."""
        await self._execute(
            "INSERT INTO guild_settings (guild_id, support_role_id) VALUES (?, ?)"
            " ON CONFLICT (guild_id) DO UPDATE SET support_role_id = excluded.support_role_id",
            (guild_id, role_id),
        )
