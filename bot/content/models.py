"""Typed, immutable records for everything in `prompts/`.

The records mirror the TOML schema in `prompts/README.md` one to one. `file` fields (relative paths
such as ``decks/daily-emotional.toml``) exist so that problems can name where an entry lives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.content.flow_texts import FlowKey, FlowTextError, FlowTexts
from bot.content.vocab import (
    INTL,
    BarrierKey,
    Characteristic,
    ContactMethod,
    DeckKind,
    Depth,
    IntimacyType,
    ResourceKind,
    StarterFormat,
)

__all__ = [
    "INTL",
    "Barrier",
    "BarrierKey",
    "Characteristic",
    "CharacteristicInfo",
    "CheckinQuestion",
    "Contact",
    "ContactMethod",
    "Country",
    "Deck",
    "DeckKind",
    "Depth",
    "FlowKey",
    "FlowTextError",
    "FlowTexts",
    "IntimacyType",
    "IntimacyTypeInfo",
    "Prompt",
    "Resource",
    "ResourceKind",
    "Scale",
    "Source",
    "Starter",
    "StarterFormat",
]


@dataclass(frozen=True, slots=True)
class Deck:
    """A deck file's `[deck]` header."""

    id: str
    kind: DeckKind
    public: bool
    title: str
    description: str
    file: str


@dataclass(frozen=True, slots=True)
class Prompt:
    """A daily connection prompt."""

    id: str
    text: str
    type: IntimacyType
    depth: Depth
    audience_safe: bool
    deck_id: str


@dataclass(frozen=True, slots=True)
class Starter:
    """An intellectual-intimacy conversation starter.

    `positions` and `ground_rules` belong to `respectful-debate`; `reading_window` and `bring_back`
    to `book-article`; they are empty/None for other formats.
    """

    id: str
    text: str
    format: StarterFormat
    depth: Depth
    audience_safe: bool
    deck_id: str
    follow_up: str | None = None
    positions: tuple[str, ...] = ()
    ground_rules: str | None = None
    reading_window: str | None = None
    bring_back: str | None = None

    @property
    def type(self) -> IntimacyType:
        """Starters are always intellectual intimacy."""
        return IntimacyType.INTELLECTUAL


@dataclass(frozen=True, slots=True)
class CheckinQuestion:
    """A weekly check-in question for a pair: `text` is shown and is the modal placeholder."""

    id: str
    text: str
    label: str
    characteristic: Characteristic
    depth: Depth
    audience_safe: bool
    deck_id: str


@dataclass(frozen=True, slots=True)
class Source:
    """A cited work."""

    id: str
    citation: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class IntimacyTypeInfo:
    """The explainer of one intimacy type (`[[type]]` in `learn/intimacy.toml`)."""

    key: IntimacyType
    name: str
    summary: str
    examples: tuple[str, ...]
    research_note: str | None
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CharacteristicInfo:
    """The explainer of one Emotional-Intimacy-Scale characteristic."""

    key: Characteristic
    name: str
    summary: str
    example: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Scale:
    """The explainer of the Emotional Intimacy Scale itself."""

    name: str
    summary: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Barrier:
    """A barrier to closeness with gentle, practical steps."""

    key: BarrierKey
    name: str
    summary: str
    steps: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Country:
    """A country with its emergency number."""

    code: str
    name: str
    aliases: tuple[str, ...]
    emergency: str
    emergency_source: str
    verified: date
    file: str


@dataclass(frozen=True, slots=True)
class Contact:
    """One way to reach a resource."""

    method: ContactMethod
    value: str


@dataclass(frozen=True, slots=True)
class Resource:
    """A help resource: a crisis line, a way to find a therapist, or a directory."""

    id: str
    country: str
    kind: ResourceKind
    name: str
    description: str
    contacts: tuple[Contact, ...]
    source: str
    verified: date
    file: str
    hours: str | None = None
    languages: tuple[str, ...] = ()
