"""The unsafe-term matcher: whole words, case-insensitive, few false alarms."""

from __future__ import annotations

import pytest

from bot.content.unsafe_terms import UNSAFE_TERMS, find_unsafe_terms


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Sex ed was awkward", ["Sex"]),
        ("any self-harm", ["self-harm"]),
        ("Self Harm", ["Self Harm"]),
        ("suicidal thoughts", ["suicidal"]),
        ("a KISS on the cheek", ["KISS"]),
        ("an abusive boss", ["abusive"]),
        ("trauma-informed", ["trauma"]),
        ("your first nudes", ["nudes"]),
    ],
)
def test_unsafe_terms_are_found(text: str, found: list[str]) -> None:
    assert find_unsafe_terms(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "Sussex, Essex and Middlesex",
        "a brass sextant and a sextet",
        "stars seen with the naked eye",
        "can you make out the shape?",
        "work out the kinks in the plan",
        "cut yourself some slack",
        "extra virgin olive oil",
        "hook up the projector",
        "a bad rapport, grapes, therapists",
    ],
)
def test_innocent_words_are_not_flagged(text: str) -> None:
    assert find_unsafe_terms(text) == []


def test_every_category_has_terms() -> None:
    assert set(UNSAFE_TERMS) == {"sexual content", "self-harm and suicide", "trauma and abuse"}
    assert all(terms for terms in UNSAFE_TERMS.values())
