"""The only place that speaks SQL: one connection-owning class with domain-named async methods.

``Store`` composes one query mixin per domain over ``StoreBase``, which owns the connection and
applies the numbered migrations in ``migrations/``.
"""

from __future__ import annotations

from bot.store.base import MIGRATIONS_DIR, Migration, MigrationError, StoreBase, discover_migrations
from bot.store.checkins import CheckinQueries
from bot.store.decks import DeckQueries
from bot.store.guilds import GuildQueries
from bot.store.pairs import PairQueries
from bot.store.privacy import PrivacyQueries
from bot.store.resources import ResourceQueries
from bot.store.schedules import ScheduleQueries
from bot.store.suggestions import SuggestionQueries

__all__ = [
    "MIGRATIONS_DIR",
    "Migration",
    "MigrationError",
    "Store",
    "StoreBase",
    "discover_migrations",
]


class Store(
    ScheduleQueries,
    DeckQueries,
    SuggestionQueries,
    ResourceQueries,
    PairQueries,
    CheckinQueries,
    PrivacyQueries,
    GuildQueries,
    StoreBase,
):
    """The bot's database."""
