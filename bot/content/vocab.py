"""The closed vocabularies of the content schema (see `prompts/README.md`).

Each vocabulary is a `StrEnum` (or `IntEnum` for depth) whose values are exactly the strings used in
the TOML files, so parsing is `IntimacyType(value)` and the enum can back a slash-command choice.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class IntimacyType(StrEnum):
    """The four intimacy types."""

    EMOTIONAL = "emotional"
    INTELLECTUAL = "intellectual"
    EXPERIENTIAL = "experiential"
    PHYSICAL = "physical"

    @property
    def display_name(self) -> str:
        """Human name, e.g. "Emotional"."""
        return self.value.capitalize()

    @property
    def id_prefix(self) -> str:
        """The id prefix of daily prompts of this type, e.g. ``emo-``."""
        return _TYPE_PREFIXES[self]


_TYPE_PREFIXES: dict[IntimacyType, str] = {
    IntimacyType.EMOTIONAL: "emo-",
    IntimacyType.INTELLECTUAL: "int-",
    IntimacyType.EXPERIENTIAL: "exp-",
    IntimacyType.PHYSICAL: "phy-",
}


class Depth(IntEnum):
    """How personal a question is: 1 light, 2 medium, 3 deep."""

    LIGHT = 1
    MEDIUM = 2
    DEEP = 3

    @property
    def display_name(self) -> str:
        """Human name, e.g. "light"."""
        return self.name.lower()


class StarterFormat(StrEnum):
    """The ten formats of intellectual-intimacy conversation starters."""

    DEEP_CONVERSATION = "deep-conversation"
    RESPECTFUL_DEBATE = "respectful-debate"
    SHARED_LEARNING = "shared-learning"
    PUZZLES_STRATEGY = "puzzles-strategy"
    BOOK_ARTICLE = "book-article"
    ENCOURAGING_PURSUITS = "encouraging-pursuits"
    COLLABORATION = "collaboration"
    VALUING_OPINIONS = "valuing-opinions"
    BRAINSTORMING = "brainstorming"
    KNOWLEDGE_INTEREST = "knowledge-interest"

    @property
    def display_name(self) -> str:
        """Human name shown in the `/starter format:` choice (<= 100 chars)."""
        return _FORMAT_NAMES[self]


_FORMAT_NAMES: dict[StarterFormat, str] = {
    StarterFormat.DEEP_CONVERSATION: "Deep conversation",
    StarterFormat.RESPECTFUL_DEBATE: "Respectful debate",
    StarterFormat.SHARED_LEARNING: "Shared learning",
    StarterFormat.PUZZLES_STRATEGY: "Puzzles and strategy games",
    StarterFormat.BOOK_ARTICLE: "Book or article discussion",
    StarterFormat.ENCOURAGING_PURSUITS: "Encouraging each other's pursuits",
    StarterFormat.COLLABORATION: "Collaboration",
    StarterFormat.VALUING_OPINIONS: "Valuing each other's opinions",
    StarterFormat.BRAINSTORMING: "Brainstorming",
    StarterFormat.KNOWLEDGE_INTEREST: "Interest in each other's knowledge",
}


class Characteristic(StrEnum):
    """The five dimensions of the Emotional Intimacy Scale, used to choose check-in questions."""

    KNOWLEDGE = "knowledge"
    MUTUALITY = "mutuality"
    TRUST = "trust"
    COMMITMENT = "commitment"
    CARING = "caring"

    @property
    def display_name(self) -> str:
        """Human name, e.g. "Trust"."""
        return self.value.capitalize()


class BarrierKey(StrEnum):
    """The common barriers to closeness explained by `/intimacy barriers`."""

    FEAR_OF_VULNERABILITY = "fear-of-vulnerability"
    PAST_TRAUMA = "past-trauma"
    COMMUNICATION_ISSUES = "communication-issues"
    LACK_OF_TRUST = "lack-of-trust"
    SELF_ESTEEM = "self-esteem"

    @property
    def display_name(self) -> str:
        """Human name, e.g. "Self-esteem challenges"."""
        return _BARRIER_NAMES[self]


_BARRIER_NAMES: dict[BarrierKey, str] = {
    BarrierKey.FEAR_OF_VULNERABILITY: "Fear of vulnerability",
    BarrierKey.PAST_TRAUMA: "Past trauma",
    BarrierKey.COMMUNICATION_ISSUES: "Communication issues",
    BarrierKey.LACK_OF_TRUST: "Lack of trust",
    BarrierKey.SELF_ESTEEM: "Self-esteem challenges",
}


class ContactMethod(StrEnum):
    """How a help resource is reached."""

    CALL = "call"
    TEXT = "text"
    CHAT = "chat"
    WEB = "web"
    EMAIL = "email"
    APP = "app"


class DeckKind(StrEnum):
    """What a deck file holds."""

    DAILY = "daily"
    STARTER = "starter"
    CHECKIN = "checkin"


class ResourceKind(StrEnum):
    """What kind of help a resource offers."""

    CRISIS = "crisis"
    THERAPIST = "therapist"
    DIRECTORY = "directory"


INTL = "INTL"
"""The pseudo country code of resources that serve every country (the fallback)."""
