"""Where each text is shown, and so how long it may be.

Discord's limits are hard (the API rejects a longer text); the schema's limits in
`prompts/README.md` are tighter, editorial ones. Each field is mapped to the surface it is shown on
so that a failure says why the limit exists.
"""

from __future__ import annotations

from dataclasses import dataclass

# Discord's limits, in characters.
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
MODAL_LABEL = 45
MODAL_PLACEHOLDER = 100
MESSAGE = 2000
CHOICE_NAME = 100  # slash-command choice and autocomplete names


@dataclass(frozen=True, slots=True)
class TextLimit:
    """Allowed length of a text and the surface it is shown on."""

    min: int
    max: int
    shown: str

    def problem(self, text: str) -> str | None:
        """Why `text` does not fit, or None."""
        size = len(text)
        if size > self.max:
            return f"{size} chars, longer than {self.max} ({self.shown})"
        if size < self.min:
            return f"{size} chars, shorter than {self.min}"
        return None


def _limit(low: int, high: int, shown: str) -> TextLimit:
    return TextLimit(low, high, shown)


LIMITS: dict[str, TextLimit] = {
    # Decks
    "deck.title": _limit(3, EMBED_TITLE, "embed title"),
    "deck.description": _limit(10, EMBED_FIELD_VALUE, "embed field in /deck stats"),
    "daily.text": _limit(10, 300, "embed description of a posted prompt"),
    "starter.text": _limit(10, 300, "embed description of a posted starter"),
    "starter.follow_up": _limit(1, 200, "embed field"),
    "starter.positions": _limit(1, 150, "embed field, one per position"),
    "starter.ground_rules": _limit(1, 300, "embed field"),
    "starter.reading_window": _limit(1, 60, "embed field"),
    "starter.bring_back": _limit(1, 200, "embed field"),
    "checkin.text": _limit(10, MODAL_PLACEHOLDER, "pair space and modal placeholder"),
    "checkin.label": _limit(3, MODAL_LABEL, "modal field label"),
    # Check-in flow
    "flow.text": _limit(1, MESSAGE, "message in the pair space"),
    # Learn
    "source.citation": _limit(10, 500, "embed field listing sources"),
    "type.name": _limit(3, CHOICE_NAME, "command choice and embed title"),
    "type.summary": _limit(10, 1000, "embed description"),
    "type.examples": _limit(3, 200, "embed field bullet"),
    "type.research_note": _limit(10, 1000, "embed field"),
    "characteristic.name": _limit(3, CHOICE_NAME, "embed title"),
    "characteristic.summary": _limit(10, 1000, "embed description"),
    "characteristic.example": _limit(10, 300, "embed field"),
    "scale.name": _limit(3, EMBED_TITLE, "embed title"),
    "scale.summary": _limit(10, 2000, "embed description"),
    "barrier.name": _limit(3, CHOICE_NAME, "command choice and embed title"),
    "barrier.summary": _limit(10, 1000, "embed description"),
    "barrier.steps": _limit(3, 200, "embed field bullet"),
    # Resources
    "country.name": _limit(2, CHOICE_NAME, "autocomplete choice"),
    "country.aliases": _limit(2, CHOICE_NAME, "autocomplete choice"),
    "country.emergency": _limit(2, 40, "embed field"),
    "resource.name": _limit(3, EMBED_FIELD_NAME, "embed field name"),
    "resource.description": _limit(10, 300, "embed field value"),
    "resource.hours": _limit(2, 100, "embed field value"),
    "resource.contact": _limit(2, 200, "embed field value"),
}
