"""Per-server settings and one-time notices."""

from __future__ import annotations

from bot.store.base import StoreBase


class GuildQueries(StoreBase):
    """Servers the bot is in and their configuration."""

    async def record_guild(self, guild_id: int) -> None:
        """Remember a server the bot is in (idempotent)."""
        await self._execute(
            "INSERT INTO guild_settings (guild_id) VALUES (?) ON CONFLICT DO NOTHING", (guild_id,)
        )

    async def guild_count(self) -> int:
        row = await self._fetchone("SELECT COUNT(*) FROM guild_settings")
        return int(row[0]) if row else 0

    async def review_channel_id(self, guild_id: int) -> int | None:
        """Where moderators read suggestions and notices, if they chose a channel."""
        row = await self._fetchone(
            "SELECT review_channel_id FROM guild_settings WHERE guild_id = ?", (guild_id,)
        )
        return int(row[0]) if row and row[0] is not None else None

    async def set_review_channel(self, guild_id: int, channel_id: int) -> None:
        await self._execute(
            "INSERT INTO guild_settings (guild_id, review_channel_id) VALUES (?, ?)"
            " ON CONFLICT (guild_id) DO UPDATE SET review_channel_id = excluded.review_channel_id",
            (guild_id, channel_id),
        )

    async def claim_notice(self, guild_id: int, key: str, now_iso: str) -> bool:
        """True the first time a notice with this key is claimed for a server, False after."""
        changed = await self._execute(
            "INSERT INTO notices (guild_id, key, sent_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (guild_id, key, now_iso),
        )
        return changed == 1

    async def forget_notice(self, guild_id: int, key: str) -> None:
        """Let a notice be sent again (its cause was fixed)."""
        await self._execute("DELETE FROM notices WHERE guild_id = ? AND key = ?", (guild_id, key))
