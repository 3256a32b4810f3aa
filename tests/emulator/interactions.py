"""Injected interactions and everything the bot answered to them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from tests.emulator.models import FLAG_EPHEMERAL, FLAG_LOADING, Message, User
from tests.emulator.payloads import walk_components
from tests.emulator.state import Upload
from tests.emulator.util import Json
from tests.emulator.waiters import Waiters

# Interaction types.
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
AUTOCOMPLETE = 4
MODAL_SUBMIT = 5

#: How long an interaction token stays usable (Discord: 15 minutes).
TOKEN_LIFETIME = 15 * 60.0


@dataclass
class InteractionRecord:
    """An interaction the emulator sent, and the bot's answers to it.

    ``callback_type`` is the first (and only allowed) callback: 4 message, 5 deferred,
    6 deferred update, 7 update message, 8 autocomplete result, 9 modal. ``original`` is the
    message ``@original`` refers to; ``followups`` are later webhook messages.
    """

    id: int
    token: str
    type: int
    payload: Json
    user: User
    guild_id: int | None
    channel_id: int | None
    created_at: float
    name: str | None = None
    source_message: Message | None = None
    callback_type: int | None = None
    callback: Json | None = None
    callback_files: list[Upload] = field(default_factory=list)
    original: Message | None = None
    followups: list[Message] = field(default_factory=list)
    modal: Json | None = None
    choices: list[Json] | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def acknowledged(self) -> bool:
        """Whether the bot has sent its callback."""
        return self.callback_type is not None

    @property
    def message(self) -> Message | None:
        """The visible response (``@original``)."""
        return self.original

    @property
    def content(self) -> str | None:
        """Content of ``@original``."""
        return None if self.original is None else self.original.content

    @property
    def embeds(self) -> list[Json]:
        """Embeds of ``@original``."""
        return [] if self.original is None else self.original.embeds

    @property
    def components(self) -> list[Json]:
        """Components of ``@original``."""
        return [] if self.original is None else self.original.components

    @property
    def flags(self) -> int:
        """Message flags of ``@original`` (64 = ephemeral)."""
        return 0 if self.original is None else self.original.flags

    @property
    def ephemeral(self) -> bool:
        """Whether ``@original`` is ephemeral."""
        return bool(self.flags & FLAG_EPHEMERAL)

    @property
    def loading(self) -> bool:
        """Whether ``@original`` is still the "thinking..." placeholder of a deferral."""
        return bool(self.flags & FLAG_LOADING)

    def custom_ids(self) -> list[str]:
        """Every component custom_id on ``@original`` (buttons, selects), in order."""
        return [c["custom_id"] for c in walk_components(self.components) if "custom_id" in c]

    def __repr__(self) -> str:
        return f"<Interaction {self.name or self.type} id={self.id} callback={self.callback_type}>"


class InteractionRegistry:
    """Interactions by id and token, with waiters woken whenever one changes."""

    def __init__(self) -> None:
        self.by_id: dict[int, InteractionRecord] = {}
        self.by_token: dict[str, InteractionRecord] = {}
        self.changes: Waiters[InteractionRecord] = Waiters()

    @staticmethod
    def new_token() -> str:
        """A token shaped like Discord's (long, URL-safe)."""
        return "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)

    def add(self, record: InteractionRecord) -> InteractionRecord:
        """Register a record."""
        self.by_id[record.id] = record
        self.by_token[record.token] = record
        return record

    def changed(self, record: InteractionRecord) -> None:
        """Wake waiters after the bot answered something."""
        self.changes.notify(record)

    def all(self) -> list[InteractionRecord]:
        """Every interaction, oldest first."""
        return list(self.by_id.values())
