"""The content library: typed records from `prompts/`, its loader, the content check, pickers.

Pure: no discord, no database. `load_library()` is what the bot uses at start-up;
`check_library(today=...)` is what `python -m bot check` and the tests use.
"""

from __future__ import annotations

from bot.content.check import Minimums, check_library
from bot.content.errors import ContentError
from bot.content.flow_texts import PLACEHOLDERS, FlowKey, FlowTextError, FlowTexts
from bot.content.library import ContentLibrary, ResourceSet
from bot.content.loader import default_root, load_library
from bot.content.models import (
    Barrier,
    CharacteristicInfo,
    CheckinQuestion,
    Contact,
    Country,
    Deck,
    IntimacyTypeInfo,
    Prompt,
    Resource,
    Scale,
    Source,
    Starter,
)
from bot.content.pickers import (
    PickResult,
    checkin_depth,
    checkin_questions,
    daily_pool,
    pick_unused,
    starter_pool,
)
from bot.content.report import CheckReport, ContentCounts
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
    "PLACEHOLDERS",
    "Barrier",
    "BarrierKey",
    "Characteristic",
    "CharacteristicInfo",
    "CheckReport",
    "CheckinQuestion",
    "Contact",
    "ContactMethod",
    "ContentCounts",
    "ContentError",
    "ContentLibrary",
    "Country",
    "Deck",
    "DeckKind",
    "Depth",
    "FlowKey",
    "FlowTextError",
    "FlowTexts",
    "IntimacyType",
    "IntimacyTypeInfo",
    "Minimums",
    "PickResult",
    "Prompt",
    "Resource",
    "ResourceKind",
    "ResourceSet",
    "Scale",
    "Source",
    "Starter",
    "StarterFormat",
    "check_library",
    "checkin_depth",
    "checkin_questions",
    "daily_pool",
    "default_root",
    "load_library",
    "pick_unused",
    "starter_pool",
]
